"""`--time-limit` bounds the whole run, the baseline test run included (issue 12).

A test that sleeps forever used to keep `swebot fix --time-limit 30` busy for the full test
timeout (300 s). Here the limit is 5 s and the test timeout 300 s: the run must end in
seconds, say that the time limit stopped it, exit 4, and still write its run folder.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import pytest

from swebot.sandbox.deadline import GRACE, DeadlineSandbox
from swebot.sandbox.local import LocalSandbox
from swebot.types import ExecResult
from swebot.workspace import sandbox_diff
from tests.docker_support import require_docker

HANGS = {
    "calc.py": "def add(a, b):\n    return a - b\n",
    "test_calc.py": """
        import time
        from calc import add


        def test_add():
            assert add(2, 2) == 4


        def test_hangs():
            time.sleep(100000)
    """,
}
LIMIT = 5
# Far below the 300 s test timeout, and generous for a loaded machine (container start, git).
WELL_BEFORE = 90


def _run_hanging(make_repo: Callable[..., Path], swebot_cli, tmp_path: Path, sandbox: str):
    repo = make_repo(HANGS)
    out = tmp_path / "run"
    started = time.monotonic()
    proc = swebot_cli("fix", str(repo), "--sandbox", sandbox, "--time-limit", str(LIMIT),
                      "--test-timeout", "300", "--output", str(out), "--json", timeout=280)
    return proc, time.monotonic() - started, out


def _check_out_of_time(proc, seconds: float, out: Path) -> None:
    assert seconds < WELL_BEFORE, f"the run took {seconds:.0f}s"
    assert proc.returncode == 4, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["status"] == "not_fixed" and report["limit_hit"] == "time_limit"
    assert "time limit (5s) ran out during the baseline test run" in report["description"]
    saved = json.loads((out / "report.json").read_text())
    assert saved["limit_hit"] == "time_limit" and saved["details"]["stopped_during"] == "baseline"
    assert (out / "patch.diff").exists() and (out / "run.log").exists()


def test_time_limit_ends_a_hanging_baseline_locally(make_repo, swebot_cli, tmp_path: Path) -> None:
    proc, seconds, out = _run_hanging(make_repo, swebot_cli, tmp_path, "local")
    _check_out_of_time(proc, seconds, out)


@pytest.mark.docker
def test_time_limit_ends_a_hanging_baseline_in_docker(make_repo, swebot_cli, tmp_path: Path) -> None:
    require_docker()
    proc, seconds, out = _run_hanging(make_repo, swebot_cli, tmp_path, "docker")
    _check_out_of_time(proc, seconds, out)


def test_human_summary_says_the_time_limit_stopped_the_run(make_repo, swebot_cli, tmp_path: Path) -> None:
    repo = make_repo(HANGS)
    proc = swebot_cli("fix", str(repo), "--sandbox", "local", "--time-limit", "3", "-q", timeout=120)
    assert proc.returncode == 4
    assert proc.stdout.startswith("Stopped: the time limit (3s) ran out during the baseline test run")
    assert "raise --time-limit" in proc.stdout and "run folder:" in proc.stdout


def test_every_command_gets_at_most_the_time_left(tmp_path: Path) -> None:
    inner = LocalSandbox(tmp_path)
    box = DeadlineSandbox(inner, time.monotonic() + 2)
    started = time.monotonic()
    result = box.execute("sleep 60", timeout=300)
    assert result.timed_out and time.monotonic() - started < 20 and box.cut_short == 1
    # Past the deadline a command still gets a short grace (the final diff must be computable)...
    assert box.expired() and box.execute("echo ok", timeout=300).stdout == "ok\n"
    # ...but no more than that, even when its own timeout is "none" (0).
    started = time.monotonic()
    assert box.execute("sleep 60", timeout=0).timed_out
    assert time.monotonic() - started < GRACE + 10
    # A command that ends in time is not counted as cut short.
    fresh = DeadlineSandbox(inner, time.monotonic() + 60)
    assert fresh.execute("sleep 0.1", timeout=1).ok and fresh.cut_short == 0
    box.close()


class SlowFirstCommand(LocalSandbox):
    """A sandbox whose first command takes all the time it is given (a big repository's
    `git add -N` and diff, started a second before the run's deadline)."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.commands = 0

    def execute(self, command, *, timeout, cwd=None, env=None):  # type: ignore[no-untyped-def]
        self.commands += 1
        if self.commands == 1:
            time.sleep(timeout)
            return ExecResult(exit_code=-9, stdout="", stderr="", timed_out=True, duration=timeout)
        return super().execute(command, timeout=timeout, cwd=cwd, env=env)


def test_a_diff_started_just_before_the_deadline_is_taken_again_in_the_grace(make_repo) -> None:
    # SWE-bench django-15814 (s8): a plausible patch was chosen 1 s before the limit and the run
    # ended in error ("git diff failed in the sandbox: "), the patch lost.
    repo = make_repo({"calc.py": "def add(a, b):\n    return a - b\n"})
    (repo / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    (repo / ".git" / "index.lock").write_text("")  # what the killed `git add -A -N` leaves
    inner = SlowFirstCommand(repo)
    box = DeadlineSandbox(inner, time.monotonic() + 0.5)
    patch = sandbox_diff(box)
    assert inner.commands == 2 and box.expired()
    assert "-    return a - b\n+    return a + b\n" in patch
