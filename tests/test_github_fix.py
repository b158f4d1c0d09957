"""``swebot fix URL --ref --issue-url --pr``: the remote front end of the fix command."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

try:
    from tests.fake_github import CALC, TESTS, FakeFixer, FakeGitHub
except ImportError:  # pragma: no cover
    from fake_github import CALC, TESTS, FakeFixer, FakeGitHub

from swebot.cli import build_parser
from swebot.commands.fix import wants_remote
from swebot.commands.fix_remote import run_remote
from swebot.errors import BadInput, EnvironmentProblem
from swebot.github.api import GitHubClient
from tests.gitrepo import git_out

TOKEN = "ghp_FIXflowTOKEN_0123456789abcdef"


@pytest.fixture()
def remote(tmp_path: Path, make_repo) -> Path:
    seed = make_repo({"calc.py": CALC, "tests/test_calc.py": TESTS}, name="seed")
    git_out(seed, "checkout", "-q", "-b", "release")
    (seed / "NOTES").write_text("release branch\n")
    git_out(seed, "add", "NOTES")
    git_out(seed, "commit", "-qm", "notes")
    git_out(seed, "checkout", "-q", "main")
    bare = tmp_path / "origin.git"
    git_out(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    return bare


@pytest.fixture()
def gh():
    with FakeGitHub(token=TOKEN) as fake:
        fake.add_issue(5, "add() subtracts", "calc.add(2, 3) returns -1")
        yield fake


def parse(*argv: str):
    return build_parser().parse_args(["fix", *argv])


def env_for(gh: FakeGitHub, **extra: str) -> dict[str, str]:
    return {"GITHUB_API_URL": gh.url, "GITHUB_TOKEN": TOKEN, **extra}


def client_factory(repo: str, token: str | None, base: str) -> GitHubClient:
    return GitHubClient(repo, token=token, base_url=base, backoff=0.0)


def run(args, gh: FakeGitHub, fixer: FakeFixer, **env: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run_remote(args, fixer=fixer, env=env_for(gh, **env), client_factory=client_factory, out=out)
    return code, out.getvalue()


def test_parser_wiring():
    assert not wants_remote(parse("."))
    assert not wants_remote(parse(".", "--issue", "the sum is wrong"))
    for argv in (["https://github.com/o/r.git"], ["git@github.com:o/r.git"], [".", "--issue", "12"],
                 [".", "--issue", "#12"], [".", "--pr"], [".", "--ref", "v1"],
                 [".", "--issue-url", "https://github.com/o/r/issues/1"]):
        assert wants_remote(parse(*argv)), argv
    args = parse("file:///x.git", "--ref", "dev", "--pr", "--ready")
    assert (args.ref, args.pr, args.ready, args.path) == ("dev", True, True, "file:///x.git")


def test_clone_url_with_ref_and_issue_url_opens_pr(remote: Path, gh: FakeGitHub):
    fixer = FakeFixer()
    args = parse(f"file://{remote}", "--ref", "release", "--issue-url", "https://github.com/octo/demo/issues/5",
                 "--pr", "-q", "--sandbox", "local")
    code, out = run(args, gh, fixer)
    assert code == 0
    request = fixer.calls[0]
    assert "NOTES" in fixer.seen_files[0]  # the --ref branch was checked out
    assert not Path(request.path).exists()  # ... in a private clone, removed afterwards
    assert request.issue.startswith("# add() subtracts")
    (pull,) = gh.created_pulls
    assert pull["head"] == "swebot/issue-5-add-subtracts" and pull["base"] == "main" and pull["draft"] is True
    assert "return a + b" in git_out(remote, "show", "swebot/issue-5-add-subtracts:calc.py")
    assert git_out(remote, "show", "swebot/issue-5-add-subtracts:NOTES") == "release branch"
    assert gh.pulls[0]["html_url"] in gh.comments[5][-1]["body"]
    assert f"pull request {gh.pulls[0]['html_url']}" in out
    assert TOKEN not in out and TOKEN not in fixer.sandbox_env[0]


def test_issue_number_with_repository_from_env(remote: Path, gh: FakeGitHub):
    fixer = FakeFixer()
    args = parse(f"file://{remote}", "--issue", "5", "--json", "--sandbox", "local")
    code, out = run(args, gh, fixer, GITHUB_REPOSITORY="octo/demo")
    assert code == 0
    assert "calc.add(2, 3) returns -1" in fixer.calls[0].issue
    assert not gh.calls("POST")  # no --pr: nothing is written to GitHub
    assert git_out(remote, "branch", "--list", "swebot/*") == ""
    data = json.loads(out)
    assert data["status"] == "fixed" and data["pr_url"] is None


def test_ready_pr_and_push_conflict(remote: Path, gh: FakeGitHub):
    git_out(remote, "branch", "swebot/issue-5-add-subtracts", "main")
    args = parse(f"file://{remote}", "--issue", "5", "--pr", "--ready", "-q")
    code, _ = run(args, gh, FakeFixer(), GITHUB_REPOSITORY="octo/demo")
    assert code == 0
    assert gh.created_pulls[0]["head"] == "swebot/issue-5-add-subtracts-2" and gh.created_pulls[0]["draft"] is False


def test_no_fix_comments_failure_and_exits_1(remote: Path, gh: FakeGitHub):
    args = parse(f"file://{remote}", "--issue", "5", "--pr", "-q")
    code, _ = run(args, gh, FakeFixer(status="not_fixed"), GITHUB_REPOSITORY="octo/demo")
    assert code == 1 and gh.created_pulls == []
    assert "no pull request was opened" in gh.comments[5][-1]["body"]
    assert git_out(remote, "branch", "--list", "swebot/*") == ""


def test_closed_issue_is_skipped(remote: Path, gh: FakeGitHub):
    gh.issues[5]["state"] = "closed"
    fixer = FakeFixer()
    code, out = run(parse(f"file://{remote}", "--issue", "5", "--pr", "--json"), gh, fixer, GITHUB_REPOSITORY="octo/demo")
    assert code == 0 and fixer.calls == [] and json.loads(out)["status"] == "skipped"


def test_local_repository_pushes_to_its_origin(tmp_path: Path, remote: Path, gh: FakeGitHub):
    checkout = tmp_path / "mine"
    git_out(tmp_path, "clone", "-q", str(remote), str(checkout))
    args = parse(str(checkout), "--issue", "5", "--pr", "-q")
    code, _ = run(args, gh, FakeFixer(), GITHUB_REPOSITORY="octo/demo")
    assert code == 0 and gh.created_pulls[0]["head"] == "swebot/issue-5-add-subtracts"
    assert git_out(checkout, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert git_out(checkout, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("argv", "error", "env"),
    [
        (["file:///x.git", "--pr"], BadInput, {}),
        (["file:///x.git", "--issue", "5", "--pr"], EnvironmentProblem, {"GITHUB_TOKEN": ""}),
        (["file:///x.git", "--apply"], BadInput, {}),
        ([".", "--ready"], BadInput, {}),
        (["file:///x.git", "--issue-url", "https://github.com/octo"], BadInput, {}),
    ],
)
def test_bad_combinations(gh: FakeGitHub, argv, error, env):
    with pytest.raises(error):
        run_remote(parse(*argv), fixer=FakeFixer(), env=env_for(gh, **env), client_factory=client_factory,
                        out=io.StringIO())


def test_unknown_repository_for_issue_number(tmp_path: Path, make_repo, gh: FakeGitHub):
    repo = make_repo({"a.py": "x = 1\n"}, name="lonely")
    with pytest.raises(BadInput, match="which GitHub repository"):
        run(parse(str(repo), "--issue", "5"), gh, FakeFixer())


def test_api_error_on_create_pr_is_typed_and_redacted(remote: Path, gh: FakeGitHub):
    gh.fail("POST", r"/pulls$", 422, message=f"Validation Failed {TOKEN}")
    with pytest.raises(Exception) as info:
        run(parse(f"file://{remote}", "--issue", "5", "--pr", "-q"), gh, FakeFixer(), GITHUB_REPOSITORY="octo/demo")
    assert getattr(info.value, "status", None) == 422 and TOKEN not in str(info.value)
    assert "stopped with an error" in gh.comments[5][-1]["body"]
