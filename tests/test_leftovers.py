"""What a `kill -9`ed swebot run leaves behind is removed by the next run and by `sandbox prune`,
and what a live run holds is never touched (issue 12).

Each test starts a real `swebot fix` in a subprocess on a repository whose test hangs, waits until
the run is in its baseline, and kills it with SIGKILL (no cleanup code can run).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

from swebot.leftovers import OWNER_FILE, owned_tempdir, remove_stale_containers, stale_folders
from tests.conftest import REPO_ROOT
from tests.docker_support import require_docker

HANGS = "import time\n\n\ndef test_hangs():\n    time.sleep(600)\n"
FINE = {"test_ok.py": "def test_ok():\n    assert True\n"}


class Runs:
    """`swebot` subprocesses sharing one TMPDIR and SWEBOT_HOME, so their leftovers can be seen."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path / "tmp"
        self.tmp.mkdir()
        self.env = {**os.environ, "TMPDIR": str(self.tmp), "SWEBOT_HOME": str(tmp_path / "home"),
                    "PYTHONPATH": str(REPO_ROOT)}
        self.started: list[subprocess.Popen[str]] = []

    def start(self, *args: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen([sys.executable, "-m", "swebot", *args], env=self.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.started.append(proc)
        return proc

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "swebot", *args], env=self.env, text=True,
                              capture_output=True, timeout=300)

    def folders(self, prefix: str = "swebot-") -> list[Path]:
        return sorted(self.tmp.glob(prefix + "*"))


@pytest.fixture
def runs(tmp_path: Path) -> Iterator[Runs]:
    runs = Runs(tmp_path)
    yield runs
    for proc in runs.started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # The hanging tests of killed local runs were orphaned; stop them.
    for pidfile in tmp_path.glob("pid-*"):
        try:
            os.kill(int(pidfile.read_text()), signal.SIGKILL)
        except (ValueError, ProcessLookupError):
            pass


def _containers_of(pid: int) -> list:
    from swebot.sandbox.docker import OWNER_LABEL, connect

    label = f"{OWNER_LABEL}={socket.gethostname()}:{pid}"
    return connect().containers.list(all=True, filters={"label": label}, ignore_removed=True)


def _wait_for(condition: Callable[[], object], proc: subprocess.Popen[str], what: str, limit: float = 180) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"the run ended before {what}: {proc.stdout.read()} {proc.stderr.read()}")
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _killed_docker_run(runs: Runs, make_repo: Callable[..., Path], name: str) -> tuple[int, list[Path]]:
    """A docker run killed with SIGKILL in its baseline: its pid and leftover folders."""
    repo = make_repo({"test_hang.py": HANGS}, name=name)
    proc = runs.start("fix", str(repo), "--sandbox", "docker", "-q")
    _wait_for(lambda: [c for c in _containers_of(proc.pid) if c.status == "running"] and runs.folders("swebot-ws-"),
              proc, "the container started")
    time.sleep(2)  # into the baseline run
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = runs.folders()
    assert left and _containers_of(proc.pid), "kill -9 should have left a folder and a container"
    return proc.pid, left


@pytest.mark.docker
def test_prune_removes_the_folders_and_containers_of_a_killed_run(runs: Runs, make_repo) -> None:
    require_docker()
    pid, left = _killed_docker_run(runs, make_repo, "repo")
    # --keep-images: the engine is shared; other runs may be using the environment images.
    dry = runs.run("sandbox", "prune", "--dry-run", "--keep-images")
    assert dry.returncode == 0 and f"folder {left[0]}" in dry.stdout and runs.folders() == left
    pruned = runs.run("sandbox", "prune", "--keep-images")
    assert "image " not in pruned.stdout
    assert pruned.returncode == 0, pruned.stderr
    assert all(f"folder {f}" in pruned.stdout for f in left)
    assert runs.folders() == [] and _containers_of(pid) == []


@pytest.mark.docker
def test_the_next_run_removes_them_and_says_so(runs: Runs, make_repo) -> None:
    require_docker()
    pid, _ = _killed_docker_run(runs, make_repo, "repo")
    after = runs.run("fix", str(make_repo(FINE, name="other")), "--sandbox", "docker", "--json")
    assert after.returncode == 0, after.stdout + after.stderr
    assert json.loads(after.stdout)["status"] == "nothing_to_fix"
    assert runs.folders() == [] and _containers_of(pid) == []
    log = next(Path(runs.env["SWEBOT_HOME"]).glob("runs/*-other-*/run.log")).read_text()
    assert "temporary folder(s)" in log and "container(s) left behind by swebot runs that were killed" in log


def test_the_next_local_run_removes_a_killed_local_runs_folders(runs: Runs, make_repo, tmp_path: Path) -> None:
    pidfile = tmp_path / "pid-local"
    hang = f"import os, time\n\n\ndef test_hangs():\n    open({str(pidfile)!r}, 'w').write(str(os.getpid()))\n" \
           "    time.sleep(600)\n"
    proc = runs.start("fix", str(make_repo({"test_hang.py": hang})), "--sandbox", "local", "-q")
    _wait_for(lambda: pidfile.exists() and pidfile.read_text(), proc, "the test started")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert runs.folders("swebot-ws-") and runs.folders("swebot-exec-")
    after = runs.run("fix", str(make_repo(FINE, name="other")), "--sandbox", "local")
    assert after.returncode == 0, after.stdout + after.stderr
    assert "left behind by swebot runs that were killed" in after.stderr
    assert runs.folders() == []


@pytest.mark.docker
def test_a_live_runs_folder_and_container_are_never_touched(runs: Runs, make_repo) -> None:
    require_docker()
    repo = make_repo({"test_hang.py": HANGS})
    live = runs.start("fix", str(repo), "--sandbox", "docker", "-q")
    _wait_for(lambda: _containers_of(live.pid) and runs.folders("swebot-ws-"), live, "the container started")
    mine = runs.folders()
    assert runs.run("sandbox", "prune", "--keep-images").returncode == 0
    assert runs.run("fix", str(make_repo(FINE, name="other")), "--sandbox", "docker").returncode == 0
    assert live.poll() is None and runs.folders() == mine and _containers_of(live.pid)
    live.send_signal(signal.SIGTERM)  # a polite stop cleans up after itself
    live.wait(timeout=120)
    assert runs.folders() == [] and _containers_of(live.pid) == []


def test_a_reused_pid_is_not_the_owner(tmp_path: Path) -> None:
    folder = owned_tempdir("swebot-ws-", dir=tmp_path)
    assert stale_folders(tmp_path) == []  # this process owns it
    owner = json.loads((folder / OWNER_FILE).read_text())
    (folder / OWNER_FILE).write_text(json.dumps({**owner, "start": "1"}))  # same pid, other start
    assert stale_folders(tmp_path) == [folder]
    (folder / OWNER_FILE).write_text(json.dumps({**owner, "host": "elsewhere", "start": "1"}))
    assert stale_folders(tmp_path) == []  # another host's: cannot be known, left alone


@pytest.mark.docker
def test_a_container_removed_by_another_run_while_listing_is_skipped() -> None:
    """Concurrent runs clean up too: a container gone between the listing and its inspection is no crash."""
    require_docker()
    from swebot.sandbox.docker import OWNER_LABEL, connect
    from swebot.sandbox.images import BASE_IMAGE, LABEL

    client = connect()
    dead = {LABEL: "1", OWNER_LABEL: f"{socket.gethostname()}:999999998"}
    first, second = (client.containers.create(BASE_IMAGE, ["true"], labels=dead) for _ in range(2))
    inspect = client.api.inspect_container
    vanished: list[str] = []

    def inspect_after_another_run_removed_it(container_id: str) -> dict:
        if not vanished:  # the other run is quicker for the first container inspected
            vanished.append(container_id)
            client.api.remove_container(container_id, force=True)
        return inspect(container_id)

    client.api.inspect_container = inspect_after_another_run_removed_it  # type: ignore[method-assign]
    try:
        removed = remove_stale_containers(client)
    finally:
        client.api.inspect_container = inspect  # type: ignore[method-assign]
        for container in (first, second):
            try:
                container.remove(force=True)
            except Exception:
                pass
    assert vanished and vanished[0] in (first.id, second.id)
    survivor = second if vanished[0] == first.id else first
    assert survivor.short_id in removed
    assert client.containers.list(all=True, filters={"id": survivor.id}) == []
