"""Reading a libcst tree without rebuilding it.

``CSTNode.visit`` reconstructs every node it passes (validation included), which costs more than
everything else ``mutations_at`` does; templates only read the tree, so they walk fields directly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import libcst as cst

_FIELDS: dict[type, tuple[str, ...]] = {}
# Whitespace, comments, brackets, commas and operator tokens: never a site, never holding one.
_LEAF_MODULES = frozenset({"libcst._nodes.whitespace", "libcst._nodes.op"})


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Child nodes that can hold code (not whitespace or punctuation), in field order."""
    kind = type(node)
    names = _FIELDS.get(kind)
    if names is None:
        names = tuple(field.name for field in dataclasses.fields(node))
        _FIELDS[kind] = names
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            if type(value).__module__ not in _LEAF_MODULES:
                yield value
        elif isinstance(value, (tuple, list)):
            for item in value:
                if isinstance(item, cst.CSTNode) and type(item).__module__ not in _LEAF_MODULES:
                    yield item


def walk(
    node: cst.CSTNode, *, into: Callable[[cst.CSTNode], bool] | None = None
) -> Iterator[tuple[cst.CSTNode, tuple[cst.CSTNode, ...]]]:
    """Every node under ``node`` (itself included) with its ancestors (outermost first), depth first.

    ``into(n)`` False keeps the walk out of ``n``'s children (``n`` itself is still yielded).
    """
    stack: list[tuple[cst.CSTNode, tuple[cst.CSTNode, ...]]] = [(node, ())]
    while stack:
        current, ancestors = stack.pop()
        yield current, ancestors
        if into is not None and not into(current):
            continue
        below = (*ancestors, current)
        stack.extend((child, below) for child in reversed(list(children(current))))
