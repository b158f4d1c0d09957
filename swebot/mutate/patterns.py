"""Regular-expression edits: an anchor that pins a pattern to the start or end of the text where
the fix wants a word boundary, or no anchor at all (``'^mkdir (.*)'`` -> ``'\\bmkdir (.*)'``)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from swebot.mutate.literals import quoted
from swebot.mutate.model import Proposal
from swebot.mutate.source import Site

_RE_FUNCTIONS = ("compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer")
_RE_CALL = m.Call(func=m.Attribute(value=m.Name("re") | m.Name("regex"), attr=m.OneOf(*map(m.Name, _RE_FUNCTIONS))))


def _is_pattern(site: Site) -> bool:
    """Whether the string at ``site`` is the pattern (first argument) of a ``re`` call."""
    if len(site.ancestors) < 2:
        return False
    arg, call = site.ancestors[-1], site.ancestors[-2]
    if not m.matches(call, _RE_CALL) or not m.matches(arg, m.Arg()) or arg.value is not site.node:  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        return False
    first = call.args[0]  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    return first is arg or m.matches(arg, m.Arg(keyword=m.Name("pattern")))


def _unescaped_end(pattern: str, char: str) -> bool:
    """``pattern`` ends with ``char`` that no backslash escapes."""
    if not pattern.endswith(char):
        return False
    backslashes = len(pattern[:-1]) - len(pattern[:-1].rstrip("\\"))
    return backslashes % 2 == 0


def _anchor_variants(pattern: str) -> list[str]:
    out: list[str] = []
    if pattern.startswith("^"):
        out += ["\\b" + pattern[1:], pattern[1:]]
    elif pattern.startswith("\\A"):
        out += ["\\b" + pattern[2:], pattern[2:]]
    if _unescaped_end(pattern, "$"):
        out += [pattern[:-1] + "\\b", pattern[:-1]]
    elif pattern.endswith("\\Z") and _unescaped_end(pattern[:-1], "\\"):
        out += [pattern[:-2] + "\\b", pattern[:-2]]
    return [variant for variant in dict.fromkeys(out) if variant != pattern]


def regex_anchor(site: Site) -> Iterator[Proposal]:
    """The pattern of a ``re`` call: a start/end anchor (``^``, ``$``, ``\\A``, ``\\Z``) becomes a
    word boundary ``\\b`` or goes."""
    node = site.node
    assert isinstance(node, cst.SimpleString)
    if "b" in node.prefix.lower() or not _is_pattern(site):
        return
    pattern = node.evaluated_value
    if not isinstance(pattern, str):
        return
    for variant in _anchor_variants(pattern):
        literal = quoted(variant, node.prefix, node.quote)
        if literal is not None:
            yield site.replace(node, node.with_changes(value=literal))


KINDS: tuple[type[cst.CSTNode], ...] = (cst.SimpleString,)
