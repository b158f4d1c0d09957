"""A test killed by the Docker sandbox's memory limit is reported as that (issue 12).

It used to come out as "no pytest results" with a hint about PYTEST_ADDOPTS, or as "no candidate
made any failing test pass". The limit here is 128 MB, so a few hundred MB trigger it cheaply.
Huge output is also checked not to reach swebot's own memory.
"""

from __future__ import annotations

import resource
from pathlib import Path
from typing import Callable, Iterator

import pytest

from swebot.sandbox.docker import DockerSandbox, Limits
from swebot.sandbox.images import BASE_IMAGE
from swebot.sandbox.local import LocalSandbox
from swebot.testing import TestRunner
from tests.docker_support import docker_client, make_git_repo, require_docker  # noqa: F401

ALLOCATES = "def test_big():\n    data = bytearray(400 * 1024 * 1024)\n    assert data\n"
PRINTS = "def test_loud():\n    for _ in range(300):\n        print('x' * (1024 * 1024))\n"
PASSES = "def test_fine():\n    assert 1 + 1 == 2\n"


@pytest.fixture
def small_box(docker_client, tmp_path: Path) -> Iterator[DockerSandbox]:  # noqa: F811
    box = DockerSandbox(docker_client, BASE_IMAGE, limits=Limits(memory="128m", cpus=1.0, pids=256))
    box.copy_in(make_git_repo(tmp_path / "repo", {"m.py": "X = 1\n"}))
    yield box
    box.close()


@pytest.mark.docker
def test_an_oom_kill_is_flagged_and_explained(small_box: DockerSandbox) -> None:
    result = small_box.execute("python3 -c 'a = bytearray(400 * 1024 * 1024)'", timeout=120)
    assert result.oom_killed and not result.ok
    assert "memory limit (128m) killed this command" in result.stderr
    assert "SWEBOT_SANDBOX_MEMORY=" in result.stderr
    # The next command is judged on its own.
    after = small_box.execute("python3 -c 'a = bytearray(10 * 1024 * 1024)'; exit 3", timeout=60)
    assert after.exit_code == 3 and not after.oom_killed and "memory limit" not in after.stderr


@pytest.mark.docker
@pytest.mark.parametrize("tests", [
    {"test_big.py": ALLOCATES},
    {"test_loud.py": PRINTS},  # pytest holds a test's captured output in memory
    {"test_big.py": ALLOCATES, "test_ok.py": PASSES},  # some results survive the kill
], ids=["allocates", "prints", "partial"])
def test_fix_says_the_memory_limit_killed_the_tests(tests: dict[str, str], make_repo: Callable[..., Path],
                                                   swebot_cli) -> None:
    require_docker()
    repo = make_repo({"calc.py": "def add(a, b):\n    return a - b\n", **tests})
    proc = swebot_cli("fix", str(repo), "--sandbox", "docker", "--time-limit", "240", "--test-timeout", "120",
                      env={"SWEBOT_SANDBOX_MEMORY": "128m"}, timeout=280)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "the sandbox's memory limit (128m) killed the test command" in proc.stderr
    assert "SWEBOT_SANDBOX_MEMORY" in proc.stderr
    assert "PYTEST_ADDOPTS" not in proc.stderr and "no candidate" not in proc.stdout + proc.stderr


def test_huge_test_output_stays_out_of_swebots_memory(make_repo: Callable[..., Path]) -> None:
    # A failing test: pytest echoes its 200 MB of captured output.
    repo = make_repo({"test_loud.py": PRINTS.replace("range(300)", "range(200)") + "    assert False\n"})
    box = LocalSandbox(repo)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    report = TestRunner(box, "python -m pytest", timeout=300).run()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert report.failing == {"test_loud.py::test_loud"}
    assert len(report.output_tail) < 200_000
    assert grown < 60 * 1024, f"swebot grew by {grown // 1024} MiB"
