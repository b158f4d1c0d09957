"""Running a project's tests (pytest, through a Sandbox) and reading back their results."""

from swebot.testing.diagnose import diagnose_baseline
from swebot.testing.junit import JUnitError, JUnitResult, parse_junit
from swebot.testing.runner import CoverageMap, TestRunner
from swebot.testing.selection import NO_RESULT

__all__ = [
    "CoverageMap",
    "JUnitError",
    "JUnitResult",
    "NO_RESULT",
    "TestRunner",
    "diagnose_baseline",
    "parse_junit",
]
