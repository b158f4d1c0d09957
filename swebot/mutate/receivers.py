"""Edits of what a call is made on: a property called as if it were a method loses the call
(``self.s3_load_path()`` -> ``self.s3_load_path``), and a method of the enclosing class reached
through one of its attributes is called on the receiver itself (``self.fs.mkdir(d)`` ->
``self.mkdir(d)``)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import Proposal
from swebot.mutate.scopes import RECEIVERS
from swebot.mutate.source import Site
from swebot.mutate.walk import walk

# Decorators that make a method read as a value: ``obj.name``, never ``obj.name()``.
_PROPERTY_DECORATOR = m.Decorator(
    decorator=m.Name() | m.Attribute(attr=m.Name()) | m.Call(func=m.Name() | m.Attribute(attr=m.Name()))
)
_CLASS_ASSIGNMENT = m.SimpleStatementLine(body=[m.Assign(targets=[m.AssignTarget(target=m.Name())]) | m.AnnAssign(target=m.Name())])


def _decorator_name(decorator: cst.Decorator) -> str:
    node = decorator.decorator
    if isinstance(node, cst.Call):
        node = node.func
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return node.value if isinstance(node, cst.Name) else ""


@lru_cache(maxsize=4)  # nodes hash by identity: one entry per parsed module
def value_attributes(module: cst.Module) -> frozenset[str]:
    """Names that the module's classes define as values: properties (any decorator whose name ends
    in ``property``) and class-level assignments (``table = luigi.Parameter()``)."""
    found: set[str] = set()
    for node, _ in walk(module):
        if not isinstance(node, cst.ClassDef) or not isinstance(node.body, cst.IndentedBlock):
            continue
        for statement in node.body.body:
            if isinstance(statement, cst.FunctionDef):
                if any(_decorator_name(d).endswith("property") for d in statement.decorators):
                    found.add(statement.name.value)
            elif m.matches(statement, _CLASS_ASSIGNMENT):
                small = statement.body[0]  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
                target = small.targets[0].target if isinstance(small, cst.Assign) else small.target
                found.add(cst.ensure_type(target, cst.Name).value)
    return frozenset(found)


def call_removal(site: Site) -> Iterator[Proposal]:
    """``obj.name()`` -> ``obj.name`` where the module's classes define ``name`` as a property or a
    class attribute (a value, which calling raises a TypeError on or gives the wrong thing)."""
    node = site.node
    assert isinstance(node, cst.Call)
    if node.args or not isinstance(node.func, cst.Attribute):
        return
    if isinstance(site.parent, cst.Expr):
        return  # a bare ``obj.name`` statement does nothing
    if node.func.attr.value not in value_attributes(site.parsed.module):
        return
    yield site.replace(node, node.func.with_changes(lpar=node.lpar, rpar=node.rpar))


_THROUGH_ATTRIBUTE = m.Call(func=m.Attribute(value=m.Attribute(value=m.Name(), attr=m.Name()), attr=m.Name()))


def receiver_drop(site: Site) -> Iterator[Proposal]:
    """``self.helper.method(...)`` -> ``self.method(...)`` inside a class that defines (or calls
    on its receiver elsewhere) ``method``."""
    node = site.node
    assert isinstance(node, cst.Call)
    if not m.matches(node, _THROUGH_ATTRIBUTE):
        return
    func = node.func
    inner = func.value  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    if inner.value.value not in RECEIVERS or site.method_class is None:
        return
    if func.attr.value not in site.parsed.scopes.klass(site.method_class).methods:  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        return
    yield site.replace(node, node.with_changes(func=func.with_changes(value=inner.value)))


KINDS: tuple[type[cst.CSTNode], ...] = (cst.Call,)
