"""Shared fixtures: small real git repositories generated per test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator, Mapping

import pytest

from tests.gitrepo import init_repo, write_files

# SWE-bench instance images are never pulled from a public registry here (tests stay on
# loopback); a test that pulls names its own registry on 127.0.0.1.
os.environ["SWEBOT_IMAGE_NAMESPACE"] = ""
# Environments built from SWE-bench specs get no network either: a build that needs a package fails.
os.environ["SWEBOT_SPECENV_NETWORK"] = "none"

REPO_ROOT = Path(__file__).resolve().parent.parent



def localize_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: Mapping[str, str]) -> Path:
    """A library tree under ``tmp_path`` for localize tests, with an index cache of its own."""
    monkeypatch.setenv("SWEBOT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "lib"
    write_files(root, files)
    return root


@pytest.fixture(autouse=True)
def _held_secrets_per_test() -> "Iterator[None]":
    """Secrets a test makes swebot hold (swebot.secrets) do not leak into the next test."""
    from swebot.secrets import scope

    with scope():
        yield


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """make_repo({"path": "content", ...}, name="repo") -> a committed git repository."""
    def make(files: Mapping[str, str], name: str = "repo") -> Path:
        repo = tmp_path / name
        repo.mkdir()
        return init_repo(repo, files)
    return make


@pytest.fixture
def swebot_cli(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `python -m swebot ...` as a user would, with run folders kept under tmp_path."""
    import os

    def run(*args: str, cwd: Path | None = None, timeout: float = 300,
            env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "SWEBOT_HOME": str(tmp_path / "swebot-home"),
                    "PYTHONPATH": str(REPO_ROOT), **(env or {})}
        return subprocess.run([sys.executable, "-m", "swebot", *args], cwd=cwd or tmp_path,
                              capture_output=True, text=True, timeout=timeout, env=full_env)
    return run
