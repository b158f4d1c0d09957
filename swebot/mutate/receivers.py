"""Edits of what a call is made on: a property called as if it were a method loses the call
(``self.s3_load_path()`` -> ``self.s3_load_path``), a method of the enclosing class reached
through one of its attributes is called on the receiver itself (``self.fs.mkdir(d)`` ->
``self.mkdir(d)``), and a parameter read where the receiver's attribute of the same name was
meant (``configure(settings)`` -> ``configure(self.settings)``)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import NodeEdit, Proposal
from swebot.mutate.names import is_read, is_read_in
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


@lru_cache(maxsize=4)  # nodes hash by identity: one entry per parsed module
def receiver_attributes(module: cst.Module) -> frozenset[str]:
    """Names some method of the module's classes reads or writes on its receiver (``self.x``)."""
    found: set[str] = set()
    for node, _ in walk(module):
        if isinstance(node, cst.Attribute) and m.matches(node.value, m.Name()) and \
                cst.ensure_type(node.value, cst.Name).value in RECEIVERS:
            found.add(node.attr.value)
    return frozenset(found)


def _reads_from(site: Site, name: str) -> list[cst.Name]:
    """The reads of ``name`` in the enclosing function from the site's statement on (nested scopes
    excluded): a parameter shadowing an attribute is usually misread on every later line."""
    function = site.function
    assert function is not None
    first = site.parsed.line(site.statement)
    reads: list[cst.Name] = []
    for node, ancestors in walk(function.body, into=lambda n: not isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda))):
        if isinstance(node, cst.Name) and node.value == name and site.parsed.has_position(node) and \
                site.parsed.line(node) >= first and is_read_in((*ancestors, node)):
            reads.append(node)
    return reads


class _Receiving(cst.CSTTransformer):
    """Replaces the given Name nodes (by identity) by ``receiver.name``."""

    def __init__(self, names: list[cst.Name], receiver: str) -> None:
        self._ids = {id(n) for n in names}
        self._receiver = receiver

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if id(original_node) not in self._ids:
            return updated_node
        return cst.Attribute(value=cst.Name(self._receiver), attr=cst.Name(original_node.value),
                             lpar=original_node.lpar, rpar=original_node.rpar)


def self_attribute(site: Site) -> Iterator[Proposal]:
    """In a method, a parameter or local ``x`` read where the receiver's attribute ``self.x`` (an
    attribute some class of the module keeps) was meant: this read, then every read of ``x`` from
    this statement to the end of the function."""
    node = site.node
    assert isinstance(node, cst.Name)
    function = site.function
    if function is None or node.value in RECEIVERS or not is_read(site):
        return
    scope = site.parsed.scopes.scope(function)
    receiver = scope.parameters[0] if scope.parameters else None
    if receiver not in RECEIVERS or not scope.binds(node.value) or site.method_class is None:
        return
    if node.value not in receiver_attributes(site.parsed.module):
        return
    attribute = cst.Attribute(value=cst.Name(receiver), attr=cst.Name(node.value), lpar=node.lpar, rpar=node.rpar)
    yield site.replace(node, attribute)
    reads = _reads_from(site, node.value)
    if len(reads) > 1 and reads[0] is node and isinstance(function.body, cst.IndentedBlock):
        body = cst.ensure_type(function.body.visit(_Receiving(reads, receiver)), cst.IndentedBlock)
        line = site.line
        yield Proposal(line=line, description=f"line {line}: `{node.value}` -> `{receiver}.{node.value}` here and below",
                       edit=NodeEdit(old=function.body, new=body, statement=function))


KINDS: tuple[type[cst.CSTNode], ...] = (cst.Call,)
