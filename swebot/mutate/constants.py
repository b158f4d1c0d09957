"""Constant replacement: True <-> False, and a string or collection by None or an empty one.

0 <-> 1 is not repeated here: off_by_one produces exactly those edits, with a higher prior.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import Proposal
from swebot.mutate.source import Site
from swebot.mutate.syntax import replacement

_BOOLEAN = m.Name("True") | m.Name("False")
_DISPLAY = m.List() | m.Tuple() | m.Set() | m.Dict()
# Slots where a constant is structure, not data: assignment targets and docstrings.
_STRUCTURAL_PARENTS = m.AssignTarget() | m.For() | m.CompFor() | m.Del() | m.Expr() | m.Index() | m.AnnAssign()


def _empty_like(node: cst.CSTNode) -> cst.BaseExpression | None:
    if m.matches(node, m.SimpleString()):
        prefix = node.prefix  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        quote = node.quote[0]  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        empty = cst.SimpleString(prefix + quote * 2)
        return None if node.raw_value == "" else empty  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    if m.matches(node, m.List(elements=[m.AtLeastN(n=1)])):
        return cst.List([])
    if m.matches(node, m.Tuple(elements=[m.AtLeastN(n=1)])):
        return cst.Tuple([])
    if m.matches(node, m.Dict(elements=[m.AtLeastN(n=1)])):
        return cst.Dict([])
    if m.matches(node, m.Set(elements=[m.AtLeastN(n=1)])):
        return cst.Call(func=cst.Name("set"))
    return None


def constant_replacement(site: Site) -> Iterator[Proposal]:
    node, parent = site.node, site.parent
    if parent is not None and m.matches(parent, _STRUCTURAL_PARENTS):
        return
    alternatives: list[cst.BaseExpression] = []
    if m.matches(node, _BOOLEAN):
        alternatives.append(cst.Name("False" if node.value == "True" else "True"))  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    else:
        empty = _empty_like(node)
        if empty is not None:
            alternatives.append(empty)
    if m.matches(node, m.SimpleString() | _DISPLAY):
        alternatives.append(cst.Name("None"))
    for alternative in alternatives:
        yield site.replace(node, replacement(alternative, node, parent))


KINDS: tuple[type[cst.CSTNode], ...] = (cst.Name, cst.SimpleString, cst.List, cst.Tuple, cst.Set, cst.Dict)


# Separators hard-coded for one platform: the portable constant of the os module.
_PLATFORM = {":": "os.pathsep", ";": "os.pathsep", "/": "os.sep", "\\": "os.sep", "\n": "os.linesep"}
_IMPORT_OS = m.Import(names=[m.ZeroOrMore(), m.ImportAlias(name=m.Name("os"), asname=None), m.ZeroOrMore()])


def platform_constant(site: Site) -> Iterator[Proposal]:
    """``':'`` -> ``os.pathsep``, ``'/'`` -> ``os.sep``, ``'\\n'`` -> ``os.linesep``, where ``os`` is imported."""
    node, parent = site.node, site.parent
    assert isinstance(node, cst.SimpleString)
    if (parent is not None and m.matches(parent, _STRUCTURAL_PARENTS)) or "b" in node.prefix.lower():
        return
    constant = _PLATFORM.get(str(node.evaluated_value))
    if constant is None or not _imports_os(site):
        return
    yield site.replace(node, cst.parse_expression(constant))


def _imports_os(site: Site) -> bool:
    return any(m.matches(statement, m.SimpleStatementLine(body=[_IMPORT_OS])) for statement in site.parsed.module.body)
