"""TestRunner through a Docker sandbox: the same code path as locally, only via the protocol."""

from __future__ import annotations

from typing import Iterator

import pytest

from swebot.localize.sbfl import rank_report
from swebot.testing import NO_RESULT, TestRunner
from tests.docker_support import make_git_repo, require_docker

pytestmark = pytest.mark.docker

FILES = {
    "pkg/__init__.py": "",
    "pkg/calc.py": "def add(a, b):\n    return a - b\n\ndef neg(a):\n    return -a\n",
    "tests/test_calc.py": (
        "import time\nfrom pkg.calc import add, neg\n\n"
        "def test_add():\n    assert add(1, 2) == 3\n\n"
        "def test_neg():\n    assert neg(2) == -2\n\n"
        "def test_hang():\n    time.sleep(1000)\n"
    ),
}


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    require_docker()
    from swebot.sandbox.docker import DockerSandbox, connect
    from swebot.sandbox.images import BASE_IMAGE

    sandbox = DockerSandbox(connect(), BASE_IMAGE)
    sandbox.copy_in(make_git_repo(tmp_path_factory.mktemp("d") / "repo", FILES))
    yield sandbox
    sandbox.close()


def test_select_coverage_and_localization_in_a_container(box) -> None:  # type: ignore[no-untyped-def]
    runner = TestRunner(box, "python3 -m pytest", timeout=120)
    report, coverage = runner.run_with_coverage(["tests/test_calc.py::test_add", "tests/test_calc.py::test_neg"])
    assert report.failing == {"tests/test_calc.py::test_add"}
    assert report.passing == {"tests/test_calc.py::test_neg"}
    assert report.case("tests/test_calc.py::test_add").frames[-1].path == "tests/test_calc.py"  # type: ignore[union-attr]
    assert coverage["tests/test_calc.py::test_add"]["pkg/calc.py"] == frozenset({2})
    assert rank_report(report, coverage)[0].path == "pkg/calc.py"
    assert rank_report(report, coverage)[0].line == 2


def test_timeout_in_a_container_keeps_finished_results(box) -> None:  # type: ignore[no-untyped-def]
    report = TestRunner(box, "python3 -m pytest").run(
        ["tests/test_calc.py::test_neg", "tests/test_calc.py::test_hang"], timeout=8
    )
    assert report.timed_out
    assert report.passing == {"tests/test_calc.py::test_neg"}
    assert report.case("tests/test_calc.py::test_hang").message == NO_RESULT  # type: ignore[union-attr]
