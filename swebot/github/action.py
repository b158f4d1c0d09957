"""``swebot action``: the GitHub Action. From an ``issues``/``issue_comment`` event to a pull request.

Flow: read the event -> is it our label / trigger phrase? -> does the sender have write access
(``author_association`` and the collaborator permission endpoint)? -> fetch the issue; skip it if
closed, locked, or it already has an open swebot PR -> repair in the sandbox (credentials hidden)
-> when the tests pass: commit, push a fresh ``swebot/issue-N-slug`` branch to ``origin``, open a
(draft) PR, comment on the issue; otherwise comment with a failure report.
Always: a job summary (``GITHUB_STEP_SUMMARY``) and step outputs (``GITHUB_OUTPUT``).

Issue text is untrusted: it only ever reaches the engine as data, never a shell, and a PR is only
opened for a patch the sandboxed tests accept.
"""

from __future__ import annotations

import json
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, TextIO

from swebot.agent.config import LLMSettings
from swebot.branches import commit_to_new_branch
from swebot.errors import BadInput, EnvironmentProblem, SwebotError
from swebot.github import pr as text
from swebot.github.api import WRITE_PERMISSIONS, GitHubClient, Issue
from swebot.github.remote import push_new_branch
from swebot.github.secrets import redact, secrets_hidden, token_from_env
from swebot.github.urls import api_url_from_env
from swebot.repair import FixReport, FixRequest
from swebot.testing.command import DEFAULT_TEST_COMMAND
from swebot.types import Budget

TRUSTED_ASSOCIATIONS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
DEFAULT_LABEL = "swebot"
DEFAULT_TRIGGER = "/swebot fix"

Fixer = Callable[[FixRequest], FixReport]  # swebot.repair.run_fix or a test double


# ----------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class ActionSettings:
    label: str = DEFAULT_LABEL
    trigger: str = DEFAULT_TRIGGER
    engine: str = "builtin"
    engine_settings: LLMSettings | None = None
    test_command: str | None = None
    sandbox: str = "auto"
    budget: Budget = Budget(time_limit=1800.0)
    test_timeout: float = 300.0
    ready: bool = False  # open a normal PR instead of a draft
    output_dir: Path | None = None  # run folder; default under $SWEBOT_HOME or RUNNER_TEMP
    remote: str = "origin"  # git remote of the workspace to push the branch to


@dataclass(frozen=True)
class ActionContext:
    """What GitHub Actions tells a step, read from its environment."""

    event_name: str
    event: Mapping[str, Any]
    repository: str
    api_url: str
    workspace: Path
    token: str = field(repr=False)
    step_summary: Path | None = None
    output: Path | None = None
    run_url: str | None = None
    runner_temp: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "ActionContext":
        missing = [n for n in ("GITHUB_EVENT_PATH", "GITHUB_EVENT_NAME", "GITHUB_REPOSITORY") if not env.get(n)]
        if missing:
            raise BadInput(
                f"swebot action runs inside GitHub Actions; {', '.join(missing)} not set",
                hint="use `swebot fix URL --issue-url ... --pr` outside Actions",
            )
        try:
            event = json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BadInput(f"cannot read the event payload {env['GITHUB_EVENT_PATH']}: {exc}") from None
        token = token_from_env(env)
        if not token:
            raise EnvironmentProblem(
                "no GitHub token: GITHUB_TOKEN (or GH_TOKEN) is not set",
                hint="pass `GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` (the action's `github-token` input)",
            )
        server = env.get("GITHUB_SERVER_URL", "").rstrip("/")
        run_url = f"{server}/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}" if server and env.get("GITHUB_RUN_ID") else None
        return cls(
            event_name=env["GITHUB_EVENT_NAME"],
            event=event if isinstance(event, Mapping) else {},
            repository=env["GITHUB_REPOSITORY"],
            api_url=api_url_from_env(env),
            workspace=Path(env.get("GITHUB_WORKSPACE") or ".").resolve(),
            token=token,
            step_summary=Path(env["GITHUB_STEP_SUMMARY"]) if env.get("GITHUB_STEP_SUMMARY") else None,
            output=Path(env["GITHUB_OUTPUT"]) if env.get("GITHUB_OUTPUT") else None,
            run_url=run_url,
            runner_temp=Path(env["RUNNER_TEMP"]) if env.get("RUNNER_TEMP") else None,
        )


@dataclass(frozen=True)
class ActionOutcome:
    status: str  # pr_opened | not_fixed | nothing_to_fix | skipped | ignored | unauthorized | error
    message: str
    pr_url: str = ""
    cost: float = 0.0
    issue_number: int | None = None
    report: FixReport | None = None  # when a repair ran
    exit_status: int = 0

    def outputs(self) -> dict[str, str]:
        return {"pr_url": self.pr_url, "status": self.status, "cost": f"{self.cost:.4f}"}


# ----------------------------------------------------------------------------- the event


@dataclass(frozen=True)
class Trigger:
    issue_number: int
    sender: str
    association: str | None  # the comment's author_association (None for a label event)


def match_event(event_name: str, event: Mapping[str, Any], settings: ActionSettings) -> Trigger | str:
    """The trigger in this event, or why the event is ignored."""
    issue = event.get("issue") or {}
    sender = event.get("sender") or {}
    if not issue.get("number"):
        return f"event {event_name!r} carries no issue"
    if sender.get("type") == "Bot":
        return f"sender {sender.get('login')} is a bot"
    if event_name == "issues":
        if event.get("action") != "labeled":
            return f"issues.{event.get('action')} is not a trigger"
        label = (event.get("label") or {}).get("name", "")
        if label.lower() != settings.label.lower():
            return f"label {label!r} is not {settings.label!r}"
        return Trigger(int(issue["number"]), str(sender.get("login") or ""), None)
    if event_name == "issue_comment":
        if event.get("action") != "created":
            return f"issue_comment.{event.get('action')} is not a trigger"
        if issue.get("pull_request"):
            return "comment is on a pull request, not an issue"
        comment = event.get("comment") or {}
        body = str(comment.get("body") or "")
        phrase = settings.trigger.strip().lower()
        if not any(line.strip().lower().startswith(phrase) for line in body.splitlines()):
            return "comment does not contain the trigger phrase"
        author = str((comment.get("user") or {}).get("login") or sender.get("login") or "")
        return Trigger(int(issue["number"]), author, str(comment.get("author_association") or "NONE"))
    return f"event {event_name!r} is not handled (use issues or issue_comment)"


def authorize(client: GitHubClient, trigger: Trigger) -> str | None:
    """``None`` when the sender may run swebot; else why not."""
    if trigger.association is not None and trigger.association.upper() not in TRUSTED_ASSOCIATIONS:
        return f"{trigger.sender} is {trigger.association}, not an owner, member or collaborator"
    permission = client.collaborator_permission(trigger.sender)
    if permission not in WRITE_PERMISSIONS:
        return f"{trigger.sender} has {permission!r} permission; swebot needs write access"
    return None


# ----------------------------------------------------------------------------- the run


def execute(
    ctx: ActionContext,
    settings: ActionSettings,
    fixer: Fixer,
    client: GitHubClient,
    log: Callable[[str], None],
) -> ActionOutcome:
    """One action run; raises ``SwebotError`` on API/git failures (see ``run_action``)."""
    found = match_event(ctx.event_name, ctx.event, settings)
    if isinstance(found, str):
        return ActionOutcome("ignored", found)
    trigger = found
    number = trigger.issue_number
    log(f"issue #{number}: triggered by {trigger.sender}")
    refused = authorize(client, trigger)
    if refused:
        return ActionOutcome("unauthorized", refused, issue_number=number)

    try:
        return _work_on_issue(ctx, settings, fixer, client, log, number)
    except SwebotError as exc:  # tell the maintainer who asked, if the API still lets us
        message = redact(str(exc), (ctx.token,)).splitlines()[0]
        try:
            client.comment_on_issue(number, text.error_comment(message, run_url=ctx.run_url))
        except SwebotError:
            pass
        raise


def _work_on_issue(
    ctx: ActionContext,
    settings: ActionSettings,
    fixer: Fixer,
    client: GitHubClient,
    log: Callable[[str], None],
    number: int,
) -> ActionOutcome:
    issue = client.get_issue(number)
    skip = text.check_issue(issue, client.list_pulls("open"))
    if skip is not None:
        if skip.reason == "existing_pr" and skip.pull is not None:
            client.comment_on_issue(number, f"{text.MARKER}\nswebot already has an open pull request for this issue: {skip.pull.html_url}\n")
            return ActionOutcome("skipped", skip.message, pr_url=skip.pull.html_url, issue_number=number)
        return ActionOutcome("skipped", skip.message, issue_number=number)

    repo_info = client.get_repo()
    report = _repair(ctx, settings, fixer, issue, log)
    command = settings.test_command or DEFAULT_TEST_COMMAND
    fixed = report.status == "fixed" and bool(report.patch) and not report.failing_after
    if not fixed:
        client.comment_on_issue(number, text.failure_comment(report, test_command=command, run_url=ctx.run_url))
        return ActionOutcome(report.status if report.status != "fixed" else "not_fixed",
                             report.description or f"no fix for issue #{number}",
                             cost=report.cost, issue_number=number, report=report,
                             exit_status=0 if report.status == "nothing_to_fix" else 1)

    branch = text.branch_name(number, issue.title)
    sha = commit_fix(ctx.workspace, report.patch, branch, issue, report)
    log(f"committed {sha[:10]}; pushing {branch}")
    pushed = push_new_branch(ctx.workspace, sha, branch, default_branch=repo_info.default_branch,
                             remote=settings.remote, token=ctx.token)
    pull = client.create_pull(
        title=text.pr_title(issue),
        head=pushed,
        base=repo_info.default_branch,
        body=text.pr_body(issue, report, test_command=command, engine=report.engine),
        draft=not settings.ready,
    )
    log(f"opened {pull.html_url}")
    client.comment_on_issue(number, text.success_comment(pull.html_url, report))
    return ActionOutcome("pr_opened", f"opened {pull.html_url} for issue #{number}", pr_url=pull.html_url,
                         cost=report.cost, issue_number=number, report=report)


def _repair(ctx: ActionContext, settings: ActionSettings, fixer: Fixer, issue: Issue, log: Callable[[str], None]) -> FixReport:
    output_dir = settings.output_dir
    if output_dir is None and ctx.runner_temp is not None:
        output_dir = ctx.runner_temp / f"swebot-issue-{issue.number}-{uuid.uuid4().hex[:8]}"
    request = FixRequest(
        path=ctx.workspace,
        # Always explicit: the baseline and the final check run the suite even for an issue-only
        # repair, so a PR is only opened for a patch the sandboxed tests accept.
        test_command=settings.test_command or DEFAULT_TEST_COMMAND,
        issue=text.problem_statement(issue, trigger=settings.trigger),
        engine=settings.engine,
        sandbox=settings.sandbox,
        budget=settings.budget,
        output_dir=output_dir,
        engine_settings=settings.engine_settings,
        test_timeout=settings.test_timeout,
    )
    log(f"repairing issue #{issue.number} with the {settings.engine} engine")
    with secrets_hidden(ctx.token):
        return fixer(request)


def commit_fix(workspace: Path, patch: str, branch: str, issue: Issue, report: FixReport) -> str:
    """Commit the fix on a new local branch (``branch``, or ``branch-2``... if taken) without
    switching the checkout; returns the commit sha."""
    message = f"Fix #{issue.number}: {text.defuse(issue.title)[:60]}\n\n{text.defuse(report.description)[:500]}\n\nFixes #{issue.number}\n"
    for name in [branch] + [f"{branch}-{n}" for n in range(2, 10)]:
        try:
            return commit_to_new_branch(workspace, patch, name, message)
        except BadInput as exc:
            if "already exists" not in exc.message:
                raise
    raise BadInput(f"local branches {branch}..{branch}-9 all exist in {workspace}")


# ----------------------------------------------------------------------------- reporting


def write_outputs(path: Path | None, outputs: Mapping[str, str]) -> None:
    if path is None:
        return
    with path.open("a", encoding="utf-8") as fh:
        for key, value in outputs.items():
            value = " ".join(str(value).split())  # one line each, so no delimiter games
            fh.write(f"{key}={value}\n")


def summary_markdown(outcome: ActionOutcome) -> str:
    lines = [f"## swebot: {outcome.status}", "", text.defuse(outcome.message)]
    if outcome.issue_number is not None:
        lines.append(f"- issue: #{outcome.issue_number}")
    if outcome.pr_url:
        lines.append(f"- pull request: {outcome.pr_url}")
    report = outcome.report
    if report is not None:
        lines.append(f"- failing tests before: {len(report.failing_before)}, after: {len(report.failing_after)}")
        lines.append(f"- candidates tried: {report.candidates_tried}; time: {report.seconds:.1f}s; cost: ${report.cost:.4f}")
        if report.limit_hit:
            lines.append(f"- limit reached: {report.limit_hit}")
    return "\n".join(lines) + "\n"


def write_summary(path: Path | None, outcome: ActionOutcome) -> None:
    if path is None:
        return
    with path.open("a", encoding="utf-8") as fh:
        fh.write(summary_markdown(outcome))


def run_action(
    ctx: ActionContext,
    settings: ActionSettings,
    fixer: Fixer,
    *,
    client: GitHubClient | None = None,
    stream: TextIO | None = None,
) -> ActionOutcome:
    """``execute`` plus the reporting every run needs; errors become an ``error`` outcome (with
    the error's exit status), a job summary, outputs, and a best-effort issue comment."""
    out = stream if stream is not None else sys.stderr
    secrets = (ctx.token,)

    def log(message: str) -> None:
        print(f"swebot: {redact(message, secrets)}", file=out, flush=True)

    api = client or GitHubClient(ctx.repository, token=ctx.token, base_url=ctx.api_url)
    try:
        outcome = execute(ctx, settings, fixer, api, log)
    except SwebotError as exc:
        message = redact(str(exc), secrets)
        number = _issue_number(ctx.event)
        outcome = ActionOutcome("error", message, issue_number=number, exit_status=exc.exit_status)
    log(f"{outcome.status}: {outcome.message}")
    write_summary(ctx.step_summary, outcome)
    write_outputs(ctx.output, outcome.outputs())
    return outcome


def _issue_number(event: Mapping[str, Any]) -> int | None:
    number = (event.get("issue") or {}).get("number")
    return int(number) if isinstance(number, int) else None
