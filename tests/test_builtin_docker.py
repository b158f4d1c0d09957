"""`swebot fix --sandbox docker` with the builtin engine: candidates checked in two lanes, each a
container with a copy of the workspace, and no container left behind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from swebot.cli import main
from tests.docker_support import require_docker
from tests.test_builtin_engine import TWO_EDITS

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def my_containers() -> list[str]:
    """Containers this test process started (other runs may have theirs)."""
    import os
    import socket

    from swebot.sandbox.docker import OWNER_LABEL, connect

    owner = f"{OWNER_LABEL}={socket.gethostname()}:{os.getpid()}"
    return [c.id for c in connect().containers.list(all=True, filters={"label": owner}, ignore_removed=True)]


def test_builtin_fix_in_docker_checks_candidates_in_two_containers(make_repo: Callable[..., Path], tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    require_docker()
    monkeypatch.setattr("swebot.engines.builtin.default_lanes", lambda: 2)
    monkeypatch.setenv("SWEBOT_HOME", str(tmp_path / "home"))
    repo = make_repo(TWO_EDITS)
    status = main(["fix", str(repo), "--sandbox", "docker", "--json", "--time-limit", "300"])
    out = capsys.readouterr().out
    assert status == 0, out
    report = json.loads(out)
    assert report["status"] == "fixed" and report["details"]["lanes"] == 2
    assert "+        if v >= low and v <= high:" in report["patch"]
    assert my_containers() == []  # the run's container and the lane's are gone
