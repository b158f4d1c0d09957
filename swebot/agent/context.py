"""What the engine computes for the agent up front: the first prompt's localization hints and
the ``localize`` tool's SBFL ranking (both optional: a failure costs the hint, never the repair)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from swebot.agent import symbols
from swebot.agent.files import Files
from swebot.errors import EnvironmentProblem, SandboxError
from swebot.localize.rank import localize
from swebot.localize.sbfl import rank_lines
from swebot.testing import TestRunner

MAX_HINT_FILES = 6


def issue_hints(workspace: Path, issue: str | None, test_command: str | None) -> str:
    """Files and symbols the issue text points at (swebot.localize.rank)."""
    if not issue:
        return ""
    try:
        found = localize(workspace, issue, top=MAX_HINT_FILES).to_json()
    except Exception:  # hints are a bonus; never fail a repair over them
        return ""
    lines = []
    for hit in found.get("files", [])[:MAX_HINT_FILES]:
        syms = ", ".join(f"{s['name']} ({s['start']}-{s['end']})" for s in hit.get("symbols", [])[:4])
        lines.append(f"- {hit['path']}" + (f": {syms}" if syms else ""))
    return "\n".join(lines)


def sbfl_localizer(runner: TestRunner, files: Files, top: int = 15) -> Callable[[], str]:
    """A ``localize`` tool body: run the tests with coverage once, rank lines (Ochiai), cache it."""
    cache: list[str] = []

    def localize() -> str:
        if cache:
            return cache[0]
        try:
            report, coverage = runner.run_with_coverage()
        except SandboxError:
            raise
        except EnvironmentProblem as exc:  # e.g. coverage.py missing where the tests run
            return f"localize cannot run here: {exc.message}; use search and find_symbol"
        if not report.failing:
            return "no test fails now, so there is nothing to localize"
        frames = {c.nodeid: c.frames for c in report.cases if c.failing}
        ranking = rank_lines(coverage, sorted(report.failing), sorted(report.passing), frames=frames)
        if not ranking:
            return "coverage gave no suspicious lines (did the failing tests run any repository code?)"
        out = [f"most suspicious lines for {len(report.failing)} failing tests (score 0..1):"]
        for s in ranking[:top]:
            where = ""
            text = files.read_text(s.path) or ""
            try:
                d = symbols.enclosing(text, s.line)
                where = f" in {d.qualname}" if d else ""
            except SyntaxError:
                pass
            line = text.splitlines()[s.line - 1].strip() if 0 < s.line <= len(text.splitlines()) else ""
            out.append(f"{s.path}:{s.line} score={s.score:.2f}{where}: {line[:120]}")
        cache.append("\n".join(out))
        return cache[0]

    return localize
