"""The tests' one way to run git and to build a small committed repository."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path
from typing import Mapping

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@localhost",
}


def git(repo: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    """git's stdout (a diff keeps its last newline); CalledProcessError when git fails."""
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV, **(env or {})}).stdout


def git_out(repo: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    """git's stdout without its trailing newline: a sha, a branch name, a file's text to compare."""
    return git(repo, *args, env=env).rstrip("\n")


def write_files(root: Path, files: Mapping[str, str], *, dedent: bool = True) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n") if dedent else content)


def init_repo(root: Path, files: Mapping[str, str], *, message: str = "init", dedent: bool = True) -> Path:
    """A git repository at ``root`` (branch main) with ``files`` committed."""
    root.mkdir(parents=True, exist_ok=True)
    write_files(root, files, dedent=dedent)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return root
