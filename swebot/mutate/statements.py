"""Statement-level edits: delete a statement, insert one copied from the same function, add a guard."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import Proposal
from swebot.mutate.names import NESTED_SCOPES, is_read_in, read_names
from swebot.mutate.scopes import RECEIVERS
from swebot.mutate.source import Site, header_parts, shorten
from swebot.mutate.walk import walk

_DOCSTRING = m.SimpleStatementLine(body=[m.Expr(value=m.SimpleString() | m.ConcatenatedString())])
_PASS = m.SimpleStatementLine(body=[m.Pass()])
_TERMINAL = m.SimpleStatementLine(body=[m.ZeroOrMore(), m.Return() | m.Raise() | m.Continue() | m.Break()])
_LOOP_JUMP = m.SimpleStatementLine(body=[m.ZeroOrMore(), m.Continue() | m.Break(), m.ZeroOrMore()])
_DECLARATION = m.SimpleStatementLine(body=[m.ZeroOrMore(), m.Global() | m.Nonlocal(), m.ZeroOrMore()])
_GUARDABLE = m.SimpleStatementLine() | m.If() | m.For() | m.While() | m.With() | m.Try()
_LITERAL = (
    m.Integer() | m.Float() | m.SimpleString() | m.Name("None") | m.Name("True") | m.Name("False")
    | m.List(elements=[]) | m.Dict(elements=[]) | m.Tuple(elements=[])
)
_MAX_INSERTED = 16  # nearest statements of the function only: far ones are rarely the missing line
_MAX_GUARDED_NAMES = 3


def _is_docstring(site: Site) -> bool:
    return site.block is not None and site.block[1] == 0 and m.matches(site.node, _DOCSTRING)


def statement_deletion(site: Site) -> Iterator[Proposal]:
    node = site.node
    if site.block is None or m.matches(node, _PASS) or _is_docstring(site):
        return
    if len(node.body) != 1:  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        return  # several statements on one line: the line is the unit a fix touches, not one of them
    block, _ = site.block
    what = f"delete `{shorten(site.parsed.statement_text(node))}`"
    if m.matches(block, m.IndentedBlock()) and len(block.body) == 1:  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        indent = site.parsed.indentation(node)
        yield from _some(site.change_block(offset=0, removed=1, inserted=[indent + "pass"], description=what))
    else:
        yield from _some(site.change_block(offset=0, removed=1, inserted=[], description=what))


def _some(proposal: Proposal | None) -> Iterator[Proposal]:
    if proposal is not None:
        yield proposal


def _reindented(site: Site, statement: cst.SimpleStatementLine, indent: str) -> str | None:
    """``statement``'s text at ``indent``; None when that would need re-indenting continuation lines."""
    text = site.parsed.statement_text(statement)
    if ("\n" in text or "\r" in text) and site.parsed.indentation(statement) != indent:
        return None  # shifting continuation lines could change string contents
    return indent + text


def statement_insertion(site: Site) -> Iterator[Proposal]:
    node = site.node
    if site.block is None or site.function is None or _is_docstring(site):
        return
    scope = site.parsed.scopes.scope(site.function)
    line = site.line
    indent = site.parsed.indentation(node)
    donors = [
        statement
        for statement in scope.statements
        if statement is not node
        and not m.matches(statement, _PASS | _DOCSTRING | _DECLARATION)
        and (site.in_loop or not m.matches(statement, _LOOP_JUMP))
    ]
    donors.sort(key=lambda statement: abs(site.parsed.line(statement) - line))
    simple = m.matches(node, m.SimpleStatementLine())
    offsets: tuple[int, ...] = (0, 1) if simple and not m.matches(node, _TERMINAL) else (0,)
    # Python rejects a use of a name before its `global`/`nonlocal` declaration: insert after those
    offsets = tuple(offset for offset in offsets if line + offset > scope.declarations_end)
    seen: set[str] = set()
    for donor in donors:
        text = _reindented(site, donor, indent)
        if text is None or text in seen:
            continue
        seen.add(text)
        if len(seen) > _MAX_INSERTED:
            return
        for offset in offsets:
            where = "before" if offset == 0 else "after"
            yield from _some(
                site.change_block(
                    offset=offset, removed=0, inserted=[text], description=f"insert `{shorten(text)}` {where}"
                )
            )


# The empty value of what a function returns elsewhere: a guard returning it keeps callers that
# iterate, index or concatenate the result working (``if param is None: return []``).
_EMPTY_OF = (
    (m.List() | m.ListComp(), "[]"),
    (m.Dict() | m.DictComp(), "{}"),
    (m.Tuple(), "()"),
    (m.Set() | m.SetComp(), "set()"),
    (m.SimpleString() | m.ConcatenatedString() | m.FormattedString(), "''"),
)


def empty_values(returned: list[cst.BaseExpression]) -> list[str]:
    """The empty values (``[]``, ``{}``, ``()``, ``set()``, ``''``) of the kinds of value the
    returned expressions build (both branches of a conditional expression counted), in order."""
    out: list[str] = []
    pending = list(returned)
    while pending:
        value = pending.pop(0)
        if isinstance(value, cst.IfExp):
            pending[:0] = [value.body, value.orelse]
            continue
        for kind, empty in _EMPTY_OF:
            if m.matches(value, kind) and empty not in out:
                out.append(empty)
    return out


def guard(site: Site) -> Iterator[Proposal]:
    """``if x is None: <exit>`` / ``if not x: <exit>`` before a statement reading a local ``x``:
    the exit returns None, a literal the function returns elsewhere, or the empty value of what it
    returns (``[]`` in a function returning lists), or continues a loop."""
    node = site.node
    if site.block is None or site.function is None or not m.matches(node, _GUARDABLE) or _is_docstring(site):
        return
    scope = site.parsed.scopes.scope(site.function)
    if m.matches(node, m.SimpleStatementLine()):
        names = read_names([node], site.ancestors)
    else:
        names = read_names(list(header_parts(node)), (*site.ancestors, node))
    guarded = [name for name in names if scope.binds(name) and name not in RECEIVERS][:_MAX_GUARDED_NAMES]
    if not guarded:
        return
    indent = site.parsed.indentation(node)
    inner = indent + site.parsed.indent_unit
    newline = site.parsed.newline
    if scope.returns_value:
        defaults = ["None"]
        for value in scope.returned:
            text = site.parsed.code(value)
            if m.matches(value, _LITERAL) and text not in defaults:
                defaults.append(text)
        empties = [empty for empty in empty_values(scope.returned) if empty not in defaults]
        falsy_exits = [f"return {default}" for default in [*defaults, *empties]]
        none_exits = [f"return {default}" for default in ["None", *empties]]
    else:
        falsy_exits = none_exits = ["return"]
    if site.in_loop:
        falsy_exits = [*falsy_exits, "continue"]
        none_exits = [*none_exits, "continue"]
    for name in guarded:
        for condition, exits in ((f"{name} is None", none_exits), (f"not {name}", falsy_exits)):
            for exit_statement in exits:
                text = f"{indent}if {condition}:{newline}{inner}{exit_statement}"
                yield from _some(
                    site.change_block(
                        offset=0, removed=0, inserted=[text], description=f"guard `if {condition}: {exit_statement}`"
                    )
                )


def _raised_here(site: Site) -> tuple[str, ...]:
    """The exceptions the failing tests' tracebacks raise through the site statement's lines."""
    raised = site.parsed.hints.raised
    lines = range(site.line, site.parsed.last_line(site.node) + 1)
    return tuple(dict.fromkeys(name for line in lines for name in raised.get(line, ())))


def _nested_text(site: Site) -> str | None:
    """The site's simple statement re-indented one level deeper (trailing comment kept), for a
    wrapper around it; None where wrapping is not offered."""
    node = site.node
    if site.block is None or site.function is None or _is_docstring(site):
        return None
    if not m.matches(node, m.SimpleStatementLine()) or m.matches(node, _PASS | _DECLARATION | _LOOP_JUMP):
        return None
    return _indented(site, node)


def exception_guard(site: Site) -> Iterator[Proposal]:
    """``try: <statement> except E: pass`` around a statement the failing tests' traceback passes
    through with the builtin exception ``E`` (a case the code did not expect)."""
    names = _raised_here(site)
    body = _nested_text(site) if names else None
    if body is None:
        return
    indent, newline = site.parsed.indentation(site.node), site.parsed.newline
    inner = indent + site.parsed.indent_unit
    for name in names:
        wrapped = f"{indent}try:{newline}{body}{newline}{indent}except {name}:{newline}{inner}pass"
        yield from _some(
            site.change_block(offset=0, removed=1, inserted=[wrapped], description=f"wrap in `try: ... except {name}: pass`")
        )


# What using a missing value (None) raises; a test of the value, not a try, is the usual fix.
_MISSING_VALUE = frozenset({"TypeError", "AttributeError"})
# What an empty sequence raises when indexed: a truth test of the sequence is the usual fix.
_EMPTY_VALUE = frozenset({"IndexError"})
_MAX_FEEDERS = 2  # statements before the site that compute what it reads, wrapped with it


def _tested_values(site: Site, scope_binds: Callable[[str], bool]) -> list[str]:
    """What a wrapping ``if`` may test: the locals the site statement reads, then the one-level
    attributes it reads on a local or the receiver (``self._cached``, ``command.parts``)."""
    node = site.node
    values = [name for name in read_names([node], site.ancestors) if scope_binds(name) and name not in RECEIVERS]
    for found, ancestors in walk(node, into=lambda n: not m.matches(n, NESTED_SCOPES)):
        if not m.matches(found, m.Attribute(value=m.Name(), attr=m.Name())):
            continue
        root = found.value.value  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        parent = ancestors[-1] if ancestors else None
        if parent is not None and m.matches(parent, m.Call()) and parent.func is found:  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
            continue  # a method: testing it is always true
        if not (root in RECEIVERS or scope_binds(root)) or not is_read_in((*site.ancestors, *ancestors, found)):
            continue
        text = site.parsed.code(found).strip()
        if text not in values:
            values.append(text)
    return values


def _feeders(site: Site) -> int:
    """How many statements just before the site (same block) bind a name the site or a later one
    of them reads: wrapping the site alone would leave them computing a value nothing uses."""
    if site.block is None:
        return 0
    block, index = site.block
    body = list(block.body)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    wanted = set(read_names([site.node], site.ancestors))
    count = 0
    while count < _MAX_FEEDERS and index - count - 1 >= 0:
        before = body[index - count - 1]
        if not m.matches(before, m.SimpleStatementLine(body=[m.Assign() | m.AnnAssign() | m.AugAssign()])):
            break
        if not _bound_names(before) & wanted:
            break
        wanted |= set(read_names([before], (*site.ancestors[:-1], block)))
        count += 1
    return count


def _bound_names(statement: cst.CSTNode) -> set[str]:
    """The plain names an assignment statement binds."""
    targets = [t.target for small in statement.body  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
               for t in (getattr(small, "targets", None) or [small])]
    return {node.value for target in targets for node, _ in walk(target) if isinstance(node, cst.Name)}


def _indented(site: Site, statement: cst.CSTNode) -> str | None:
    """``statement`` (a simple statement of the site's block) one level deeper, comment kept."""
    text = site.parsed.statement_text(statement)
    if '"""' in text or "'''" in text:
        return None  # continuation lines are re-indented: not where a string could span them
    inner = site.parsed.indentation(statement) + site.parsed.indent_unit
    newline = site.parsed.newline
    body = inner + text.replace("\r\n", "\n").replace("\n", newline + site.parsed.indent_unit)
    comment = statement.trailing_whitespace.comment  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    return body + ("  " + comment.value if comment is not None else "")


def condition_wrap(site: Site) -> Iterator[Proposal]:
    """``if x: <statement>`` (or ``if x is not None:``) around a statement the failing tests'
    traceback raises a TypeError or AttributeError through, for a local ``x`` or an attribute
    ``x.y`` it reads; ``if x:`` only for an IndexError (an empty sequence). The statements just
    before it that compute what it reads are offered inside the ``if`` too."""
    raised = set(_raised_here(site))
    body = _nested_text(site) if raised & (_MISSING_VALUE | _EMPTY_VALUE) else None
    if body is None or site.function is None or site.block is None:
        return
    scope = site.parsed.scopes.scope(site.function)
    indent, newline = site.parsed.indentation(site.node), site.parsed.newline
    block, index = site.block
    statements = list(block.body)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    runs: list[tuple[int, str]] = [(0, body)]
    for count in range(1, _feeders(site) + 1):
        texts = [_indented(site, statement) for statement in statements[index - count:index]]
        if all(text is not None for text in texts):
            runs.append((count, newline.join([*texts, body])))  # type: ignore[list-item]  # None ruled out above
    conditions: list[str] = []
    for value in _tested_values(site, scope.binds)[:_MAX_GUARDED_NAMES + 1]:
        conditions.append(value)
        if raised & _MISSING_VALUE:
            conditions.append(f"{value} is not None")
    for condition in conditions:
        for count, text in runs:
            wrapped = f"{indent}if {condition}:{newline}{text}"
            what = f"wrap in `if {condition}:`" + (f" with the {count} statement(s) before" if count else "")
            yield from _some(site.change_block(offset=-count, removed=count + 1, inserted=[wrapped], description=what))


KINDS_STATEMENTS: tuple[type[cst.CSTNode], ...] = (cst.SimpleStatementLine,)
KINDS_COMPOUND: tuple[type[cst.CSTNode], ...] = (cst.If, cst.For, cst.While, cst.With, cst.Try)
