"""Statement-level edits: delete a statement, insert one copied from the same function, add a guard."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import Proposal
from swebot.mutate.names import read_names
from swebot.mutate.scopes import RECEIVERS
from swebot.mutate.source import Site, header_parts, shorten

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


def guard(site: Site) -> Iterator[Proposal]:
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
        falsy_exits = [f"return {default}" for default in defaults]
        none_exits = ["return None"]
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
    text = site.parsed.statement_text(node)
    if '"""' in text or "'''" in text:
        return None  # continuation lines are re-indented: not where a string could span them
    inner = site.parsed.indentation(node) + site.parsed.indent_unit
    newline = site.parsed.newline
    body = inner + text.replace("\r\n", "\n").replace("\n", newline + site.parsed.indent_unit)
    comment = node.trailing_whitespace.comment  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    return body + ("  " + comment.value if comment is not None else "")


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


def condition_wrap(site: Site) -> Iterator[Proposal]:
    """``if x: <statement>`` (or ``if x is not None:``) around a statement the failing tests'
    traceback raises a TypeError or AttributeError through, for a local ``x`` it reads."""
    body = _nested_text(site) if _MISSING_VALUE.intersection(_raised_here(site)) else None
    if body is None or site.function is None:
        return
    scope = site.parsed.scopes.scope(site.function)
    names = [name for name in read_names([site.node], site.ancestors) if scope.binds(name) and name not in RECEIVERS]
    indent, newline = site.parsed.indentation(site.node), site.parsed.newline
    for name in names[:_MAX_GUARDED_NAMES]:
        for condition in (name, f"{name} is not None"):
            wrapped = f"{indent}if {condition}:{newline}{body}"
            yield from _some(
                site.change_block(offset=0, removed=1, inserted=[wrapped], description=f"wrap in `if {condition}:`")
            )


KINDS_STATEMENTS: tuple[type[cst.CSTNode], ...] = (cst.SimpleStatementLine,)
KINDS_COMPOUND: tuple[type[cst.CSTNode], ...] = (cst.If, cst.For, cst.While, cst.With, cst.Try)
