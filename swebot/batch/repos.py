"""Repositories for a batch: one cached bare clone per repository, a detached worktree per instance.

The source of each repository comes from a template (``https://github.com/{repo}.git`` by default,
or a local mirror such as ``/mirrors/{repo}``). Clones and fetches of one repository are
serialized by an ``fcntl`` lock in the cache, so parallel workers share a single clone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from swebot import vcs
from swebot.batch.store import locked
from swebot.errors import BadInput, EnvironmentProblem

DEFAULT_SOURCE = "https://github.com/{repo}.git"
CLONE_TIMEOUT = 1800.0  # seconds for one git call: a first clone of a big repository is slow


def default_cache_dir() -> Path:
    if os.environ.get("SWEBOT_CACHE_DIR"):
        return Path(os.environ["SWEBOT_CACHE_DIR"]).expanduser()
    return Path.home() / ".cache" / "swebot" / "repos"


def _check(proc: subprocess.CompletedProcess[str], what: str) -> str:
    if proc.returncode != 0:
        raise EnvironmentProblem(f"{what}: {(proc.stderr or proc.stdout).strip()[-500:]}")
    return proc.stdout


def check_template(template: str) -> str:
    if "{repo}" not in template:
        raise BadInput(f"--repo-source {template!r} has no {{repo}} placeholder",
                       hint="for example https://github.com/{repo}.git or /mirrors/{repo}")
    return template


class RepoCache:
    """Bare clones under ``cache_dir`` named after the repository (``owner__name.git``)."""

    def __init__(self, cache_dir: Path | None = None, source: str = DEFAULT_SOURCE) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self.source = check_template(source)

    def url(self, repo: str) -> str:
        return self.source.format(repo=repo)

    def bare_path(self, repo: str) -> Path:
        return self.cache_dir / (re.sub(r"[^A-Za-z0-9._-]+", "__", repo) + ".git")

    def ensure(self, repo: str, commit: str) -> Path:
        """The bare clone of ``repo``, cloned or fetched so that it holds ``commit``."""
        bare = self.bare_path(repo)
        with locked(bare.with_name(bare.name + ".lock")):
            if not (bare / "HEAD").exists():
                shutil.rmtree(bare, ignore_errors=True)  # a clone killed half-way
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                tmp = bare.with_name(bare.name + ".partial")
                shutil.rmtree(tmp, ignore_errors=True)
                _check(vcs.run(None, "clone", "--bare", "--quiet", self.url(repo), str(tmp), timeout=CLONE_TIMEOUT),
                       f"cannot clone {repo} from {self.url(repo)}")
                tmp.rename(bare)
            if not self._has(bare, commit):
                _check(vcs.run(bare, "fetch", "--quiet", "origin", "+refs/heads/*:refs/heads/*",
                               "+refs/tags/*:refs/tags/*", timeout=CLONE_TIMEOUT), f"cannot fetch {repo}")
                if not self._has(bare, commit):  # servers that allow fetching a reachable sha
                    vcs.run(bare, "fetch", "--quiet", "origin", commit, timeout=CLONE_TIMEOUT)
                if not self._has(bare, commit):
                    raise EnvironmentProblem(f"commit {commit} is not in {self.url(repo)}")
        return bare

    @staticmethod
    def _has(bare: Path, commit: str) -> bool:
        return vcs.run(bare, "cat-file", "-e", f"{commit}^{{commit}}", timeout=CLONE_TIMEOUT).returncode == 0

    @contextmanager
    def worktree(self, repo: str, commit: str, dest: Path) -> Iterator[Path]:
        """A detached worktree of ``repo`` at ``commit`` in ``dest``, removed afterwards."""
        bare = self.ensure(repo, commit)
        dest = Path(dest).resolve()
        lock = bare.with_name(bare.name + ".lock")
        with locked(lock):
            # A run killed inside `git worktree add` leaves the worktree locked ("initializing"),
            # which a single --force neither removes nor overwrites.
            vcs.run(bare, "worktree", "remove", "--force", "--force", str(dest), timeout=CLONE_TIMEOUT)
            shutil.rmtree(dest, ignore_errors=True)
            vcs.run(bare, "worktree", "prune", timeout=CLONE_TIMEOUT)
            dest.parent.mkdir(parents=True, exist_ok=True)
            _check(vcs.run(bare, "worktree", "add", "--detach", "--force", "--force", str(dest), commit, timeout=CLONE_TIMEOUT),
                   f"cannot check out {repo} at {commit}")
        try:
            yield dest
        finally:
            with locked(lock):
                vcs.run(bare, "worktree", "remove", "--force", "--force", str(dest), timeout=CLONE_TIMEOUT)
                shutil.rmtree(dest, ignore_errors=True)
                vcs.run(bare, "worktree", "prune", timeout=CLONE_TIMEOUT)


def apply_patch(worktree: Path, patch: str, what: str = "patch") -> None:
    """``git apply`` a patch to a worktree's files (not the index); EnvironmentProblem if it fails."""
    if not patch.strip():
        return
    proc = vcs.run(worktree, "apply", "--whitespace=nowarn", "-", input=patch)
    if proc.returncode != 0:
        raise EnvironmentProblem(f"the {what} does not apply: {proc.stderr.strip()[-500:]}")
