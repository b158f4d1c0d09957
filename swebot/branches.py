"""``--branch NAME``: commit a fix on a new branch without touching the checkout, submodules included.

Git records a submodule in its superproject as one commit id (a gitlink), so a fix that changes
files inside a submodule takes a commit there too: on a new branch of the same name, on top of the
submodule's HEAD (the code the user sees), and the superproject's commit points its gitlink at it.
No checkout and no index is touched, and the branches are created only once every commit is made.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from swebot import vcs
from swebot.diffs import file_sections, section_paths
from swebot.errors import BadInput, EnvironmentProblem
from swebot.workspace import git


@dataclass(frozen=True)
class BranchCommit:
    """A commit made for ``--branch``: ``where`` is the repository's path below the top one
    (``""`` for the top one, ``"vendor/lib"`` for a submodule)."""

    where: str
    sha: str


def check_new_branch(repo: Path, branch: str, where: str = "") -> None:
    """BadInput unless ``branch`` is a valid name that ``repo`` does not have yet, on top of a commit."""
    place = f" in submodule {where}" if where else ""
    if not vcs.succeeds(repo, "check-ref-format", "--branch", branch):
        raise BadInput(f"{branch!r} is not a valid branch name")
    if not vcs.succeeds(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"):
        raise BadInput(f"--branch commits on top of HEAD, and {repo}{place} has no commits yet",
                       hint="make a first commit (git add -A && git commit -m init), "
                       "or use --apply or the saved patch.diff instead")
    if vcs.succeeds(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"):
        raise BadInput(f"branch {branch!r} already exists{place}", hint="pick another --branch name")


def check_new_branches(repo: Path, branch: str, where: str = "") -> None:
    """``check_new_branch`` for ``repo`` and every checked-out submodule below it, before a search:
    a fix in any of them may need the branch there."""
    check_new_branch(repo, branch, where)
    for sub in _gitlinks(repo):
        if (repo / sub / ".git").exists():
            check_new_branches(repo / sub, branch, f"{where}/{sub}" if where else sub)


def commit_to_new_branches(repo: Path, patch: str, branch: str, message: str) -> list[BranchCommit]:
    """Commit ``patch`` as branch ``branch`` of ``repo`` and of each submodule it changes files in;
    the top repository's commit first."""
    check_new_branch(repo, branch)
    made: list[tuple[Path, BranchCommit]] = []  # innermost first
    _commit(repo, "", patch, branch, message, made)
    created: list[Path] = []
    try:
        for where, commit in made:
            git(where, "update-ref", f"refs/heads/{branch}", commit.sha, "")  # "": must not exist yet
            created.append(where)
    except EnvironmentProblem:
        for where in created:
            git(where, "update-ref", "-d", f"refs/heads/{branch}")
        raise
    return [commit for _, commit in reversed(made)]


def commit_to_new_branch(repo: Path, patch: str, branch: str, message: str) -> str:
    """``commit_to_new_branches``, answering the sha of the commit in ``repo`` itself."""
    return commit_to_new_branches(repo, patch, branch, message)[0].sha


def _commit(repo: Path, prefix: str, patch: str, branch: str, message: str,
            made: list[tuple[Path, BranchCommit]]) -> str:
    """Make the commit for the sections of ``patch`` under ``prefix`` (the path of ``repo`` below
    the top repository, ``""`` or ending in ``/``); returns its id."""
    gitlinks = _gitlinks(repo)
    own: list[str] = []
    inner: dict[str, list[str]] = {}
    for _, text in file_sections(patch):
        homes = {_home(path[len(prefix):], gitlinks) for path in section_paths(text) if path is not None}
        if len(homes) != 1:
            raise BadInput("the fix moves a file between a submodule and the repository around it; "
                           "--branch cannot commit that", hint="use --apply")
        home = homes.pop()
        (inner.setdefault(home, []) if home else own).append(text)
    with tempfile.TemporaryDirectory(prefix="swebot-index-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp, "index"))}
        git(repo, "read-tree", "HEAD", env=env)
        for sub, texts in inner.items():
            where = prefix + sub
            if not (repo / sub / ".git").exists():
                raise BadInput(f"the fix changes files in submodule {where}, which is not checked out")
            check_new_branch(repo / sub, branch, where)
            sha = _commit(repo / sub, where + "/", "".join(texts), branch, message, made)
            git(repo, "update-index", "--add", "--cacheinfo", f"160000,{sha},{sub}", env=env)
        if own:
            _apply(repo, prefix, "".join(own), env)
        tree = git(repo, "write-tree", env=env).strip()
    sha = git(repo, "commit-tree", tree, "-p", "HEAD", "-m", message, as_bot=False).strip()
    made.append((repo, BranchCommit(prefix.rstrip("/"), sha)))
    return sha


def _apply(repo: Path, prefix: str, patch: str, env: dict[str, str]) -> None:
    depth = 1 + prefix.count("/")  # "a/" plus the submodule's own path
    try:
        git(repo, "apply", "--cached", f"-p{depth}", "--whitespace=nowarn", "-", input=patch, env=env)
    except EnvironmentProblem as exc:
        place = f" of submodule {prefix.rstrip('/')}" if prefix else ""
        paths = sorted({p[len(prefix):] for _, text in file_sections(patch) for p in section_paths(text) if p})
        dirty = git(repo, "status", "--porcelain", "-z", "--", *paths).strip("\0")
        if dirty:
            changed = ", ".join(prefix + entry[3:] for entry in dirty.split("\0") if len(entry) > 3)
            raise BadInput(f"the fix does not apply to HEAD{place} without your uncommitted changes ({changed})",
                           hint="commit them first, or use --apply") from exc
        raise BadInput(f"the fix does not apply to HEAD{place}: {exc.message}",
                       hint="use --apply, or apply the saved patch yourself") from exc


def _gitlinks(repo: Path) -> list[str]:
    """Paths of the submodules HEAD records in ``repo``."""
    listing = git(repo, "ls-tree", "-r", "-z", "--full-tree", "HEAD")
    return [entry.split("\t", 1)[1] for entry in listing.split("\0")
            if entry and entry.split(" ", 2)[1:2] == ["commit"]]


def _home(path: str, gitlinks: list[str]) -> str:
    """The submodule ``path`` lies in (its path), or ``""`` when it belongs to the repository itself."""
    return next((link for link in gitlinks if path.startswith(link + "/")), "")
