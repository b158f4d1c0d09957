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

from swebot import vcs
from swebot.errors import BadInput, EnvironmentProblem
from swebot.github.pr import BRANCH_PREFIX
from swebot.github.secrets import redact
from swebot.leftovers import owned_tempdir

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


def _git_said(stderr: str, secrets: tuple[str, ...]) -> str:
    """What git said, fit to show: no credentials in any URL it echoes, no token."""
    text = re.sub(r"(https?://)[^/\s@]+@", r"\1", stderr.strip())  # userinfo in any URL git echoes
    return redact(text, secrets)


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
        def make_writable(func, target, _exc):
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
    folder = owned_tempdir("swebot-clone-", dir=parent)
    os.chmod(folder, 0o700)
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".git"))
    target = folder / (name.strip(".-") or "repo")  # run folders are named after it
    secrets = (token,) if token else ()
    env = git_auth_env(token, url)
    shown = strip_userinfo(url)
    try:
        cloned = vcs.run(None, "clone", *(["--no-checkout"] if ref is not None else []), "--", url, str(target),
                         env=env)
        if cloned.returncode != 0:
            raise BadInput(
                f"could not clone {shown}: {_git_said(cloned.stderr, secrets) or 'git clone failed'}",
                hint="check the URL, and for private repositories set GITHUB_TOKEN",
            )
        if ref is not None:
            _checkout(target, ref, env, secrets)
        sha = vcs.git(target, "rev-parse", "HEAD").strip()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return ClonedRepo(path=target, url=url, ref=ref, sha=sha, _folder=folder)


def _checkout(repo: Path, ref: str, env: Mapping[str, str], secrets: tuple[str, ...]) -> None:
    if ref.startswith("-") or not ref.strip():
        raise BadInput(f"not a git ref: {ref!r}")
    for candidate in (f"origin/{ref}", ref):
        found = vcs.run(repo, "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}", env=env)
        if found.returncode == 0:
            vcs.git(repo, "checkout", "--detach", "--quiet", found.stdout.strip(), env=env)
            return
    try:  # a ref the clone does not carry (e.g. refs/pull/1/head, an unadvertised commit)
        vcs.git(repo, "fetch", "--quiet", "origin", ref, env=env)
        vcs.git(repo, "checkout", "--detach", "--quiet", "FETCH_HEAD", env=env)
    except vcs.GitFailed as exc:
        raise BadInput(
            f"--ref {ref!r} is not a branch, tag or commit of the repository",
            hint=_git_said(exc.stderr, secrets)[:300],
        ) from None


# ----------------------------------------------------------------------------- push


def remote_url(repo: Path, remote: str = "origin") -> str:
    found = vcs.run(repo, "config", "--get", f"remote.{remote}.url")
    if found.returncode != 0 or not found.stdout.strip():
        raise BadInput(f"the repository at {repo} has no remote {remote!r}")
    return found.stdout.strip()


def remote_branch_exists(repo: Path, branch: str, *, remote: str = "origin", token: str | None = None) -> bool:
    url = remote_url(repo, remote)
    listed = vcs.run(repo, "ls-remote", "--heads", remote, f"refs/heads/{branch}", env=git_auth_env(token, url))
    if listed.returncode != 0:
        raise PushError(f"could not list branches of {strip_userinfo(url)}: "
                        f"{_git_said(listed.stderr, (token or '',))}")
    return bool(listed.stdout.strip())


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
    check_branch_allowed(branch, default_branch)
    url = remote_url(repo, remote)
    secrets = (token,) if token else ()
    env = git_auth_env(token, url)
    names = [branch] + [f"{branch}-{n}" for n in range(2, attempts + 1)]
    for name in names:
        check_branch_allowed(name, default_branch)
        if remote_branch_exists(repo, name, remote=remote, token=token):
            continue
        ref = f"refs/heads/{name}"
        pushed = vcs.run(repo, "push", "--porcelain", f"--force-with-lease={ref}:", remote, f"{sha}:{ref}", env=env)
        if pushed.returncode == 0:
            return name
        # --porcelain reports a rejected ref on stdout, the failure itself on stderr
        if re.search(r"\[rejected\]|stale info|already exists|fetch first|non-fast-forward",
                     pushed.stdout + pushed.stderr):
            continue  # someone created it between our check and our push
        raise PushError(f"git push to {strip_userinfo(url)} failed: {_git_said(pushed.stderr or pushed.stdout, secrets)}",
                        hint="the token needs contents: write permission")
    raise PushError(f"branches {names[0]} .. {names[-1]} all exist on {strip_userinfo(url)}",
                    hint="delete stale swebot branches, or close their pull requests")
