"""Name and attribute replacement: use another variable of the same scope, another attribute of the same object."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import Proposal
from swebot.mutate.scopes import RECEIVERS, ScopeFacts, receiver_text
from swebot.mutate.source import Site
from swebot.mutate.walk import walk

_MAX_CANDIDATES = 12
_UNPACKING = m.Tuple() | m.List() | m.Element() | m.StarredElement()
# Where a name is bound or is a label rather than read.
_BINDING_SLOTS = m.AssignTarget() | m.For() | m.CompFor() | m.Del() | m.AnnAssign()


def _label_slot(name: cst.CSTNode, parent: cst.CSTNode) -> bool:
    """Whether ``name`` is a label in ``parent`` (attribute name, keyword, parameter, definition, ...)."""
    return (
        (m.matches(parent, m.Attribute()) and parent.attr is name)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        or (m.matches(parent, m.Arg()) and parent.keyword is name)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        or (m.matches(parent, m.NamedExpr()) and parent.target is name)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        or m.matches(parent, m.Param() | m.FunctionDef() | m.ClassDef() | m.AsName() | m.NameItem())
    )


def is_read(site: Site) -> bool:
    """Whether the Name at ``site`` is read (a load), not bound, deleted or used as a label."""
    return is_read_in((*site.ancestors, site.node))


def is_read_in(chain: tuple[cst.CSTNode, ...]) -> bool:
    """``is_read`` for the last node of ``chain`` (its ancestors first)."""
    if len(chain) < 2 or _label_slot(chain[-1], chain[-2]):
        return False
    child_index = len(chain) - 1
    while child_index > 0 and m.matches(chain[child_index - 1], _UNPACKING):
        child_index -= 1
    holder, child = chain[child_index - 1], chain[child_index]
    if m.matches(holder, _BINDING_SLOTS):
        return getattr(holder, "target", None) is not child
    return True


def _scope(site: Site) -> ScopeFacts:
    root = site.function if site.function is not None else site.parsed.module
    return site.parsed.scopes.scope(root)


def name_replacement(site: Site) -> Iterator[Proposal]:
    node = site.node
    assert isinstance(node, cst.Name)
    if node.value in RECEIVERS or not is_read(site):
        return
    scope = _scope(site)
    if not scope.binds(node.value):
        return  # globals and builtins have no pool of "the same kind"
    others = [name for name in scope.variables_before(site.line) if name != node.value][:_MAX_CANDIDATES]
    for other in others:
        yield site.replace(node, node.with_changes(value=other))


def attribute_replacement(site: Site) -> Iterator[Proposal]:
    node = site.node
    assert isinstance(node, cst.Attribute)
    parent = site.parent
    called = parent is not None and m.matches(parent, m.Call()) and parent.func is node  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    key = receiver_text(node.value, site.parsed.module)
    scope = _scope(site)
    pool = list((scope.called_attributes if called else scope.attributes).get(key, []))
    klass = site.method_class
    if klass is not None and scope.parameters and key == scope.parameters[0]:
        facts = site.parsed.scopes.klass(klass)
        pool.extend(name for name in (facts.methods if called else facts.attributes) if name not in pool)
    others = [name for name in pool if name != node.attr.value][:_MAX_CANDIDATES]
    for other in others:
        yield site.replace(node, node.with_changes(attr=node.attr.with_changes(value=other)))


NESTED_SCOPES = m.Lambda() | m.ListComp() | m.SetComp() | m.DictComp() | m.GeneratorExp()


def read_names(nodes: list[cst.CSTNode], parents: tuple[cst.CSTNode, ...]) -> list[str]:
    """Names read in ``nodes`` (in order, once each, nested scopes left out); ``parents`` are above them."""
    names: list[str] = []
    for top in nodes:
        for node, ancestors in walk(top, into=lambda node: not m.matches(node, NESTED_SCOPES)):
            if (
                m.matches(node, m.Name())
                and node.value not in names  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
                and is_read_in((*parents, *ancestors, node))
            ):
                names.append(node.value)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    return names
