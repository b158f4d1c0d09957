"""Which files the builtin engine may edit: none of the repository's test tree.

A test passes when the code does what it checks, or when the check is weakened. The second kind
of "fix" passed SWE-bench's grading in runs of this engine (a test helper edited, the tested path
switched off), and a patch that changes the tests is not a repair whoever grades it. Localization
already leaves out most test code from its ranking, by its own rules; this is the engine's rule,
applied to whatever ranking it gets: a file under a ``tests/`` or ``testing/`` folder (pytest keeps
its own tests and their helpers in ``testing/``), ``test_*.py``, ``*_test.py`` or ``conftest.py``;
and the modules of the package that the test run loads as its machinery (machinery.py).
"""

from __future__ import annotations

from typing import Collection, Sequence

from swebot.localize.sbfl import SuspiciousLine

TEST_FOLDERS = frozenset({"tests", "testing"})


def in_test_tree(path: str) -> bool:
    """Whether ``path`` (relative to the repository root) belongs to the repository's tests."""
    *folders, name = path.replace("\\", "/").split("/")
    return (name == "conftest.py"
            or (name.startswith("test_") and name.endswith(".py"))
            or name.endswith("_test.py")
            or any(folder in TEST_FOLDERS for folder in folders))


def edit_targets(ranking: Sequence[SuspiciousLine], machinery: Collection[str] = ()) -> list[SuspiciousLine]:
    """``ranking`` without the lines of test files and of the test run's ``machinery`` (paths of
    the package's modules that the run loads as plugins or test helpers: machinery.py), in its order."""
    return [s for s in ranking if not in_test_tree(s.path) and s.path not in machinery]
