"""``swebot action`` against a fake GitHub API and a local bare repository as ``origin``.

The repair itself is a test double here (it returns a known-good patch and records what it saw);
tests/test_action_e2e.py runs the real ``run_fix``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

import pytest

try:
    from tests.fake_github import CALC, TESTS, FakeFixer, FakeGitHub
except ImportError:  # pragma: no cover
    from fake_github import CALC, TESTS, FakeFixer, FakeGitHub

from swebot.errors import BadInput, EnvironmentProblem
from swebot.github.action import ActionContext, ActionSettings, match_event, run_action
from swebot.github.api import GitHubClient
from tests.gitrepo import git_out

TOKEN = "ghs_ACTIONtoken_abcdefghijklmnop123"
@dataclass
class World:
    tmp: Path
    gh: FakeGitHub
    bare: Path
    workspace: Path
    event_path: Path
    summary: Path
    output: Path
    runner_temp: Path
    stream: StringIO = field(default_factory=StringIO)

    def env(self, event_name: str = "issues", **extra: str) -> dict[str, str]:
        return {
            "GITHUB_EVENT_PATH": str(self.event_path),
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_REPOSITORY": self.gh.repo,
            "GITHUB_API_URL": self.gh.url,
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_OUTPUT": str(self.output),
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": "77",
            "RUNNER_TEMP": str(self.runner_temp),
            **extra,
        }

    def event(self, payload: dict[str, Any]) -> None:
        self.event_path.write_text(json.dumps(payload))

    def run(self, fixer: FakeFixer, event_name: str = "issues", settings: ActionSettings | None = None):
        ctx = ActionContext.from_env(self.env(event_name))
        client = GitHubClient(ctx.repository, token=ctx.token, base_url=ctx.api_url, backoff=0.0)
        return run_action(ctx, settings or ActionSettings(sandbox="local"), fixer, client=client, stream=self.stream)

    def outputs(self) -> dict[str, str]:
        return dict(line.split("=", 1) for line in self.output.read_text().splitlines())

    def everything_written(self) -> str:
        """Logs, summary, outputs, every file in the runner temp (run folders), every API request."""
        parts = [self.stream.getvalue(), self.summary.read_text() if self.summary.exists() else "",
                 self.output.read_text() if self.output.exists() else ""]
        for path in self.runner_temp.rglob("*"):
            if path.is_file():
                parts.append(path.read_text(errors="replace"))
        parts += [json.dumps(r.body) + r.path for r in self.gh.requests]
        return "\n".join(parts)


def labeled(number: int = 5, sender: str = "maint", label: str = "swebot") -> dict[str, Any]:
    return {"action": "labeled", "label": {"name": label}, "issue": {"number": number},
            "sender": {"login": sender, "type": "User"}, "repository": {"full_name": "octo/demo"}}


def commented(body: str, *, number: int = 5, user: str = "maint", association: str = "COLLABORATOR",
              on_pr: bool = False) -> dict[str, Any]:
    issue: dict[str, Any] = {"number": number}
    if on_pr:
        issue["pull_request"] = {"url": "x"}
    return {"action": "created", "issue": issue,
            "comment": {"body": body, "user": {"login": user}, "author_association": association},
            "sender": {"login": user, "type": "User"}}


@pytest.fixture()
def world(tmp_path: Path, make_repo):
    seed = make_repo({"calc.py": CALC, "tests/test_calc.py": TESTS}, name="seed")
    bare = tmp_path / "origin.git"
    git_out(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    workspace = tmp_path / "checkout"
    git_out(tmp_path, "clone", "-q", str(bare), str(workspace))  # what actions/checkout leaves behind
    (tmp_path / "temp").mkdir()
    with FakeGitHub(token=TOKEN) as gh:
        gh.add_issue(5, "add() subtracts instead of adding", "calc.add(2, 3) returns -1, expected 5.",
                     comments=[("alice", "Seen on 1.2 too")])
        gh.permissions.update({"maint": "write", "reader": "read", "triager": "triage"})
        w = World(tmp_path, gh, bare, workspace, tmp_path / "event.json", tmp_path / "summary.md",
                  tmp_path / "output.txt", tmp_path / "temp")
        w.event(labeled())
        yield w


def test_labeled_issue_becomes_a_draft_pr_with_evidence(world: World):
    fixer = FakeFixer()
    outcome = world.run(fixer)

    assert (outcome.status, outcome.exit_status) == ("pr_opened", 0), outcome.message
    # the repair saw the issue as its problem statement, in the checked-out workspace
    request = fixer.calls[0]
    assert Path(request.path) == world.workspace
    assert request.test_command == "python -m pytest"  # explicit: the suite must pass for a PR
    assert "add() subtracts instead of adding" in request.issue and "Seen on 1.2 too" in request.issue
    assert request.output_dir is not None and world.runner_temp in Path(request.output_dir).parents
    # the branch is on origin, holds the fix, and the default branch is untouched
    branch = "swebot/issue-5-add-subtracts-instead-of-adding"
    assert git_out(world.bare, "show", f"{branch}:calc.py").startswith("def add(a, b):\n    return a + b")
    assert git_out(world.bare, "rev-parse", "main") == git_out(world.workspace, "rev-parse", "origin/main")
    assert "Fixes #5" in git_out(world.bare, "log", "-1", "--format=%B", branch)
    # the checkout was not switched or modified
    assert git_out(world.workspace, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert git_out(world.workspace, "status", "--porcelain") == ""
    # the PR: draft, against the default branch, explaining the fix
    (pull,) = world.gh.created_pulls
    assert pull["head"] == branch and pull["base"] == "main" and pull["draft"] is True
    assert pull["title"] == "Fix #5: add() subtracts instead of adding"
    for needle in ("### What was wrong", "tests/test_calc.py::test_add", "calc.py", "### Test evidence",
                   "### Cost", "Fixes #5"):
        assert needle in pull["body"]
    # the issue comment links the PR
    comment = world.gh.comments[5][-1]["body"]
    assert world.gh.pulls[0]["html_url"] in comment
    # outputs and summary
    assert world.outputs() == {"pr_url": world.gh.pulls[0]["html_url"], "status": "pr_opened", "cost": "0.0000"}
    assert "## swebot: pr_opened" in world.summary.read_text()
    # the token: only ever in the Authorization header
    assert TOKEN not in world.everything_written()
    assert all(TOKEN not in value for value in fixer.environ[0].values())
    assert TOKEN not in fixer.sandbox_env[0] and "GITHUB_TOKEN" not in fixer.sandbox_env[0]
    assert os.environ.get("GITHUB_TOKEN") != TOKEN  # nothing leaked into our own process either


def test_token_hidden_from_sandbox_even_when_in_process_env(world: World, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    monkeypatch.setenv("SOME_OTHER_NAME", f"prefix-{TOKEN}")
    monkeypatch.setenv("ACTIONS_RUNTIME_TOKEN", "runtime-secret")
    fixer = FakeFixer()
    assert world.run(fixer).status == "pr_opened"
    assert TOKEN not in fixer.sandbox_env[0] and "runtime-secret" not in fixer.sandbox_env[0]
    assert os.environ["GITHUB_TOKEN"] == TOKEN  # restored afterwards for the push and API calls


def test_comment_trigger_by_collaborator_opens_ready_pr(world: World):
    world.event(commented("Thanks!\n/swebot fix please"))
    fixer = FakeFixer()
    outcome = world.run(fixer, "issue_comment", ActionSettings(sandbox="local", ready=True))
    assert outcome.status == "pr_opened"
    assert world.gh.created_pulls[0]["draft"] is False
    assert world.gh.calls("GET", "/collaborators/maint/permission")


@pytest.mark.parametrize(
    ("event_name", "payload", "asks_permission"),
    [
        ("issue_comment", commented("/swebot fix", user="drive-by", association="CONTRIBUTOR"), False),
        ("issue_comment", commented("/swebot fix", user="reader", association="COLLABORATOR"), True),
        ("issue_comment", commented("/swebot fix", user="stranger", association="MEMBER"), True),
        ("issues", labeled(sender="triager"), True),
    ],
)
def test_unauthorized_sender_gets_nothing(world: World, event_name, payload, asks_permission):
    world.event(payload)
    fixer = FakeFixer()
    outcome = world.run(fixer, event_name)
    assert outcome.status == "unauthorized" and outcome.exit_status == 0
    assert fixer.calls == []
    assert not world.gh.calls("POST")
    assert bool(world.gh.calls("GET", "/permission")) == asks_permission
    assert git_out(world.bare, "branch", "--list", "swebot/*") == ""
    assert world.outputs()["status"] == "unauthorized"


@pytest.mark.parametrize(
    ("event_name", "payload"),
    [
        ("issues", labeled(label="bug")),
        ("issues", {**labeled(), "action": "opened"}),
        ("issue_comment", commented("looks like /swebot fix would help")),
        ("issue_comment", commented("/swebot fix", on_pr=True)),
        ("issue_comment", {**commented("/swebot fix"), "sender": {"login": "ci[bot]", "type": "Bot"}}),
        ("push", {"ref": "refs/heads/main"}),
    ],
)
def test_events_that_are_not_triggers_are_ignored(world: World, event_name, payload):
    world.event(payload)
    fixer = FakeFixer()
    outcome = world.run(fixer, event_name)
    assert outcome.status == "ignored" and outcome.exit_status == 0
    assert fixer.calls == [] and world.gh.requests == []
    assert world.outputs() == {"pr_url": "", "status": "ignored", "cost": "0.0000"}


def test_custom_label_and_phrase():
    settings = ActionSettings(label="autofix", trigger="@bot repair")
    assert not isinstance(match_event("issues", labeled(label="autofix"), settings), str)
    assert isinstance(match_event("issues", labeled(label="swebot"), settings), str)
    assert not isinstance(match_event("issue_comment", commented("@BOT Repair"), settings), str)


@pytest.mark.parametrize(("state", "locked"), [("closed", False), ("open", True)])
def test_closed_or_locked_issue_is_skipped(world: World, state, locked):
    world.gh.issues[5].update(state=state, locked=locked)
    fixer = FakeFixer()
    outcome = world.run(fixer)
    assert outcome.status == "skipped" and ("closed" if state == "closed" else "locked") in outcome.message
    assert fixer.calls == [] and not world.gh.calls("POST")


def test_existing_swebot_pr_is_not_duplicated(world: World):
    existing = world.gh.add_pull("swebot/issue-5-add-subtracts")
    fixer = FakeFixer()
    outcome = world.run(fixer)
    assert outcome.status == "skipped" and outcome.pr_url == existing["html_url"]
    assert fixer.calls == [] and world.gh.created_pulls == []
    assert existing["html_url"] in world.gh.comments[5][-1]["body"]


def test_push_conflict_gets_a_fresh_branch_name(world: World):
    branch = "swebot/issue-5-add-subtracts-instead-of-adding"
    git_out(world.workspace, "push", "-q", "origin", f"HEAD:refs/heads/{branch}")  # stale branch, no PR
    before = git_out(world.bare, "rev-parse", branch)
    outcome = world.run(FakeFixer())
    assert outcome.status == "pr_opened"
    assert world.gh.created_pulls[0]["head"] == f"{branch}-2"
    assert git_out(world.bare, "rev-parse", branch) == before
    assert "return a + b" in git_out(world.bare, "show", f"{branch}-2:calc.py")


def test_no_fix_means_failure_report_and_no_pr(world: World):
    outcome = world.run(FakeFixer(status="not_fixed"))
    assert outcome.status == "not_fixed" and outcome.exit_status == 1
    assert world.gh.created_pulls == [] and git_out(world.bare, "branch", "--list", "swebot/*") == ""
    comment = world.gh.comments[5][-1]["body"]
    assert "no pull request was opened" in comment and "max_candidates" in comment
    assert "https://github.com/octo/demo/actions/runs/77" in comment
    assert world.outputs()["status"] == "not_fixed"


def test_fixed_status_with_remaining_failures_opens_no_pr(world: World):
    fixer = FakeFixer()
    real = fixer.__call__

    class Liar(FakeFixer):
        def __call__(self, request):
            report = real(request)
            from dataclasses import replace
            return replace(report, failing_after=("tests/test_calc.py::test_mul",))

    outcome = world.run(Liar())
    assert outcome.status == "not_fixed" and world.gh.created_pulls == []


def test_nothing_to_fix(world: World):
    outcome = world.run(FakeFixer(status="nothing_to_fix"))
    assert outcome.status == "nothing_to_fix" and outcome.exit_status == 0
    assert "could not reproduce" in world.gh.comments[5][-1]["body"]


@pytest.mark.parametrize(
    ("method", "pattern", "status", "exit_status"),
    [
        ("GET", r"/issues/5$", 401, 3),
        ("GET", r"/issues/5$", 500, 3),
        ("GET", r"/permission$", 403, 3),
        ("POST", r"/pulls$", 403, 3),
        ("POST", r"/pulls$", 422, 3),
        ("POST", r"/pulls$", 500, 3),
    ],
)
def test_api_errors_end_the_run_cleanly(world: World, method, pattern, status, exit_status):
    world.gh.fail(method, pattern, status, times=5, message=f"denied {TOKEN}")
    outcome = world.run(FakeFixer())
    assert outcome.status == "error" and outcome.exit_status == exit_status
    assert f"HTTP {status}" in outcome.message
    assert world.outputs()["status"] == "error" and world.outputs()["pr_url"] == ""
    assert "## swebot: error" in world.summary.read_text()
    assert TOKEN not in world.everything_written()
    if pattern == r"/pulls$":  # got as far as asking for a PR: the maintainer hears why not
        assert "stopped with an error" in world.gh.comments[5][-1]["body"]
    if pattern == r"/permission$":  # never tell an unverified sender anything
        assert not world.gh.calls("POST")


def test_missing_environment_is_reported():
    with pytest.raises(BadInput, match="GITHUB_EVENT_PATH"):
        ActionContext.from_env({})


def test_missing_token_is_an_environment_problem(world: World):
    env = world.env()
    del env["GITHUB_TOKEN"]
    with pytest.raises(EnvironmentProblem, match="GITHUB_TOKEN"):
        ActionContext.from_env(env)
    assert "token=" not in repr(ActionContext.from_env(world.env()))


def test_cli_action_command_on_an_unauthorized_sender(world: World, swebot_cli):
    world.event(commented("/swebot fix", user="reader", association="COLLABORATOR"))
    proc = swebot_cli("action", env=world.env("issue_comment"), cwd=world.workspace, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "unauthorized" in proc.stderr
    assert world.outputs()["status"] == "unauthorized"
    assert TOKEN not in proc.stdout + proc.stderr


def test_cli_action_reads_settings_from_env(world: World, swebot_cli):
    world.event(labeled(label="autofix"))
    proc = swebot_cli("action", env=world.env(SWEBOT_LABEL="nope"), cwd=world.workspace, timeout=120)
    assert proc.returncode == 0 and world.outputs()["status"] == "ignored"
    proc = swebot_cli("action", "--max-candidates", "-1", env=world.env(), cwd=world.workspace, timeout=120)
    assert proc.returncode == 2


def test_cli_stops_workflow_commands_while_it_runs(world: World, swebot_cli):
    world.event(labeled(label="other"))
    proc = swebot_cli("action", env=world.env(GITHUB_ACTIONS="true"), cwd=world.workspace, timeout=120)
    assert proc.returncode == 0, proc.stderr
    first, last = proc.stdout.splitlines()[0], proc.stdout.splitlines()[-1]
    guard = first.removeprefix("::stop-commands::")
    assert first.startswith("::stop-commands::") and len(guard) == 32 and last == f"::{guard}::"


def test_push_goes_to_the_configured_remote(world: World, tmp_path: Path):
    fork = tmp_path / "fork.git"
    git_out(tmp_path, "clone", "-q", "--bare", str(world.bare), str(fork))
    git_out(world.workspace, "remote", "add", "enterprise", str(fork))
    outcome = world.run(FakeFixer(), settings=ActionSettings(sandbox="local", remote="enterprise"))
    assert outcome.status == "pr_opened"
    assert "return a + b" in git_out(fork, "show", "swebot/issue-5-add-subtracts-instead-of-adding:calc.py")
    assert git_out(world.bare, "branch", "--list", "swebot/*") == ""
