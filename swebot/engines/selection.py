"""Choosing among plausible patches by what the failing tests execute with each.

A patch that passes the failing tests because it switches the tested code off (``if not value:
return None`` at the top of a method, a conjunct that is false on the tests' inputs, a ``continue``
before the work, a ``try`` whose handler skips the rest of its body) passes as readily as the fix.
What tells them apart is the failing tests' execution: the fix changes what they run at the
faulty spot; the switch-off stops them running code they ran before, after the edit, and runs
nothing new in its place. So each plausible patch's failing tests are rerun under line coverage,
the executed lines are mapped back onto the unpatched file, and a patch's *switched-off* lines are
counted:

- lines of the edited function, after the first edited line, that the failing tests executed on the
  unpatched code and no longer execute, when the patch makes them execute no line of that stretch
  they did not before (a path *redirected*, as a boundary fix sends it from the ``else`` to the
  ``if`` body, is a change of meaning, not a cut); the lines the failing tests raised through are
  left out (not running the line that crashed is what many fixes do);
- the statements of an inserted ``try`` body that its handler, run by the failing tests, skipped
  (one wrapped statement skips nothing; a broad ``try`` does).

A patch after which a failing test runs no line of its own file that it ran before (a decorator
made to return before the test's body, pylint-5859's ``if not args: return`` in ``set_config``)
passes because the test no longer runs: it is no fix, and is never chosen. Among the others the
patch with the fewest switched-off lines wins; equal counts keep the search's order (the
ranking and the templates' priors are evidence too). Inserted exits and handlers that ran are
reported as the reasons, not counted on their own: the developers' fixes on the dev data insert
them as often (``if param is None: return []``, ``except IndexError: pass``).
"""

from __future__ import annotations

import ast
import difflib
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from swebot.agent.symbols import definitions
from swebot.localize.sbfl import CoverageMap

Change = tuple[str, str]  # (path, new text)


@dataclass(frozen=True)
class Footprint:
    """How a patch changed what the failing tests execute, in the unpatched files' line numbers."""

    switched_off: tuple[tuple[str, int], ...] = ()  # executed before, after the edit, not now
    gained: int = 0  # lines after the edit in its function executed now and not before
    exits_taken: tuple[str, ...] = ()  # inserted return/continue/break/raise or handler that ran
    tests_not_run: tuple[str, ...] = ()  # failing tests that ran their own file's lines before, none now

    @property
    def cost(self) -> int:
        return len(self.switched_off)

    def summary(self) -> str:
        if self.tests_not_run:
            shown = ", ".join(self.tests_not_run[:2]) + (", ..." if len(self.tests_not_run) > 2 else "")
            return f"the failing test(s) no longer run their own code ({shown})"
        parts = [f"{self.cost} line(s) switched off"]
        if self.switched_off:
            shown = ", ".join(f"{p}:{n}" for p, n in self.switched_off[:4])
            parts[0] += f" ({shown}{', ...' if len(self.switched_off) > 4 else ''})"
        if self.exits_taken:
            parts.append("ran " + ", ".join(self.exits_taken))
        return "; ".join(parts)


@dataclass(frozen=True)
class Plausible:
    """One plausible patch, in the order the search found it, and its footprint if measured."""

    description: str
    footprint: Footprint | None  # None: not measured (no time left, or no coverage came back)


@dataclass(frozen=True)
class Choice:
    index: int  # into the patches compared
    reason: str


def footprint(originals: dict[str, str], changes: Sequence[Change], before: CoverageMap, after: CoverageMap,
              failing: Collection[str], raised: Collection[tuple[str, int]]) -> Footprint:
    """The footprint of ``changes`` given the failing tests' coverage without (``before``) and
    with (``after``) them."""
    switched: list[tuple[str, int]] = []
    gained = 0
    exits: list[str] = []
    for path, patched in changes:
        original = originals.get(path)
        if original is None:
            continue
        ran_before = _executed(before, failing, path)
        ran_after = _executed(after, failing, path)
        file = _file_footprint(path, original, patched, ran_before, ran_after,
                               {line for p, line in raised if p == path})
        switched += file.switched_off
        gained += file.gained
        exits += file.exits_taken
    not_run = tuple(t for t in failing if _own_file_lines(before, t) and not _own_file_lines(after, t))
    return Footprint(tuple(switched), gained, tuple(exits), not_run)


def _own_file_lines(coverage: CoverageMap, test: str) -> bool:
    """Whether ``test`` ran any line of the file it is defined in (pytest ids: ``path::name``)."""
    return bool(coverage.get(test, {}).get(test.partition("::")[0]))


def choose(patches: Sequence[Plausible]) -> Choice | None:
    """The measured patch with the fewest switched-off lines (the earliest found among equals);
    the first patch not measured when none was; None when every patch keeps its failing tests
    from running their own code."""
    fair = [(index, p) for index, p in enumerate(patches) if not (p.footprint and p.footprint.tests_not_run)]
    if not fair:
        return None
    measured = [(index, p.footprint) for index, p in fair if p.footprint is not None]
    if not measured:
        return Choice(fair[0][0], "no footprint measured: the first found")
    index, best = min(measured, key=lambda item: (item[1].cost, item[0]))
    if len(measured) == 1:
        return Choice(index, f"the only one measured: {best.summary()}")
    others = [f"#{i + 1}: {f.summary()}" for i, f in measured if i != index]
    if index == measured[0][0] and all(f.cost == best.cost for _, f in measured):
        return Choice(index, f"equal footprints, the first found ({best.summary()})")
    return Choice(index, f"fewest lines switched off: {best.summary()}; others {'; '.join(others)}")


# -- one file -------------------------------------------------------------------------------------


def _executed(coverage: CoverageMap, failing: Collection[str], path: str) -> set[int]:
    lines: set[int] = set()
    for test in failing:
        lines.update(coverage.get(test, {}).get(path, ()))
    return lines


def _file_footprint(path: str, original: str, patched: str, ran_before: set[int], ran_after: set[int],
                    raised: set[int]) -> Footprint:
    old, new = original.splitlines(), patched.splitlines()
    # Matching stripped lines: a statement wrapped in a new ``if`` is the same line re-indented.
    matcher = difflib.SequenceMatcher(None, [s.strip() for s in old], [s.strip() for s in new], autojunk=False)
    to_old: dict[int, int] = {}  # patched line -> unpatched line, 1-based, for unchanged lines
    edited: set[int] = set()  # unpatched lines replaced or deleted, and the line an insertion precedes
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            to_old.update({j1 + k + 1: i1 + k + 1 for k in range(i2 - i1)})
        else:
            edited.update(range(i1 + 1, i2 + 1) if i2 > i1 else {i1 + 1})
    if not edited:
        return Footprint()
    ran_after_old = {to_old[n] for n in ran_after if n in to_old}
    scope = _after_edit(original, min(edited))
    lost = sorted(n for n in scope & ran_before
                  if n not in ran_after_old and n not in edited and n not in raised)
    gained = len({n for n in scope & ran_after_old if n not in ran_before and n not in edited})
    exits, skipped = _inserted_exits(original, patched, to_old, ran_after)
    # A conjunct added to a condition, or an exit inserted and taken, cuts the path even when the
    # tests go on elsewhere in the function (django-17087's `and self.value.__module__ is None`
    # sends the test past the branch it ran): only an edit of another kind can redirect it.
    cuts = _conjunct_added(original, patched) or any(kind != "except handler" for kind, _ in exits)
    switched = [] if gained and not cuts else lost
    switched += [to_old[n] for n in skipped if n in to_old and to_old[n] not in switched]
    return Footprint(tuple((path, n) for n in sorted(set(switched))), gained, tuple(f"{e} at {path}:{n}" for e, n in exits))


def _after_edit(source: str, first: int) -> set[int]:
    """The lines of the innermost function whose body holds line ``first``, from that line to the
    function's end (none for code outside functions, which runs at import, out of the tests' coverage)."""
    try:
        found = definitions(source)
    except SyntaxError:
        return set()
    holding = [d for d in found if d.kind != "class" and d.def_line < first <= d.end]
    if not holding:
        return set()
    return set(range(first, max(holding, key=lambda d: d.start).end + 1))


def _conjunct_added(original: str, patched: str) -> bool:
    """Whether some condition of ``patched`` is a condition of ``original`` with an ``and`` clause added."""
    try:
        before, after = ast.parse(original), ast.parse(patched)
    except (SyntaxError, ValueError):
        return False
    tests = {ast.dump(node.test) for node in ast.walk(before) if isinstance(node, _BRANCHES)}
    for node in ast.walk(after):
        if not isinstance(node, _BRANCHES) or not isinstance(node.test, ast.BoolOp) \
                or not isinstance(node.test.op, ast.And) or ast.dump(node.test) in tests:
            continue
        values = node.test.values
        for k in range(len(values)):
            rest = values[:k] + values[k + 1:]
            if ast.dump(rest[0] if len(rest) == 1 else ast.BoolOp(ast.And(), rest)) in tests:
                return True
    return False


def _inserted_exits(original: str, patched: str, to_old: dict[int, int],
                    ran_after: set[int]) -> tuple[list[tuple[str, int]], list[int]]:
    """(inserted exits and handlers the failing tests ran, as (kind, patched line); the lines of an
    inserted ``try`` body after the first, skipped when its handler ran). An exit counts as
    inserted when the patched file has more of its kind than the unpatched one (an edited
    ``return`` line is not a new exit)."""
    try:
        tree, before = ast.parse(patched), ast.parse(original)
    except (SyntaxError, ValueError):
        return [], []
    had = Counter(_EXITS.get(type(node)) for node in ast.walk(before))
    has = Counter(_EXITS.get(type(node)) for node in ast.walk(tree))
    exits: list[tuple[str, int]] = []
    skipped: list[int] = []
    for node in ast.walk(tree):
        kind = _EXITS.get(type(node))
        line = getattr(node, "lineno", 0)
        if kind and has[kind] > had[kind] and line not in to_old and line in ran_after:
            exits.append((kind, line))
        if isinstance(node, ast.Try) and node.lineno not in to_old:
            ran_handlers = [h for h in node.handlers if h.body and h.body[0].lineno in ran_after]
            if ran_handlers:
                exits.append(("except handler", ran_handlers[0].lineno))
                later = node.body[1:]
                skipped += [n for stmt in later for n in range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1)
                            if n not in ran_after]
    return sorted(exits, key=lambda e: e[1]), skipped


_BRANCHES = (ast.If, ast.While, ast.IfExp)
_EXITS: dict[type, str] = {ast.Return: "return", ast.Continue: "continue", ast.Break: "break", ast.Raise: "raise"}
