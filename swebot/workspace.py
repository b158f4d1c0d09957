"""Private workspaces and the only places swebot writes to a user's repository.

A repair never runs in the user's tree: ``snapshot`` copies the current state (tracked files as they
are on disk, plus untracked files that are not ignored) into a fresh folder with its own git
history, whose single commit is the baseline every diff is taken against. The user's tree is
written only by ``apply_to_tree`` (``--apply``) and ``swebot.branches`` (``--branch``).
"""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from swebot import vcs
from swebot.diffs import changed_paths
from swebot.errors import BadInput, EnvironmentProblem, SandboxError
from swebot.leftovers import owned_tempdir
from swebot.types import Sandbox
from swebot.vcs import BOT_IDENTITY

SCRATCH_DIR = ".swebot"  # helper files inside a workspace; never part of a patch


def git(repo: Path, *args: str, input: str | None = None, env: dict[str, str] | None = None,
        as_bot: bool = True) -> str:
    """Run git in ``repo`` and return stdout; raise EnvironmentProblem with git's message on failure.

    ``as_bot`` makes swebot the author and committer; otherwise only the author, and the commit is
    committed by whoever the repository's git configuration names (the user who asked for it).
    """
    identity = BOT_IDENTITY if as_bot or not vcs.succeeds(repo, "config", "user.email") else {
        k: v for k, v in BOT_IDENTITY.items() if k.startswith("GIT_AUTHOR")}
    return vcs.git(repo, *args, input=input, env=env, identity=identity)


def find_repo_root(path: Path) -> Path:
    """The root of the git work tree holding ``path``; BadInput when there is none."""
    path = Path(path)
    if not path.exists():
        raise BadInput(f"{path} does not exist")
    if not path.is_dir():
        raise BadInput(f"{path} is not a directory", hint="point swebot at the project folder")
    proc = vcs.run(path, "rev-parse", "--show-toplevel")
    if proc.returncode != 0:
        raise BadInput(
            f"{path} is not inside a git work tree",
            hint="run `git init && git add -A && git commit -m init` there first",
        )
    return Path(proc.stdout.strip()).resolve()


def _files_to_copy(repo: Path) -> list[str]:
    listed = git(repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return sorted({name for name in listed.split("\0") if name})


@dataclass
class Workspace:
    """A private copy of a repository state, with a baseline commit to diff against."""

    path: Path
    baseline: str
    holder: Path  # the temporary folder that holds ``path``; removed by cleanup

    def diff(self) -> str:
        return diff_against_baseline(self.path)

    def cleanup(self) -> None:
        shutil.rmtree(self.holder, ignore_errors=True)


def snapshot(repo: Path, parent_dir: Path | None = None) -> Workspace:
    """Copy the work tree's current state (uncommitted and untracked-not-ignored files included)."""
    holder = owned_tempdir("swebot-ws-", dir=parent_dir)
    dest = holder / repo.name
    try:
        dest.mkdir()
        for name in _files_to_copy(repo):
            source = repo / name
            target = dest / name
            if source.is_symlink():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.symlink_to(os.readlink(source))
            elif source.is_dir():  # a submodule or nested repository: copy its files as they are
                shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns(".git"))
            elif source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
            # a tracked file deleted on disk is simply absent, as in the user's tree
        git(dest, "init", "-q")
        git(dest, "config", "core.quotepath", "off")  # paths in git's output as UTF-8, not octal
        info = dest / ".git" / "info"
        info.mkdir(parents=True, exist_ok=True)
        (info / "exclude").write_text(f"/{SCRATCH_DIR}/\n__pycache__/\n*.pyc\n.pytest_cache/\n")
        git(dest, "add", "-A")
        git(dest, "commit", "-q", "--allow-empty", "--no-verify", "-m", "swebot baseline")
        baseline = git(dest, "rev-parse", "HEAD").strip()
    except BaseException:
        shutil.rmtree(holder, ignore_errors=True)
        raise
    return Workspace(path=dest, baseline=baseline, holder=holder)


# Non-ASCII names as UTF-8, not C-quoted octal (the workspace's config says so too, for every git
# command run inside it; this covers a workspace made by something else).
_DIFF_ARGS = ("-c", "core.quotepath=off", "diff", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/", "HEAD")
# The scratch folder stays out by pathspec too: a workspace swebot did not prepare (no exclude file)
# must not hand back swebot's own files as the patch. Written as a glob that does not spell the
# folder's name literally: `git add` fails on a pathspec naming an ignored path.
_OUTSIDE_SCRATCH = ("--", ".", f":(exclude,glob)[{SCRATCH_DIR[0]}]{SCRATCH_DIR[1:]}/**")


def diff_against_baseline(path: Path) -> str:
    """Unified diff of a workspace folder (new files included) against its baseline commit."""
    git(path, "add", "-A", "-N", *_OUTSIDE_SCRATCH)
    return git(path, *_DIFF_ARGS, *_OUTSIDE_SCRATCH)


def sandbox_diff(sandbox: Sandbox) -> str:
    """The same diff, computed inside a sandbox (works for local and container workspaces).

    Read back as bytes from a scratch file, not from the command's output: that output is decoded
    with replacement characters (and may be cut short), while a patch must keep every byte of a file
    in a legacy encoding. Such bytes become surrogate escapes (see ``patch_bytes``).
    """
    out = f"{SCRATCH_DIR}/last.diff"  # scratch: never part of a diff, gone with the workspace
    command = (f"mkdir -p {SCRATCH_DIR} && git add -A -N {shlex.join(_OUTSIDE_SCRATCH)} "
               f"&& git {shlex.join(_DIFF_ARGS + _OUTSIDE_SCRATCH)} > {out}")
    result = sandbox.execute(command, timeout=120, env=BOT_IDENTITY)
    if result.timed_out:
        # Started just before a run's deadline, the diff got the second left (a DeadlineSandbox);
        # past the deadline it gets a grace period: a patch found in time must not be lost. The
        # killed `git add` may have left its index lock behind.
        result = sandbox.execute(f'rm -f "$(git rev-parse --git-path index.lock)" && {command}',
                                 timeout=120, env=BOT_IDENTITY)
    if not result.ok:
        why = result.stderr.strip() or ("it timed out" if result.timed_out else f"exit status {result.exit_code}")
        raise EnvironmentProblem(f"git diff failed in the sandbox: {why}")
    return sandbox.read_file(out).decode("utf-8", "surrogateescape")


def patch_bytes(patch: str) -> bytes:
    """A patch's exact bytes: text in UTF-8, bytes of other encodings from their surrogate escapes."""
    return patch.encode("utf-8", "surrogateescape")


def sandbox_reset(sandbox: Sandbox) -> None:
    """Put the sandbox's workspace back at its baseline commit (untracked files removed;
    ignored ones such as swebot's scratch folder kept)."""
    res = sandbox.execute("git reset -q --hard HEAD && git clean -fdq", timeout=120)
    if res.exit_code != 0:
        raise SandboxError(f"could not reset the workspace: {res.stderr.strip()[:300]}")


def sandbox_apply(sandbox: Sandbox, patch: str) -> str | None:
    """Apply ``patch`` to the sandbox's workspace; None when it applied, else git's complaint."""
    if not patch.strip():
        return None
    name = f"{SCRATCH_DIR}/candidate-{uuid.uuid4().hex[:8]}.diff"
    sandbox.write_file(name, patch_bytes(patch))  # the bytes sandbox_diff read
    res = sandbox.execute(f"git apply --whitespace=nowarn {shlex.quote(name)}; status=$?; rm -f {shlex.quote(name)}; "
                          "exit $status", timeout=120)
    return None if res.exit_code == 0 else (res.stderr.strip() or "git apply failed")[:500]


def apply_to_tree(repo: Path, patch: str) -> None:
    """Apply a patch to the user's working tree, keeping their other uncommitted changes.

    All or nothing: the patch is checked first, and if writing fails half-way every touched file
    is put back as it was.
    """
    try:
        git(repo, "apply", "--check", "--whitespace=nowarn", "-", input=patch)
    except EnvironmentProblem as exc:
        raise BadInput(
            "the patch no longer applies to your working tree (it changed during the run?)",
            hint=str(exc),
        ) from exc
    paths = changed_paths(patch)
    backups: dict[str, bytes | None] = {
        p: (repo / p).read_bytes() if (repo / p).exists() else None for p in paths
    }
    not_writable = [p for p in paths if not _writable(repo / p)]
    if not_writable:
        raise EnvironmentProblem(
            f"cannot write to {', '.join(not_writable)}: the working tree is read-only",
            hint="make it writable, or use --branch instead",
        )
    try:
        git(repo, "apply", "--whitespace=nowarn", "-", input=patch)
    except EnvironmentProblem as exc:
        for p, content in backups.items():
            try:
                if content is None:
                    (repo / p).unlink(missing_ok=True)
                else:
                    (repo / p).write_bytes(content)
            except OSError:
                pass
        raise EnvironmentProblem(
            "could not write the patch to your working tree; it was left as it was",
            hint=str(exc),
        ) from exc


def _writable(path: Path) -> bool:
    target = path if path.exists() else path.parent
    while not target.exists():
        target = target.parent
    if not os.access(target, os.W_OK):
        return False
    # root passes os.access on read-only mounts and immutable files; ask the filesystem itself.
    try:
        if target.is_dir():
            with tempfile.NamedTemporaryFile(dir=target):
                pass
        else:
            with target.open("r+b"):
                pass
    except OSError:
        return False
    return True
