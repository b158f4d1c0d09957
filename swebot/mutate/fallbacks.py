"""A value that may be missing gets an empty fallback where it is passed on: ``to_bytes(host)`` ->
``to_bytes(host or b'')`` at a line the failing tests' traceback raises a TypeError or an
AttributeError through (a None reached a call that expects a string, bytes or a container)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import Proposal
from swebot.mutate.source import Site
from swebot.mutate.walk import walk

# What a None passed where a value was expected raises.
_MISSING_VALUE = frozenset({"TypeError", "AttributeError"})
# An argument that names a value (one that can be None), not one computed on the spot.
_NAMED_VALUE = m.Name() | m.Attribute() | m.Subscript() | m.Call()
_EMPTIES = ("''", "b''", "[]", "{}")


def _statement_literals(site: Site) -> tuple[bool, bool]:
    """Whether the site's statement writes bytes literals, str literals."""
    found_bytes = found_str = False
    for node, _ in walk(site.statement):
        if isinstance(node, cst.SimpleString):
            if "b" in node.prefix.lower():
                found_bytes = True
            else:
                found_str = True
    return found_bytes, found_str


def _ordered_empties(site: Site) -> tuple[str, ...]:
    """The empty values, those of the literal kinds the statement already mixes the value with first."""
    found_bytes, found_str = _statement_literals(site)
    first = ("b''",) if found_bytes and not found_str else ("''",) if found_str and not found_bytes else ()
    return (*first, *(e for e in _EMPTIES if e not in first))


def falsy_default(site: Site) -> Iterator[Proposal]:
    node = site.node
    assert isinstance(node, cst.Arg)
    if node.star or node.keyword is not None or not m.matches(node.value, _NAMED_VALUE):
        return
    if m.matches(node.value, m.Name("None") | m.Name("True") | m.Name("False") | m.Name("self") | m.Name("cls")):
        return
    raised = site.parsed.hints.raised
    lines = range(site.parsed.line(site.statement), site.parsed.last_line(site.statement) + 1)
    if not any(set(raised.get(line, ())) & _MISSING_VALUE for line in lines):
        return
    value = site.parsed.code(node.value)
    for empty in _ordered_empties(site):
        fallback = cst.parse_expression(f"{value} or {empty}") if "\n" not in value else None
        if fallback is not None:
            yield site.replace(node, node.with_changes(value=fallback))


KINDS: tuple[type[cst.CSTNode], ...] = (cst.Arg,)
