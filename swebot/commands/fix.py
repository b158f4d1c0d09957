"""``swebot fix PATH``: repair a repository and hand back a patch, a changed tree or a branch."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, TextIO

from swebot.errors import BadInput, SwebotError
from swebot.types import Budget

if TYPE_CHECKING:
    from swebot.repair import FixReport, FixRequest

EXIT_FIXED, EXIT_NOT_FIXED = 0, 1
EXIT_OUT_OF_TIME = 4  # the time limit ran out before the tests had run once: nothing was tried
EXIT_INTERNAL = 70  # a bug in swebot (EX_SOFTWARE), never confused with "no fix" (1)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fix",
        help="repair a repository whose tests fail (or that an issue describes)",
        description="Repair PATH on a private copy; print the patch, or apply it / commit it on a branch. "
        "Exit status: 0 fixed (or nothing to fix), 1 no patch within the budget, 2 bad input, "
        "3 environment problem, 4 the time limit ran out before the tests had run once, 70 a bug in swebot.",
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
    from swebot.engines.llm_options import add_llm_arguments
    from swebot.github.cli import add_remote_arguments

    add_llm_arguments(parser)
    add_remote_arguments(parser)
    parser.set_defaults(handler=run)


def read_issue(value: str | None) -> str | None:
    from swebot.issue_file import issue_text

    return issue_text(value)


def request_from_args(args: argparse.Namespace, path: Path, issue_text: str | None) -> "FixRequest":
    """The FixRequest that ``swebot fix`` options describe, for ``path``."""
    from swebot.repair import FixRequest

    settings = None
    if args.engine in ("llm", "auto") and getattr(args, "model", None):
        from swebot.engines.llm import llm_settings_from_args

        settings = llm_settings_from_args(args)
    return FixRequest(
        path=path,
        test_command=args.test_command,
        issue=issue_text,
        engine=args.engine,
        sandbox=args.sandbox,
        budget=Budget(time_limit=args.time_limit, max_candidates=args.max_candidates,
                      max_steps=getattr(args, "max_steps", 0) or 0,
                      max_cost=getattr(args, "max_cost", 0.0) or 0.0,
                      max_tokens=getattr(args, "max_tokens", 0) or 0),
        output_dir=args.output,
        engine_settings=settings,
        test_timeout=args.test_timeout,
        attempts=args.attempts,
        keep_tests=args.keep_tests,
    )


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
    from swebot.progress import TerminalProgress
    from swebot.repair import run_fix
    from swebot.workspace import find_repo_root

    _check_args(args)
    if getattr(args, "github_handler", None):  # URL / --pr / --issue-url: remote front end
        return args.github_handler(args)
    repo = find_repo_root(Path(args.path))
    if args.branch:
        from swebot.branches import check_new_branches

        check_new_branches(repo, args.branch)
    request = request_from_args(args, Path(args.path), read_issue(args.issue))
    progress = None if (args.json or args.quiet) else TerminalProgress(sys.stderr)
    try:
        report = run_fix(request, progress)
    finally:
        if progress is not None:
            progress.finish()
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


def exit_status(report: "FixReport") -> int:
    if report.status in ("fixed", "nothing_to_fix"):
        return EXIT_FIXED
    return EXIT_OUT_OF_TIME if out_of_time_early(report) else EXIT_NOT_FIXED


def out_of_time_early(report: "FixReport") -> bool:
    """The time limit ended the run before the baseline test run finished."""
    return report.limit_hit == "time_limit" and report.details.get("stopped_during") == "baseline"


def _deliver(args: argparse.Namespace, repo: Path, report: "FixReport") -> str:
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


def _naming_saved_patch(exc: SwebotError, report: "FixReport") -> SwebotError:
    """``exc`` (writing a found fix failed) with the saved patch named, so the fix is not lost."""
    patch_file = report.run_dir / "patch.diff"
    saved = f"the fix is saved in {patch_file} (apply it later with `git apply {patch_file}`)"
    exc.hint = f"{exc.hint}; {saved}" if exc.hint else saved
    exc.details.update(patch_file=str(patch_file), run_dir=str(report.run_dir),
                       files_changed=list(report.files_changed))
    return exc


def print_summary(report: object, applied: str, *, wanted_change: bool) -> None:
    from swebot.repair import FixReport

    assert isinstance(report, FixReport)
    out = sys.stdout
    headline = {
        "fixed": "Fixed: the patch below makes the tests pass.",
        "nothing_to_fix": "Nothing to fix: all tests already pass.",
        "not_fixed": "No fix found within the budget"
        + (f" ({report.limit_hit} reached)." if report.limit_hit else "."),
    }[report.status]
    if out_of_time_early(report):
        headline = "Stopped: " + report.description + "."
    print(headline, file=out)
    if report.description and not out_of_time_early(report):
        print(f"  change:     {report.description}", file=out)
    for problem in ("model_error", "error"):
        if report.details.get(problem):
            print(f"  {problem.replace('_', ' ')}: {report.details[problem]}", file=out)
    if report.failing_before:
        print(f"  failing before: {len(report.failing_before)}  after: {len(report.failing_after)}",
              file=out)
        for test in report.failing_after[:10]:
            print(f"    still failing: {test}", file=out)
    print(f"  candidates: {report.candidates_tried}  time: {report.seconds:.1f}s"
          + (f"  cost: ${report.cost:.4f}" if report.cost else ""), file=out)
    _print_search(report.details, out)
    print(f"  run folder: {report.run_dir}  (patch.diff, report.json, run.log)", file=out)
    if applied:
        print(f"  result:     {applied}", file=out)
    elif wanted_change and report.status != "fixed":
        print("  result:     your tree was left as it was", file=out)
    if report.patch:
        if report.status != "fixed":
            print("\nBest partial patch (does not make every test pass):", file=out)
        print("", file=out)
        _write_patch(out, report.patch if report.patch.endswith("\n") else report.patch + "\n")


def _write_patch(out: TextIO, patch: str) -> None:
    """The patch as its bytes (a file in a legacy encoding keeps them), else with escapes."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(patch.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))
        return
    out.flush()
    buffer.write(patch.encode("utf-8", "surrogateescape"))
    buffer.flush()


def _print_search(details: Mapping[str, object], out: TextIO) -> None:
    """The builtin engine's search depth and regression check, when it reports them."""
    search = details.get("search")
    if isinstance(search, dict) and search.get("suspicious_lines"):
        print(f"  ranking:    searched down to suspicious line #{search.get('deepest_line_rank', 0)} of "
              f"{search['suspicious_lines']}", file=out)
    check = details.get("regression_check")
    if isinstance(check, dict):
        scopes = "; ".join(f"{name}: {what}" for name, what in check.get("scopes", {}).items())
        print(f"  regressions: {check.get('rejected', 0)} candidate(s) rejected for breaking tests "
              f"that passed before ({scopes})", file=out)
