"""The REST client against the fake GitHub API on loopback."""

from __future__ import annotations

import pytest

try:
    from tests.fake_github import FakeGitHub
except ImportError:  # pragma: no cover - tests/ on sys.path instead of the repo root
    from fake_github import FakeGitHub

from swebot.errors import BadInput
from swebot.github.api import (
    GitHubAuthError,
    GitHubClient,
    GitHubError,
    GitHubNotFound,
    GitHubServerError,
    GitHubValidationError,
)
from swebot.github.secrets import redact, token_from_env
from swebot.redact import MARK
from swebot.github.urls import api_url_from_env, parse_issue_url, repo_from_remote_url

TOKEN = "ghs_s3cretTOKENvalue1234567890"


@pytest.fixture()
def gh():
    with FakeGitHub(token=TOKEN) as fake:
        yield fake


def client(gh: FakeGitHub, token: str | None = TOKEN) -> GitHubClient:
    return GitHubClient(gh.repo, token=token, base_url=gh.url, backoff=0.0)


def test_get_issue_with_comments_sends_bearer_token(gh):
    gh.add_issue(7, "Crash on empty list", "mean([]) raises", comments=[("alice", "me too"), ("bob", "trace: ...")])
    issue = client(gh).get_issue(7)
    assert (issue.number, issue.title, issue.body, issue.state, issue.locked) == (
        7, "Crash on empty list", "mean([]) raises", "open", False,
    )
    assert [c.author for c in issue.comments] == ["alice", "bob"]
    assert gh.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert gh.requests[0].path == "/repos/octo/demo/issues/7"


def test_comments_follow_pagination(gh):
    gh.page_size = 2
    gh.add_issue(3, "t", comments=[(f"user{i}", f"c{i}") for i in range(5)])
    issue = client(gh).get_issue(3)
    assert [c.body for c in issue.comments] == [f"c{i}" for i in range(5)]
    assert len(gh.calls("GET", "/comments")) == 3


def test_list_create_pull_and_comment(gh):
    gh.add_issue(1, "bug")
    gh.add_pull("someone/feature")
    api = client(gh)
    assert [p.head_ref for p in api.list_pulls()] == ["someone/feature"]
    pr = api.create_pull(title="Fix #1", head="swebot/issue-1-bug", base="main", body="Fixes #1", draft=True)
    assert pr.head_ref == "swebot/issue-1-bug" and pr.html_url.endswith(f"/pull/{pr.number}")
    assert gh.created_pulls[0]["draft"] is True and gh.created_pulls[0]["base"] == "main"
    url = api.comment_on_issue(1, "hello")
    assert "issuecomment" in url
    assert gh.comments[1][-1]["body"] == "hello"


def test_get_repo_default_branch(gh):
    gh.default_branch = "trunk"
    assert client(gh).get_repo().default_branch == "trunk"


def test_collaborator_permission(gh):
    gh.permissions.update({"maint": "maintain", "reader": "read", "boss": "admin"})
    api = client(gh)
    assert api.collaborator_permission("maint") == "maintain"
    assert api.collaborator_permission("boss") == "admin" and api.collaborator_permission("reader") == "read"
    assert api.collaborator_permission("stranger") == "none"  # 404 -> none
    assert api.collaborator_permission("../../etc") == "none"  # never sent
    assert not gh.calls("GET", "etc")


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, GitHubAuthError), (403, GitHubAuthError), (404, GitHubNotFound), (422, GitHubValidationError), (500, GitHubServerError)],
)
def test_error_statuses_are_typed_and_redacted(gh, status, error):
    gh.add_issue(1, "bug")
    gh.fail("POST", r"/comments$", status, message=f"boom with {TOKEN} inside")
    with pytest.raises(error) as info:
        client(gh).comment_on_issue(1, "x")
    assert info.value.status == status
    assert TOKEN not in str(info.value)
    assert MARK in str(info.value)
    assert f"HTTP {status}" in str(info.value)


def test_wrong_token_is_an_auth_error(gh):
    gh.add_issue(1, "bug")
    with pytest.raises(GitHubAuthError) as info:
        client(gh, token="wrong").get_issue(1)
    assert info.value.exit_status == 3 and "Bad credentials" in str(info.value)
    assert info.value.hint and "GITHUB_TOKEN" in info.value.hint


def test_get_retries_5xx_but_post_does_not(gh):
    gh.add_issue(1, "bug")
    gh.fail("GET", r"/issues/1$", 502, times=2)
    assert client(gh).get_issue(1).title == "bug"
    assert len(gh.calls("GET", r"/issues/1$")) == 3
    gh.fail("POST", r"/comments$", 500)
    with pytest.raises(GitHubServerError):
        client(gh).comment_on_issue(1, "x")
    assert len(gh.calls("POST", r"/comments$")) == 1


def test_rate_limit_is_reported(gh):
    gh.add_issue(1, "bug")
    gh.fail("GET", r"/issues/1$", 403, message="API rate limit exceeded", headers={"X-RateLimit-Remaining": "0"})
    with pytest.raises(GitHubAuthError, match="rate limit"):
        client(gh).get_issue(1, with_comments=False)


def test_unreachable_server_is_a_server_error():
    api = GitHubClient("octo/demo", token=TOKEN, base_url="http://127.0.0.1:9", retries=0, timeout=2)
    with pytest.raises(GitHubServerError) as info:
        api.get_issue(1)
    assert info.value.status is None and TOKEN not in str(info.value)


def test_client_repr_hides_token_and_rejects_bad_names():
    assert TOKEN not in repr(GitHubClient("o/r", token=TOKEN))
    with pytest.raises(GitHubError):
        GitHubClient("not a repo", token=TOKEN)
    with pytest.raises(GitHubError):
        GitHubClient("o/r", base_url="file:///etc")


def test_redact_covers_basic_auth_forms():
    import base64

    b64 = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    assert redact(f"a {TOKEN} b {b64} c", [TOKEN]) == f"a {MARK} b {MARK} c"


def test_env_helpers():
    assert token_from_env({"GH_TOKEN": "b"}) == "b"
    assert token_from_env({"GITHUB_TOKEN": "a", "GH_TOKEN": "b"}) == "a"
    assert token_from_env({"GITHUB_TOKEN": " "}) is None
    assert api_url_from_env({}) == "https://api.github.com"
    assert api_url_from_env({"GITHUB_API_URL": "http://127.0.0.1:1/"}) == "http://127.0.0.1:1"
    assert api_url_from_env({}, web_host="ghe.corp.example") == "https://ghe.corp.example/api/v3"
    assert api_url_from_env({}, web_host="github.com") == "https://api.github.com"


def test_parse_issue_url():
    ref = parse_issue_url("https://github.com/octo/demo/issues/42")
    assert (ref.host, ref.full_name, ref.number) == ("github.com", "octo/demo", 42)
    assert parse_issue_url("https://ghe.corp/team/x.y/issues/5#issuecomment-1").full_name == "team/x.y"
    for bad in ("https://github.com/octo/demo", "octo/demo#4", "https://u:p@github.com/o/r/issues/1"):
        with pytest.raises(BadInput):
            parse_issue_url(bad)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/octo/demo.git", ("github.com", "octo/demo")),
        ("https://github.com/octo/demo", ("github.com", "octo/demo")),
        ("git@github.com:octo/demo.git", ("github.com", "octo/demo")),
        ("ssh://git@ghe.corp:2222/team/tool.git", ("ghe.corp", "team/tool")),
        ("file:///tmp/x/remote.git", None),
        ("/tmp/remote.git", None),
    ],
)
def test_repo_from_remote_url(url, expected):
    assert repo_from_remote_url(url) == expected


class _ScriptedTransport:
    """A transport that answers from a script (status, body) or raises what it is given."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent = []

    def request(self, method, url, headers, body, timeout):
        from swebot.github.transport import HttpResponse

        self.sent.append((method, url, dict(headers)))
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return HttpResponse(answer[0], {}, answer[1])


def test_broken_answers_are_server_errors():
    import http.client

    api = GitHubClient("o/r", token=TOKEN, transport=_ScriptedTransport((200, b"<html>oops</html>")), retries=0)
    with pytest.raises(GitHubServerError, match="not JSON"):
        api.get_issue(1)
    api = GitHubClient("o/r", token=TOKEN, transport=_ScriptedTransport((200, b"[1, 2]")), retries=0)
    with pytest.raises(GitHubServerError, match="expected an object"):
        api.get_repo()
    flaky = _ScriptedTransport(http.client.IncompleteRead(b""), (200, b'{"number": 1, "title": "t"}'))
    api = GitHubClient("o/r", token=TOKEN, transport=flaky, backoff=0.0)
    assert api.get_issue(1, with_comments=False).title == "t" and len(flaky.sent) == 2
