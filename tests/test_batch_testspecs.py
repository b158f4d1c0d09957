"""Evaluating instances whose tests are not pytest node ids: Django's runtests.py, SymPy's bin/test.

The log excerpts follow the real formats; the end-to-end runs use small git repositories named
django/django and sympy/sympy whose runner scripts really run tests and print those formats.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from swebot.batch.dataset import Instance
from swebot.batch.evaluate import EvaluateSettings, evaluate_one
from swebot.testing.logs import django_key, parse_django_log, parse_sympy_log
from swebot.batch.testspecs import (LogSpec, PytestSpec, UnsupportedTests, django_labels, looks_like_pytest_id,
                                    spec_for)
from swebot.cli import main
from tests.gitrepo import git, write_files
from tests.swebench_fixtures import _commit, _side_diff

# --- parsing ---------------------------------------------------------------------------------

DJANGO_LOG = """\
Testing against Django installed in '/testbed/django'
Importing application admin_views
Found 9 test(s).
Skipping setup of unused database(s): other.
Operations to perform:
  Synchronize unmigrated apps: admin_views, auth, contenttypes, messages, sessions, staticfiles
  Apply all migrations: admin, sites
Synchronizing apps without migrations:
  Creating tables...
    Running deferred SQL...
Running migrations:
  Applying admin.0001_initial... OK
  Applying sites.0002_alter_domain_unique... OK
System check identified no issues (0 silenced).
  Applying sites.0003_x...test_no_migrations (admin_views.tests.MigrateTests) ... ok
test_add (admin_views.tests.AdminViewBasicTest) ... ok
test_change_list (admin_views.tests.AdminViewBasicTest) ... FAIL
test_delete (admin_views.tests.AdminViewBasicTest) ... ERROR
test_gis (admin_views.tests.AdminViewBasicTest) ... skipped 'Database has feature(s) supports_gis'
test_history (admin_views.tests.AdminViewBasicTest)
Regression test for #10348: history view lists changes. ... ok
test_known_bug (admin_views.tests.AdminViewBasicTest) ... expected failure
test_lucky (admin_views.tests.AdminViewBasicTest) ... unexpected success
test_noisy (admin_views.tests.AdminViewBasicTest) ... Internal Server Error: /test_admin/admin/
ok
test_params (admin_views.tests.AdminViewBasicTest) ...
  test_params (admin_views.tests.AdminViewBasicTest) (value=2) ... FAIL

======================================================================
FAIL: test_change_list (admin_views.tests.AdminViewBasicTest)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/testbed/tests/admin_views/tests.py", line 120, in test_change_list
    self.assertEqual(response.status_code, 200)
AssertionError: 302 != 200

----------------------------------------------------------------------
Ran 9 tests in 0.512s

FAILED (failures=2, errors=1, skipped=1, expected failures=1, unexpected successes=1)
Destroying test database for alias 'default'...
"""

# Python 3.11+ spells ids with the method repeated; a failed import is a _FailedTest.
DJANGO_LOG_PY311 = """\
test_ok (forms_tests.tests.FormsTest.test_ok) ... ok
test_doc (forms_tests.tests.FormsTest.test_doc)
Widgets render their attrs. ... FAIL
test_gone (unittest.loader._FailedTest.test_gone) ... ERROR
"""


def test_django_log_outcomes() -> None:
    cases = parse_django_log(DJANGO_LOG).cases
    outcome = {key: case.outcome for key, case in cases.items()}
    base = "admin_views.tests.AdminViewBasicTest"
    assert outcome[f"test_add ({base})"] == "passed"
    assert outcome[f"test_change_list ({base})"] == "failed"
    assert outcome[f"test_delete ({base})"] == "error"
    assert outcome[f"test_gis ({base})"] == "skipped"
    assert cases[f"test_gis ({base})"].message == "Database has feature(s) supports_gis"
    # the docstring line is a second name for the test, as SWE-bench records it
    assert outcome[f"test_history ({base})"] == "passed"
    assert outcome["Regression test for #10348: history view lists changes."] == "passed"
    assert outcome[f"test_known_bug ({base})"] == "skipped"
    assert outcome[f"test_lucky ({base})"] == "failed"
    assert outcome[f"test_noisy ({base})"] == "passed"  # its status came after its output
    assert outcome[f"test_params ({base})"] == "failed"  # a failing subtest fails the test
    assert outcome["test_no_migrations (admin_views.tests.MigrateTests)"] == "passed"  # behind migration output
    assert not any("0001_initial" in key for key in cases)


def test_django_ids_match_across_python_versions() -> None:
    parsed = parse_django_log(DJANGO_LOG_PY311)
    assert parsed.cases[django_key("test_ok (forms_tests.tests.FormsTest)")].outcome == "passed"
    assert parsed.cases[django_key("test_ok (forms_tests.tests.FormsTest.test_ok)")].outcome == "passed"
    assert parsed.cases["Widgets render their attrs."].outcome == "failed"
    assert parsed.cases[django_key("test_doc (forms_tests.tests.FormsTest)")].outcome == "failed"
    assert parsed.collection_errors == ("test_gone",)


SYMPY_LOG = """\
============================= test process starts ==============================
executable:         /opt/miniconda3/envs/testbed/bin/python  (3.9.19-final-0) [CPython]
architecture:       64-bit
cache:              no
ground types:       python
numpy:              None
random seed:        51853744
hash randomization: on (PYTHONHASHSEED=2414227405)

sympy/core/tests/test_numbers.py[7]
test_integers ok
test_issue_1234 F
test_issue_5678 E
test_known_limit f
test_now_works X
test_needs_numpy numpy not installed s
test_slow_one Slow w                                                      [FAIL]

sympy/core/tests/test_gone.py[?]   Failed to import                       [FAIL]

________________________________________________________________________________
__________ sympy/core/tests/test_numbers.py:test_issue_5678 ___________
Traceback (most recent call last):
ZeroDivisionError: division by zero
________________________________________________________________________________
_________ sympy/core/tests/test_numbers.py::test_issue_1234 __________
AssertionError

= tests finished: 1 passed, 1 failed, 2 skipped, 1 expected to fail, 1 expected to fail but passed, 2 exceptions, in 0.21 seconds =
DO *NOT* COMMIT!
"""


def test_sympy_log_outcomes() -> None:
    parsed = parse_sympy_log(SYMPY_LOG)
    outcome = {key: case.outcome for key, case in parsed.cases.items()}
    assert outcome == {"test_integers": "passed", "test_issue_1234": "failed", "test_issue_5678": "error",
                       "test_known_limit": "skipped", "test_now_works": "passed",
                       "test_needs_numpy": "skipped", "test_slow_one": "skipped"}
    assert parsed.cases["test_needs_numpy"].message == "numpy not installed"
    assert parsed.collection_errors == ("sympy/core/tests/test_gone.py",)


def test_last_test_of_a_file_shares_its_line_with_the_file_verdict() -> None:
    log = "sympy/a/tests/test_b.py[2]\ntest_one ok\ntest_two ok" + " " * 60 + "[OK]\n"
    assert {k: c.outcome for k, c in parse_sympy_log(log).cases.items()} == {"test_one": "passed",
                                                                           "test_two": "passed"}


# --- choosing a spec -------------------------------------------------------------------------

def _instance(repo: str, ids: list[str], test_patch: str = "", version: str = "") -> Instance:
    return Instance(instance_id="x__y-1", repo=repo, base_commit="abcd1234", problem_statement="",
                    test_patch=test_patch, FAIL_TO_PASS=ids, version=version)


DJANGO_TEST_PATCH = ("diff --git a/tests/admin_views/tests.py b/tests/admin_views/tests.py\n"
                     "diff --git a/tests/admin_views/__init__.py b/tests/admin_views/__init__.py\n"
                     "diff --git a/tests/templates/a.html b/tests/templates/a.html\n"
                     "diff --git a/django/test/utils.py b/django/test/utils.py\n"
                     "diff --git a/tests/i18n/sampleproject/views.py b/tests/i18n/sampleproject/views.py\n")


def test_spec_by_repository_without_the_harness_package() -> None:
    """swebot's own readers, with the harness's recorded test commands where it has a spec."""
    def spec(instance: Instance, *args: str) -> Any:
        return spec_for(instance, *args, use_harness=False)

    django = spec(_instance("django/django", ["test_a (admin_views.tests.T)"], DJANGO_TEST_PATCH, "4.2"))
    assert isinstance(django, LogSpec)
    # the harness's command: its test_cmd, then every file of the test_patch as a module label
    assert django.command.endswith("./tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1 "
                                   "admin_views.tests admin_views.__init__ templates.a.html django.test.utils "
                                   "i18n.sampleproject.views")
    django3 = spec(_instance("django/django", ["test_a (admin_views.tests.T)"], DJANGO_TEST_PATCH, "3.0"))
    assert django3.command.startswith("sed -i '/en_US.UTF-8/s/^# //g' /etc/locale.gen && locale-gen\n"
                                      "export LANG=en_US.UTF-8\n")  # the spec's eval_commands come first
    old = spec(_instance("django/django", ["test_a (admin_views.tests.T)"], DJANGO_TEST_PATCH, "0.9"))
    assert isinstance(old, LogSpec) and "--parallel" not in old.command  # no spec: swebot's rule
    # no version, so no harness spec: swebot's labels (test modules only)
    guessed = spec(_instance("django/django", ["test_a (admin_views.tests.T)"], DJANGO_TEST_PATCH))
    assert guessed.command == ("python tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1 "
                               "admin_views.tests i18n.sampleproject.views")
    # no test module in the test_patch: the modules named by the ids
    fallback = spec(_instance("django/django", ["test_a (admin_views.tests.T.test_a)"]))
    assert isinstance(fallback, LogSpec) and fallback.command.endswith(" admin_views.tests")
    sympy_patch = "diff --git a/sympy/core/tests/test_basic.py b/sympy/core/tests/test_basic.py\n"
    sympy = spec(_instance("sympy/sympy", ["test_x"], sympy_patch))
    assert isinstance(sympy, LogSpec)
    assert sympy.command == "python bin/test -C --verbose sympy/core/tests/test_basic.py"
    sympy_recorded = spec(_instance("sympy/sympy", ["test_x"], sympy_patch, "1.12"))
    assert sympy_recorded.command == ("PYTHONWARNINGS='ignore::UserWarning,ignore::SyntaxWarning' bin/test -C "
                                      "--verbose sympy/core/tests/test_basic.py")
    pytest_spec = spec(_instance("acme/shop", ["tests/test_a.py::test_b[x (y)]"]), "python -m pytest -x")
    assert pytest_spec == PytestSpec("python -m pytest -x")
    assert django_labels(DJANGO_TEST_PATCH) == ("admin_views.tests", "i18n.sampleproject.views")


def test_ids_no_runner_can_select_are_refused() -> None:
    assert looks_like_pytest_id("tests/test_a.py::TestX::test_y[1]") and looks_like_pytest_id("test_a.py")
    assert not looks_like_pytest_id("test_a (app.tests.T)") and not looks_like_pytest_id("test_issue_12")
    with pytest.raises(UnsupportedTests, match="not pytest node ids"):
        spec_for(_instance("acme/widgets", ["test_a (widgets.tests.T)"]))
    with pytest.raises(UnsupportedTests, match="Django test modules"):
        spec_for(_instance("django/django", ["Some docstring line."]))


# --- end to end ------------------------------------------------------------------------------

DJANGO_RUNTESTS = '''
    #!/usr/bin/env python
    """A miniature of Django's tests/runtests.py: unittest at --verbosity 2 over the labels."""
    import argparse
    import os
    import sys
    import unittest

    TESTS = os.path.dirname(os.path.abspath(__file__))
    sys.path[:0] = [TESTS, os.path.dirname(TESTS)]
    parser = argparse.ArgumentParser()
    parser.add_argument("labels", nargs="*")
    parser.add_argument("-v", "--verbosity", type=int, default=1)
    parser.add_argument("--settings")
    parser.add_argument("--parallel", type=int)
    options = parser.parse_args()
    print(f"Testing against Django installed in {TESTS!r}")
    print("System check identified no issues (0 silenced).")
    suite = unittest.defaultTestLoader.loadTestsFromNames(options.labels)
    result = unittest.TextTestRunner(verbosity=options.verbosity).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)
'''
DJANGO_OPS = '''
    def add(a, b):
        return a + b


    def sub(a, b):
        return a - b


    def mul(a, b):
        return a * abs(b)
'''
DJANGO_OPS_TESTS = '''
    import unittest

    from mathlib.ops import add, mul, sub


    class OpsTests(unittest.TestCase):
        def test_add(self):
            self.assertEqual(add(2, 3), 5)

        def test_sub(self):
            """Subtraction undoes addition.

            More words that the runner does not print."""
            self.assertEqual(sub(add(2, 3), 3), 2)

        @unittest.skip("needs a database")
        def test_database(self):
            pass
'''
# added by the test_patch (same indentation as the file it extends)
DJANGO_NEW_TEST = '''
        def test_mul_negative(self):
            for b in (-1, -2):
                with self.subTest(b=b):
                    self.assertEqual(mul(3, b), 3 * b)
'''
SYMPY_BIN_TEST = '''
    #!/usr/bin/env python
    """A miniature of SymPy's bin/test: runs each file's test_* functions, prints the --verbose format."""
    import importlib.util
    import os
    import sys
    import traceback

    ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, ROOT)
    from sympy.testing.pytest import Skipped, XFail, XPass

    WIDTH = 80
    column = 0
    counts = {"passed": 0, "failed": 0, "exceptions": 0, "skipped": 0, "xfail": 0, "xpass": 0}
    problems = []


    def write(text):
        global column
        sys.stdout.write(text)
        column = len(text) - text.rfind("\\n") - 1 if "\\n" in text else column + len(text)


    def write_right(text):
        write(" " * max(WIDTH - column - len(text), 0) + text)


    write(" test process starts ".center(WIDTH, "=") + "\\n")
    write(f"executable:         {sys.executable}\\n\\n")
    for path in [a for a in sys.argv[1:] if not a.startswith("-")]:
        try:
            spec = importlib.util.spec_from_file_location("t", os.path.join(ROOT, path))
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        except Exception:
            counts["exceptions"] += 1
            write(path + "[?]   Failed to import ")
            write_right("[FAIL]")
            write("\\n")
            continue
        tests = [f for name, f in vars(module).items() if name.startswith("test_") and callable(f)]
        write(f"{path}[{len(tests)}] ")
        file_failed = False
        for test in tests:
            write("\\n" + test.__name__ + " ")
            try:
                test()
            except XFail:
                counts["xfail"] += 1
                write("f")
            except XPass:
                counts["xpass"] += 1
                write("X")
            except Skipped as why:
                counts["skipped"] += 1
                write(f"{why} s")
            except AssertionError:
                counts["failed"] += 1
                file_failed = True
                problems.append(f"{path}::{test.__name__}\\n{traceback.format_exc()}")
                write("F")
            except Exception:
                counts["exceptions"] += 1
                file_failed = True
                problems.append(f"{path}:{test.__name__}\\n{traceback.format_exc()}")
                write("E")
            else:
                counts["passed"] += 1
                write("ok")
        write(" ")
        write_right("[FAIL]" if file_failed else "[OK]")
        write("\\n\\n")
    for problem in problems:
        title, _, text = problem.partition("\\n")
        write("_" * WIDTH + "\\n" + f" {title} ".center(WIDTH, "_") + "\\n" + text + "\\n")
    write(" tests finished: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + " ")
    write("\\n")
    ok = not counts["failed"] and not counts["exceptions"]
    if not ok:
        write("DO *NOT* COMMIT!\\n")
    sys.exit(0 if ok else 1)
'''
SYMPY_PYTEST = '''
    class Skipped(Exception):
        pass


    class XFail(Exception):
        pass


    class XPass(Exception):
        pass


    def skip(reason):
        raise Skipped(reason)


    def XFAIL(func):
        def wrapper():
            try:
                func()
            except Exception:
                raise XFail(func.__name__)
            raise XPass(func.__name__)
        wrapper.__name__ = func.__name__
        return wrapper
'''
SYMPY_NUMBERS = '''
    def gcd(a, b):
        while b:
            a, b = b, a % b
        return a


    def lcm(a, b):
        return a * b // gcd(a, b)
'''
SYMPY_NUMBERS_TESTS = '''
    from sympy.core.numbers import gcd, lcm
    from sympy.testing.pytest import XFAIL, skip


    def test_gcd():
        assert gcd(12, 18) == 6


    def test_lcm():
        assert lcm(4, 6) == 12


    @XFAIL
    def test_lcm_of_fractions():
        assert lcm(0.5, 2) == 2.5


    def test_needs_numpy():
        skip("numpy not installed")


    def test_prints():
        print("computing...")
        assert gcd(2, 4) == 2
'''
SYMPY_NEW_TEST = '''

    def test_issue_1234():
        assert lcm(-4, 6) == 12
'''


def _django_repo(mirrors: Path) -> dict[str, object]:
    repo = mirrors / "django" / "django"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, {"tests/runtests.py": DJANGO_RUNTESTS})
    (repo / "tests" / "runtests.py").chmod(0o755)  # the harness runs ./tests/runtests.py, as Django ships it
    base = _commit(repo, {"mathlib/__init__.py": "", "mathlib/ops.py": DJANGO_OPS,
                          "tests/ops_tests/__init__.py": "", "tests/ops_tests/tests.py": DJANGO_OPS_TESTS},
                   "django v1")
    test_patch = _side_diff(repo, base, {
        "tests/ops_tests/tests.py": DJANGO_OPS_TESTS + DJANGO_NEW_TEST,
        "tests/regression_tests/__init__.py": "",
        "tests/regression_tests/tests.py": '''
            import unittest

            from mathlib.ops import mul


            class RegressionTests(unittest.TestCase):
                def test_mul_by_minus_one(self):
                    self.assertEqual(mul(5, -1), -5)
        '''}, "django-tests")
    gold = _side_diff(repo, base, {"mathlib/ops.py": DJANGO_OPS.replace("a * abs(b)", "a * b")}, "django-gold")
    wrong = _side_diff(repo, base, {"NOTES.md": "not a fix\n"}, "django-wrong")
    # right for -1 only: the regression test passes, one subtest of test_mul_negative fails
    partial = _side_diff(repo, base, {"mathlib/ops.py": DJANGO_OPS.replace(
        "return a * abs(b)", "return -a if b == -1 else a * abs(b)")}, "django-partial")
    instance = {
        "instance_id": "django__django-1", "repo": "django/django", "base_commit": base,
        "problem_statement": "mul() ignores the sign of its second argument.", "test_patch": test_patch,
        "version": "4.2",
        # the old id spelling and the Python 3.11+ one; the docstring line as SWE-bench records it
        "FAIL_TO_PASS": json.dumps(["test_mul_negative (ops_tests.tests.OpsTests)",
                                    "test_mul_by_minus_one (regression_tests.tests.RegressionTests"
                                    ".test_mul_by_minus_one)"]),
        "PASS_TO_PASS": json.dumps(["test_add (ops_tests.tests.OpsTests)", "Subtraction undoes addition."]),
    }
    return {"instance": instance, "gold": gold, "wrong": wrong, "partial": partial}


def _sympy_repo(mirrors: Path) -> dict[str, object]:
    repo = mirrors / "sympy" / "sympy"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, {"bin/test": SYMPY_BIN_TEST})
    (repo / "bin" / "test").chmod(0o755)  # the harness runs bin/test, as SymPy ships it
    base = _commit(repo, {"sympy/__init__.py": "", "sympy/core/__init__.py": "",
                          "sympy/core/numbers.py": SYMPY_NUMBERS, "sympy/testing/__init__.py": "",
                          "sympy/testing/pytest.py": SYMPY_PYTEST, "sympy/core/tests/__init__.py": "",
                          "sympy/core/tests/test_numbers.py": SYMPY_NUMBERS_TESTS}, "sympy v1")
    test_patch = _side_diff(repo, base, {
        "sympy/core/tests/test_numbers.py": SYMPY_NUMBERS_TESTS + SYMPY_NEW_TEST}, "sympy-tests")
    gold = _side_diff(repo, base, {"sympy/core/numbers.py": SYMPY_NUMBERS.replace(
        "return a * b // gcd(a, b)", "return abs(a * b) // gcd(a, b)")}, "sympy-gold")
    wrong = _side_diff(repo, base, {"NOTES.md": "not a fix\n"}, "sympy-wrong")
    instance = {
        "instance_id": "sympy__sympy-1", "repo": "sympy/sympy", "base_commit": base,
        "problem_statement": "lcm() of a negative number is negative.", "test_patch": test_patch,
        "version": "1.1",
        "FAIL_TO_PASS": json.dumps(["test_issue_1234"]),
        "PASS_TO_PASS": json.dumps(["test_gcd", "test_lcm", "test_prints"]),
    }
    return {"instance": instance, "gold": gold, "wrong": wrong}


@pytest.fixture
def repos(tmp_path: Path) -> dict[str, object]:
    mirrors = tmp_path / "mirrors"
    return {"mirrors": mirrors, "django": _django_repo(mirrors), "sympy": _sympy_repo(mirrors)}


def _settings(repos: dict[str, object], tmp_path: Path) -> EvaluateSettings:
    return EvaluateSettings(sandbox="local", repo_source=f"{repos['mirrors']}/{{repo}}", cache_dir=tmp_path / "cache",
                            test_timeout=120)


@pytest.mark.parametrize("project", ["django", "sympy"])
def test_gold_resolves_and_a_patch_that_does_not_fix_is_unresolved(repos, tmp_path: Path, project: str) -> None:
    fixture = repos[project]
    instance = Instance.model_validate(fixture["instance"])
    settings = _settings(repos, tmp_path)
    resolved = evaluate_one(instance, fixture["gold"], settings)
    assert (resolved.outcome, resolved.no_result, resolved.error) == ("resolved", (), "")
    unresolved = evaluate_one(instance, fixture["wrong"], settings)
    assert unresolved.outcome == "unresolved"
    assert unresolved.fail_to_pass_failing == instance.FAIL_TO_PASS
    assert unresolved.pass_to_pass_failing == () and unresolved.no_result == ()


def test_one_failing_subtest_leaves_the_instance_unresolved(repos, tmp_path: Path) -> None:
    instance = Instance.model_validate(repos["django"]["instance"])
    verdict = evaluate_one(instance, repos["django"]["partial"], _settings(repos, tmp_path))
    assert verdict.outcome == "unresolved"
    assert verdict.fail_to_pass_failing == ("test_mul_negative (ops_tests.tests.OpsTests)",)
    assert verdict.pass_to_pass_failing == () and verdict.no_result == ()


def test_an_id_the_log_never_mentions_is_failing_and_named(repos, tmp_path: Path) -> None:
    record = dict(repos["django"]["instance"])
    gone = "test_removed (ops_tests.tests.OpsTests)"
    record["PASS_TO_PASS"] = json.dumps(["test_add (ops_tests.tests.OpsTests)", gone])
    verdict = evaluate_one(Instance.model_validate(record), repos["django"]["gold"], _settings(repos, tmp_path))
    assert verdict.outcome == "unresolved"
    assert verdict.pass_to_pass_failing == (gone,) and verdict.no_result == (gone,)
    assert gone in verdict.error and "counted as failing" in verdict.error


def test_batch_evaluate_cli(repos, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    foreign = {"instance_id": "acme__widgets-1", "repo": "acme/widgets", "base_commit": "abcd1234",
               "problem_statement": "x", "FAIL_TO_PASS": ["test_a (widgets.tests.WidgetTests)"]}
    instances = tmp_path / "instances.jsonl"
    instances.write_text("".join(json.dumps(r) + "\n" for r in (
        repos["django"]["instance"], repos["sympy"]["instance"], foreign)))
    predictions = tmp_path / "preds.jsonl"
    predictions.write_text("".join(json.dumps({"instance_id": iid, "model_patch": patch}) + "\n" for iid, patch in (
        ("django__django-1", repos["django"]["gold"]), ("sympy__sympy-1", repos["sympy"]["wrong"]),
        ("acme__widgets-1", "diff --git a/w.py b/w.py\n"))))
    report_path = tmp_path / "report.json"
    status = main(["batch", "evaluate", "--instances", str(instances), "--predictions", str(predictions),
                   "--report", str(report_path), "--sandbox", "local", "--cache-dir", str(tmp_path / "cache"),
                   "--repo-source", f"{repos['mirrors']}/{{repo}}", "--workers", "2"])
    out = capsys.readouterr().out
    assert status == 0
    report = json.loads(report_path.read_text())
    assert report["resolved"] == ["django__django-1"]
    assert report["unresolved"] == ["sympy__sympy-1"]
    assert report["instances"]["sympy__sympy-1"]["fail_to_pass_failing"] == ["test_issue_1234"]
    assert report["error"] == ["acme__widgets-1"]
    assert "not pytest node ids" in report["instances"]["acme__widgets-1"]["error"]
    assert "resolved 1/3, unresolved 1, error 1" in out


def test_oracle_tests_drive_the_repositorys_own_runner(repos, tmp_path: Path) -> None:
    from swebot.batch.driver import run_batch
    from swebot.batch.settings import BatchSettings
    from swebot.repair import FixReport

    instances = [Instance.model_validate(repos[name]["instance"]) for name in ("django", "sympy")]
    seen: dict[str, Any] = {}

    def fake_fix(request: Any) -> FixReport:
        seen[Path(request.output_dir).name] = request.test_command
        return FixReport(status="fixed", patch="", files_changed=(), failing_before=(), failing_after=(),
                         candidates_tried=1, seconds=0.1, run_dir=Path(request.output_dir))

    settings = BatchSettings(output=tmp_path / "out", sandbox="local", repo_source=f"{repos['mirrors']}/{{repo}}",
                             cache_dir=tmp_path / "cache", use_swebench_images=False, oracle_tests=True)
    summary = run_batch(instances, settings, None, fix=fake_fix).summary
    # the harness's test command on the test_patch's files (its labels, __init__ included)
    assert seen["django__django-1"] == ("./tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1 "
                                        "ops_tests.tests regression_tests.__init__ regression_tests.tests")
    assert seen["sympy__sympy-1"] == ("PYTHONWARNINGS='ignore::UserWarning,ignore::SyntaxWarning' bin/test -C "
                                      "--verbose sympy/core/tests/test_numbers.py")
    for name in ("django__django-1", "sympy__sympy-1"):
        assert summary["instances"][name]["oracle_tests"] is True, summary["instances"][name]


def test_builtin_engine_repairs_a_django_instance_through_runtests(repos, tmp_path: Path, monkeypatch) -> None:
    """The real loop: runtests.py's log for the baseline, per-test coverage for localization, the
    runner narrowed to the failing tests for each candidate; then `batch evaluate` agrees."""
    import os
    import sys

    from swebot.batch.driver import run_batch
    from swebot.batch.settings import BatchSettings

    # ./tests/runtests.py runs under `python` from PATH: the one with coverage.py, as in an environment image
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    instance = Instance.model_validate(repos["django"]["instance"])
    settings = BatchSettings(output=tmp_path / "out", sandbox="local", repo_source=f"{repos['mirrors']}/{{repo}}",
                             cache_dir=tmp_path / "cache", use_swebench_images=False, oracle_tests=True,
                             engine="builtin", time_limit=300)
    summary = run_batch([instance], settings, None).summary
    entry = summary["instances"]["django__django-1"]
    assert entry["status"] == "fixed", entry
    run = json.loads((tmp_path / "out" / "instances" / "django__django-1" / "report.json").read_text())
    assert run["failing_before"] == ["test_mul_by_minus_one (regression_tests.tests.RegressionTests)",
                                     "test_mul_negative (ops_tests.tests.OpsTests)"], run
    assert run["failing_after"] == []
    assert summary["resolved_oracle"] == ["django__django-1"]
    prediction = json.loads((tmp_path / "out" / "preds.jsonl").read_text().splitlines()[0])
    assert "-    return a * abs(b)\n+    return a * b" in prediction["model_patch"]

    report = evaluate_one(instance, prediction["model_patch"], EvaluateSettings(
        sandbox="local", repo_source=f"{repos['mirrors']}/{{repo}}", cache_dir=tmp_path / "cache"))
    assert report.outcome == "resolved", report
