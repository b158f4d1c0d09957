"""The one way swebot runs git: GitPython's command runner (``git.cmd.Git``), never a shell.

``run`` hands back git's answer whatever its exit status (for probes and callers with their own
messages); ``git`` returns stdout and raises ``GitFailed`` with git's message on a non-zero exit.
A missing git, a missing working directory or a timeout is an ``EnvironmentProblem`` either way.

GitPython rather than its ``Repo`` objects: swebot needs the exact bytes of a patch (files in
legacy encodings), stdin for ``git apply``, a timeout that also kills git's helpers (ssh, remote
helpers: GitPython kills the whole process tree) and the bot identity per call; the command runner
gives all of them, through one seam.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator, Literal, Mapping, overload

# GitPython checks for a git executable at import; without one swebot must still start (and say
# "git is not installed" when it first needs git), so that check is quiet for the import alone: the
# user's value comes back after it (left set, the variable would reach the tests swebot runs).
_USERS_REFRESH = os.environ.get("GIT_PYTHON_REFRESH")
os.environ["GIT_PYTHON_REFRESH"] = "quiet"
try:
    from git.cmd import Git
    from git.exc import GitCommandNotFound
finally:
    if _USERS_REFRESH is None:
        del os.environ["GIT_PYTHON_REFRESH"]
    else:
        os.environ["GIT_PYTHON_REFRESH"] = _USERS_REFRESH

from swebot.errors import EnvironmentProblem  # noqa: E402

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
def run(cwd: Path | str | None, *args: str, input: str | None = None, env: Mapping[str, str] | None = None,
        timeout: float | None = None, identity: Mapping[str, str] = BOT_IDENTITY,
        text: Literal[True] = True) -> subprocess.CompletedProcess[str]: ...


@overload
def run(cwd: Path | str | None, *args: str, input: str | None = None, env: Mapping[str, str] | None = None,
        timeout: float | None = None, identity: Mapping[str, str] = BOT_IDENTITY,
        text: Literal[False]) -> subprocess.CompletedProcess[bytes]: ...


def run(cwd: Path | str | None, *args: str, input: str | None = None, env: Mapping[str, str] | None = None,
        timeout: float | None = None, identity: Mapping[str, str] = BOT_IDENTITY,
        text: bool = True) -> subprocess.CompletedProcess[str] | subprocess.CompletedProcess[bytes]:
    """git ``args`` in ``cwd`` as ``identity`` (swebot by default) and never prompting (``env`` on
    top); the completed process whatever its exit status.

    Text is git's bytes as UTF-8 with surrogate escapes: patches of files in legacy encodings and
    with CRLF line ends keep every byte. Git and what it starts (hooks, aliases, helpers) run under
    GitPython's ``LC_ALL=C``, so git's messages are English whatever the user's locale (``env``
    may set another)."""
    if cwd is not None and not Path(cwd).is_dir():
        raise EnvironmentProblem(f"git {_subcommand(args)}: {cwd} is not a directory")
    # ``git -C``, not GitPython's working directory, which falls back to the current directory when
    # it cannot enter the one given (and expands ``$VAR`` and ``~`` in it): git must refuse instead.
    command = ["git", *(("-C", os.fspath(cwd)) if cwd is not None else ()), *args]
    with _stdin(input) as stdin:
        try:
            status, out, err = Git(None).execute(
                command, istream=stdin, with_extended_output=True, with_exceptions=False,
                stdout_as_string=False, strip_newline_in_stdout=False, kill_after_timeout=timeout,
                env={**identity, **NO_PROMPT, **(env or {})})
        except GitCommandNotFound as exc:
            raise EnvironmentProblem("git is not installed", hint="install git and retry") from exc
    if timeout is not None and err.startswith("Timeout:"):
        raise EnvironmentProblem(f"git {_subcommand(args)} took longer than {timeout:.0f}s")
    if not text:
        return subprocess.CompletedProcess(command, status, out, err.encode("utf-8", "surrogateescape"))
    return subprocess.CompletedProcess(command, status, out.decode("utf-8", "surrogateescape"), err)


@contextlib.contextmanager
def _stdin(text: str | None) -> Iterator[BinaryIO | None]:
    """``text`` as a file git can read its stdin from (a pipe would need a writer thread); None
    for no input, which GitPython turns into /dev/null."""
    if text is None:
        yield None
        return
    with tempfile.TemporaryFile() as file:
        file.write(text.encode("utf-8", "surrogateescape"))
        file.seek(0)
        yield file


def _subcommand(args: tuple[str, ...]) -> str:
    """The git command ``args`` name, past options such as ``-c k=v`` and ``--git-dir D``."""
    return next((a for a in args if not a.startswith("-") and "=" not in a and "/" not in a), args[0])


def git(cwd: Path | str | None, *args: str, input: str | None = None, env: Mapping[str, str] | None = None,
        timeout: float | None = None, identity: Mapping[str, str] = BOT_IDENTITY) -> str:
    """stdout of git ``args`` in ``cwd``; ``GitFailed`` with git's message when it fails."""
    proc = run(cwd, *args, input=input, env=env, timeout=timeout, identity=identity)
    if proc.returncode != 0:
        said = proc.stderr.strip() or proc.stdout.strip()
        raise GitFailed(f"git {_subcommand(args)} failed: {said}", stderr=said)
    return proc.stdout


def succeeds(cwd: Path | str | None, *args: str, env: Mapping[str, str] | None = None) -> bool:
    """Whether git ``args`` exits 0 (a probe: ``rev-parse --verify``, ``check-ref-format``...)."""
    return run(cwd, *args, env=env).returncode == 0
