"""``swebot fix PATH``: repair a repository and hand back a patch, a changed tree or a branch."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from swebot.commands.fix_common import (fix_with_progress, out_of_time_early, print_summary, read_issue,
                                        request_from_args)
from swebot.errors import BadInput, SwebotError

if TYPE_CHECKING:
    from swebot.repair import FixReport

EXIT_FIXED, EXIT_NOT_FIXED = 0, 1
EXIT_OUT_OF_TIME = 4  # the time limit ran out before the tests had run once: nothing was tried
EXIT_INTERNAL = 70  # a bug in swebot (EX_SOFTWARE), never confused with "no fix" (1)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fix",
        help="repair a repository whose tests fail (or that an issue describes)",
        description="Repair PATH on a private copy; print the patch, or apply it / commit it on a branch. "
        "Exit status: 0 fixed (or nothing to fix), 1 no patch within the budget, 2 bad input, "
        "3 environment problem, 70 a bug in swebot.",
    )
    parser.add_argument("path", metavar="PATH", help="a directory inside a git work tree")
    parser.add_argument("--test", metavar="CMD", dest="test_command",
                        help="test command whose failures define the bug, run in PATH "
                        "(default: python -m pytest)")
    parser.add_argument("--issue", metavar="TEXT|@FILE",
                        help="the problem in prose (text, or @file to read it from a file)")
    parser.add_argument("--engine", choices=("builtin", "llm", "auto"), default="builtin",
                        help="builtin (no model, default), llm, or auto (builtin first, then the model)")
    parser.add_argument("--sandbox", choices=("auto", "docker", "local"), default="auto",
                        help="where tests run: docker when a daemon answers (auto), docker, or local")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--apply", action="store_true",
                       help="apply the fix to your working tree (other uncommitted changes are kept)")
    where.add_argument("--branch", metavar="NAME",
                       help="commit the fix on a new branch NAME without switching your checkout")
    parser.add_argument("--output", metavar="DIR", type=Path,
                        help="run folder for patch.diff, report.json and run.log "
                        "(default: $SWEBOT_HOME/runs/... or ~/.local/share/swebot/runs/...)")
    parser.add_argument("--time-limit", metavar="SECONDS", type=float, default=600.0,
                        help="wall-time limit for the whole repair (default 600; 0 = none)")
    parser.add_argument("--max-candidates", metavar="N", type=int, default=0,
                        help="stop after validating N candidate patches (default 0 = no limit)")
    parser.add_argument("--test-timeout", metavar="SECONDS", type=float, default=300.0,
                        help="timeout for one run of the test command (default 300)")
    parser.add_argument("--attempts", metavar="N", type=int, default=1,
                        help="up to N independent attempts, the patch chosen by test evidence (default 1)")
    parser.add_argument("--keep-tests", action="store_true",
                        help="keep the reproduction tests the engine wrote in the final patch")
    parser.add_argument("--json", action="store_true", help="print one JSON object and nothing else")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    from swebot.commands.llm_options import add_llm_arguments

    add_llm_arguments(parser)
    _add_remote_arguments(parser)
    parser.set_defaults(handler=run)


def _add_remote_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "remote repositories and GitHub",
        "PATH may be a git URL (https, ssh, file://), cloned into a private folder. "
        "--issue N (or --issue-url) reads a GitHub issue as the problem statement; the token comes "
        "from GITHUB_TOKEN or GH_TOKEN and the API from GITHUB_API_URL (GitHub Enterprise).",
    )
    group.add_argument("--ref", metavar="REF",
                       help="branch, tag or commit to check out (clones PATH, even a local one)")
    group.add_argument("--issue-url", metavar="URL",
                       help="https://github.com/OWNER/REPO/issues/N: its title, body and comments are the problem")
    group.add_argument("--pr", action="store_true",
                       help="push branch swebot/issue-N-<slug> and open a draft pull request fixing the issue, "
                       "then comment on the issue (also when no fix was found)")
    group.add_argument("--ready", action="store_true",
                       help="with --pr: open a normal (non-draft) pull request")


def wants_remote(args: argparse.Namespace) -> bool:
    """Whether the options ask for the remote front end: PATH is a git URL, ``--issue`` is an
    issue number, or a GitHub option is given."""
    from swebot.github.remote import is_remote_source
    from swebot.github.urls import is_issue_number

    return bool(is_remote_source(args.path) or args.ref or args.issue_url or args.pr or args.ready
                or (args.issue is not None and is_issue_number(args.issue)))


def _check_args(args: argparse.Namespace) -> None:
    if args.time_limit < 0 or args.max_candidates < 0 or args.test_timeout <= 0 or args.attempts < 1:
        raise BadInput("--time-limit and --max-candidates must be >= 0, --test-timeout > 0, "
                       "--attempts >= 1")


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except SwebotError as exc:
        if args.json:
            print(json.dumps({"status": "error", "error": exc.message, "hint": exc.hint,
                              "exit_status": exc.exit_status, **exc.details}))
            return exc.exit_status
        raise
    except Exception as exc:  # a bug in swebot: say so, and --json still answers with an object
        import traceback

        traceback.print_exc()
        message = f"internal error: {type(exc).__name__}: {exc}"
        hint = "this is a bug in swebot; its traceback is on stderr"
        if args.json:
            print(json.dumps({"status": "error", "error": message, "hint": hint,
                              "exit_status": EXIT_INTERNAL}))
        else:
            print(f"swebot: error: {message}\n  hint: {hint}", file=sys.stderr)
        return EXIT_INTERNAL


def _run(args: argparse.Namespace) -> int:
    _check_args(args)
    if wants_remote(args):
        from swebot.commands.fix_remote import run_remote

        return run_remote(args)
    return _run_local(args)


def _run_local(args: argparse.Namespace) -> int:
    from swebot.workspace import find_repo_root

    repo = find_repo_root(Path(args.path))
    if args.branch:
        from swebot.branches import check_new_branches

        check_new_branches(repo, args.branch)
    request = request_from_args(args, Path(args.path), read_issue(args.issue))
    report = fix_with_progress(not (args.json or args.quiet))(request)
    applied = ""
    if report.status == "fixed" and report.patch:
        try:
            applied = _deliver(args, repo, report)
        except SwebotError as exc:
            raise _naming_saved_patch(exc, report)
    if args.json:
        print(json.dumps({**report.to_json(), "applied": applied or None}))
    else:
        print_summary(report, applied, wanted_change=bool(args.apply or args.branch))
    return exit_status(report)


def exit_status(report: FixReport) -> int:
    if report.status in ("fixed", "nothing_to_fix"):
        return EXIT_FIXED
    return EXIT_OUT_OF_TIME if out_of_time_early(report) else EXIT_NOT_FIXED


def _deliver(args: argparse.Namespace, repo: Path, report: FixReport) -> str:
    """Write a fix where ``--apply`` or ``--branch`` asked for it; what was done, for the summary."""
    from swebot.branches import commit_to_new_branches
    from swebot.workspace import apply_to_tree

    if args.apply:
        apply_to_tree(repo, report.patch)
        return "applied to your working tree"
    if args.branch:
        top, *inner = commit_to_new_branches(repo, report.patch, args.branch,
                                             f"swebot: {report.description}"[:72] + "\n\n"
                                             + f"Tests fixed: {', '.join(report.failing_before)}\n")
        done = f"committed on branch {args.branch} ({top.sha[:10]})"
        if inner:
            done += "".join(f", and on branch {args.branch} of submodule {c.where} ({c.sha[:10]})" for c in inner)
            done += "; push the submodules' branches before sharing this one"
        return done
    return ""


def _naming_saved_patch(exc: SwebotError, report: FixReport) -> SwebotError:
    """``exc`` (writing a found fix failed) with the saved patch named, so the fix is not lost."""
    patch_file = report.run_dir / "patch.diff"
    saved = f"the fix is saved in {patch_file} (apply it later with `git apply {patch_file}`)"
    exc.hint = f"{exc.hint}; {saved}" if exc.hint else saved
    exc.details.update(patch_file=str(patch_file), run_dir=str(report.run_dir),
                       files_changed=list(report.files_changed))
    return exc
