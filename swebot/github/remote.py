"""Remote repositories: clone a git URL into a private folder, push a branch under a fresh name.

Credentials never appear in a URL, a command line or a config file: for http(s) remotes the
token travels in an ``http.<url>.extraheader`` given to git through ``GIT_CONFIG_COUNT``
environment variables (git >= 2.31), and every git message is redacted before it is shown.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import stat
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from swebot.errors import BadInput, EnvironmentProblem
from swebot.github.secrets import redact
from swebot.leftovers import owned_tempdir

BRANCH_PREFIX = "swebot/"
_URL_SCHEMES = ("https://", "http://", "ssh://", "git://", "file://")
_SCP_LIKE = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!//)\S+$")


class PushError(EnvironmentProblem):
    """git push failed for a reason other than the branch name being taken."""


def is_remote_source(source: str) -> bool:
    """True for a git URL (https, http, ssh, git, file, or scp-like ``user@host:path``)."""
    source = source.strip()
    return source.lower().startswith(_URL_SCHEMES) or bool(_SCP_LIKE.match(source))


def strip_userinfo(url: str) -> str:
    """``url`` without ``user:password@`` (for showing it)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("http", "https") and "@" in parts.netloc:
        return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    return url


def git_auth_env(token: str | None, url: str) -> dict[str, str]:
    """Environment for a git command talking to ``url``: never prompts; for http(s) URLs with a
    token, sends ``Authorization: basic x-access-token:<token>`` (what GitHub and GHE accept).

    An empty extraheader first resets headers set elsewhere (e.g. by actions/checkout), so the
    server never sees two Authorization headers."""
    env = {"GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never"}
    parts = urllib.parse.urlsplit(url)
    if not token or parts.scheme not in ("http", "https"):
        return env
    host = parts.netloc.rsplit("@", 1)[-1]
    key = f"http.{parts.scheme}://{host}/.extraheader"
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    env.update(
        {
            "GIT_CONFIG_COUNT": "2",
            "GIT_CONFIG_KEY_0": key,
            "GIT_CONFIG_VALUE_0": "",
            "GIT_CONFIG_KEY_1": key,
            "GIT_CONFIG_VALUE_1": f"AUTHORIZATION: basic {basic}",
        }
    )
    return env


def _git_error(exc: Exception, secrets: tuple[str, ...]) -> str:
    stderr = getattr(exc, "stderr", "") or ""
    text = (stderr if isinstance(stderr, str) else stderr.decode("utf-8", "replace")).strip()
    text = re.sub(r"^\s*stderr:\s*", "", text)
    text = re.sub(r"(https?://)[^/\s@]+@", r"\1", text)  # userinfo in any URL git echoes
    return redact(text or str(exc), secrets)


# ----------------------------------------------------------------------------- clone


@dataclass
class ClonedRepo:
    """A clone in a private (0700) temporary folder; ``cleanup()`` removes it."""

    path: Path
    url: str
    ref: str | None
    sha: str
    _folder: Path

    def cleanup(self) -> None:
        def make_writable(func, target, _exc):  # type: ignore[no-untyped-def]
            os.chmod(target, stat.S_IWUSR | stat.S_IRUSR | stat.S_IXUSR)
            func(target)

        shutil.rmtree(self._folder, onerror=make_writable)

    def __enter__(self) -> "ClonedRepo":
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


def clone(
    url: str,
    ref: str | None = None,
    *,
    token: str | None = None,
    parent: Path | None = None,
) -> ClonedRepo:
    """Clone ``url`` (https, ssh, file:// or a local path) and check out ``ref`` (a branch, tag or
    commit; default: the remote's default branch). Raises ``BadInput`` for an unreachable URL or
    an unknown ref; the folder is removed on failure."""
    import git

    folder = owned_tempdir("swebot-clone-", dir=parent)
    os.chmod(folder, 0o700)
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".git"))
    target = folder / (name.strip(".-") or "repo")  # run folders are named after it
    secrets = (token,) if token else ()
    env = git_auth_env(token, url)
    shown = strip_userinfo(url)
    try:
        try:
            repo = git.Repo.clone_from(url, target, env=env, no_checkout=ref is not None)
        except git.GitCommandError as exc:
            raise BadInput(
                f"could not clone {shown}: {_git_error(exc, secrets)}",
                hint="check the URL, and for private repositories set GITHUB_TOKEN",
            ) from None
        if ref is not None:
            _checkout(repo, ref, env, secrets)
        sha = repo.head.commit.hexsha
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return ClonedRepo(path=target, url=url, ref=ref, sha=sha, _folder=folder)


def _checkout(repo: "object", ref: str, env: Mapping[str, str], secrets: tuple[str, ...]) -> None:
    import git

    assert isinstance(repo, git.Repo)
    if ref.startswith("-") or not ref.strip():
        raise BadInput(f"not a git ref: {ref!r}")
    with repo.git.custom_environment(**env):
        for candidate in (f"origin/{ref}", ref):
            try:
                sha = repo.git.rev_parse("--verify", "--quiet", f"{candidate}^{{commit}}")
            except git.GitCommandError:
                continue
            repo.git.checkout("--detach", "--quiet", sha)
            return
        try:  # a ref the clone does not carry (e.g. refs/pull/1/head, an unadvertised commit)
            repo.git.fetch("--quiet", "origin", ref)
            repo.git.checkout("--detach", "--quiet", "FETCH_HEAD")
        except git.GitCommandError as exc:
            raise BadInput(
                f"--ref {ref!r} is not a branch, tag or commit of the repository",
                hint=_git_error(exc, secrets)[:300],
            ) from None


# ----------------------------------------------------------------------------- push


def remote_url(repo: Path, remote: str = "origin") -> str:
    import git

    try:
        return git.Repo(repo).remote(remote).url
    except (ValueError, git.GitCommandError) as exc:
        raise BadInput(f"the repository at {repo} has no remote {remote!r}") from exc


def remote_branch_exists(repo: Path, branch: str, *, remote: str = "origin", token: str | None = None) -> bool:
    import git

    url = remote_url(repo, remote)
    handle = git.Repo(repo)
    try:
        with handle.git.custom_environment(**git_auth_env(token, url)):
            out = handle.git.ls_remote("--heads", remote, f"refs/heads/{branch}")
    except git.GitCommandError as exc:
        raise PushError(f"could not list branches of {strip_userinfo(url)}: {_git_error(exc, (token or '',))}") from None
    return bool(out.strip())


def check_branch_allowed(branch: str, default_branch: str) -> None:
    """Refuse the default branch (and any name outside ``swebot/``): swebot only adds branches."""
    name = branch.removeprefix("refs/heads/")
    if name == default_branch or name in ("main", "master") or not name.startswith(BRANCH_PREFIX):
        raise BadInput(
            f"refusing to push to {name!r}",
            hint=f"swebot pushes only new branches under {BRANCH_PREFIX}, never the default branch {default_branch!r}",
        )


def push_new_branch(
    repo: Path,
    sha: str,
    branch: str,
    *,
    default_branch: str,
    remote: str = "origin",
    token: str | None = None,
    attempts: int = 5,
) -> str:
    """Push commit ``sha`` to a branch that does not exist on ``remote`` yet; returns its name.

    The push is create-only (``--force-with-lease=<ref>:`` with an empty expected value), so it
    can never move an existing branch; when the name is taken (seen before pushing, or lost to a
    race) the next of ``branch-2``, ``branch-3``, ... is tried."""
    import git

    check_branch_allowed(branch, default_branch)
    url = remote_url(repo, remote)
    secrets = (token,) if token else ()
    env = git_auth_env(token, url)
    handle = git.Repo(repo)
    names = [branch] + [f"{branch}-{n}" for n in range(2, attempts + 1)]
    for name in names:
        check_branch_allowed(name, default_branch)
        if remote_branch_exists(repo, name, remote=remote, token=token):
            continue
        ref = f"refs/heads/{name}"
        try:
            with handle.git.custom_environment(**env):
                handle.git.push("--porcelain", f"--force-with-lease={ref}:", remote, f"{sha}:{ref}")
            return name
        except git.GitCommandError as exc:
            message = _git_error(exc, secrets)
            if re.search(r"\[rejected\]|stale info|already exists|fetch first|non-fast-forward", message):
                continue  # someone created it between our check and our push
            raise PushError(f"git push to {strip_userinfo(url)} failed: {message}",
                            hint="the token needs contents: write permission") from None
    raise PushError(f"branches {names[0]} .. {names[-1]} all exist on {strip_userinfo(url)}",
                    hint="delete stale swebot branches, or close their pull requests")
