"""A module parsed once: syntax tree, node positions, and the nodes that sit on the wanted lines."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import libcst as cst
# libcst renders a node in context only through its codegen state (Module.code_for_node starts one
# without the enclosing blocks' indentation); the same class code_for_node itself uses.
from libcst._nodes.internal import CodegenState

from swebot.mutate.model import NO_HINTS, BlockEdit, Hints, NodeEdit, Proposal
from swebot.mutate.positions import positions
from swebot.mutate.walk import children

if TYPE_CHECKING:
    from swebot.mutate.scopes import ScopeIndex

# The newline rule libcst's position providers count lines with (and Python's tokenizer).
_NEWLINE = re.compile(r"\r\n?|\n")

_COMPOUND = (
    cst.If,
    cst.While,
    cst.For,
    cst.With,
    cst.Try,
    cst.TryStar,
    cst.FunctionDef,
    cst.ClassDef,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Else,
    cst.Finally,
    cst.Match,
    cst.MatchCase,
)
_BODIES = (cst.IndentedBlock, cst.SimpleStatementSuite)
# Never offered to templates, nor anything inside: editing them is noise (imports) or needs
# quoting rules of their own (f-strings).
_OPAQUE = (cst.Import, cst.ImportFrom, cst.FormattedString, cst.Decorator)


class ParsedSource:
    """Source text plus its libcst module and positions, computed once per ``mutations_at`` call."""

    def __init__(self, text: str, hints: Hints = NO_HINTS) -> None:
        self.text = text
        self.hints = hints
        self.module = cst.parse_module(text)
        self._positions, self._extents = positions(self.module)
        starts = [0]
        starts.extend(match.end() for match in _NEWLINE.finditer(text))
        self._line_starts = starts

    # -- positions ---------------------------------------------------------------------------

    def has_position(self, node: cst.CSTNode) -> bool:
        return node in self._positions

    def line(self, node: cst.CSTNode) -> int:
        """1-based line where ``node`` starts (syntactically: no leading comments or parentheses)."""
        return self._positions[node].start.line

    def last_line(self, node: cst.CSTNode) -> int:
        return self._positions[node].end.line

    def _offset(self, line: int, column: int) -> int:
        if line - 1 >= len(self._line_starts):
            return len(self.text)
        return min(self._line_starts[line - 1] + column, len(self.text))

    def extent(self, node: cst.CSTNode) -> tuple[int, int]:
        """Character offsets of exactly the text libcst generates for ``node`` (whitespace it owns included)."""
        rng = self._extents[node]
        return self._offset(rng.start.line, rng.start.column), self._offset(rng.end.line, rng.end.column)

    def statement_text(self, node: cst.CSTNode) -> str:
        """The text of ``node`` without the comments, blank lines and indentation before it."""
        rng = self._positions[node]
        start = self._offset(rng.start.line, rng.start.column)
        return self.text[start : self._offset(rng.end.line, rng.end.column)]

    def indentation(self, statement: cst.CSTNode) -> str:
        """The leading whitespace of the line where ``statement`` starts."""
        start = self._positions[statement].start
        line_start = self._line_starts[start.line - 1]
        return self.text[line_start : line_start + start.column]

    def snippet(self, node: cst.CSTNode) -> str:
        """``node`` as short one-line text, for descriptions."""
        return shorten(self.module.code_for_node(node))

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def code_within(self, node: cst.CSTNode, statement: cst.CSTNode) -> str:
        """``node``'s code as it reads inside ``statement``: a line continued inside brackets keeps the
        indentation of the statement's block, which ``code`` (rendered out of context) drops."""
        indent = self.indentation(statement)
        if not indent:
            return self.code(node)
        state = CodegenState(default_indent=self.module.default_indent, default_newline=self.module.default_newline,
                             indent_tokens=[indent])
        node._codegen(state)
        return "".join(state.tokens)

    @property
    def indent_unit(self) -> str:
        return self.module.default_indent

    @property
    def newline(self) -> str:
        return self.module.default_newline

    # -- sites -------------------------------------------------------------------------------

    def sites(self, lines: Collection[int]) -> list[Site]:
        return _collect_sites(self, frozenset(lines))

    @cached_property
    def scopes(self) -> ScopeIndex:
        from swebot.mutate.scopes import ScopeIndex

        return ScopeIndex(self)


def shorten(code: str, limit: int = 60) -> str:
    text = " ".join(code.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class Site:
    """A node on a wanted line, with the chain of nodes above it (outermost first)."""

    node: cst.CSTNode
    ancestors: tuple[cst.CSTNode, ...]
    parsed: ParsedSource

    @property
    def parent(self) -> cst.CSTNode | None:
        return self.ancestors[-1] if self.ancestors else None

    @property
    def line(self) -> int:
        return self.parsed.line(self.node)

    @cached_property
    def statement(self) -> cst.CSTNode:
        """The innermost statement holding the node that starts its own line (an element of a block)."""
        chain = (*self.ancestors, self.node)
        for index in range(len(chain) - 1, 0, -1):
            if isinstance(chain[index - 1], (cst.IndentedBlock, cst.Module)):
                return chain[index]
        return chain[0]

    @cached_property
    def block(self) -> tuple[cst.CSTNode, int] | None:
        """The block holding ``self.node`` as one of its statements, and its index there."""
        parent = self.parent
        if isinstance(parent, (cst.IndentedBlock, cst.Module)):
            for index, statement in enumerate(parent.body):
                if statement is self.node:
                    return parent, index
        return None

    @cached_property
    def function(self) -> cst.FunctionDef | None:
        for ancestor in reversed(self.ancestors):
            if isinstance(ancestor, cst.FunctionDef):
                return ancestor
            if isinstance(ancestor, (cst.ClassDef, cst.Lambda)):
                return None
        return None

    @cached_property
    def method_class(self) -> cst.ClassDef | None:
        """The class whose method encloses the node, when the enclosing function is a method."""
        function = self.function
        if function is None:
            return None
        index = self.ancestors.index(function)
        if index >= 2 and isinstance(self.ancestors[index - 2], cst.ClassDef):
            return self.ancestors[index - 2]  # type: ignore[return-value]  # libcst matchers do not narrow the node type
        return None

    @cached_property
    def in_loop(self) -> bool:
        """Whether ``continue`` is legal here: inside a loop body of the enclosing function."""
        chain = (*self.ancestors, self.node)
        for index in range(len(chain) - 2, -1, -1):
            ancestor = chain[index]
            if isinstance(ancestor, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                return False
            if isinstance(ancestor, (cst.For, cst.While)) and ancestor.body is chain[index + 1]:
                return True
        return False

    # -- proposal helpers --------------------------------------------------------------------

    def replace(self, old: cst.CSTNode, new: cst.CSTNode, *, what: str | None = None) -> Proposal:
        """A proposal replacing ``old`` (the site node or a node inside it) by ``new``."""
        line = self.parsed.line(old)
        before = self.parsed.snippet(old)
        after = what if what is not None else shorten(self.parsed.code(new))
        return Proposal(
            line=line,
            description=f"line {line}: `{before}` -> `{after}`",
            edit=NodeEdit(old=old, new=new, statement=self.statement),
        )

    def change_block(self, *, offset: int, removed: int, inserted: Sequence[str], description: str) -> Proposal | None:
        """A proposal editing the block around the site statement, ``offset`` statements from it."""
        if self.block is None:
            return None
        block, index = self.block
        return Proposal(
            line=self.line,
            description=f"line {self.line}: {description}",
            edit=BlockEdit(block=block, index=index + offset, removed=removed, inserted=tuple(inserted)),
        )


def _collect_sites(parsed: ParsedSource, lines: frozenset[int]) -> list[Site]:
    """Every node that starts on a wanted line or whose simple statement (or compound-statement
    header) covers one; statements that cover no wanted line are skipped whole."""

    def covered(first: int, last: int) -> bool:
        return any(first <= line <= last for line in lines)

    found: list[Site] = []
    # (node, ancestors, line span of the innermost simple statement or header; None inside a body)
    stack: list[tuple[cst.CSTNode, tuple[cst.CSTNode, ...], tuple[int, int] | None]] = [
        (parsed.module, (), None)
    ]
    while stack:
        node, ancestors, span = stack.pop()
        if isinstance(node, _OPAQUE):
            continue
        positioned = parsed.has_position(node)
        if (
            isinstance(node, (cst.BaseStatement, *_COMPOUND))
            and positioned
            and not covered(parsed.line(node), parsed.last_line(node))
        ):
            continue
        if isinstance(node, cst.SimpleStatementLine):
            span = (parsed.line(node), parsed.last_line(node))
        elif isinstance(node, _COMPOUND):
            span = _header_span(parsed, node)
        elif isinstance(node, _BODIES):
            span = None
        if positioned and (parsed.line(node) in lines or (span is not None and covered(*span))):
            found.append(Site(node=node, ancestors=ancestors, parsed=parsed))
        below = (*ancestors, node)
        stack.extend((child, below, span) for child in reversed(list(children(node))))
    return found


def _header_span(parsed: ParsedSource, node: cst.CSTNode) -> tuple[int, int]:
    first = parsed.line(node)
    last = first
    for part in header_parts(node):
        last = max(last, parsed.last_line(part))
    return first, last


def header_parts(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The expressions of a compound statement's header (before its colon)."""
    if isinstance(node, (cst.If, cst.While)):
        yield node.test
    elif isinstance(node, cst.For):
        yield node.iter
    elif isinstance(node, cst.With):
        yield node.items[-1]
    elif isinstance(node, (cst.ExceptHandler, cst.ExceptStarHandler)) and node.type is not None:
        yield node.type
    elif isinstance(node, cst.FunctionDef):
        yield node.params
    elif isinstance(node, cst.Match):
        yield node.subject
