"""Edits as pure text transforms that either apply or are rejected with a reason.

A Python file is parsed after every edit; an edit that breaks the syntax is ``Rejected`` with the
parser's message and never lands. ``EditJournal`` keeps what each edit replaced, for ``undo``.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Literal, Union

from swebot.agent import symbols


@dataclass(frozen=True)
class Applied:
    source: str  # the new file text
    summary: str  # e.g. "replaced function foo (lines 3-9 -> 3-11)"
    first_line: int = 1  # where the change starts, for showing context
    last_line: int = 1


@dataclass(frozen=True)
class Rejected:
    reason: str


EditResult = Union[Applied, Rejected]


def _indent(code: str, col: int) -> str:
    body = textwrap.dedent(code).strip("\n")
    return textwrap.indent(body, " " * col, lambda line: bool(line.strip())) + "\n"


def _one(source: str, qualname: str) -> symbols.Definition | Rejected:
    try:
        found = symbols.find(source, qualname)
    except SyntaxError as exc:
        return Rejected(f"the file does not parse now ({exc.msg} at line {exc.lineno}); use str_replace")
    exact = [d for d in found if d.qualname == qualname]
    found = exact or found
    if not found:
        return Rejected(f"no definition named {qualname!r} in this file (see outline)")
    if len(found) > 1:
        names = ", ".join(f"{d.qualname} (line {d.start})" for d in found)
        return Rejected(f"{qualname!r} is ambiguous: {names}; use the qualified name")
    return found[0]


def checked(path: str, old: str, new: str, summary: str, first: int, last: int) -> EditResult:
    """``Applied`` when ``new`` still parses (Python files only), else ``Rejected``."""
    if new == old:
        return Rejected("the edit changes nothing")
    if path.endswith(".py"):
        error = symbols.syntax_error(new, path)
        if error:
            return Rejected(f"edit refused, the file would not parse: {error}")
    return Applied(new, summary, first, last)


def replace_symbol(path: str, source: str, qualname: str, code: str) -> EditResult:
    """Replace a whole definition (decorators included) by ``code``, re-indented to fit."""
    target = _one(source, qualname)
    if isinstance(target, Rejected):
        return target
    lines = source.splitlines(keepends=True)
    new_code = _indent(code, target.col)
    new = "".join(lines[: target.start - 1]) + new_code + "".join(lines[target.end :])
    new_end = target.start + new_code.count("\n") - 1
    summary = f"replaced {target.kind} {target.qualname} (lines {target.start}-{target.end} -> {target.start}-{new_end})"
    return checked(path, source, new, summary, target.start, new_end)


def insert_code(
    path: str,
    source: str,
    code: str,
    *,
    position: Literal["before", "after"],
    symbol: str | None = None,
    line: int | None = None,
) -> EditResult:
    """Insert ``code`` before/after a definition (at its indentation) or a line number (as given)."""
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    if symbol:
        target = _one(source, symbol)
        if isinstance(target, Rejected):
            return target
        block = _indent(code, target.col)
        at = target.start - 1 if position == "before" else target.end
        block = block + "\n" if position == "before" else "\n" + block
        where = f"{position} {target.qualname}"
    elif line is not None:
        if not 0 <= line <= len(lines) + (1 if position == "before" else 0):
            return Rejected(f"line {line} is outside the file (it has {len(lines)} lines)")
        at = max(line - 1, 0) if position == "before" else line
        block = code if code.endswith("\n") else code + "\n"
        where = f"{position} line {line}"
    else:
        return Rejected("give either symbol or line")
    new = "".join(lines[:at]) + block + "".join(lines[at:])
    return checked(path, source, new, f"inserted {block.count(chr(10))} lines {where}", at + 1, at + block.count("\n"))


def str_replace(path: str, source: str, old: str, new: str) -> EditResult:
    """Replace the one occurrence of ``old``; zero or several occurrences are refused."""
    if not old:
        return Rejected("old_str is empty")
    count = source.count(old)
    if count == 0:
        hint = " (whitespace differs?)" if old.strip() and old.strip() in source else ""
        return Rejected(f"old_str was not found in {path}{hint}; view the file and copy the text exactly")
    if count > 1:
        lines = [source[: m].count("\n") + 1 for m in _positions(source, old)]
        return Rejected(f"old_str occurs {count} times (lines {', '.join(map(str, lines[:10]))}); add context to make it unique")
    start = source[: source.index(old)].count("\n") + 1
    result = source.replace(old, new, 1)
    return checked(path, source, result, f"replaced text at line {start}", start, start + new.count("\n"))


def _positions(text: str, part: str) -> list[int]:
    found, at = [], text.find(part)
    while at != -1:
        found.append(at)
        at = text.find(part, at + 1)
    return found


@dataclass
class JournalEntry:
    id: str  # "e1", "e2", ...
    path: str
    before: bytes | None  # None: the file did not exist
    after: bytes
    summary: str


@dataclass
class EditJournal:
    """Edits made through the edit tools, in order, so they can be taken back."""

    entries: list[JournalEntry] = field(default_factory=list)
    _counter: int = 0

    def record(self, path: str, before: bytes | None, after: bytes, summary: str) -> JournalEntry:
        self._counter += 1
        entry = JournalEntry(f"e{self._counter}", path, before, after, summary)
        self.entries.append(entry)
        return entry

    def pop_until(self, target: str | None) -> list[JournalEntry] | Rejected:
        """Entries to revert, newest first: the last one (``None``), back to after ``eN``, or all (``start``)."""
        if not self.entries:
            return Rejected("there is no edit to undo")
        if target is None:
            return [self.entries.pop()]
        if target == "start":
            taken, self.entries = self.entries[::-1], []
            return taken
        ids = [e.id for e in self.entries]
        if target not in ids:
            return Rejected(f"no edit {target!r}; edits you can go back to: {', '.join(ids)} or 'start'")
        keep = ids.index(target) + 1
        taken, self.entries = self.entries[keep:][::-1], self.entries[:keep]
        if not taken:
            return Rejected(f"{target} is already the latest edit")
        return taken
