"""The tools the model gets: read (search, find_symbol, view, outline, localize), edit
(edit_symbol, insert, str_replace, create_file, undo), run (run_tests, bash) and submit.

Each tool is a function ``(ctx, **arguments) -> Observation``; ``TOOLS`` pairs them with schemas.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Mapping

from swebot.agent import edits, symbols
from swebot.agent.config import AgentSettings
from swebot.agent.edits import Applied, EditJournal, Rejected
from swebot.agent.files import Files
from swebot.agent.toolbox import Observation, ToolSpec, error
from swebot.source_encoding import SourceDecodeError, decode_source, encode_source, unencodable
from swebot.types import Sandbox, TestReport

VIEW_WINDOW = 100
MAX_SYMBOL_LINES = 400
SEARCH_FILES = 25
SEARCH_LINES_PER_FILE = 8
LINE_CHARS = 200


@dataclass
class ToolContext:
    """What the tools work on. ``run_tests``/``localize``/``submit`` come from the engine."""

    sandbox: Sandbox
    files: Files
    settings: AgentSettings
    journal: EditJournal = field(default_factory=EditJournal)
    run_tests: Callable[[list[str] | None], tuple[TestReport, str]] | None = None
    localize: Callable[[], str] | None = None
    submit: Callable[[str], Observation] | None = None
    reproduce: Callable[[str], Observation] | None = None  # issue without a failing test: register a reproduction
    guard_edit: Callable[[str], Observation | None] | None = None  # a refusal for an edit of this path, or None
    hidden_env: Mapping[str, str] = field(default_factory=dict)  # e.g. the API key variable blanked


def numbered(lines: list[str], first: int) -> str:
    return "\n".join(f"{n:>6}\t{text[:2000]}" for n, text in enumerate(lines, start=first))


# ---------------------------------------------------------------- reading


def search(ctx: ToolContext, pattern: str, regex: bool = False, path: str = "") -> Observation:
    scope = [ctx.files.path(path)] if path else []
    mode = "-E" if regex else "-F"
    res = ctx.sandbox.execute(
        ["git", "-c", "core.quotepath=off", "grep", "-n", "-I", "--untracked", "--no-color", mode, "-e", pattern, "--", *scope], timeout=60
    )
    if res.exit_code not in (0, 1):  # not a git repository, or a bad pattern
        if "regex" in res.stderr.lower() or "invalid" in res.stderr.lower():
            return error(f"bad pattern: {res.stderr.strip()[:300]}")
        flag = "-E" if regex else "-F"
        cmd = f"grep -rnI {flag} -e {shlex.quote(pattern)} --exclude-dir=.git --exclude-dir=.swebot {shlex.quote(scope[0] if scope else '.')}"
        res = ctx.sandbox.execute(cmd, timeout=60)
    groups: dict[str, list[str]] = {}
    for line in res.stdout.splitlines():
        parts = line.split(":", 2)
        if len(parts) < 3 or not parts[1].isdigit():
            continue
        name = parts[0][2:] if parts[0].startswith("./") else parts[0]
        groups.setdefault(name, []).append(f"  {parts[1]}: {parts[2].strip()[:LINE_CHARS]}")
    if not groups:
        return Observation(f"no matches for {pattern!r}" + (f" under {path}" if path else ""))
    total = sum(len(v) for v in groups.values())
    out = [f"{total} matches in {len(groups)} files for {pattern!r}:"]
    for name, hits in list(groups.items())[:SEARCH_FILES]:
        out.append(f"{name} ({len(hits)})")
        out.extend(hits[:SEARCH_LINES_PER_FILE])
        if len(hits) > SEARCH_LINES_PER_FILE:
            out.append(f"  ... {len(hits) - SEARCH_LINES_PER_FILE} more in this file (search with path={name!r})")
    if len(groups) > SEARCH_FILES:
        out.append(f"... {len(groups) - SEARCH_FILES} more files; make the pattern more specific or pass path")
    return Observation("\n".join(out))


def find_symbol(ctx: ToolContext, name: str) -> Observation:
    last = name.rsplit(".", 1)[-1]
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", last):
        return error(f"{name!r} is not a Python name")
    pattern = rf"^\s*(async\s+def|def|class)\s+{last}\b"
    res = ctx.sandbox.execute(
        ["git", "grep", "-z", "-l", "-I", "--untracked", "-E", "-e", pattern, "--", "*.py"], timeout=60
    )
    found = []
    for path in [p for p in res.stdout.split("\0") if p.strip()][:50]:
        text = ctx.files.read_text(path)
        try:
            defs = symbols.find(text or "", name)
        except SyntaxError:
            continue
        found += [f"{path}:{d.start}-{d.end} {d.kind} {d.qualname}: {d.signature}" for d in defs]
    if not found:
        return Observation(f"no definition of {name!r} found (try search)")
    return Observation("\n".join(found[:40]) + (f"\n... {len(found) - 40} more" if len(found) > 40 else ""))


def view(ctx: ToolContext, path: str, start: int = 1, end: int = 0, symbol: str = "") -> Observation:
    rel = ctx.files.path(path)
    text = ctx.files.read_text(rel)
    if text is None:
        inside = [p for p in ctx.files.listing() if p.startswith(rel.rstrip("/") + "/") or rel == "."]
        if inside:
            return Observation(f"{rel} is a directory:\n" + "\n".join(inside[:200]))
        return error(f"{rel} does not exist")
    lines = text.splitlines()
    if symbol:
        try:
            defs = symbols.find(text, symbol)
        except SyntaxError as exc:
            return error(f"{rel} does not parse ({exc.msg}); view it by line numbers")
        if not defs:
            return error(f"no definition named {symbol!r} in {rel}; see outline")
        start, end = defs[0].start, min(defs[0].end, defs[0].start + MAX_SYMBOL_LINES - 1)
    start = max(1, start)
    end = min(len(lines), end if end >= start else start + VIEW_WINDOW - 1)
    if not lines:
        return Observation(f"{rel} is empty")
    if start > len(lines):
        return error(f"{rel} has only {len(lines)} lines")
    head = f"{rel} lines {start}-{end} of {len(lines)}"
    more = f"\n[{len(lines) - end} more lines; view with start={end + 1}]" if end < len(lines) else ""
    return Observation(f"{head}\n{numbered(lines[start - 1 : end], start)}{more}")


def outline(ctx: ToolContext, path: str) -> Observation:
    rel = ctx.files.path(path)
    text = ctx.files.read_text(rel)
    if text is None:
        return error(f"{rel} does not exist")
    if not rel.endswith(".py"):
        return error(f"outline reads Python files; use view for {rel}")
    try:
        skeleton = symbols.outline(text)
    except SyntaxError as exc:
        return error(f"{rel} does not parse ({exc.msg} at line {exc.lineno})")
    return Observation(f"{rel} ({len(text.splitlines())} lines)\n{skeleton or '(no classes or functions)'}")


def localize(ctx: ToolContext) -> Observation:
    if ctx.localize is None:
        return error("localize needs failing tests and a test command; use search and find_symbol")
    return Observation(ctx.localize())


# ---------------------------------------------------------------- editing


def _land(ctx: ToolContext, rel: str, before: bytes | None, result: edits.EditResult) -> Observation:
    if isinstance(result, Rejected):
        return error(result.reason)
    # Written in the encoding the file declares (PEP 263), so untouched bytes stay as they were.
    previous = decode_source(before, rel).encoding if before is not None else "utf-8"
    problem = unencodable(result.source, rel, previous)
    if problem:
        return error(f"edit refused: {problem}")
    after = encode_source(result.source, rel, previous)
    ctx.files.write_bytes(rel, after)
    entry = ctx.journal.record(rel, before, after, result.summary)
    lines = result.source.splitlines()
    lo, hi = max(1, result.first_line - 3), min(len(lines), result.last_line + 3)
    shown = numbered(lines[lo - 1 : hi], lo)
    return Observation(
        f"edit {entry.id} applied to {rel}: {result.summary}\n{shown}",
        edit={"id": entry.id, "path": rel, "summary": result.summary},
    )


def _source(ctx: ToolContext, path: str) -> tuple[str, bytes, str] | Observation:
    rel = ctx.files.path(path)
    data = ctx.files.read_bytes(rel)
    if data is None:
        return error(f"{rel} does not exist (create_file makes new files)")
    if ctx.guard_edit is not None and (refused := ctx.guard_edit(rel)) is not None:
        return refused
    try:
        return rel, data, decode_source(data, rel).text
    except SourceDecodeError as exc:
        return error(f"{exc}; it cannot be edited as text (fix its coding declaration, or use bash)")


def edit_symbol(ctx: ToolContext, path: str, symbol: str, code: str) -> Observation:
    got = _source(ctx, path)
    if isinstance(got, Observation):
        return got
    rel, data, text = got
    return _land(ctx, rel, data, edits.replace_symbol(rel, text, symbol, code))


def insert(
    ctx: ToolContext, path: str, code: str, position: Literal["before", "after"] = "after",
    symbol: str = "", line: int = -1,
) -> Observation:
    if position not in ("before", "after"):
        return error("position must be 'before' or 'after'")
    got = _source(ctx, path)
    if isinstance(got, Observation):
        return got
    rel, data, text = got
    where: dict[str, Any] = {"symbol": symbol} if symbol else {"line": line} if line >= 0 else {}
    return _land(ctx, rel, data, edits.insert_code(rel, text, code, position=position, **where))


def str_replace(ctx: ToolContext, path: str, old_str: str, new_str: str) -> Observation:
    got = _source(ctx, path)
    if isinstance(got, Observation):
        return got
    rel, data, text = got
    return _land(ctx, rel, data, edits.str_replace(rel, text, old_str, new_str))


def create_file(ctx: ToolContext, path: str, content: str) -> Observation:
    rel = ctx.files.path(path)
    if ctx.files.read_bytes(rel) is not None:
        return error(f"{rel} exists; edit it with edit_symbol, insert or str_replace")
    if ctx.guard_edit is not None and (refused := ctx.guard_edit(rel)) is not None:
        return refused
    if rel.endswith(".py") and (problem := symbols.syntax_error(content, rel)):
        return error(f"file refused, it would not parse: {problem}")
    return _land(ctx, rel, None, Applied(content, f"created {rel}", 1, min(len(content.splitlines()), 20)))


def undo(ctx: ToolContext, to: str = "") -> Observation:
    taken = ctx.journal.pop_until(to or None)
    if isinstance(taken, Rejected):
        return error(taken.reason)
    for entry in taken:  # newest first
        if entry.before is None:
            ctx.files.delete(entry.path)
        else:
            ctx.files.write_bytes(entry.path, entry.before)
    names = ", ".join(f"{e.id} ({e.path}: {e.summary})" for e in taken)
    return Observation(f"reverted {names}", edit={"id": "undo", "path": "", "summary": f"reverted {names}"})


# ---------------------------------------------------------------- running


def run_tests(ctx: ToolContext, tests: list[str] | None = None) -> Observation:
    if ctx.run_tests is None:
        return error("no test command is configured for this task; use bash to run what you need")
    report, summary = ctx.run_tests([str(t) for t in tests] if tests else None)
    return Observation(summary, report=report)


def bash(ctx: ToolContext, command: str, timeout: int = 0) -> Observation:
    limit = min(float(timeout) if timeout > 0 else ctx.settings.bash_timeout, 1800.0)
    env = {"PAGER": "cat", "GIT_PAGER": "cat", "TERM": "dumb", **ctx.hidden_env}
    res = ctx.sandbox.execute(command, timeout=limit, env=env)
    parts = []
    if res.stdout:
        parts.append(res.stdout.rstrip("\n"))
    if res.stderr:
        parts.append("[stderr]\n" + res.stderr.rstrip("\n"))
    if res.timed_out:
        parts.append(f"[killed after {limit:.0f}s timeout]")
    body = "\n".join(parts) if parts else "(the command printed nothing)"
    return Observation(f"exit code {res.exit_code}\n{body}", ok=res.ok)


def reproduce(ctx: ToolContext, path: str) -> Observation:
    if ctx.reproduce is None:
        return error("reproduce is only available for an issue without failing tests")
    return ctx.reproduce(path)


def submit(ctx: ToolContext, summary: str = "") -> Observation:
    if ctx.submit is None:
        return error("submit is not available")
    return ctx.submit(summary)


# ---------------------------------------------------------------- schemas

S = {"type": "string"}
I = {"type": "integer"}
PATH = {"type": "string", "description": "file path relative to the repository root"}

TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec("search", "Search the repository's text files. Matches are grouped by file with line numbers.",
             {"pattern": {**S, "description": "text to find (a regular expression when regex is true)"},
              "regex": {"type": "boolean", "description": "treat pattern as an extended regex"},
              "path": {**S, "description": "limit to this file, folder or glob"}},
             ["pattern"], search),
    ToolSpec("find_symbol", "Find where a class, function or method is defined. Accepts 'name' or 'Class.method'.",
             {"name": S}, ["name"], find_symbol),
    ToolSpec("view", f"Show a file with line numbers: a window of lines (default {VIEW_WINDOW} from start) or one symbol.",
             {"path": PATH, "start": I, "end": I, "symbol": {**S, "description": "qualified name, e.g. Class.method"}},
             ["path"], view),
    ToolSpec("outline", "List a Python file's classes, functions and methods with their line ranges.",
             {"path": PATH}, ["path"], outline),
    ToolSpec("localize", "Rank the source lines most suspicious for the failing tests (spectrum-based fault localization).",
             {}, [], localize),
    ToolSpec("edit_symbol", "Replace a whole function, method or class (decorators included) by new code. "
             "Give the complete new definition; indentation is adjusted for you. Refused if the file would not parse.",
             {"path": PATH, "symbol": {**S, "description": "qualified name, e.g. Class.method"}, "code": S},
             ["path", "symbol", "code"], edit_symbol),
    ToolSpec("insert", "Insert code before or after a symbol (at its indentation) or a line number (as given).",
             {"path": PATH, "code": S, "position": {"type": "string", "enum": ["before", "after"]},
              "symbol": S, "line": I},
             ["path", "code", "position"], insert),
    ToolSpec("str_replace", "Replace old_str, which must occur exactly once in the file, with new_str.",
             {"path": PATH, "old_str": S, "new_str": S}, ["path", "old_str", "new_str"], str_replace),
    ToolSpec("create_file", "Create a new file (refused if it exists).",
             {"path": PATH, "content": S}, ["path", "content"], create_file),
    ToolSpec("undo", "Revert the last edit, or every edit after a given edit id ('e3'), or all edits ('start'). "
             "Only edits made with the edit tools are tracked.",
             {"to": S}, [], undo),
    ToolSpec("run_tests", "Run the tests (all, or the given test ids, spelled as the reports name them) "
             "and summarize the failures.",
             {"tests": {"type": "array", "items": S}}, [], run_tests),
    ToolSpec("bash", "Run a shell command in the repository (no interactive programs; each call is a fresh shell).",
             {"command": S, "timeout": {**I, "description": "seconds"}}, ["command"], bash),
    ToolSpec("submit", "Submit your change when you are done. The failing tests and the full suite run first; "
             "if something still fails you will be told and can continue.",
             {"summary": {**S, "description": "one paragraph: what was wrong and what you changed"}}, [], submit),
)

# Offered only for an issue without failing tests (the engine adds it to TOOLS then).
REPRODUCE_TOOL = ToolSpec("reproduce", "Register a new test file you wrote that reproduces the issue. It runs on the original code "
             "(your other edits set aside) and is accepted only if it fails there for the reason the issue describes; "
             "your fix is then verified against it.",
             {"path": PATH}, ["path"], reproduce)
