"""Hostile or unlucky commands: contained, reported as results, and the caller goes on."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from swebot.errors import SandboxError
from swebot.sandbox.docker import ContainerLost, DockerSandbox, Limits
from swebot.sandbox.factory import RetryingSandbox
from swebot.sandbox.images import BASE_IMAGE
from tests.docker_support import REPO_ROOT, containers_of_this_process, docker_client, make_git_repo  # noqa: F401

pytestmark = pytest.mark.docker


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_git_repo(tmp_path / "repo", {"m.py": "X = 1\n"})


@pytest.fixture
def box(docker_client, repo: Path) -> Iterator[DockerSandbox]:  # noqa: F811
    sandbox = DockerSandbox(docker_client, BASE_IMAGE, limits=Limits(memory="256m", cpus=1.0, pids=128))
    sandbox.copy_in(repo)
    yield sandbox
    sandbox.close()


def _still_usable(box: DockerSandbox) -> None:
    result = box.execute("echo alive; ps -e --no-headers | wc -l", timeout=60)
    assert result.stdout.startswith("alive\n")
    # Left: tini, sleep, this exec's helper, sh, ps, wc. A surviving bomb would show far more.
    assert int(result.stdout.split()[1]) < 12


def test_fork_bomb_is_contained(box: DockerSandbox) -> None:
    result = box.execute("bomb() { bomb | bomb & }; bomb; sleep 60", timeout=5)
    assert not result.ok
    _still_usable(box)


def test_memory_hog_is_killed_and_reported(box: DockerSandbox) -> None:
    hog = "python3 -c \"a = []\nwhile True: a.append(bytearray(10**7))\""
    result = box.execute(hog, timeout=60)
    assert not result.timed_out
    # SIGKILL from the OOM killer, seen through the shell (137) or directly (-9): the command
    # died, not the sandbox.
    assert result.exit_code in (128 + signal.SIGKILL, -signal.SIGKILL)
    assert result.stdout == ""
    _still_usable(box)


@pytest.mark.slow
def test_gigabytes_of_output_are_cut_not_stored(box: DockerSandbox) -> None:
    result = box.execute("head -c 2000000000 /dev/zero | tr '\\0' x; echo; echo END", timeout=300)
    assert result.ok and result.truncated
    assert len(result.stdout) < 1_100_000
    assert result.stdout.rstrip().endswith("END")
    _still_usable(box)


def test_never_ending_command_times_out_and_the_next_one_runs(box: DockerSandbox) -> None:
    result = box.execute("while :; do :; done", timeout=2)
    assert result.timed_out and not result.ok
    assert box.execute("echo next", timeout=30).stdout == "next\n"


def _kill_during(box: DockerSandbox, action) -> Exception | None:  # type: ignore[no-untyped-def]
    """Run a command that waits on a flag file; act on the container once it is running."""
    box.write_file("wait.sh", b"touch started\nwhile [ ! -f started ]; do :; done\nsleep 300\n")
    outcome: list[Exception | None] = [None]

    def run() -> None:
        try:
            box.execute("if [ -f started ]; then echo second-run; else sh wait.sh; fi", timeout=120)
        except Exception as exc:  # the assertion happens in the test's thread
            outcome[0] = exc

    worker = threading.Thread(target=run)
    worker.start()
    while box.execute("test -f started", timeout=30).exit_code != 0:
        time.sleep(0.1)
    action(box.container)
    worker.join(60)
    assert not worker.is_alive()
    return outcome[0]


def test_container_killed_mid_run_is_a_sandbox_error(box: DockerSandbox) -> None:
    error = _kill_during(box, lambda c: c.kill())
    assert isinstance(error, ContainerLost) and isinstance(error, SandboxError)
    assert "stopped" in str(error)


def test_retry_wrapper_restarts_a_killed_container_and_keeps_its_files(box: DockerSandbox) -> None:
    warnings: list[str] = []
    wrapped = RetryingSandbox(box, on_warning=warnings.append)
    wrapped.write_file("edited.txt", b"kept")
    box.container.kill()
    result = wrapped.execute("cat edited.txt; test -f wait.sh || echo fresh", timeout=60)
    assert result.stdout == "keptfresh\n"
    assert len(warnings) == 1 and "retrying once" in warnings[0]


def test_retry_wrapper_rebuilds_a_removed_container(box: DockerSandbox, docker_client) -> None:  # noqa: F811
    wrapped = RetryingSandbox(box, on_warning=lambda _m: None)
    wrapped.write_file("m.py", b"X = 2\n")
    old_id = box.container.id
    box.container.remove(force=True)
    result = wrapped.execute("cat m.py; git diff --stat | tail -1", timeout=60)
    assert box.container.id != old_id
    assert result.stdout.startswith("X = 2\n") and "1 file changed" in result.stdout
    assert len(containers_of_this_process(docker_client)) == 1  # only the replacement


def test_a_second_loss_in_a_row_propagates(box: DockerSandbox) -> None:
    wrapped = RetryingSandbox(box, on_warning=lambda _m: None)

    def kill_then_run() -> None:
        box.container.kill()
        raise ContainerLost("lost again")

    with pytest.raises(ContainerLost):
        wrapped._retry(kill_then_run)


def test_no_container_left_after_an_exception(docker_client, repo: Path) -> None:  # noqa: F811
    with pytest.raises(RuntimeError):
        with DockerSandbox(docker_client, BASE_IMAGE) as sandbox:
            sandbox.copy_in(repo)
            raise RuntimeError("boom")
    assert containers_of_this_process(docker_client) == []


def test_no_container_left_after_ctrl_c(docker_client, repo: Path) -> None:  # noqa: F811
    script = textwrap.dedent(f"""
        import signal
        from pathlib import Path
        from swebot.sandbox.factory import open_sandbox
        # A shell that started us in the background may have left SIGINT ignored; a terminal would not.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        with open_sandbox("docker", Path({str(repo)!r})) as box:
            print(box.inner.container.id, flush=True)
            box.execute("sleep 300", timeout=600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        container_id = proc.stdout.readline().strip()
        assert container_id
        time.sleep(1)  # let execute() start: the interrupt must land mid-command
        proc.send_signal(signal.SIGINT)
        proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert docker_client.containers.list(all=True, filters={"id": container_id}) == []


def test_no_container_left_when_the_caller_forgets_close(docker_client, repo: Path) -> None:  # noqa: F811
    script = textwrap.dedent(f"""
        from pathlib import Path
        from swebot.sandbox.factory import open_sandbox
        box = open_sandbox("docker", Path({str(repo)!r}))
        print(box.inner.container.id, flush=True)
        del box  # dropped without close(); the exit hook still removes the container
    """)
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    container_id = run.stdout.strip()
    assert run.returncode == 0 and container_id, run.stderr
    assert docker_client.containers.list(all=True, filters={"id": container_id}) == []
