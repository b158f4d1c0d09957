"""Helpers for tests that need a Docker engine and swebot's base image.

Locally such tests skip when Docker is unavailable; under ``CI=true`` they fail instead,
because CI starts the engine (.ci/setup-docker.sh) and a silent skip would hide a broken setup.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Iterator

import pytest

from swebot.errors import EnvironmentProblem
from tests.gitrepo import init_repo

REPO_ROOT = Path(__file__).resolve().parent.parent


@functools.lru_cache(maxsize=1)
def docker_problem() -> str | None:
    """Why docker tests cannot run here, or None when they can."""
    try:
        from swebot.sandbox.docker import connect
        from swebot.sandbox.images import ensure_base_image

        client = connect()
        ensure_base_image(client)
        client.close()
    except EnvironmentProblem as exc:
        return str(exc)
    except ImportError as exc:
        return f"the docker SDK is not installed ({exc})"
    return None


def require_docker() -> None:
    """Skip (or, under CI=true, fail) the calling test unless Docker and the base image are ready."""
    problem = docker_problem()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"Docker is required under CI=true: {problem}", pytrace=False)
    pytest.skip(f"Docker unavailable: {problem}")


@pytest.fixture
def docker_client() -> Iterator["docker.DockerClient"]:  # noqa: F821
    require_docker()
    from swebot.sandbox.docker import connect

    client = connect()
    yield client
    client.close()


def make_git_repo(root: Path, files: dict[str, str]) -> Path:
    """A committed git repository at ``root`` holding ``files``."""
    return init_repo(root, files, message="baseline", dedent=False)


def containers_of_this_process(client: "docker.DockerClient") -> list:  # noqa: F821
    """Every container (running or not) that a sandbox opened by this test process created."""
    import socket

    from swebot.sandbox.docker import OWNER_LABEL

    owner = f"{socket.gethostname()}:{os.getpid()}"
    return client.containers.list(all=True, filters={"label": f"{OWNER_LABEL}={owner}"},
                                  ignore_removed=True)

