"""A candidate that makes the failing tests pass but fails other tests of the test command is no
fix, and its verdict names the tests it broke: a run that ends with it as the best partial then
lists them as failing after (``BuiltinEngine._result``). SWE-bench's django-16046 had reported
"failing after: none" for a best partial that failed five other tests of the command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from swebot.engines.validation import Validator
from swebot.testing import TestRunner
from tests.test_regression_check import FAILING, GRADES, INI, SIBLINGS
from tests.test_testing_runner import write_repo

WHOLE_FILE = "python -m pytest -q tests/test_grades.py"
SIBLING_IDS = {f"tests/test_grades.py::{name}" for name in
               ("test_top_marks", "test_eighty_five_is_a_b", "test_seventy_five_is_a_c", "test_low_is_f")}
FAILING_ID = "tests/test_grades.py::test_ninety_is_an_a"


@dataclass(frozen=True)
class Edit:
    changes: tuple[tuple[str, str], ...]


def validator_for(tmp_path: Path, *, use_fork_server: bool) -> tuple[Validator, str]:
    sandbox = write_repo(tmp_path, {"grades.py": GRADES, "tests/test_grades.py": FAILING + SIBLINGS,
                                    "pytest.ini": INI})
    runner = TestRunner(sandbox, WHOLE_FILE)
    failing = sorted(runner.run().failing)
    assert failing == [FAILING_ID]
    original = sandbox.read_file("grades.py").decode()
    validator = Validator(sandbox, runner, failing, {"grades.py": original}, timeout=60)
    assert validator.fork.usable  # the server calibrates on this project
    if not use_fork_server:
        validator.fork.usable = False
    return validator, original


@pytest.mark.parametrize("use_fork_server", [True, False], ids=["fork-server", "one-run-per-candidate"])
def test_the_verdict_of_a_candidate_that_fails_other_tests_of_the_command_names_them(
    tmp_path: Path, use_fork_server: bool
) -> None:
    validator, original = validator_for(tmp_path, use_fork_server=use_fork_server)
    overreach = Edit((("grades.py", original.replace("score > 90", "score <= 90")),))
    [verdict] = validator.validate_batch([overreach], time_left=120)
    assert verdict.fixed == {FAILING_ID}
    assert not verdict.plausible
    assert verdict.broken == SIBLING_IDS

