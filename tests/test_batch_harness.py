"""The SWE-bench harness's knowledge in swebot: recorded specs, its log parsers and grading,
and parity between the harness's parsers and swebot's own readers on the same logs."""

from __future__ import annotations

import json

import pytest

from swebot.batch import harness
from swebot.batch.dataset import Instance
from swebot.testing.logs import parse_django_log, parse_sympy_log
from tests.test_batch_testspecs import DJANGO_LOG, SYMPY_LOG

needs_harness = pytest.mark.skipif(not harness.harness_available(),
                                   reason="the swebench package is not installed (pip install --no-deps swebench)")


def _instance(repo: str, version: str = "", test_patch: str = "", **fields: object) -> Instance:
    return Instance.model_validate({"instance_id": "x__y-1", "repo": repo, "base_commit": "abcd1234",
                                    "problem_statement": "", "version": version, "test_patch": test_patch, **fields})


def test_specs_are_the_harness_s_recorded_data_with_their_source() -> None:
    data = json.loads(harness.SPECS_PATH.read_text())
    assert data["source"]["specs"].startswith("swebench 4.1.0") and data["source"]["specs_wheel_sha256"]
    requests = harness.spec_for("psf/requests", "2.3")
    assert (requests.python, requests.packages, requests.install, requests.test_cmd) == (
        "3.9", "pytest", "python -m pip install .", "pytest -rA")
    flask = harness.spec_for("pallets/flask", "2.3")
    assert flask.python == "3.11" and "click==8.1.3" in flask.pip_packages and flask.packages == "requirements.txt"
    django = harness.spec_for("django/django", "3.0")
    assert django.test_cmd == "./tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1"
    assert "export LANG=en_US.UTF-8" in django.eval_commands
    assert harness.spec_for("sympy/sympy", "1.12").test_cmd.endswith("bin/test -C --verbose")
    assert harness.requirements_paths("pallets/flask") == ["requirements/dev.txt"]


def test_a_missing_spec_names_what_the_harness_knows() -> None:
    with pytest.raises(harness.MissingSpec, match="no environment spec for psf/requests version 9.9") as info:
        harness.spec_for("psf/requests", "9.9")
    assert "2.3" in (info.value.hint or "")
    with pytest.raises(harness.MissingSpec, match="repository acme/widgets"):
        harness.spec_for("acme/widgets", "1.0")
    with pytest.raises(harness.MissingSpec, match="has no 'version'"):
        harness.instance_spec(_instance("psf/requests"))


def test_test_command_is_the_spec_s_with_the_test_patch_s_files() -> None:
    patch = ("diff --git a/tests/test_requests.py b/tests/test_requests.py\n"
             "diff --git a/tests/data/x.json b/tests/data/x.json\n"
             "diff --git a/tests/utils/test me.py b/tests/utils/test me.py\n")
    assert harness.test_command(_instance("psf/requests", "2.3", patch)) == (
        "pytest -rA tests/test_requests.py 'tests/utils/test me.py'")  # .json is not a test file
    django_patch = "diff --git a/tests/admin_views/tests.py b/tests/admin_views/tests.py\n"
    assert harness.test_command(_instance("django/django", "4.2", django_patch)).endswith(
        "--parallel 1 admin_views.tests")


@needs_harness
def test_the_harness_s_parsers_agree_with_swebot_s_readers_on_recorded_logs() -> None:
    """Parity on the same logs: every test both report has the same outcome. Where they
    differ, the difference is named here (and swebot's reader fills only what the harness's
    parser leaves out: see testspecs._filled_from_own_reader)."""
    as_status = {"passed": "PASSED", "failed": "FAILED", "error": "ERROR", "skipped": "SKIPPED"}
    django_parse = harness.harness_parser("django/django")
    assert django_parse is not None
    theirs = django_parse(DJANGO_LOG, _instance("django/django", "4.2"))
    ours = {k: as_status[c.outcome] for k, c in parse_django_log(DJANGO_LOG).cases.items()}
    both = set(theirs) & set(ours)
    assert len(both) >= 6
    assert {k: (theirs[k], ours[k]) for k in both if theirs[k] != ours[k]} == {}
    base = "admin_views.tests.AdminViewBasicTest"
    # what swebot reads and the harness's parser does not: a docstring test's id line, unittest's
    # expected failure / unexpected success, a test id behind migration output, a failing subtest
    assert set(ours) - set(theirs) == {f"test_history ({base})", f"test_known_bug ({base})", f"test_lucky ({base})",
                                       "test_no_migrations (admin_views.tests.MigrateTests)", f"test_params ({base})"}

    sympy_parse = harness.harness_parser("sympy/sympy")
    assert sympy_parse is not None
    theirs = sympy_parse(SYMPY_LOG, _instance("sympy/sympy", "1.12"))
    ours = {k: as_status[c.outcome] for k, c in parse_sympy_log(SYMPY_LOG).cases.items()}
    assert {k: theirs[k] for k in ("test_integers", "test_issue_1234", "test_issue_5678")} == {
        "test_integers": "PASSED", "test_issue_1234": "FAILED", "test_issue_5678": "ERROR"}
    assert all(ours[k] == theirs[k] for k in ("test_integers", "test_issue_1234", "test_issue_5678"))
    # the harness reads only ok/F/E; swebot also reads f, X, s, w and the line a file's verdict ends
    assert {"test_known_limit", "test_now_works", "test_needs_numpy", "test_slow_one"} <= set(ours) - set(theirs)


@needs_harness
def test_pytest_logs_and_grading_are_the_harness_s() -> None:
    log = ("PASSED tests/test_a.py::test_one\n"
           "FAILED tests/test_a.py::test_two - AssertionError: x\n"
           "SKIPPED tests/test_a.py::test_three\n"
           "XFAIL tests/test_a.py::test_four - reason\n"
           "SKIPPED [1] tests/test_a.py:12: not a test id\n")
    parse = harness.harness_parser("psf/requests")
    assert parse is not None
    status = parse(log, _instance("psf/requests", "2.3"))
    assert status == {"tests/test_a.py::test_one": "PASSED", "tests/test_a.py::test_two": "FAILED",
                      "tests/test_a.py::test_three": "SKIPPED", "tests/test_a.py::test_four": "XFAIL"}
    one, two, three, four = (f"tests/test_a.py::test_{n}" for n in ("one", "two", "three", "four"))
    assert harness.grade(status, [one, four], [three]).resolved  # xfail passes; a skipped P2P is kept
    skipped_f2p = harness.grade(status, [three], [])
    assert not skipped_f2p.resolved and skipped_f2p.fail_to_pass_failing == (three,)
    missing = harness.grade(status, [one], ["tests/test_a.py::never_ran", two])
    assert not missing.resolved and missing.pass_to_pass_failing == ("tests/test_a.py::never_ran", two)
    # a 5.x dataset row names its parser
    assert harness.harness_parser("acme/widgets", "parse_log_pytest") is not None
    assert harness.harness_parser("acme/widgets") is None


def test_requests_tests_get_a_local_httpbin_in_an_environment_image() -> None:
    """The harness's containers reached httpbin.org; swebot's sandboxes have no network, so the
    environment carries httpbin and the eval script points the tests at it (HTTPBIN_URL)."""
    patch = "diff --git a/test_requests.py b/test_requests.py\n"
    instance = _instance("psf/requests", "2.4", patch)
    script = harness.eval_script(instance).split("\n")
    assert script[0] == "python -m pip install . --no-deps --no-build-isolation"
    assert "export HTTPBIN_URL=http://127.0.0.1:8765/" in script[1] and script[2] == "pytest -rA test_requests.py"
    assert harness.eval_script(instance, setup=False) == "pytest -rA test_requests.py"  # on the host: nothing else
    from swebot.batch.specenv import setup_script

    assert "httpbin==0.10.4" in setup_script(harness.spec_for("psf/requests", "2.4"), ["pytest"])
