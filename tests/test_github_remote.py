"""Cloning and pushing against real local repositories (a bare repo stands in for GitHub)."""

from __future__ import annotations

import base64
import stat
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from swebot.errors import BadInput
from swebot.github.remote import (
    PushError,
    check_branch_allowed,
    clone,
    git_auth_env,
    is_remote_source,
    push_new_branch,
    remote_branch_exists,
    strip_userinfo,
)
from tests.gitrepo import git_out

TOKEN = "ghp_remoteTESTtoken0987654321"


@pytest.fixture()
def bare(tmp_path: Path, make_repo) -> Path:
    """A bare 'GitHub' repository with main, a feature branch and a tag."""
    work = make_repo({"a.txt": "one\n"}, name="seed")
    git_out(work, "tag", "v1")
    git_out(work, "checkout", "-q", "-b", "feature")
    (work / "a.txt").write_text("feature\n")
    git_out(work, "commit", "-qam", "feature")
    git_out(work, "checkout", "-q", "main")
    (work / "a.txt").write_text("two\n")
    git_out(work, "commit", "-qam", "two")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(remote)], check=True)
    return remote


def test_clone_default_branch_into_private_folder(bare: Path):
    with clone(f"file://{bare}") as cloned:
        assert (cloned.path / "a.txt").read_text() == "two\n"
        folder = cloned.path.parent
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert folder.name.startswith("swebot-clone-") and cloned.path.name == "remote"
    assert not folder.exists()


@pytest.mark.parametrize(("ref", "content"), [("feature", "feature\n"), ("v1", "one\n"), ("main", "two\n")])
def test_clone_ref_branch_or_tag(bare: Path, ref: str, content: str):
    with clone(str(bare), ref) as cloned:
        assert (cloned.path / "a.txt").read_text() == content


def test_clone_ref_commit(bare: Path):
    first = git_out(bare, "rev-list", "--max-parents=0", "main")
    with clone(f"file://{bare}", first[:12]) as cloned:
        assert cloned.sha == first
        assert (cloned.path / "a.txt").read_text() == "one\n"


def test_clone_unknown_ref_and_bad_url_are_bad_input(bare: Path, tmp_path: Path):
    with pytest.raises(BadInput, match="--ref"):
        clone(f"file://{bare}", "no-such-branch", parent=tmp_path)
    with pytest.raises(BadInput, match="could not clone"):
        clone(f"file://{tmp_path}/missing.git", parent=tmp_path)
    assert not list(tmp_path.glob("swebot-clone-*"))  # failed clones leave nothing behind


def test_push_new_branch_then_fresh_name_on_conflict(bare: Path):
    with clone(f"file://{bare}") as cloned:
        head = git_out(cloned.path, "rev-parse", "HEAD")
        (cloned.path / "a.txt").write_text("fixed\n")
        git_out(cloned.path, "commit", "-qam", "fix")
        sha = git_out(cloned.path, "rev-parse", "HEAD")
        name = push_new_branch(cloned.path, sha, "swebot/issue-3-bug", default_branch="main")
        assert name == "swebot/issue-3-bug"
        assert git_out(bare, "rev-parse", "refs/heads/swebot/issue-3-bug") == sha
        # Same name again: the existing branch is left alone and a fresh name is used.
        name2 = push_new_branch(cloned.path, head, "swebot/issue-3-bug", default_branch="main")
        assert name2 == "swebot/issue-3-bug-2"
        assert git_out(bare, "rev-parse", "refs/heads/swebot/issue-3-bug") == sha
        assert git_out(bare, "rev-parse", "refs/heads/swebot/issue-3-bug-2") == head
        assert remote_branch_exists(cloned.path, "swebot/issue-3-bug-2")
        assert git_out(bare, "rev-parse", "main") == head  # default branch untouched


def test_create_only_push_never_moves_an_existing_branch(bare: Path):
    """Even when the name check is skipped (a race), the lease refuses to overwrite."""
    with clone(f"file://{bare}") as cloned:
        base = git_out(cloned.path, "rev-parse", "HEAD")
        git_out(cloned.path, "push", "-q", "origin", f"{base}:refs/heads/swebot/x")
        (cloned.path / "a.txt").write_text("ff\n")
        git_out(cloned.path, "commit", "-qam", "fast-forward of swebot/x")
        sha = git_out(cloned.path, "rev-parse", "HEAD")
        proc = subprocess.run(
            ["git", "push", "--porcelain", "--force-with-lease=refs/heads/swebot/x:", "origin", f"{sha}:refs/heads/swebot/x"],
            cwd=cloned.path, capture_output=True, text=True,
        )
        assert proc.returncode != 0 and "stale info" in proc.stdout + proc.stderr
        assert git_out(bare, "rev-parse", "refs/heads/swebot/x") == base


def test_refuses_default_branch_and_foreign_names(bare: Path):
    with pytest.raises(BadInput, match="refusing"):
        check_branch_allowed("trunk", "trunk")
    for name in ("main", "master", "refs/heads/main", "feature"):
        with pytest.raises(BadInput):
            check_branch_allowed(name, "main")
    with clone(f"file://{bare}") as cloned:
        sha = git_out(cloned.path, "rev-parse", "HEAD")
        with pytest.raises(BadInput):
            push_new_branch(cloned.path, sha, "main", default_branch="main")
    assert git_out(bare, "for-each-ref", "--format=%(refname)", "refs/heads/") .split() == [
        "refs/heads/feature", "refs/heads/main"
    ]


def test_push_failure_is_typed(bare: Path, tmp_path: Path):
    with clone(f"file://{bare}") as cloned:
        sha = git_out(cloned.path, "rev-parse", "HEAD")
        git_out(cloned.path, "remote", "set-url", "origin", f"file://{tmp_path}/gone.git")
        with pytest.raises(PushError):
            push_new_branch(cloned.path, sha, "swebot/issue-1-x", default_branch="main")


def test_source_detection_and_userinfo():
    for url in ("https://github.com/o/r.git", "git@github.com:o/r.git", "ssh://git@h/o/r", "file:///tmp/r.git"):
        assert is_remote_source(url)
    for path in (".", "/tmp/repo", "repo", "C:/x"):
        assert not is_remote_source(path)
    assert strip_userinfo("https://user:pw@github.com/o/r") == "https://github.com/o/r"


class _RecordingGitServer:
    """An http server that records request headers and answers 401 (enough to see what git sends)."""

    def __init__(self) -> None:
        self.headers: list[list[tuple[str, str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                outer.headers.append(list(self.headers.items()))
                self.send_response(403)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/octo/demo.git"


def _auth_headers(headers: list[tuple[str, str]]) -> list[str]:
    return [v for k, v in headers if k.lower() == "authorization"]


def test_token_goes_in_a_header_never_the_url_or_messages(tmp_path: Path):
    server = _RecordingGitServer()
    try:
        with pytest.raises(BadInput) as info:
            clone(server.url, token=TOKEN, parent=tmp_path)
    finally:
        server.server.shutdown()
        server.server.server_close()
    assert server.headers, "git never reached the server"
    expected = "basic " + base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    assert [_auth_headers(h) for h in server.headers] == [[expected]] * len(server.headers)
    assert TOKEN not in str(info.value)
    env = git_auth_env(TOKEN, server.url)
    assert all(TOKEN not in key for key in env)  # only inside a header value
    assert git_auth_env(TOKEN, "file:///x") == {"GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never"}


def test_checkout_credentials_are_replaced_not_doubled(make_repo):
    """actions/checkout leaves an extraheader in .git/config; git must send only ours."""
    repo = make_repo({"a.txt": "x\n"})
    server = _RecordingGitServer()
    try:
        git_out(repo, "remote", "add", "origin", server.url)
        host = server.url.split("/octo")[0]
        git_out(repo, "config", f"http.{host}/.extraheader", "AUTHORIZATION: basic c3RhbGU=")
        with pytest.raises(PushError) as info:
            remote_branch_exists(repo, "swebot/x", token=TOKEN)
    finally:
        server.server.shutdown()
        server.server.server_close()
    expected = "basic " + base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    assert server.headers and all(_auth_headers(h) == [expected] for h in server.headers)
    assert TOKEN not in str(info.value)
