"""What a command inside the Docker sandbox can and cannot see or reach."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from swebot.errors import EnvironmentProblem
from swebot.sandbox.docker import DockerSandbox, Limits
from swebot.sandbox.images import BASE_IMAGE
from tests.docker_support import docker_client, make_git_repo  # noqa: F401  (fixture)

pytestmark = pytest.mark.docker

SECRET_VAR = "SWEBOT_TEST_SECRET_TOKEN"


@pytest.fixture
def box(docker_client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DockerSandbox]:  # noqa: F811
    monkeypatch.setenv(SECRET_VAR, "hunter2")
    monkeypatch.setenv("SWEBOT_TEST_ALLOWED", "yes")
    sandbox = DockerSandbox(
        docker_client, BASE_IMAGE, limits=Limits(memory="300m", cpus=1.0, pids=200),
        env_allowlist=("SWEBOT_TEST_ALLOWED",),
    )
    sandbox.copy_in(make_git_repo(tmp_path / "repo", {"a.txt": "a\n"}))
    yield sandbox
    sandbox.close()


def test_host_environment_stays_out_except_the_allowlist(box: DockerSandbox) -> None:
    env = box.execute("env", timeout=30).stdout
    assert "hunter2" not in env and SECRET_VAR not in env
    assert "SWEBOT_TEST_ALLOWED=yes" in env


def test_no_network_but_loopback(box: DockerSandbox) -> None:
    # /proc/net/dev lists the container's interfaces; with networking off only lo exists.
    devs = box.execute("tail -n +3 /proc/net/dev | cut -d: -f1", timeout=30).stdout.split()
    assert devs == ["lo"]


def test_no_docker_socket_and_no_host_mounts(box: DockerSandbox) -> None:
    assert box.execute("ls /var/run/docker.sock /run/docker.sock", timeout=30).exit_code != 0
    box.container.reload()
    assert box.container.attrs["Mounts"] == []


def test_runs_unprivileged_without_capabilities(box: DockerSandbox) -> None:
    assert box.execute("id -u", timeout=30).stdout.strip() == "1000"
    caps = box.execute("grep CapEff /proc/self/status", timeout=30).stdout.split()
    assert caps[-1] == "0000000000000000"


def test_limits_are_set_on_the_container(box: DockerSandbox) -> None:
    host = box.container.attrs["HostConfig"]
    assert host["Memory"] == 300 * 1024 * 1024
    assert host["MemorySwap"] == host["Memory"]  # no swap on top
    assert host["NanoCpus"] == 1_000_000_000
    assert host["PidsLimit"] == 200
    assert host["NetworkMode"] == "none"


def test_network_can_be_turned_on(docker_client, tmp_path: Path) -> None:  # noqa: F811
    with DockerSandbox(docker_client, BASE_IMAGE, network=True) as sandbox:
        devs = sandbox.execute("tail -n +3 /proc/net/dev | cut -d: -f1", timeout=30).stdout.split()
        assert "lo" in devs and len(devs) > 1


def test_timeout_also_kills_processes_that_left_the_session(box: DockerSandbox) -> None:
    # setsid() escapes a process-group kill; the sandbox also finds processes by a marker.
    box.write_file(
        "escape.py",
        b"import os, sys, time\nif os.fork() == 0:\n    os.setsid()\n    open('escaped', 'w').close()\n"
        b"    time.sleep(300)\nelse:\n    time.sleep(300)\n",
    )
    result = box.execute("python3 escape.py swebot-escaper-1", timeout=5)
    assert result.timed_out
    assert box.execute("test -f escaped", timeout=30).ok
    assert "swebot-escaper-1" not in box.execute("ps -eo args", timeout=30).stdout


def test_files_copied_in_belong_to_the_sandbox_user(box: DockerSandbox) -> None:
    owners = box.execute("stat -c %u . a.txt .git/HEAD", timeout=30).stdout.split()
    assert owners == ["1000", "1000", "1000"]
    assert box.execute("git status --porcelain && git commit -q --allow-empty -m x", timeout=30).ok


def test_host_environment_is_not_read_at_execute_time(box: DockerSandbox) -> None:
    os.environ["SWEBOT_TEST_LATE"] = "late"
    try:
        assert "late" not in box.execute("env", timeout=30).stdout
    finally:
        del os.environ["SWEBOT_TEST_LATE"]


def test_limits_can_be_set_from_the_environment() -> None:
    limits = Limits.from_env({"SWEBOT_SANDBOX_MEMORY": "4g", "SWEBOT_SANDBOX_CPUS": "0.5", "SWEBOT_SANDBOX_PIDS": "64"})
    assert limits == Limits(memory="4g", cpus=0.5, pids=64)
    assert Limits.from_env({}) == Limits()
    with pytest.raises(EnvironmentProblem):
        Limits.from_env({"SWEBOT_SANDBOX_PIDS": "lots"})


def test_shell_commands_beyond_the_argument_limit_run(box: DockerSandbox) -> None:
    # Past 128 KiB `sh -c` itself would fail (E2BIG); the sandbox runs such commands from a file.
    result = box.execute("echo " + "x" * 300_000 + " | wc -c", timeout=60)
    assert result.ok, result.stderr
    assert result.stdout == "300001\n"
    assert box.execute("ls /tmp", timeout=30).stdout == ""  # no staged spec or script left
