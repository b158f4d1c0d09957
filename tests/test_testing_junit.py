"""JUnit XML -> TestCases: node ids, outcomes, messages and frames."""

from __future__ import annotations

import pytest

from swebot.testing.frames import parse_frames, tail_lines, to_repo_path
from swebot.testing.junit import JUnitError, anchor_nodeid, parse_junit
from swebot.types import Frame

ROOT = "/work/repo"


def junit(*testcases: str) -> bytes:
    body = "\n".join(testcases)
    return f'<?xml version="1.0"?><testsuites><testsuite name="pytest">{body}</testsuite></testsuites>'.encode()


def case(classname: str, name: str, file: str, inner: str = "") -> str:
    return f'<testcase classname="{classname}" name="{name}" file="{file}" line="3" time="0.25">{inner}</testcase>'


def test_node_ids_for_functions_classes_nested_classes_and_parameters() -> None:
    result = parse_junit(
        junit(
            case("tests.test_x", "test_a", "tests/test_x.py"),
            case("tests.test_x.TestA", "test_b[1]", "tests/test_x.py"),
            case("tests.test_x.TestA.TestInner", "test_c", "tests/test_x.py"),
            case("tests.test_x", "test_p[a::b.c-1.5]", "tests/test_x.py"),
            case("test_top", "test_d", "test_top.py"),
        ),
        root=ROOT,
    )
    assert [c.nodeid for c in result.cases] == [
        "tests/test_x.py::test_a",
        "tests/test_x.py::TestA::test_b[1]",
        "tests/test_x.py::TestA::TestInner::test_c",
        "tests/test_x.py::test_p[a::b.c-1.5]",
        "test_top.py::test_d",
    ]
    assert result.cases[0].duration == 0.25


def test_ids_are_anchored_at_the_repository_root_when_pytest_ran_in_a_subdirectory() -> None:
    xml = junit(case("tests.test_x.TestA", "test_b", "tests/test_x.py"))
    result = parse_junit(xml, root=ROOT, cwd="pkg", rootdir="pkg")
    assert [c.nodeid for c in result.cases] == ["pkg/tests/test_x.py::TestA::test_b"]
    # rootdir above the repository root (a config file outside it): ids include the repo dir.
    outer = junit(case("repo.tests.test_x", "test_b", "repo/tests/test_x.py"))
    assert parse_junit(outer, root=ROOT, rootdir="..").cases[0].nodeid == "tests/test_x.py::test_b"


def test_inherited_test_whose_file_is_the_base_module_keeps_the_collecting_module() -> None:
    # pytest's ``file`` names where the function is defined (a base class elsewhere).
    xml = junit(case("tests.test_child.TestChild", "test_base", "tests/base.py"))
    assert parse_junit(xml, root=ROOT).cases[0].nodeid == "tests/test_child.py::TestChild::test_base"


def test_without_file_attribute_the_classname_is_split_at_the_first_class() -> None:
    xml = b'<testsuite><testcase classname="tests.unit.test_x.TestA" name="test_b"/></testsuite>'
    assert parse_junit(xml, root=ROOT).cases[0].nodeid == "tests/unit/test_x.py::TestA::test_b"


def test_outcomes_failure_error_skip_and_pass() -> None:
    result = parse_junit(
        junit(
            case("t", "test_pass", "t.py"),
            case("t", "test_fail", "t.py", '<failure message="assert 1 == 2">t.py:3: AssertionError</failure>'),
            case("t", "test_err", "t.py", '<error message="failed on setup with RuntimeError">boom</error>'),
            case("t", "test_skip", "t.py", '<skipped type="pytest.skip" message="no db">/x/t.py:9: no db</skipped>'),
            case("t", "test_xfail", "t.py", '<skipped type="pytest.xfail" message=""/>'),
        ),
        root=ROOT,
    )
    outcomes = {c.nodeid.split("::")[1]: (c.outcome, c.message) for c in result.cases}
    assert outcomes == {
        "test_pass": ("passed", ""),
        "test_fail": ("failed", "assert 1 == 2"),
        "test_err": ("error", "failed on setup with RuntimeError"),
        "test_skip": ("skipped", "no db"),
        "test_xfail": ("skipped", ""),
    }
    failing = {c.nodeid for c in result.cases if c.failing}
    assert failing == {"t.py::test_fail", "t.py::test_err"}


def test_collection_errors_are_reported_by_module_not_as_cases() -> None:
    xml = junit(
        '<testcase classname="" name="tests.sub.test_bad" file="tests/sub/test_bad.py">'
        '<error message="collection failure">E   SyntaxError: invalid syntax</error></testcase>',
        '<testcase classname="" name="tests.test_skipmod" file="tests/test_skipmod.py">'
        '<skipped message="collection skipped">skip</skipped></testcase>',
        case("tests.test_ok", "test_a", "tests/test_ok.py"),
    )
    result = parse_junit(xml, root=ROOT, cwd="pkg", rootdir="pkg")
    assert result.collection_errors == ("pkg/tests/sub/test_bad.py",)
    assert [c.nodeid for c in result.cases] == ["pkg/tests/test_ok.py::test_a"]


def test_an_internal_error_of_pytest_is_not_a_test() -> None:
    # What pytest's junitxml writes when a plugin crashes pytest (exit status 3).
    xml = junit(
        case("test_mod", "test_add", "test_mod.py", '<failure message="assert -1 == 5">E</failure>'),
        '<testcase classname="pytest" name="internal" time="0">'
        '<error message="internal error">INTERNALERROR&gt; Traceback</error></testcase>',
    )
    result = parse_junit(xml, root=ROOT)
    assert [c.nodeid for c in result.cases] == ["test_mod.py::test_add"]
    assert result.collection_errors == ()


LONG_TRACEBACK = """\
>   def test_exc(): mod.h(3)
                    ^^^^^^^^

tests/test_a.py:7:
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _
src/mod.py:5: in h
    return g(x)
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

x = 3

    def g(x):
        y = x
>       raise ValueError("bad %s" % x)
E       ValueError: bad 3
E         File "src/quoted.py", line 99, in nope
E       src/quoted.py:98: in nope

src/mod.py:3: ValueError
"""


def test_frames_from_a_long_and_short_pytest_traceback_innermost_last() -> None:
    failure = f"<failure message='ValueError: bad 3'>{LONG_TRACEBACK}</failure>"
    xml = junit(case("tests.test_a", "test_exc", "tests/test_a.py", failure))
    (result,) = parse_junit(xml, root=ROOT).cases
    assert result.frames == (
        Frame("tests/test_a.py", 7, "test_exc"),
        Frame("src/mod.py", 5, "h"),
        Frame("src/mod.py", 3, "g"),
    )
    assert "ValueError: bad 3" in result.traceback


def test_native_frames_with_absolute_paths_and_foreign_code_dropped() -> None:
    text = """Traceback (most recent call last):
  File "/usr/lib/python3.11/site-packages/pluggy/_hooks.py", line 10, in __call__
    return x
  File "/work/repo/.venv/lib/python3.11/site-packages/lib.py", line 4, in helper
    pass
  File "/work/repo/src/app.py", line 12, in run
    go()
  File "/work/repo/src/app.py", line 20, in go
    raise KeyError
KeyError
"""
    assert parse_frames(text, root=ROOT) == (Frame("src/app.py", 12, "run"), Frame("src/app.py", 20, "go"))


def test_relative_frame_paths_resolve_against_the_run_directory() -> None:
    text = "../src/mod.py:4: in f\n    return 1\ntests/test_x.py:9: in test_f\n"
    assert parse_frames(text, root=ROOT, cwd="pkg") == (
        Frame("src/mod.py", 4, "f"),
        Frame("pkg/tests/test_x.py", 9, "test_f"),
    )


def test_to_repo_path_rejects_outside_and_tooling_paths() -> None:
    assert to_repo_path("/elsewhere/x.py", root=ROOT, cwd=".") is None
    assert to_repo_path("/work/repository/x.py", root=ROOT, cwd=".") is None
    assert to_repo_path("/work/repo/.swebot/plugin/p.py", root=ROOT, cwd=".") is None
    assert to_repo_path("../../x.py", root=ROOT, cwd="a") is None
    assert to_repo_path("./a/../b.py", root=ROOT, cwd=".") == "b.py"


def test_traceback_is_bounded_to_its_last_lines() -> None:
    text = "\n".join(f"line {i}" for i in range(500)) + "\n" + "x" * 100_000
    xml = junit(case("t", "test_big", "t.py", f"<failure message='m'>{text}</failure>"))
    (result,) = parse_junit(xml, root=ROOT).cases
    lines = result.traceback.splitlines()
    assert len(lines) == 30 and lines[0] == "line 471"
    assert len(result.traceback) < 30 * 400
    assert tail_lines("a\nb\nc\n", 2) == "b\nc"


def test_unreadable_xml_raises_junit_error() -> None:
    with pytest.raises(JUnitError):
        parse_junit(b"<testsuite><testcase classname=", root=ROOT)


def test_anchor_nodeid_keeps_the_part_after_the_path() -> None:
    assert anchor_nodeid("t/test_x.py::T::test[a/b]", ROOT, "sub") == "sub/t/test_x.py::T::test[a/b]"
    assert anchor_nodeid("t/test_x.py::test", ROOT, ".") == "t/test_x.py::test"
