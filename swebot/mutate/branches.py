"""Edits of branching: an ``if`` dropped with its body kept (``if p.significant: s`` -> ``s``), two
equality branches of one chain merged into a membership test (``elif c == ' ': ... elif c == '\\t':
...`` -> ``elif c in ' \\t': ...``), a handler widened to the builtin exception the failing tests
raise through its ``try`` (``except ValueError`` -> ``except (ValueError, TypeError)``), and a
condition that raises a TypeError or AttributeError on a missing value first testing that value
(``if len(self.columns) > 0`` -> ``if self.columns and len(self.columns) > 0``)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import BlockEdit, NodeEdit, Proposal
from swebot.mutate.names import NESTED_SCOPES, is_read_in, read_names
from swebot.mutate.scopes import RECEIVERS
from swebot.mutate.source import Site
from swebot.mutate.syntax import negated, parenthesized, precedence, swap_operator
from swebot.mutate.walk import walk

_TRIPLE_QUOTES = ('"""', "'''")


def _dedented(text: str, unit: str, inner: str) -> str | None:
    """``text`` (whole lines at ``inner`` indentation or deeper) one ``unit`` shallower; None when a
    line is shallower than ``inner`` or a string could span lines."""
    if any(quotes in text for quotes in _TRIPLE_QUOTES):
        return None
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        if not line.strip():
            out.append(line)
        elif line.startswith(inner):
            out.append(line[len(unit):])
        else:
            return None
    return "".join(out)


def if_unwrap(site: Site) -> Iterator[Proposal]:
    """``if c: <body>`` (no ``else``) -> ``<body>`` one level shallower: a test that should not be."""
    node = site.node
    assert isinstance(node, cst.If)
    if site.block is None or node.orelse is not None or not isinstance(node.body, cst.IndentedBlock):
        return
    statements = node.body.body
    if not statements or any(m.matches(s, m.FunctionDef() | m.ClassDef()) for s in statements):
        return
    parsed = site.parsed
    start = parsed.extent(statements[0])[0]
    end = parsed.extent(statements[-1])[1]
    indent = parsed.indentation(node)
    inner = parsed.indentation(statements[0])
    if not inner.startswith(indent) or len(inner) <= len(indent):
        return
    body = _dedented(parsed.text[start:end], inner[len(indent):], inner)
    if body is None:
        return
    body = body.rstrip("\r\n")
    proposal = site.change_block(offset=0, removed=1, inserted=[body],
                                 description=f"drop `if {parsed.snippet(node.test)}:`, keep its body")
    if proposal is not None:
        yield proposal


_EQUALITY = m.Comparison(comparisons=[m.ComparisonTarget(operator=m.Equal())])


def _single_characters(values: list[cst.BaseExpression]) -> str | None:
    """``' \\t'`` for the plain one-character string literals ``' '`` and ``'\\t'``; None otherwise."""
    chars: list[str] = []
    quote = ""
    for value in values:
        if not isinstance(value, cst.SimpleString) or value.prefix:
            return None
        text = value.value[len(value.quote):-len(value.quote)]
        if len(value.evaluated_value) != 1 or (quote and value.quote != quote):
            return None
        quote = value.quote
        chars.append(text)
    return quote + "".join(chars) + quote


def _membership(left: cst.BaseExpression, values: list[cst.BaseExpression]) -> cst.Comparison:
    joined = _single_characters(values)
    if joined is not None:
        container: cst.BaseExpression = cst.SimpleString(joined)
    else:
        elements = [cst.Element(value=v, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                    for v in values[:-1]] + [cst.Element(value=values[-1])]
        container = parenthesized(cst.Tuple(elements=elements))
    return cst.Comparison(left=left, comparisons=[cst.ComparisonTarget(operator=cst.In(), comparator=container)])


def _branch_pairs(site: Site) -> list[tuple[cst.If, cst.If]]:
    """The (branch, next branch) pairs of an ``if``/``elif`` chain around the site: the site's own
    ``if`` (or the one whose body the site statement opens) with the branch after and before it."""
    chain = (*site.ancestors, site.node)
    node = site.node
    if isinstance(node, cst.If):
        own = node
    elif (isinstance(node, cst.SimpleStatementLine) and len(chain) >= 3 and isinstance(chain[-3], cst.If)
          and chain[-2] is chain[-3].body and isinstance(chain[-2], cst.IndentedBlock) and chain[-2].body[0] is node):
        own = chain[-3]
    else:
        return []
    pairs: list[tuple[cst.If, cst.If]] = []
    if isinstance(own.orelse, cst.If):
        pairs.append((own, own.orelse))
    index = chain.index(own)
    before = chain[index - 1] if index else None
    if isinstance(before, cst.If) and before.orelse is own:
        pairs.append((before, own))
    return pairs


def branch_merge(site: Site) -> Iterator[Proposal]:
    """``if x == a: A elif x == b: B`` -> ``if x in (a, b): A`` (or ``: B``; one-character strings
    join into ``x in 'ab'``); the rest of the chain stays. Offered at either branch's line and at
    the first statement of either body."""
    for node, following in _branch_pairs(site):
        yield from _merged(site, node, following)


def _merged(site: Site, node: cst.If, following: cst.If) -> Iterator[Proposal]:
    if not m.matches(node.test, _EQUALITY) or not m.matches(following.test, _EQUALITY):
        return
    first, second = node.test, following.test
    assert isinstance(first, cst.Comparison) and isinstance(second, cst.Comparison)
    parsed = site.parsed
    if parsed.code(first.left).strip() != parsed.code(second.left).strip():
        return
    statement = _statement_of(site, node)
    text = parsed.text
    s_start, s_end = parsed.extent(statement)
    f_start, f_end = parsed.extent(first)
    second_start = parsed.extent(following)[0]
    rest_start = parsed.extent(following.orelse)[0] if following.orelse is not None else parsed.extent(following)[1]
    merged = parsed.code(_membership(first.left, [first.comparisons[0].comparator, second.comparisons[0].comparator]))
    if parsed.code(first)[:1].isspace():
        merged = " " + merged
    indent = parsed.indentation(statement)
    bodies = {
        "first": text[s_start:f_start] + merged + text[f_end:second_start] + text[rest_start:s_end],
        "second": text[s_start:f_start] + merged + text[parsed.extent(following.test)[1]:s_end],
    }
    for kept, whole in bodies.items():
        # the statement's own text, as a block edit inserts it: from its indentation, no final newline
        lines = whole.splitlines(keepends=True)
        while lines and not lines[0].strip():
            lines.pop(0)
        body = "".join(lines).rstrip("\r\n")
        if not body.startswith(indent):
            continue
        yield _replacing(site, statement, body, f"merge the `==` branches into `{merged.strip()}`, keep the {kept} body")


def _replacing(site: Site, statement: cst.CSTNode, text: str, description: str) -> Proposal:
    """A proposal putting ``text`` in place of ``statement`` (an ancestor of the site, or the site)."""
    chain = (*site.ancestors, site.node)
    block = chain[chain.index(statement) - 1]
    index = next(i for i, s in enumerate(block.body) if s is statement)  # type: ignore[attr-defined]  # a block: IndentedBlock or Module
    return Proposal(line=site.line, description=f"line {site.line}: {description}",
                    edit=BlockEdit(block=block, index=index, removed=1, inserted=(text,)))


def _raised_in(site: Site, node: cst.CSTNode) -> tuple[str, ...]:
    raised = site.parsed.hints.raised
    lines = range(site.parsed.line(node), site.parsed.last_line(node) + 1)
    return tuple(dict.fromkeys(name for line in lines for name in raised.get(line, ())))


def _caught(written: str) -> set[str]:
    """The exception names an ``except`` clause's type text lists."""
    return {part.strip() for part in written.strip().strip("()").split(",") if part.strip()}


def exception_widening(site: Site) -> Iterator[Proposal]:
    """``except A:`` -> ``except (A, E):`` for the builtin exception ``E`` the failing tests raise
    through the ``try`` body statement at the site, when no handler of that ``try`` catches it."""
    node = site.node
    if not isinstance(node, cst.SimpleStatementLine):
        return
    chain = (*site.ancestors, node)
    attempt = next((a for a, below in zip(reversed(chain[:-1]), reversed(chain[1:]))
                    if isinstance(a, cst.Try) and below is a.body), None)
    if attempt is None or any(isinstance(a, (cst.FunctionDef, cst.ClassDef)) for a in chain[chain.index(attempt):]):
        return
    raised = _raised_in(site, node)
    parsed = site.parsed
    handlers = [h for h in attempt.handlers if h.type is not None]
    caught = set().union(*(_caught(parsed.code(h.type)) for h in handlers if h.type is not None))
    for name in raised:
        if name in caught or "Exception" in caught or "BaseException" in caught:
            continue
        for handler in handlers:
            assert handler.type is not None
            old = handler.type
            if isinstance(old, cst.Tuple):
                elements = [*old.elements[:-1], old.elements[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                            cst.Element(value=cst.Name(name))]
                new: cst.BaseExpression = old.with_changes(elements=elements)
            else:
                new = parenthesized(cst.Tuple(elements=[
                    cst.Element(value=old.with_changes(lpar=(), rpar=()), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                    cst.Element(value=cst.Name(name)),
                ]))
            yield Proposal(line=site.line,
                           description=f"line {site.line}: `except {parsed.snippet(old)}` -> `except {parsed.snippet(new)}`",
                           edit=NodeEdit(old=old, new=new, statement=_statement_of(site, attempt)))


def _statement_of(site: Site, node: cst.CSTNode) -> cst.CSTNode:
    """The innermost statement holding ``node`` (an ancestor of the site) that starts its own line."""
    chain = (*site.ancestors, site.node)
    index = chain.index(node)
    for at in range(index, 0, -1):
        if isinstance(chain[at - 1], (cst.IndentedBlock, cst.Module)):
            return chain[at]
    return chain[0]


_MISSING_VALUE = frozenset({"TypeError", "AttributeError"})
_AND = 4  # ``and``'s precedence (swebot.mutate.syntax): looser operands need parentheses
_MAX_VALUES = 3


def _values_in(site: Site, test: cst.BaseExpression) -> list[str]:
    """Locals and one-level attributes (``self.columns``, ``task.params``) the test reads, in order."""
    binds = site.parsed.scopes.scope(site.function).binds if site.function is not None else (lambda _name: False)
    parents = (*site.ancestors, site.node)
    values = [n for n in read_names([test], parents) if binds(n) and n not in RECEIVERS]
    for found, ancestors in walk(test, into=lambda n: not m.matches(n, NESTED_SCOPES)):
        if not m.matches(found, m.Attribute(value=m.Name(), attr=m.Name())):
            continue
        root = found.value.value  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        parent = ancestors[-1] if ancestors else site.node
        if isinstance(parent, cst.Call) and parent.func is found:
            continue  # a method: always true
        if not (root in RECEIVERS or binds(root)) or not is_read_in((*parents, *ancestors, found)):
            continue
        text = site.parsed.code(found).strip()
        if text not in values:
            values.append(text)
    return values[:_MAX_VALUES]


def clause_guard(site: Site) -> Iterator[Proposal]:
    """``if f(x.y):`` -> ``if x.y and f(x.y):`` (or ``x.y is not None and``) where the failing
    tests raise a TypeError or AttributeError through the condition's line."""
    node = site.node
    if not isinstance(node, (cst.If, cst.While)):
        return
    test = node.test
    if not set(_raised_in(site, test)) & _MISSING_VALUE:
        return
    bare = test.with_changes(lpar=(), rpar=())
    operand = parenthesized(bare) if precedence(bare) <= _AND else bare
    for value in _values_in(site, test):
        for guard in (value, f"{value} is not None"):
            clause = cst.parse_expression(guard)
            new = cst.BooleanOperation(left=clause, operator=cst.And(), right=operand)
            yield site.replace(test, new.with_changes(lpar=test.lpar, rpar=test.rpar) if test.lpar else new)


KINDS_IF: tuple[type[cst.CSTNode], ...] = (cst.If,)
KINDS_BRANCHES: tuple[type[cst.CSTNode], ...] = (cst.If, cst.SimpleStatementLine)
KINDS_CONDITIONS: tuple[type[cst.CSTNode], ...] = (cst.If, cst.While)
KINDS_STATEMENTS: tuple[type[cst.CSTNode], ...] = (cst.SimpleStatementLine,)


_MAX_CLAUSES = 6  # the nearest other tests' clauses only: far ones rarely belong here
_FLIPPED: dict[type[cst.BaseCompOp], type[cst.BaseCompOp]] = {
    cst.Equal: cst.NotEqual, cst.NotEqual: cst.Equal, cst.Is: cst.IsNot, cst.IsNot: cst.Is, cst.In: cst.NotIn,
    cst.NotIn: cst.In,
}


def _clauses(test: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """The operands of a test's ``and``/``or`` chain (``not`` and parentheses kept)."""
    if isinstance(test, cst.BooleanOperation) and not test.lpar:
        yield from _clauses(test.left)
        yield from _clauses(test.right)
    else:
        yield test


def _opposite(clause: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(clause, cst.UnaryOperation) and isinstance(clause.operator, cst.Not):
        return clause.expression
    if isinstance(clause, cst.Comparison) and len(clause.comparisons) == 1:
        target = clause.comparisons[0]
        flipped = _FLIPPED.get(type(target.operator))
        if flipped is not None:
            return clause.with_changes(comparisons=[target.with_changes(operator=swap_operator(target.operator, flipped))])
    return negated(clause)


def clause_addition(site: Site) -> Iterator[Proposal]:
    """``if a:`` -> ``if a and c:`` (or ``and not c``) for a clause ``c`` of another ``if``/``while``
    test of the same function, nearest first: a condition missing a case the code tests elsewhere."""
    node = site.node
    if not isinstance(node, (cst.If, cst.While)) or site.function is None:
        return
    parsed = site.parsed
    own = {parsed.code(c).strip() for c in _clauses(node.test)}
    found: list[tuple[int, str, cst.BaseExpression]] = []
    for other, _ in walk(site.function.body, into=lambda n: not isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda))):
        if other is node or not isinstance(other, (cst.If, cst.While)):
            continue
        for clause in _clauses(other.test):
            text = parsed.code(clause).strip()
            if text not in own and "\n" not in text and all(text != seen for _, seen, _ in found):
                found.append((abs(parsed.line(other) - site.line), text, clause))
    found.sort(key=lambda item: item[0])
    bare = node.test.with_changes(lpar=(), rpar=())
    left = parenthesized(bare) if precedence(bare) < _AND else bare
    for _, _, clause in found[:_MAX_CLAUSES]:
        for added in (_opposite(clause), clause):
            right = added.with_changes(lpar=(), rpar=())
            right = parenthesized(right) if precedence(right) <= _AND else right
            new = cst.BooleanOperation(left=left, operator=cst.And(), right=right)
            yield site.replace(node.test, new.with_changes(lpar=node.test.lpar, rpar=node.test.rpar))
