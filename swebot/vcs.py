"""The one way swebot runs git: the ``git`` command line in a subprocess, never a shell.

``run`` hands back git's answer whatever its exit status (for probes and callers with their own
messages); ``git`` returns stdout and raises ``GitFailed`` with git's message on a non-zero exit.
A missing git or a timeout is an ``EnvironmentProblem`` either way.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Literal, Mapping, overload

from swebot.errors import EnvironmentProblem

BOT_NAME = os.environ.get("SWEBOT_GIT_NAME", "swebot[bot]")
BOT_EMAIL = os.environ.get("SWEBOT_GIT_EMAIL", "swebot[bot]@users.noreply.github.com")
BOT_IDENTITY = {
    "GIT_AUTHOR_NAME": BOT_NAME,
    "GIT_AUTHOR_EMAIL": BOT_EMAIL,
    "GIT_COMMITTER_NAME": BOT_NAME,
    "GIT_COMMITTER_EMAIL": BOT_EMAIL,
}
NO_PROMPT = {"GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never"}


class GitFailed(EnvironmentProblem):
    """git exited non-zero; ``stderr`` is what it said."""

    def __init__(self, message: str, *, stderr: str = "", hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.stderr = stderr


@overload
def run(cwd: Path | None, *args: str, input: str | None = None, env: Mapping[str, str] | None = None,
        timeout: float | None = None, identity: Mapping[str, str] = BOT_IDENTITY,
        text: Literal[True] = True) -> subprocess.CompletedProcess[str]: ...


@overload
def run(cwd: Path | None, *args: str, input: str | None = None, env: Mapping[str, str] | None = None,
        timeout: float | None = None, identity: Mapping[str, str] = BOT_IDENTITY,
        text: Literal[False]) -> subprocess.CompletedProcess[bytes]: ...


def run(cwd: Path | None, *args: str, input: str | None = None, env: Mapping[str, str] | None = None,
        timeout: float | None = None, identity: Mapping[str, str] = BOT_IDENTITY,
        text: bool = True) -> subprocess.CompletedProcess[str] | subprocess.CompletedProcess[bytes]:
    """git ``args`` in ``cwd`` as ``identity`` (swebot by default) and never prompting (``env`` on
    top); the completed process whatever its exit status."""
    try:
        # Text as UTF-8 with surrogate escapes: patches of files in legacy encodings keep their bytes.
        return subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True,
                              encoding="utf-8" if text else None, errors="surrogateescape" if text else None,
                              env={**os.environ, **identity, **NO_PROMPT, **(env or {})}, timeout=timeout)
    except FileNotFoundError as exc:
        raise EnvironmentProblem("git is not installed", hint="install git and retry") from exc
    except subprocess.TimeoutExpired as exc:
        raise EnvironmentProblem(f"git {args[0]} took longer than {timeout:.0f}s") from exc


def git(cwd: Path | None, *args: str, input: str | None = None, env: Mapping[str, str] | None = None,
        timeout: float | None = None, identity: Mapping[str, str] = BOT_IDENTITY) -> str:
    """stdout of git ``args`` in ``cwd``; ``GitFailed`` with git's message when it fails."""
    proc = run(cwd, *args, input=input, env=env, timeout=timeout, identity=identity)
    if proc.returncode != 0:
        said = proc.stderr.strip() or proc.stdout.strip()
        command = next((a for a in args if not a.startswith("-") and "=" not in a), args[0])  # past "-c k=v"
        raise GitFailed(f"git {command} failed: {said}", stderr=said)
    return proc.stdout


def succeeds(cwd: Path | None, *args: str, env: Mapping[str, str] | None = None) -> bool:
    """Whether git ``args`` exits 0 (a probe: ``rev-parse --verify``, ``check-ref-format``...)."""
    return run(cwd, *args, env=env).returncode == 0
