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
