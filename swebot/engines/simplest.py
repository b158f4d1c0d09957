"""Choosing among edits of one statement that all pass: a removal over a disguised one.

An edit that negates part of a condition (``in`` -> ``not in``, ``==`` -> ``!=``, ``x`` -> ``not x``)
and passes mostly makes that clause vacuous for the failing tests: it is the removal of the clause
in disguise, and it reads as a deliberate rule that the developer never wrote. When dropping the
clause (or another part of the statement) passes too, that plainer edit is reported. Any other
winner stands: a boundary fix (``>`` -> ``>=``) is a real change of meaning, and preferring the
deletion of its clause would trade a likely fix for the commonest overfitting patch. Whole-statement
deletions are never preferred.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Sequence
from typing import Protocol

from swebot.mutate import Mutation

# A string literal is one token: emptying it changes data, it removes no code.
_TOKEN = re.compile(r"""[rbuRBU]{0,2}(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")|\w+|\S""")
# Removing a statement outright is not "the smaller fix" but the usual overfit; never preferred.
NOT_PREFERRED = frozenset({"statement_deletion"})


class Edited(Protocol):
    @property
    def changes(self) -> tuple[tuple[str, str], ...]: ...

    @property
    def mutations(self) -> tuple[Mutation, ...]: ...


def statement_span(source: str, line: int) -> tuple[int, int] | None:
    """First and last line of the innermost statement covering ``line`` (a compound statement's
    header only); None when no statement covers it or the source does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    best: tuple[int, int] | None = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        body = getattr(node, "body", None)
        last = body[0].lineno - 1 if isinstance(body, list) and body and isinstance(body[0], ast.stmt) \
            else node.end_lineno or node.lineno
        last = max(last, node.lineno)
        if node.lineno <= line <= last and (best is None or last - node.lineno <= best[1] - best[0]):
            best = (node.lineno, last)
    return best


def _changed_lines(original: str, mutated: str) -> tuple[list[str], list[str]]:
    removed: list[str] = []
    added: list[str] = []
    diff = difflib.unified_diff(original.splitlines(), mutated.splitlines(), n=0, lineterm="")
    for line in list(diff)[2:]:  # past the ---/+++ header
        if line.startswith("-"):
            removed.append(line[1:])
        elif line.startswith("+"):
            added.append(line[1:])
    return removed, added


def removes_only(original: str, mutated: str) -> bool:
    """Whether ``mutated`` is ``original`` with some tokens removed and none added or changed."""
    removed, added = _changed_lines(original, mutated)
    before, after = _TOKEN.findall("\n".join(removed)), _TOKEN.findall("\n".join(added))
    if len(after) >= len(before):
        return False
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return all(tag in ("equal", "delete") for tag, *_ in matcher.get_opcodes())


def negates_only(original: str, mutated: str) -> bool:
    """Whether ``mutated`` is ``original`` with one ``not`` added or dropped, or one ``==``/``!=``
    turned into the other, and nothing else changed."""
    removed, added = _changed_lines(original, mutated)
    before, after = _TOKEN.findall("\n".join(removed)), _TOKEN.findall("\n".join(added))
    changes = [(tag, before[i1:i2], after[j1:j2]) for tag, i1, i2, j1, j2
               in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes() if tag != "equal"]
    if len(changes) != 1:
        return False
    tag, gone, new = changes[0]
    return (tag == "insert" and new == ["not"]) or (tag == "delete" and gone == ["not"]) \
        or (tag == "replace" and {tuple(gone), tuple(new)} == {("=",), ("!",)})  # "==" and "!=" are two tokens each


def same_statement(first: Edited, other: Edited, originals: dict[str, str]) -> bool:
    """Both are single edits of one file, inside the same statement of its original text."""
    if len(first.changes) != 1 or len(other.changes) != 1 or first.changes[0][0] != other.changes[0][0]:
        return False
    span = statement_span(originals[first.changes[0][0]], first.mutations[0].line)
    return span is not None and span[0] <= other.mutations[0].line <= span[1]


def is_removal(candidate: Edited, originals: dict[str, str]) -> bool:
    """A single edit that only removes part of a statement (not the whole statement)."""
    if len(candidate.changes) != 1 or candidate.mutations[0].template in NOT_PREFERRED:
        return False
    (path, source), = candidate.changes
    return removes_only(originals[path], source)


def removal_rivals(winner: Edited, candidates: Sequence[Edited], originals: dict[str, str]) -> list[Edited]:
    """The edits of ``candidates`` that could replace ``winner`` if they pass too: removals inside
    its statement, when ``winner`` negates part of it."""
    if len(winner.changes) != 1:
        return []
    (path, source), = winner.changes
    if not negates_only(originals[path], source):
        return []
    return [candidate for candidate in candidates if candidate is not winner
            and same_statement(winner, candidate, originals) and is_removal(candidate, originals)]
