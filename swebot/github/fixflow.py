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

from swebot.errors import BadInput, EnvironmentProblem, SwebotError
from swebot.github import pr as text
from swebot.github.api import GitHubClient, Issue
from swebot.github.cli import is_issue_number
from swebot.github.remote import clone, is_remote_source, push_new_branch, remote_url, strip_userinfo
from swebot.github.secrets import redact, secrets_hidden, token_from_env
from swebot.github.urls import api_url_from_env, parse_issue_url, repo_from_remote_url

Fixer = Callable[[Any], Any]  # FixRequest -> FixReport
ClientFactory = Callable[[str, "str | None", str], GitHubClient]  # (repo, token, base_url)


@dataclass(frozen=True)
class Target:
    """Which GitHub repository and issue a run is about."""

    repo: str | None  # owner/name
    number: int | None
    web_host: str | None


def resolve_target(args: argparse.Namespace, origin_url: str | None, env: Mapping[str, str]) -> Target:
    if getattr(args, "issue_url", None):
        ref = parse_issue_url(args.issue_url)
        return Target(ref.full_name, ref.number, ref.host)
    number = int(args.issue.strip().lstrip("#")) if args.issue and is_issue_number(args.issue) else None
    found = repo_from_remote_url(origin_url) if origin_url else None
    if found:
        return Target(found[1], number, found[0])
    return Target(env.get("GITHUB_REPOSITORY") or None, number, None)


def _check(args: argparse.Namespace) -> None:
    if args.ready and not args.pr:
        raise BadInput("--ready only applies with --pr")
    remote = is_remote_source(args.path) or bool(args.ref)
    if remote and (args.apply or args.branch):
        raise BadInput("--apply and --branch change a local checkout; with a URL or --ref use --pr",
                       hint="or clone the repository yourself and run swebot fix on it")
    if args.pr and (args.apply or args.branch):
        raise BadInput("--pr cannot be combined with --apply or --branch")


def _default_fixer(args: argparse.Namespace) -> Fixer:
    def fix(request: Any) -> Any:
        from swebot.repair import run_fix

        progress = None
        if not (args.json or args.quiet):
            from swebot.progress import TerminalProgress

            progress = TerminalProgress(sys.stderr)
        try:
            return run_fix(request, progress)
        finally:
            if progress is not None:
                progress.finish()

    return fix


def fix_with_github(
    args: argparse.Namespace,
    *,
    fixer: Fixer | None = None,
    env: Mapping[str, str] | None = None,
    client_factory: ClientFactory | None = None,
    out: TextIO | None = None,
) -> int:
    """Run ``swebot fix`` with the remote/GitHub options. Exit status as ``swebot fix``:
    0 fixed (or nothing to fix, or skipped), 1 no fix; errors raise ``SwebotError``."""
    env = os.environ if env is None else env
    out = out or sys.stdout
    fixer = fixer or _default_fixer(args)
    make_client = client_factory or (lambda repo, token, base: GitHubClient(repo, token=token, base_url=base))
    token = token_from_env(env)
    _check(args)
    if args.pr and not (args.issue_url or (args.issue and is_issue_number(args.issue))):
        raise BadInput("--pr needs the issue it fixes", hint="pass --issue-url URL or --issue N")
    if args.pr and not token:
        raise EnvironmentProblem("--pr needs a GitHub token", hint="set GITHUB_TOKEN (or GH_TOKEN)")

    def say(message: str) -> None:
        if not args.json:
            print(f"swebot: {redact(message, (token or '',))}", file=sys.stderr)

    with ExitStack() as stack:
        if is_remote_source(args.path) or args.ref:
            source = args.path if is_remote_source(args.path) else str(Path(args.path).expanduser().resolve())
            say(f"cloning {strip_userinfo(source)}" + (f" at {args.ref}" if args.ref else ""))
            cloned = clone(source, args.ref, token=token)
            stack.callback(cloned.cleanup)
            work_root, request_path = cloned.path, cloned.path
        else:
            from swebot.workspace import find_repo_root

            request_path = Path(args.path)
            work_root = find_repo_root(request_path)
        try:
            origin = remote_url(work_root)
        except BadInput:
            origin = None
        target = resolve_target(args, origin, env)

        issue: Issue | None = None
        client: GitHubClient | None = None
        if target.number is not None:
            if not target.repo:
                raise BadInput(f"cannot tell which GitHub repository issue #{target.number} belongs to",
                               hint="pass --issue-url https://HOST/OWNER/REPO/issues/N")
            client = make_client(target.repo, token, api_url_from_env(env, web_host=target.web_host))
            issue = client.get_issue(target.number)
            if args.pr:
                skip = text.check_issue(issue, client.list_pulls("open"))
                if skip is not None:
                    say(f"skipped: {skip.message}")
                    _print_json(args, out, {"status": "skipped", "reason": skip.reason, "message": skip.message,
                                            "pr_url": skip.pull.html_url if skip.pull else None})
                    return 0
        extra = None if (args.issue is None or is_issue_number(args.issue)) else _read_issue_text(args.issue)
        statement = "\n\n".join(t for t in (text.problem_statement(issue) if issue else None, extra) if t) or None

        from swebot.commands.fix import request_from_args

        request = request_from_args(args, request_path, statement)
        if args.pr and not request.test_command:  # a PR needs test evidence, even for an issue-only fix
            request = replace(request, test_command="python -m pytest")
        with secrets_hidden(token):
            report = fixer(request)

        pr_url = ""
        if args.pr and issue is not None and client is not None:
            pr_url = _publish(args, work_root, client, issue, report, token, say)
        _show(args, out, report, pr_url)
    return 0 if report.status in ("fixed", "nothing_to_fix") else 1


def _read_issue_text(value: str) -> str | None:
    from swebot.commands.fix import read_issue

    return read_issue(value)


def _publish(args: argparse.Namespace, work_root: Path, client: GitHubClient, issue: Issue, report: Any,
             token: str | None, say: Callable[[str], None]) -> str:
    command = args.test_command or "python -m pytest"
    if not (report.status == "fixed" and report.patch and not report.failing_after):
        client.comment_on_issue(issue.number, text.failure_comment(report, test_command=command))
        say(f"no fix: commented on issue #{issue.number}; no pull request opened")
        return ""
    try:
        default_branch = client.get_repo().default_branch
        branch = text.branch_name(issue.number, issue.title)
        from swebot.github.action import commit_fix

        sha = commit_fix(work_root, report.patch, branch, issue, report)
        pushed = push_new_branch(work_root, sha, branch, default_branch=default_branch, token=token)
        say(f"pushed {pushed}")
        pull = client.create_pull(title=text.pr_title(issue), head=pushed, base=default_branch,
                                  body=text.pr_body(issue, report, test_command=command,
                                                    engine=str(getattr(report, "engine", args.engine))),
                                  draft=not args.ready)
    except SwebotError as exc:
        try:
            client.comment_on_issue(issue.number, text.error_comment(redact(str(exc), (token or "",)).splitlines()[0]))
        except SwebotError:
            pass
        raise
    client.comment_on_issue(issue.number, text.success_comment(pull.html_url, report))
    say(f"opened {pull.html_url}")
    return pull.html_url


def _print_json(args: argparse.Namespace, out: TextIO, data: Mapping[str, Any]) -> None:
    if args.json:
        print(json.dumps(dict(data)), file=out)


def _show(args: argparse.Namespace, out: TextIO, report: Any, pr_url: str) -> None:
    if args.json:
        print(json.dumps({**report.to_json(), "applied": None, "pr_url": pr_url or None}), file=out)
        return
    from swebot.commands.fix import print_summary

    saved, sys.stdout = sys.stdout, out
    try:
        print_summary(report, f"pull request {pr_url}" if pr_url else "", wanted_change=bool(args.pr))
    finally:
        sys.stdout = saved
