"""Type-aware edits: a callable used without being called inside a lambda gets the lambda's
arguments (``lambda attr, value: not str_op`` -> ``not str_op(attr, value)``); a ``None`` test
guarding an early return widens to a type test (``if x is None: return None`` ->
``if not isinstance(x, str): return x``); text given as bytes is decoded before a statement tests
it for text (``if isinstance(path, bytes): path = path.decode('utf-8')``); a function's final
``return f(x)`` runs only when ``x is not None``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import Proposal
from swebot.mutate.names import is_read, read_names
from swebot.mutate.scopes import RECEIVERS
from swebot.mutate.source import Site
from swebot.mutate.walk import walk

_MAX_TYPES = 3
# Names that mean "text" in Python 2/3 compatible code: a value tested against them may be bytes.
_TEXT_TYPES = frozenset({"str", "compat_str", "unicode", "text_type", "six.text_type", "string_types",
                         "six.string_types", "basestring"})
_ISINSTANCE = m.Call(func=m.Name("isinstance"), args=[m.Arg(value=m.Name()), m.Arg(keyword=None)])
_NONE_TEST = m.Comparison(left=m.Name(), comparisons=[m.ComparisonTarget(operator=m.Is(), comparator=m.Name("None"))])
_RETURN_ONLY = m.IndentedBlock(body=[m.SimpleStatementLine(body=[m.Return()])])


def call_completion(site: Site) -> Iterator[Proposal]:
    """A name read, not called, in the body of the innermost lambda, which it is not a parameter
    of: called with the lambda's parameters."""
    node = site.node
    assert isinstance(node, cst.Name)
    parent = site.parent
    if parent is None or not is_read(site) or (isinstance(parent, cst.Call) and parent.func is node):
        return
    if isinstance(parent, cst.Attribute):
        return
    lam = next((a for a in reversed(site.ancestors) if isinstance(a, (cst.Lambda, cst.FunctionDef))), None)
    if not isinstance(lam, cst.Lambda) or not lam.params.params or lam.params.star_arg != cst.MaybeSentinel.DEFAULT:
        return
    params = [param.name.value for param in lam.params.params]
    if node.value in params or node.value in ("None", "True", "False"):
        return
    call = cst.Call(func=node, args=[cst.Arg(value=cst.Name(p)) for p in params])
    yield site.replace(node, call)


@lru_cache(maxsize=4)  # nodes hash by identity: one entry per parsed module
def _module_types(module: cst.Module) -> tuple[str, ...]:
    """The classes the module's ``isinstance`` calls test against, commonest first."""
    counts: Counter[str] = Counter()
    for found, _ in walk(module):
        if m.matches(found, _ISINSTANCE):
            counts[module.code_for_node(found.args[1].value).strip()] += 1  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    return tuple(name for name, _ in counts.most_common())


def _types(site: Site) -> list[str]:
    found = list(_module_types(site.parsed.module))
    return [*found[:_MAX_TYPES], *(["str"] if "str" not in found[:_MAX_TYPES] else [])]


def type_check(site: Site) -> Iterator[Proposal]:
    """``if x is None: return v`` -> ``if not isinstance(x, T): return v`` (or ``return x``: a value
    of another type goes back unchanged), for the classes the module tests against."""
    node = site.node
    assert isinstance(node, cst.If)
    if node.orelse is not None or not m.matches(node.test, _NONE_TEST) or not m.matches(node.body, _RETURN_ONLY):
        return
    name = node.test.left.value  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    returned = site.parsed.statement_text(node.body.body[0]).strip()
    indent, newline = site.parsed.indentation(node), site.parsed.newline
    inner = indent + site.parsed.indent_unit
    for type_name in _types(site):
        for exit_statement in dict.fromkeys([returned, f"return {name}"]):
            text = f"{indent}if not isinstance({name}, {type_name}):{newline}{inner}{exit_statement}"
            proposal = site.change_block(offset=0, removed=1, inserted=[text],
                                         description=f"`if not isinstance({name}, {type_name}): {exit_statement}`")
            if proposal is not None:
                yield proposal


def decode_bytes(site: Site) -> Iterator[Proposal]:
    """Before a statement that tests a parameter ``p`` against a text type:
    ``if isinstance(p, bytes): p = p.decode('utf-8')``."""
    node = site.node
    if site.block is None or site.function is None:
        return
    parameters = {param.name.value for param in site.function.params.params}
    tested: list[str] = []
    for found, _ in walk(node.test if isinstance(node, (cst.If, cst.While)) else node):
        if m.matches(found, _ISINSTANCE):
            name = found.args[0].value.value  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
            kind = site.parsed.code(found.args[1].value).strip()  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
            if name in parameters and kind in _TEXT_TYPES and name not in tested:
                tested.append(name)
    indent, newline = site.parsed.indentation(node), site.parsed.newline
    inner = indent + site.parsed.indent_unit
    for name in tested:
        text = f"{indent}if isinstance({name}, bytes):{newline}{inner}{name} = {name}.decode('utf-8')"
        proposal = site.change_block(offset=0, removed=0, inserted=[text],
                                     description=f"decode `{name}` when it is bytes")
        if proposal is not None:
            yield proposal


_FINAL_RETURN = m.SimpleStatementLine(body=[m.Return(value=m.Call() | m.Subscript() | m.Attribute() | m.BinaryOperation())])


def return_wrap(site: Site) -> Iterator[Proposal]:
    """The last statement of a function, ``return f(x)``, runs only when its value exists:
    ``if x is not None: return f(x)`` (the function falls through to ``None`` otherwise), for the
    locals it reads."""
    node = site.node
    function = site.function
    if function is None or site.block is None or not m.matches(node, _FINAL_RETURN):
        return
    block, index = site.block
    if block is not function.body or index != len(block.body) - 1:
        return
    scope = site.parsed.scopes.scope(function)
    names = [name for name in read_names([node], site.ancestors) if scope.binds(name) and name not in RECEIVERS]
    indent, newline = site.parsed.indentation(node), site.parsed.newline
    body = indent + site.parsed.indent_unit + site.parsed.statement_text(node)
    if "\n" in body or "\r" in body:
        return
    for name in names[:_MAX_TYPES]:
        text = f"{indent}if {name} is not None:{newline}{body}"
        proposal = site.change_block(offset=0, removed=1, inserted=[text], description=f"wrap in `if {name} is not None:`")
        if proposal is not None:
            yield proposal


KINDS_NAMES: tuple[type[cst.CSTNode], ...] = (cst.Name,)
KINDS_IF: tuple[type[cst.CSTNode], ...] = (cst.If,)
KINDS_TESTING: tuple[type[cst.CSTNode], ...] = (cst.SimpleStatementLine, cst.If, cst.While)
KINDS_STATEMENTS: tuple[type[cst.CSTNode], ...] = (cst.SimpleStatementLine,)
