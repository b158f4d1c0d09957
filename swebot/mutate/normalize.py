"""Formatting-, comment- and docstring-insensitive keys for source text."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Hashable

_SCOPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# statement fields that hold nested statement lists (where a def or class can sit)
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _parse(text: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            # invalid escape sequences and the like warn at parse time; they are the user's business
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def _strip_docstrings(node: ast.AST) -> None:
    """Drop docstrings in place; only statement lists are walked (that is where they live)."""
    body = getattr(node, "body", None)
    if isinstance(node, _SCOPES) and body:
        first = body[0]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            node.body = body[1:]
    for name in _BODIES:
        for child in getattr(node, name, None) or ():
            if isinstance(child, ast.AST):
                _strip_docstrings(child)


def normalized(source: str) -> str:
    """A key equal for sources that differ only in formatting, comments or docstrings; '' if unparsable."""
    tree = _parse(source)
    if tree is None:
        return ""
    try:
        _strip_docstrings(tree)
        return ast.dump(tree)
    except RecursionError:  # trees deeper than the interpreter's stack: treat as unreadable
        return ""


def _shape(node: object) -> Hashable:
    """A hashable mirror of an ast tree (what ``ast.dump`` says, without building a string)."""
    if isinstance(node, ast.AST):
        return (type(node).__name__, *(_shape(getattr(node, name, None)) for name in node._fields))
    if isinstance(node, list):
        return tuple(_shape(item) for item in node)
    return (type(node).__name__, node)  # constants: 1 and True and 1.0 compare equal, their types do not


def statement_key(text: str, *, nested: bool) -> Hashable | None:
    """The normalized tree of one statement's text (its whole lines); None when it does not parse.

    An indented statement is parsed under ``if 1:`` so its indentation stays legal.
    """
    tree = _parse("if 1:\n" + text if nested else text)
    if tree is None:
        return None
    try:
        _strip_docstrings(tree)
        return _shape(tree)
    except RecursionError:
        return None


class EditKeys:
    """``normalized``'s verdict on edited versions of known files, from the top-level statements
    an edit touches instead of the whole module.

    The builtin engine keys every candidate to skip ones it has seen; the whole-module key of
    black.py (4,194 lines) took 0.14 s a candidate, half as long as the candidate's check. A
    candidate's key is its changed stretch (the lines it does not share with the original at either
    end, widened to the top-level statements they touch) and that stretch's normalized tree, or
    ``"="`` when the stretch normalizes as the original's does (a docstring or comment edit). Two
    candidates compare as ``normalized`` would whenever they change the same stretch; an original
    that does not parse, or a stretch that does not parse alone, falls back to the whole module.
    """

    def __init__(self, originals: dict[str, str]) -> None:
        self._originals = originals
        self._lines: dict[str, list[str]] = {}
        self._spans: dict[str, list[tuple[int, int]] | None] = {}  # top-level statements' first/last lines
        self._original_keys: dict[tuple[str, int, int], str | None] = {}

    def key(self, path: str, text: str) -> str:
        original = self._originals.get(path)
        if original is None:
            return normalized(text)
        if text == original:
            return "="
        spans = self._top_level(path)
        if spans is None:
            return normalized(text)
        old, new = self._lines[path], _source_lines(text)
        head = 0
        limit = min(len(old), len(new))
        while head < limit and old[head] == new[head]:
            head += 1
        tail = 0
        while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
            tail += 1
        low, high = head + 1, len(old) - tail  # the original's changed lines (none: an insertion)
        if high < low:
            low, high = low - 1, low  # the statement around the insertion point
        start, end = max(low, 1), min(high, len(old))
        for first, last in spans:
            if first <= high and last >= low:
                start, end = min(start, first), max(end, last)
        stretch = "".join(new[start - 1:len(new) - (len(old) - end)])
        mine, theirs = _stretch_key(stretch, start == 1), self._original_key(path, start, end)
        if mine is None or theirs is None:
            return normalized(text)
        return "=" if mine == theirs else f"{start}:{end}:{mine}"

    def _top_level(self, path: str) -> list[tuple[int, int]] | None:
        if path not in self._spans:
            text = self._originals[path]
            self._lines[path] = _source_lines(text)
            tree = _parse(text)
            self._spans[path] = None if tree is None else [
                (min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))]),
                 node.end_lineno or node.lineno) for node in tree.body]
        return self._spans[path]

    def _original_key(self, path: str, start: int, end: int) -> str | None:
        if (path, start, end) not in self._original_keys:
            stretch = "".join(self._lines[path][start - 1:end])
            self._original_keys[path, start, end] = _stretch_key(stretch, start == 1)
        return self._original_keys[path, start, end]


def _source_lines(text: str) -> list[str]:
    """Lines as Python numbers them (``splitlines`` also splits at form feeds and the like)."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _stretch_key(text: str, module_start: bool) -> str | None:
    """The normalized tree of whole top-level statements; a leading string is the module's
    docstring only at the module's start."""
    tree = _parse(text)
    if tree is None:
        return None
    try:
        if module_start:
            _strip_docstrings(tree)
        else:
            for node in tree.body:
                _strip_docstrings(node)
        return ast.dump(tree)
    except RecursionError:
        return None
