"""TestRunner against tiny generated repositories, real pytest, through a LocalSandbox."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from swebot.sandbox import LocalSandbox
from swebot.testing import NO_RESULT, TestRunner
from swebot.testing.selection import chunks
from swebot.types import Frame


def write_repo(root: Path, files: dict[str, str]) -> LocalSandbox:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return LocalSandbox(root)


CALC = {
    "calc.py": """\
        def add(a, b):
            return a + b

        def div(a, b):
            return a // b
        """,
    "tests/test_calc.py": """\
        import pytest
        from calc import add, div

        def test_add():
            assert add(1, 2) == 3

        def test_div():
            assert div(1, 0) == 0

        class TestMore:
            @pytest.mark.parametrize("n", [1, 2, 3])
            def test_param(self, n):
                assert add(n, 0) != 2

        @pytest.mark.skip(reason="later")
        def test_later():
            pass
        """,
    "pytest.ini": "[pytest]\npythonpath = .\n",
}


@pytest.fixture
def calc(tmp_path: Path) -> LocalSandbox:
    return write_repo(tmp_path, CALC)


def test_run_reports_each_test_with_node_ids_and_frames(calc: LocalSandbox) -> None:
    report = TestRunner(calc).run()
    assert report.exit_code == 1 and not report.timed_out
    assert report.failing == {"tests/test_calc.py::test_div", "tests/test_calc.py::TestMore::test_param[2]"}
    assert report.passing == {
        "tests/test_calc.py::test_add",
        "tests/test_calc.py::TestMore::test_param[1]",
        "tests/test_calc.py::TestMore::test_param[3]",
    }
    assert report.case("tests/test_calc.py::test_later").outcome == "skipped"  # type: ignore[union-attr]
    div = report.case("tests/test_calc.py::test_div")
    assert div is not None and "ZeroDivisionError" in div.message
    assert div.frames[-1] == Frame("calc.py", 5, "div")
    assert "1 skipped" in report.output_tail
    assert not report.all_passed


def test_run_leaves_no_cache_or_bytecode_in_the_workspace(calc: LocalSandbox) -> None:
    TestRunner(calc).run()
    root = Path(calc.root)
    assert not (root / ".pytest_cache").exists()
    assert not list(root.rglob("__pycache__"))


def test_select_runs_only_the_given_ids_and_missing_ids_count_as_failing(calc: LocalSandbox) -> None:
    runner = TestRunner(calc, "python -m pytest -x tests/")
    report = runner.run(
        ["tests/test_calc.py::TestMore::test_param[2]", "tests/test_calc.py::test_add", "tests/test_calc.py::test_gone"]
    )
    assert {c.nodeid for c in report.cases} == {
        "tests/test_calc.py::TestMore::test_param[2]",
        "tests/test_calc.py::test_add",
        "tests/test_calc.py::test_gone",
    }
    assert report.passing == {"tests/test_calc.py::test_add"}
    assert report.failing == {"tests/test_calc.py::TestMore::test_param[2]", "tests/test_calc.py::test_gone"}
    assert report.case("tests/test_calc.py::test_gone").message == NO_RESULT  # type: ignore[union-attr]
    # A class id selects its tests; ids from one run are valid selections for the next.
    by_class = runner.run(["tests/test_calc.py::TestMore"])
    assert len(by_class.cases) == 3
    assert runner.run(sorted(by_class.failing)).failing == by_class.failing
    assert runner.run([]).cases == ()


def test_select_takes_more_ids_than_a_command_line_holds(tmp_path: Path) -> None:
    sandbox = write_repo(
        tmp_path,
        {
            "tests/test_many.py": (
                "import pytest\n@pytest.mark.parametrize('i', range(1000))\ndef test_i(i):\n    assert i != 7\n"
            )
        },
    )
    # 3 MB of ids: past Linux's 2 MB limit for a command line.
    bogus = [f"tests/test_many.py::test_i[{i}-{'x' * 3000}]" for i in range(1000)]
    real = [f"tests/test_many.py::test_i[{i}]" for i in range(1000)]
    report = TestRunner(sandbox).run(bogus + real)
    assert len(report.passing) == 999
    assert report.failing == {"tests/test_many.py::test_i[7]", *bogus}


SUBDIR = {
    "pkg/pyproject.toml": "[tool.pytest.ini_options]\npythonpath = ['.']\n",
    "pkg/lib.py": "def f():\n    return 1\n",
    "pkg/tests/test_lib.py": (
        "from lib import f\n\nclass TestF:\n    def test_ok(self):\n        assert f() == 1\n\n"
        "    def test_bad(self):\n        assert f() == 2\n"
    ),
}


@pytest.mark.parametrize("command", ["python -m pytest", "python -m pytest -q"])
def test_ids_are_repository_relative_when_the_command_runs_in_a_subdirectory(tmp_path: Path, command: str) -> None:
    sandbox = write_repo(tmp_path, SUBDIR)
    runner = TestRunner(sandbox, command, cwd="pkg")
    report = runner.run()
    assert report.failing == {"pkg/tests/test_lib.py::TestF::test_bad"}
    assert report.passing == {"pkg/tests/test_lib.py::TestF::test_ok"}
    bad = report.case("pkg/tests/test_lib.py::TestF::test_bad")
    assert bad is not None and Frame("pkg/tests/test_lib.py", 8, "test_bad") in bad.frames
    again = runner.run(sorted(report.failing))
    assert [c.nodeid for c in again.cases] == ["pkg/tests/test_lib.py::TestF::test_bad"]


def test_subdirectory_run_with_rootdir_at_the_repository_root(tmp_path: Path) -> None:
    sandbox = write_repo(
        tmp_path,
        {"pytest.ini": "[pytest]\n", "sub/tests/test_s.py": "def test_s():\n    assert False\n"},
    )
    report = TestRunner(sandbox, "python -m pytest -q", cwd="sub").run()
    assert report.failing == {"sub/tests/test_s.py::test_s"}


def test_named_ids_a_broken_off_run_never_reached_count_as_failing(tmp_path: Path) -> None:
    """pytest-7168: the code under test raised inside pytest's own reporting (INTERNALERROR, exit
    3), so the run stopped after two of the eleven tests its command named, none failing; the
    repair loop read that as "all tests already pass". Here a conftest hook breaks the run the
    same way, in a subdirectory, as the ids on the command line are relative to it."""
    sandbox = write_repo(tmp_path, {
        "sub/conftest.py": (
            "def pytest_runtest_logreport(report):\n"
            "    if report.when == 'call' and report.nodeid.endswith('test_b'):\n"
            "        raise RuntimeError('repr of the object under test raised')\n"
        ),
        "sub/test_x.py": "def test_a():\n    pass\n\ndef test_b():\n    pass\n\ndef test_c():\n    pass\n",
    })
    report = TestRunner(sandbox, "python -m pytest -q test_x.py::test_a test_x.py::test_b test_x.py::test_c",
                        cwd="sub").run()
    assert report.exit_code == 3, report.output_tail
    assert "sub/test_x.py::test_a" in report.passing
    assert "sub/test_x.py::test_c" in report.failing and not report.all_passed
    never = report.case("sub/test_x.py::test_c")
    assert never is not None and never.message == NO_RESULT
    # a run that went to its end adds nothing: a named id it deselected is no failure
    finished = TestRunner(sandbox, "python -m pytest -q -k 'not test_b' test_x.py::test_a test_x.py::test_b "
                          "test_x.py::test_c", cwd="sub").run()
    assert finished.exit_code == 0 and finished.all_passed
    assert finished.passing == {"sub/test_x.py::test_a", "sub/test_x.py::test_c"}


def test_collection_error_is_reported_by_module(tmp_path: Path) -> None:
    sandbox = write_repo(
        tmp_path,
        {"tests/test_ok.py": "def test_ok():\n    pass\n", "tests/test_broken.py": "def test_x(:\n    pass\n"},
    )
    report = TestRunner(sandbox).run()
    assert report.collection_errors == ("tests/test_broken.py",)
    assert report.exit_code == 2 and not report.all_passed
    assert "SyntaxError" in report.output_tail


def test_a_spinning_test_is_killed_at_the_timeout_and_finished_results_survive(tmp_path: Path) -> None:
    sandbox = write_repo(
        tmp_path,
        {
            "lib.py": "def f():\n    raise KeyError('missing')\n",
            "tests/test_t.py": (
                "from lib import f\n\ndef test_fast():\n    pass\n\ndef test_f():\n    f()\n\n"
                "def test_spin():\n    while True:\n        pass\n"
            ),
            "pytest.ini": "[pytest]\npythonpath = .\n",
        },
    )
    ids = ["tests/test_t.py::test_fast", "tests/test_t.py::test_f", "tests/test_t.py::test_spin"]
    report = TestRunner(sandbox, timeout=60).run(ids, timeout=4)
    assert report.timed_out and not report.all_passed
    assert report.passing == {"tests/test_t.py::test_fast"}
    assert report.failing == {"tests/test_t.py::test_f", "tests/test_t.py::test_spin"}
    assert report.case("tests/test_t.py::test_spin").message == NO_RESULT  # type: ignore[union-attr]
    # A failure that finished before the kill keeps its message and frames.
    finished = report.case("tests/test_t.py::test_f")
    assert finished is not None and finished.outcome == "failed"
    assert finished.message == "KeyError: 'missing'"
    assert finished.frames[-1] == Frame("lib.py", 2, "f")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie waiting for init to reap it is dead already


def test_a_child_process_of_a_hung_test_is_killed_with_it(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    sandbox = write_repo(
        tmp_path,
        {
            "tests/test_child.py": f"""\
                import subprocess
                def test_child():
                    child = subprocess.Popen(["sleep", "1000"])
                    open({str(pid_file)!r}, "w").write(str(child.pid))
                    child.wait()
                """
        },
    )
    report = TestRunner(sandbox, timeout=6).run()
    assert report.timed_out and report.cases == ()
    pid = int(pid_file.read_text())
    # SIGKILL is delivered asynchronously; give the kernel a moment to finish the job.
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def test_huge_output_is_bounded(tmp_path: Path) -> None:
    sandbox = write_repo(
        tmp_path,
        {
            "tests/test_loud.py": """\
                import os, sys
                def test_loud():
                    for _ in range(200_000):
                        print("x" * 99)
                    sys.stdout.write("y" * 10_000_000)
                    assert False
                """
        },
    )
    report = TestRunner(sandbox).run()
    assert report.failing == {"tests/test_loud.py::test_loud"}
    assert len(report.output_tail.splitlines()) <= 40
    assert len(report.output_tail) <= 40 * 400
    assert len(report.cases[0].traceback) <= 30 * 400


def test_missing_junit_gives_exit_code_and_output_tail(tmp_path: Path) -> None:
    sandbox = write_repo(tmp_path, {"tests/test_x.py": "def test_x():\n    pass\n"})
    report = TestRunner(sandbox, "echo not running tests; exit 3").run()
    assert report.cases == () and report.exit_code == 3
    assert "not running tests" in report.output_tail


def test_coverage_per_test(tmp_path: Path) -> None:
    sandbox = write_repo(tmp_path, CALC)
    report, coverage = TestRunner(sandbox).run_with_coverage()
    assert report.failing == {"tests/test_calc.py::test_div", "tests/test_calc.py::TestMore::test_param[2]"}
    assert coverage["tests/test_calc.py::test_div"]["calc.py"] == frozenset({5})
    assert coverage["tests/test_calc.py::test_add"]["calc.py"] == frozenset({2})
    assert coverage["tests/test_calc.py::TestMore::test_param[3]"]["calc.py"] == frozenset({2})
    assert 8 in coverage["tests/test_calc.py::test_div"]["tests/test_calc.py"]
    assert not any(path.startswith(".swebot") for per in coverage.values() for path in per)
    # Selected coverage runs record only the selected tests.
    _, selected = TestRunner(sandbox).run_with_coverage(["tests/test_calc.py::test_add"])
    assert set(selected) == {"tests/test_calc.py::test_add"}


def test_coverage_in_a_subdirectory_run_is_keyed_by_repository_paths(tmp_path: Path) -> None:
    sandbox = write_repo(tmp_path, SUBDIR)
    report, coverage = TestRunner(sandbox, "PYTHONPATH=. pytest -q", cwd="pkg").run_with_coverage()
    assert set(coverage) == report.failing | report.passing
    assert coverage["pkg/tests/test_lib.py::TestF::test_bad"]["pkg/lib.py"] == frozenset({2})


def test_a_swebot_started_inside_an_xdist_worker_still_gets_results_and_coverage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pytest-xdist exports these to its workers; a swebot run from one passes them on to the
    # project's tests, whose own session is no xdist worker.
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "2")
    sandbox = write_repo(tmp_path, SUBDIR)
    report, coverage = TestRunner(sandbox, "PYTHONPATH=. pytest -q", cwd="pkg").run_with_coverage()
    assert report.failing == {"pkg/tests/test_lib.py::TestF::test_bad"}
    assert coverage["pkg/tests/test_lib.py::TestF::test_bad"]["pkg/lib.py"] == frozenset({2})


def test_coverage_of_a_project_that_runs_its_tests_with_xdist_is_merged_from_the_workers(tmp_path: Path) -> None:
    pytest.importorskip("xdist")
    files = {"lib.py": "def f():\n    return 1\n\n\ndef g():\n    return 2\n"}
    for n in range(4):
        files[f"tests/test_{n}.py"] = f"from lib import f, g\n\n\ndef test_{n}():\n    assert {'f' if n % 2 else 'g'}() == 1\n"
    sandbox = write_repo(tmp_path, files)
    report, coverage = TestRunner(sandbox, "PYTHONPATH=. python -m pytest -q -n 2").run_with_coverage()
    assert report.failing == {"tests/test_0.py::test_0", "tests/test_2.py::test_2"}
    assert report.passing == {"tests/test_1.py::test_1", "tests/test_3.py::test_3"}
    assert coverage["tests/test_1.py::test_1"]["lib.py"] == frozenset({2})
    assert coverage["tests/test_2.py::test_2"]["lib.py"] == frozenset({6})
    assert set(coverage) == report.failing | report.passing


def test_tests_that_run_pytest_themselves_do_not_see_our_settings(tmp_path: Path) -> None:
    sandbox = write_repo(
        tmp_path,
        {
            "tests/test_env.py": """\
                import os
                def test_env():
                    assert "PYTEST_ADDOPTS" not in os.environ
                    assert not [k for k in os.environ if k.startswith("SWEBOT_")]
                """
        },
    )
    assert TestRunner(sandbox).run(["tests/test_env.py::test_env"]).passing == {"tests/test_env.py::test_env"}
    assert TestRunner(sandbox).run_with_coverage()[0].passing == {"tests/test_env.py::test_env"}


def test_a_command_that_hides_our_plugin_still_runs_the_selection(calc: LocalSandbox) -> None:
    # `env -u PYTHONPATH` drops the directory our plugin is imported from.
    runner = TestRunner(calc, select_command="env -u PYTHONPATH python -m pytest")
    wanted = ["tests/test_calc.py::test_add", "tests/test_calc.py::TestMore::test_param[2]"]
    report = runner.run(wanted)
    assert report.passing == {"tests/test_calc.py::test_add"}
    assert report.failing == {"tests/test_calc.py::TestMore::test_param[2]"}


def test_a_command_that_hides_our_plugin_gives_results_without_coverage(calc: LocalSandbox) -> None:
    report, coverage = TestRunner(calc, "env -u PYTHONPATH python -m pytest").run_with_coverage()
    assert len(report.failing) == 2 and coverage == {}


def test_command_line_chunks_respect_the_budget_and_keep_every_id() -> None:
    ids = [f"t.py::test[{i}]" for i in range(50)]
    groups = chunks(ids, ids, 100)
    assert len(groups) > 1
    assert [pair[1] for group in groups for pair in group] == ids
    assert all(sum(len(a) + 3 for a, _ in group) <= 100 + 20 for group in groups)
    assert chunks(["x" * 500], ["x" * 500], 100) == [[("x" * 500, "x" * 500)]]



def test_selected_runs_use_the_config_file_the_full_run_found(tmp_path: Path) -> None:
    # The config sits next to the tests and is found only through the command's path argument.
    sandbox = write_repo(
        tmp_path,
        {
            "tests/pytest.ini": "[pytest]\npython_functions = check_*\n",
            "tests/test_c.py": "def check_ok():\n    pass\n\ndef check_bad():\n    assert 0\n",
        },
    )
    runner = TestRunner(sandbox, "python -m pytest tests")
    report = runner.run()
    assert report.failing == {"tests/test_c.py::check_bad"}
    again = runner.run(["tests/test_c.py::check_bad", "tests/test_c.py::check_ok"])
    assert again.failing == {"tests/test_c.py::check_bad"}
    assert again.passing == {"tests/test_c.py::check_ok"}
    assert all(c.message != NO_RESULT for c in again.cases)


def test_node_ids_of_old_pytest_lose_the_instance_part() -> None:
    # pytest < 4 named class tests "f.py::TestX::()::test_y"; JUnit and the ids users give do not.
    import importlib.util
    from types import SimpleNamespace

    path = Path(__file__).resolve().parent.parent / "swebot" / "sandbox_files" / "swebot_pytest_plugin.py"
    spec = importlib.util.spec_from_file_location("swebot_plugin_under_test", path)
    assert spec is not None and spec.loader is not None
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    repo_id = plugin._State.repo_id
    assert repo_id(SimpleNamespace(prefix="."), "t.py::TestX::()::test_y[1]") == "t.py::TestX::test_y[1]"
    assert repo_id(SimpleNamespace(prefix="pkg"), "t.py::TestX::()::test_y") == "pkg/t.py::TestX::test_y"
