"""What the local and the remote ``swebot fix`` share: the request the options describe, the
issue text, running a repair with a progress display, and the printed summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, TextIO

from swebot.types import Budget

if TYPE_CHECKING:  # repair imports the workspace and pydantic settings: not needed for --help
    from swebot.repair import FixReport, FixRequest

Fixer = Callable[["FixRequest"], "FixReport"]
"""``swebot.repair.run_fix`` or a test double."""


def read_issue(value: str | None) -> str | None:
    """``--issue`` as text: ``@FILE`` reads the file, anything else is the text itself."""
    from swebot.issue_file import issue_text

    return issue_text(value)


def request_from_args(args: argparse.Namespace, path: Path, issue_text: str | None) -> FixRequest:
    """The FixRequest that ``swebot fix`` options describe, for ``path``."""
    from swebot.repair import FixRequest

    settings = None
    if args.engine in ("llm", "auto") and args.model:
        from swebot.commands.llm_options import llm_settings_from_args

        settings = llm_settings_from_args(args)
    return FixRequest(
        path=path,
        test_command=args.test_command,
        issue=issue_text,
        engine=args.engine,
        sandbox=args.sandbox,
        budget=Budget(time_limit=args.time_limit, max_candidates=args.max_candidates,
                      max_steps=args.max_steps or 0, max_cost=args.max_cost or 0.0,
                      max_tokens=args.max_tokens or 0),
        output_dir=args.output,
        engine_settings=settings,
        test_timeout=args.test_timeout,
        attempts=args.attempts,
        keep_tests=args.keep_tests,
    )


def fix_with_progress(show: bool) -> Fixer:
    """``run_fix`` with a terminal progress display on stderr when ``show``."""
    def fix(request: FixRequest) -> FixReport:
        from swebot.progress import TerminalProgress
        from swebot.repair import run_fix

        progress = TerminalProgress(sys.stderr) if show else None
        try:
            return run_fix(request, progress)
        finally:
            if progress is not None:
                progress.finish()

    return fix


def out_of_time_early(report: FixReport) -> bool:
    """The time limit ended the run before the baseline test run finished."""
    return report.limit_hit == "time_limit" and report.details.get("stopped_during") == "baseline"


def print_summary(report: FixReport, applied: str, *, wanted_change: bool, out: TextIO | None = None) -> None:
    """The human summary of a repair, then its patch (the best partial one when not fixed)."""
    out = out or sys.stdout
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
    selection = details.get("selection")
    if isinstance(selection, dict):
        print(f"  selection:  {selection.get('compared', 0)} plausible patch(es) compared, "
              f"#{selection.get('chosen', 1)} reported: {selection.get('reason', '')}", file=out)
