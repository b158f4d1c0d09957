"""What a function (or the module, or a class) binds and uses: the pool that name, attribute,
return and insertion templates draw their replacements from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst
import libcst.matchers as m

from swebot.mutate.walk import children, walk

if TYPE_CHECKING:
    from swebot.mutate.source import ParsedSource

# Names a receiver conventionally has; replacing them or by them is never a plausible fix.
RECEIVERS = frozenset({"self", "cls"})
# Containers whose elements are bound when the container is an assignment target.
_UNPACKING = m.Tuple() | m.List() | m.StarredElement() | m.Element()


@dataclass
class ScopeFacts:
    """Bindings and uses in one scope, in order of first appearance, nested scopes excluded."""

    parameters: list[str] = field(default_factory=list)
    locals: list[str] = field(default_factory=list)
    bound_at: dict[str, int] = field(default_factory=dict)  # local -> line of its first binding
    declarations_end: int = 0  # last line of a `global`/`nonlocal` statement (0: none)
    returned: list[cst.BaseExpression] = field(default_factory=list)
    returns_value: bool = False
    # object text -> attribute names read or written on it / called on it
    attributes: dict[str, list[str]] = field(default_factory=dict)
    called_attributes: dict[str, list[str]] = field(default_factory=dict)
    statements: list[cst.SimpleStatementLine] = field(default_factory=list)

    def variables_before(self, line: int) -> list[str]:
        """Locals bound before ``line`` (nearest first), then parameters; receivers left out.

        A name bound only later would fail as unbound, so it is no candidate to read instead.
        """
        earlier = [name for name in self.locals if self.bound_at.get(name, line) < line]
        earlier.sort(key=lambda name: -self.bound_at[name])
        return [name for name in (*earlier, *self.parameters) if name not in RECEIVERS]

    def binds(self, name: str) -> bool:
        return name in self.parameters or name in self.locals


@dataclass
class ClassFacts:
    """Attribute names used on the receiver in any method of a class, and the methods it defines."""

    attributes: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)


def _add(names: list[str], name: str) -> None:
    if name not in names:
        names.append(name)


def receiver_text(node: cst.BaseExpression, module: cst.Module) -> str:
    """A whitespace-free key for the object an attribute is read from."""
    return "".join(module.code_for_node(node).split())


_NESTED_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def collect_scope(root: cst.FunctionDef | cst.Module, parsed: ParsedSource) -> ScopeFacts:
    """Facts of ``root``'s own scope: nested functions, classes and lambdas are not entered."""
    module = parsed.module
    facts = ScopeFacts()
    if isinstance(root, cst.FunctionDef):
        for param in _all_params(root.params):
            _add(facts.parameters, param.name.value)
    called: set[int] = set()

    def bind(target: cst.CSTNode) -> None:
        if m.matches(target, m.Name()):
            name = target.value  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
            _add(facts.locals, name)
            if name not in facts.bound_at and parsed.has_position(target):
                facts.bound_at[name] = parsed.line(target)
        elif m.matches(target, _UNPACKING):
            for child in children(target):
                bind(child)

    def enter(node: cst.CSTNode) -> bool:
        return node is root or not isinstance(node, _NESTED_SCOPES)

    for node, _ in walk(root, into=enter):
        kind = type(node)
        if kind in _BINDERS:
            bind(getattr(node, _BINDERS[kind]))
        elif kind is cst.Return and node.value is not None:  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
            facts.returns_value = True
            facts.returned.append(node.value)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        elif kind is cst.SimpleStatementLine:
            facts.statements.append(node)  # type: ignore[arg-type]  # libcst matchers do not narrow the node type
        elif kind in (cst.Global, cst.Nonlocal) and parsed.has_position(node):
            facts.declarations_end = max(facts.declarations_end, parsed.last_line(node))
        elif kind is cst.Call:
            called.add(id(node.func))  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        elif kind is cst.Attribute:
            key = receiver_text(node.value, module)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
            pool = facts.called_attributes if id(node) in called else facts.attributes
            _add(pool.setdefault(key, []), node.attr.value)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    return facts


# node kind -> the field naming what it binds (comprehension variables are their own scope)
_BINDERS: dict[type, str] = {
    cst.AssignTarget: "target",
    cst.AugAssign: "target",
    cst.AnnAssign: "target",
    cst.For: "target",
    cst.NamedExpr: "target",
    cst.AsName: "name",
}


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    found = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            found.append(star)
    return found


class ScopeIndex:
    """Facts per scope and per class, computed on first use."""

    def __init__(self, parsed: ParsedSource) -> None:
        self._parsed = parsed
        self._scopes: dict[int, ScopeFacts] = {}
        self._classes: dict[int, ClassFacts] = {}

    def scope(self, root: cst.FunctionDef | cst.Module) -> ScopeFacts:
        key = id(root)
        if key not in self._scopes:
            self._scopes[key] = collect_scope(root, self._parsed)
        return self._scopes[key]

    def klass(self, node: cst.ClassDef) -> ClassFacts:
        key = id(node)
        if key not in self._classes:
            facts = ClassFacts()
            for statement in node.body.body:
                if not isinstance(statement, cst.FunctionDef):
                    continue
                _add(facts.methods, statement.name.value)
                scope = self.scope(statement)
                receiver = scope.parameters[0] if scope.parameters else None
                if receiver is None:
                    continue
                for name in scope.attributes.get(receiver, []):
                    _add(facts.attributes, name)
                for name in scope.called_attributes.get(receiver, []):
                    _add(facts.methods, name)
            self._classes[key] = facts
        return self._classes[key]
