"""``swebot fix URL|PATH [--ref R] [--issue N | --issue-url U] [--pr [--ready]]``.

Clone (when PATH is a URL or ``--ref`` is given) into a private folder, read the issue through the
REST API as the problem statement, repair with the same engines as a local ``swebot fix``, and with
``--pr`` push a fresh ``swebot/issue-N-slug`` branch, open a pull request, and comment on the issue.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Mapping, TextIO

from swebot.commands.fix_common import Fixer, fix_with_progress, print_summary, read_issue, request_from_args
from swebot.errors import BadInput, EnvironmentProblem, SwebotError
from swebot.github import pr as text
from swebot.github.action import commit_fix
from swebot.github.api import GitHubClient, Issue
from swebot.github.remote import clone, is_remote_source, push_new_branch, remote_url, strip_userinfo
from swebot.github.secrets import redact, secrets_hidden, token_from_env
from swebot.github.urls import api_url_from_env, is_issue_number, parse_issue_url, repo_from_remote_url
from swebot.repair import FixReport, FixRequest
from swebot.testing.command import DEFAULT_TEST_COMMAND
from swebot.workspace import find_repo_root

ClientFactory = Callable[[str, "str | None", str], GitHubClient]  # (repo, token, base_url)


@dataclass(frozen=True)
class RemoteOptions:
    """The options of ``swebot fix`` that the remote front end reads besides the FixRequest."""

    source: str  # PATH or git URL, as given
    ref: str | None = None
    issue: str | None = None  # --issue: an issue number, text, or @FILE
    issue_url: str | None = None
    pr: bool = False
    ready: bool = False
    apply: bool = False
    branch: str | None = None
    json: bool = False
    quiet: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> "RemoteOptions":
        return cls(source=args.path, ref=args.ref, issue=args.issue, issue_url=args.issue_url, pr=args.pr,
                   ready=args.ready, apply=args.apply, branch=args.branch, json=args.json, quiet=args.quiet)

    @property
    def issue_number(self) -> int | None:
        return int(self.issue.strip().lstrip("#")) if self.issue and is_issue_number(self.issue) else None


@dataclass(frozen=True)
class Target:
    """Which GitHub repository and issue a run is about."""

    repo: str | None  # owner/name
    number: int | None
    web_host: str | None


def resolve_target(options: RemoteOptions, origin_url: str | None, env: Mapping[str, str]) -> Target:
    if options.issue_url:
        ref = parse_issue_url(options.issue_url)
        return Target(ref.full_name, ref.number, ref.host)
    found = repo_from_remote_url(origin_url) if origin_url else None
    if found:
        return Target(found[1], options.issue_number, found[0])
    return Target(env.get("GITHUB_REPOSITORY") or None, options.issue_number, None)


def _check(options: RemoteOptions) -> None:
    if options.ready and not options.pr:
        raise BadInput("--ready only applies with --pr")
    remote = is_remote_source(options.source) or bool(options.ref)
    if remote and (options.apply or options.branch):
        raise BadInput("--apply and --branch change a local checkout; with a URL or --ref use --pr",
                       hint="or clone the repository yourself and run swebot fix on it")
    if options.pr and (options.apply or options.branch):
        raise BadInput("--pr cannot be combined with --apply or --branch")


def run_remote(
    args: argparse.Namespace,
    *,
    fixer: Fixer | None = None,
    env: Mapping[str, str] | None = None,
    client_factory: ClientFactory | None = None,
    out: TextIO | None = None,
) -> int:
    """``swebot fix`` with a URL, an issue number or GitHub options (see ``fix_with_github``)."""
    options = RemoteOptions.from_args(args)
    request = request_from_args(args, Path(args.path), None)
    return fix_with_github(options, request, fixer=fixer or fix_with_progress(not (args.json or args.quiet)),
                           env=env, client_factory=client_factory, out=out)


def fix_with_github(
    options: RemoteOptions,
    request: FixRequest,
    *,
    fixer: Fixer,
    env: Mapping[str, str] | None = None,
    client_factory: ClientFactory | None = None,
    out: TextIO | None = None,
) -> int:
    """Repair ``request`` (its path and issue are filled in here) with the remote/GitHub options.
    Exit status as ``swebot fix``: 0 fixed (or nothing to fix, or skipped), 1 no fix; errors raise
    ``SwebotError``."""
    env = os.environ if env is None else env
    out = out or sys.stdout
    make_client = client_factory or (lambda repo, token, base: GitHubClient(repo, token=token, base_url=base))
    token = token_from_env(env)
    _check(options)
    if options.pr and not (options.issue_url or options.issue_number is not None):
        raise BadInput("--pr needs the issue it fixes", hint="pass --issue-url URL or --issue N")
    if options.pr and not token:
        raise EnvironmentProblem("--pr needs a GitHub token", hint="set GITHUB_TOKEN (or GH_TOKEN)")

    def say(message: str) -> None:
        if not options.json:
            print(f"swebot: {redact(message, (token or '',))}", file=sys.stderr)

    with ExitStack() as stack:
        if is_remote_source(options.source) or options.ref:
            source = options.source if is_remote_source(options.source) \
                else str(Path(options.source).expanduser().resolve())
            say(f"cloning {strip_userinfo(source)}" + (f" at {options.ref}" if options.ref else ""))
            cloned = clone(source, options.ref, token=token)
            stack.callback(cloned.cleanup)
            work_root, request_path = cloned.path, cloned.path
        else:
            request_path = Path(options.source)
            work_root = find_repo_root(request_path)
        try:
            origin = remote_url(work_root)
        except BadInput:
            origin = None
        target = resolve_target(options, origin, env)

        issue: Issue | None = None
        client: GitHubClient | None = None
        if target.number is not None:
            if not target.repo:
                raise BadInput(f"cannot tell which GitHub repository issue #{target.number} belongs to",
                               hint="pass --issue-url https://HOST/OWNER/REPO/issues/N")
            client = make_client(target.repo, token, api_url_from_env(env, web_host=target.web_host))
            issue = client.get_issue(target.number)
            if options.pr:
                skip = text.check_issue(issue, client.list_pulls("open"))
                if skip is not None:
                    say(f"skipped: {skip.message}")
                    _print_json(options, out, {"status": "skipped", "reason": skip.reason, "message": skip.message,
                                               "pr_url": skip.pull.html_url if skip.pull else None})
                    return 0
        extra = None if (options.issue is None or is_issue_number(options.issue)) else read_issue(options.issue)
        statement = "\n\n".join(t for t in (text.problem_statement(issue) if issue else None, extra) if t) or None

        request = replace(request, path=request_path, issue=statement)
        if options.pr and not request.test_command:  # a PR needs test evidence, even for an issue-only fix
            request = replace(request, test_command=DEFAULT_TEST_COMMAND)
        with secrets_hidden(token):
            report = fixer(request)

        pr_url = ""
        if options.pr and issue is not None and client is not None:
            pr_url = _publish(options, work_root, client, issue, report, request.test_command or DEFAULT_TEST_COMMAND,
                              token, say)
        _show(options, out, report, pr_url)
    return 0 if report.status in ("fixed", "nothing_to_fix") else 1


def _publish(options: RemoteOptions, work_root: Path, client: GitHubClient, issue: Issue, report: FixReport,
             command: str, token: str | None, say: Callable[[str], None]) -> str:
    if not (report.status == "fixed" and report.patch and not report.failing_after):
        client.comment_on_issue(issue.number, text.failure_comment(report, test_command=command))
        say(f"no fix: commented on issue #{issue.number}; no pull request opened")
        return ""
    try:
        default_branch = client.get_repo().default_branch
        branch = text.branch_name(issue.number, issue.title)
        sha = commit_fix(work_root, report.patch, branch, issue, report)
        pushed = push_new_branch(work_root, sha, branch, default_branch=default_branch, token=token)
        say(f"pushed {pushed}")
        pull = client.create_pull(title=text.pr_title(issue), head=pushed, base=default_branch,
                                  body=text.pr_body(issue, report, test_command=command, engine=report.engine),
                                  draft=not options.ready)
    except SwebotError as exc:
        try:
            client.comment_on_issue(issue.number, text.error_comment(redact(str(exc), (token or "",)).splitlines()[0]))
        except SwebotError:
            pass
        raise
    client.comment_on_issue(issue.number, text.success_comment(pull.html_url, report))
    say(f"opened {pull.html_url}")
    return pull.html_url


def _print_json(options: RemoteOptions, out: TextIO, data: Mapping[str, Any]) -> None:
    if options.json:
        print(json.dumps(dict(data)), file=out)


def _show(options: RemoteOptions, out: TextIO, report: FixReport, pr_url: str) -> None:
    if options.json:
        print(json.dumps({**report.to_json(), "applied": None, "pr_url": pr_url or None}), file=out)
        return
    print_summary(report, f"pull request {pr_url}" if pr_url else "", wanted_change=options.pr, out=out)
