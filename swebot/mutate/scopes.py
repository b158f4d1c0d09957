"""What a function (or the module, or a class) binds and uses: the pool that name, attribute,
return and insertion templates draw their replacements from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst
import libcst.matchers as m

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
    returned: list[cst.BaseExpression] = field(default_factory=list)
    returns_value: bool = False
    # object text -> attribute names read or written on it / called on it
    attributes: dict[str, list[str]] = field(default_factory=dict)
    called_attributes: dict[str, list[str]] = field(default_factory=dict)
    statements: list[cst.SimpleStatementLine] = field(default_factory=list)

    @property
    def variables(self) -> list[str]:
        """Parameters then locals, receivers left out."""
        return [name for name in (*self.parameters, *self.locals) if name not in RECEIVERS]

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


class _ScopeCollector(cst.CSTVisitor):
    def __init__(self, root: cst.CSTNode, module: cst.Module) -> None:
        super().__init__()
        self._root = root
        self._module = module
        self.facts = ScopeFacts()
        self._call_funcs: set[int] = set()

    def _bind_target(self, target: cst.CSTNode) -> None:
        if m.matches(target, m.Name()):
            _add(self.facts.locals, target.value)  # type: ignore[attr-defined]
        elif m.matches(target, _UNPACKING):
            for child in target.children:
                self._bind_target(child)

    # nested scopes keep their own bindings; the root is entered once
    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if node is not self._root:
            return False
        for param in _all_params(node.params):
            _add(self.facts.parameters, param.name.value)
        return True

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return node is self._root

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._bind_target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind_target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._bind_target(node.name)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.facts.returns_value = True
            self.facts.returned.append(node.value)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.facts.statements.append(node)

    def visit_Call(self, node: cst.Call) -> None:
        self._call_funcs.add(id(node.func))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        key = receiver_text(node.value, self._module)
        pool = self.facts.called_attributes if id(node) in self._call_funcs else self.facts.attributes
        _add(pool.setdefault(key, []), node.attr.value)


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    found = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            found.append(star)
    return found


class ScopeIndex:
    """Facts per scope and per class, computed on first use."""

    def __init__(self, parsed: "ParsedSource") -> None:
        self._module = parsed.module
        self._scopes: dict[int, ScopeFacts] = {}
        self._classes: dict[int, ClassFacts] = {}

    def scope(self, root: cst.FunctionDef | cst.Module) -> ScopeFacts:
        key = id(root)
        if key not in self._scopes:
            collector = _ScopeCollector(root, self._module)
            root.visit(collector)
            self._scopes[key] = collector.facts
        return self._scopes[key]

    def klass(self, node: cst.ClassDef) -> ClassFacts:
        key = id(node)
        if key not in self._classes:
            facts = ClassFacts()
            for statement in node.body.body:
                if not m.matches(statement, m.FunctionDef()):
                    continue
                _add(facts.methods, statement.name.value)  # type: ignore[attr-defined]
                scope = self.scope(statement)  # type: ignore[arg-type]
                receiver = scope.parameters[0] if scope.parameters else None
                if receiver is None:
                    continue
                for name in scope.attributes.get(receiver, []):
                    _add(facts.attributes, name)
                for name in scope.called_attributes.get(receiver, []):
                    _add(facts.methods, name)
            self._classes[key] = facts
        return self._classes[key]
