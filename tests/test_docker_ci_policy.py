"""Docker tests skip on a developer's machine without Docker, but fail under CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.docker_support import REPO_ROOT

PROBE = """
from tests.docker_support import require_docker

def test_needs_docker():
    require_docker()
"""


def _run_probe(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_probe.py").write_text(PROBE)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(DOCKER_HOST="unix:///nonexistent/swebot-ci-policy.sock", PYTHONPATH=str(REPO_ROOT))
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(tmp_path / "test_probe.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )


def test_without_docker_outside_ci_the_test_skips_with_the_reason(tmp_path: Path) -> None:
    run = _run_probe(tmp_path, ci=None)
    assert run.returncode == 0, run.stdout
    assert "1 skipped" in run.stdout and "daemon does not answer" in run.stdout


def test_without_docker_under_ci_the_test_fails(tmp_path: Path) -> None:
    run = _run_probe(tmp_path, ci="true")
    assert run.returncode == 1, run.stdout
    assert "1 failed" in run.stdout and "Docker is required under CI=true" in run.stdout
