"""Test commands that are not pytest (Django's tests/runtests.py, SymPy's bin/test) in the repair
loop: TestRunner reads their verbose logs, narrows them to selected tests, records per-test
coverage, and the builtin and LLM engines repair and verify through them.

The repositories are small and real: a runtests.py that loads module labels and runs unittest at
verbosity 2 (as Django's does), a bin/test that runs the test_ functions of the files it is given
and prints SymPy's verbose lines.
"""

from __future__ import annotations

import io
import json
import shlex
import sys
from pathlib import Path
from typing import Callable

import pytest

from swebot.sandbox.local import LocalSandbox
from swebot.testing import NO_RESULT, TestRunner
from swebot.testing.readers import DJANGO, SYMPY, narrowed_command, reader_for
from tests.fake_openai import FakeOpenAI, call_reply
from tests.test_cli_fix import fix

PY = shlex.quote(sys.executable)

OPS = '''
    def add(a, b):
        return a - b


    def neg(a):
        return -a
    '''
FIXED_ADD = "def add(a, b):\n    return a + b\n"

DJANGO_FILES = {
    "calc/__init__.py": "",
    "calc/ops.py": OPS,
    "tests/runtests.py": '''
        #!/usr/bin/env python
        """Stands in for Django's runtests.py: module labels, unittest's verbose stream on stderr."""
        import argparse
        import os
        import sys
        import unittest

        parser = argparse.ArgumentParser()
        parser.add_argument("labels", nargs="*")
        parser.add_argument("--verbosity", type=int, default=1)
        parser.add_argument("--settings")
        parser.add_argument("--parallel", type=int, default=0)
        args = parser.parse_args()
        here = os.path.dirname(os.path.abspath(__file__))
        sys.path[:0] = [here, os.path.dirname(here)]
        suite = unittest.defaultTestLoader.loadTestsFromNames(args.labels or ["calc_tests.tests"])
        result = unittest.TextTestRunner(verbosity=args.verbosity).run(suite)
        sys.exit(0 if result.wasSuccessful() else 1)
        ''',
    "tests/calc_tests/__init__.py": "",
    "tests/calc_tests/tests.py": '''
        import unittest

        from calc.ops import add, neg


        class OpsTest(unittest.TestCase):
            def test_add(self):
                self.assertEqual(add(2, 3), 5)

            def test_neg(self):
                self.assertEqual(neg(2), -2)
        ''',
}
DJANGO_COMMAND = f"{PY} tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1 calc_tests.tests"
ADD_ID, NEG_ID = "test_add (calc_tests.tests.OpsTest)", "test_neg (calc_tests.tests.OpsTest)"

SYMPY_FILES = {
    "calc/__init__.py": "",
    "calc/ops.py": OPS,
    "bin/test": '''
        #!/usr/bin/env python
        """Stands in for SymPy's bin/test: test_ functions of the given files, one verbose line each."""
        import optparse
        import os
        import sys

        parser = optparse.OptionParser()
        parser.add_option("-C", "--no-cache", action="store_true")
        parser.add_option("--verbose", "-v", action="store_true")
        parser.add_option("-k", dest="kw", default="")
        options, files = parser.parse_args()
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        sys.path.insert(0, root)
        from calc.utilities.runtests import test

        sys.exit(0 if test(root, files, options.kw) else 1)
        ''',
    "calc/utilities/__init__.py": "",
    # As in SymPy (sympy/utilities/runtests.py), the runner's own driver is named test(): coverage's
    # test_function contexts must still file each line under the test_ function that ran it.
    "calc/utilities/runtests.py": '''
        import importlib.util
        import os


        def test(root, files, kw):
            failed = False
            for path in files:
                spec = importlib.util.spec_from_file_location(path[:-3].replace("/", "."), os.path.join(root, path))
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                names = [n for n in sorted(vars(module)) if n.startswith("test_") and kw in n]
                print("%s[%d] " % (path, len(names)))
                for name in names:
                    try:
                        getattr(module, name)()
                        status = "ok"
                    except AssertionError:
                        status, failed = "F", True
                    except Exception:
                        status, failed = "E", True
                    print("%s %s" % (name, status))
            return not failed
        ''',
    "calc/tests/__init__.py": "",
    "calc/tests/test_ops.py": '''
        from calc.ops import add, neg


        def test_add():
            assert add(2, 3) == 5


        def test_neg():
            assert neg(2) == -2
        ''',
}
SYMPY_COMMAND = f"PYTHONWARNINGS='ignore::UserWarning' {PY} bin/test -C --verbose calc/tests/test_ops.py"


# -- recognising and narrowing the commands ------------------------------------------------------

def test_the_reader_comes_from_the_command() -> None:
    assert reader_for("./tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1 admin_views.tests") \
        is DJANGO
    assert reader_for("export LANG=en_US.UTF-8\nexport LC_ALL=en_US.UTF-8; python tests/runtests.py x") is DJANGO
    assert reader_for("PYTHONWARNINGS='ignore::UserWarning' bin/test -C --verbose sympy/core/tests/test_x.py") \
        is SYMPY
    assert reader_for("python -m pytest -q tests/test_runtests.py") is None
    assert reader_for("python -m pytest") is None
    # only the command that runs last decides: a setup step calling runtests.py does not
    assert reader_for("python tests/runtests.py --help; python -m pytest") is None


def test_django_commands_are_narrowed_to_test_labels() -> None:
    command = "export LANG=C.UTF-8; ./tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1 a.tests b"
    narrowed = narrowed_command(DJANGO, command, ["test_x (a.tests.T)", "test_y (b.tests.U.test_y)"])
    assert narrowed == ("export LANG=C.UTF-8; ./tests/runtests.py --verbosity 2 --settings=test_sqlite "
                        "--parallel 1 a.tests.T.test_x b.tests.U.test_y")
    assert narrowed_command(DJANGO, "./tests/runtests.py --settings x a", ["test_x (a.T)"]) == \
        "./tests/runtests.py --settings x a.T.test_x"
    # a docstring line names no test class: the whole command runs and is filtered
    assert narrowed_command(DJANGO, command, ["Regression test for #123"]) is None
    assert narrowed_command(DJANGO, "./tests/runtests.py a | tee log", ["test_x (a.T)"]) is None


def test_sympy_commands_select_one_test_by_keyword() -> None:
    command = "PYTHONWARNINGS='ignore::UserWarning,ignore::SyntaxWarning' bin/test -C --verbose s/t/test_a.py"
    assert narrowed_command(SYMPY, command, ["test_one"]) == \
        "PYTHONWARNINGS=ignore::UserWarning,ignore::SyntaxWarning bin/test -k test_one -C --verbose s/t/test_a.py"
    assert narrowed_command(SYMPY, command, ["test_one", "test_two"]) is None


# -- TestRunner on the runners ---------------------------------------------------------------------

@pytest.mark.parametrize("files,command,failing,passing", [
    (DJANGO_FILES, DJANGO_COMMAND, ADD_ID, NEG_ID),
    (SYMPY_FILES, SYMPY_COMMAND, "test_add", "test_neg"),
], ids=["django", "sympy"])
def test_runner_reads_the_log_selects_and_records_coverage(make_repo: Callable[..., Path], files: dict[str, str],
                                                           command: str, failing: str, passing: str) -> None:
    repo = make_repo(files)
    with LocalSandbox(repo) as sandbox:
        runner = TestRunner(sandbox, command, timeout=120)
        assert runner.reader is not None and runner.select_command == command
        report = runner.run()
        assert report.failing == {failing} and report.passing == {passing}
        assert report.exit_code == 1 and not report.timed_out

        selected = runner.run([failing, "test_gone (calc_tests.tests.OpsTest)"])
        assert [c.nodeid for c in selected.cases] == [failing, "test_gone (calc_tests.tests.OpsTest)"]
        assert selected.case(failing).outcome == "failed"  # type: ignore[union-attr]  # the case is there: asserted above
        gone = selected.case("test_gone (calc_tests.tests.OpsTest)")
        assert gone is not None and gone.outcome == "error" and gone.message == NO_RESULT

        report, coverage = runner.run_with_coverage()
        assert report.failing == {failing}
        # each test's own lines: add's body under the failing test, neg's under the passing one
        assert coverage[failing]["calc/ops.py"] >= {2} and 6 not in coverage[failing]["calc/ops.py"]
        assert 6 in coverage[passing]["calc/ops.py"] and 2 not in coverage[passing]["calc/ops.py"]
        assert not any(path.startswith(".swebot") for lines in coverage.values() for path in lines)


def test_a_runner_without_coverage_installed_says_so(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    from swebot.errors import EnvironmentProblem

    venv = tmp_path / "bare"
    import venv as venv_module

    venv_module.create(venv, with_pip=False)
    repo = make_repo(DJANGO_FILES)
    command = DJANGO_COMMAND.replace(PY, shlex.quote(str(venv / "bin" / "python")))
    with LocalSandbox(repo) as sandbox:
        with pytest.raises(EnvironmentProblem, match="coverage.py is not installed"):
            TestRunner(sandbox, command, timeout=120).run_with_coverage()


# -- the engines ---------------------------------------------------------------------------------

@pytest.mark.parametrize("files,command", [(DJANGO_FILES, DJANGO_COMMAND), (SYMPY_FILES, SYMPY_COMMAND)],
                         ids=["django", "sympy"])
def test_builtin_engine_repairs_through_the_runner(make_repo: Callable[..., Path], swebot_cli, tmp_path: Path,
                                                   files: dict[str, str], command: str) -> None:
    repo = make_repo(files)
    run = tmp_path / "run"
    result = fix(swebot_cli, str(repo), "--test", command, "--json", "--output", str(run))
    assert result.returncode == 0, (result.stdout, result.stderr)
    data = json.loads(result.stdout)
    assert data["status"] == "fixed", data["description"]
    assert data["files_changed"] == ["calc/ops.py"]
    assert "-    return a - b\n+    return a + b" in data["patch"]
    assert data["failing_after"] == []


def test_llm_engine_runs_and_verifies_through_django_runtests(make_repo: Callable[..., Path],
                                                              tmp_path: Path) -> None:
    from swebot.engines.llm import LLMEngine
    from swebot.types import Budget, Task
    from swebot.workspace import snapshot
    from tests.test_llm_engine import API_KEY, settings

    ws = snapshot(make_repo(DJANGO_FILES))
    script = [
        call_reply("run_tests", {"tests": [ADD_ID]}, reasoning="see it fail"),
        call_reply("edit_symbol", {"path": "calc/ops.py", "symbol": "add", "code": FIXED_ADD}, reasoning="fix"),
        call_reply("run_tests", {"tests": [ADD_ID]}, reasoning="check the fix"),
        call_reply("submit", {"summary": "add() subtracted"}, reasoning="done"),
    ]
    try:
        with FakeOpenAI(script) as server:
            engine = LLMEngine(settings(server, tmp_path), environ={"MOONSHOT_API_KEY": API_KEY},
                               stderr=io.StringIO())
            task = Task(workspace=ws.path, test_command=DJANGO_COMMAND, issue=None, test_timeout=120)
            with LocalSandbox(ws.path) as sandbox:
                result = engine.repair(task, sandbox, Budget(max_steps=10), lambda e, f: None)
            observations = [m["content"] for m in server.requests[-1].body["messages"] if m["role"] == "tool"]
    finally:
        ws.cleanup()
    assert result.status == "fixed", result.details
    assert result.failing_before == (ADD_ID,) and result.failing_after == ()
    assert "return a + b" in result.patch
    # the model saw the runner's verdicts by test id: failing first, passing after the edit
    assert ADD_ID in observations[0] and observations[0].startswith("1 failed"), observations[0]
    assert observations[-1].startswith("1 passed"), observations[-1]


def test_a_log_runner_refuses_a_pytest_selection_command(tmp_path: Path) -> None:
    sandbox = LocalSandbox(tmp_path)
    with pytest.raises(ValueError, match="selects tests itself"):
        TestRunner(sandbox, DJANGO_COMMAND, select_command="python -m pytest")
    # its own command as the selection command is what the engines' clones pass: accepted
    assert TestRunner(sandbox, DJANGO_COMMAND, select_command=DJANGO_COMMAND).reader is DJANGO
