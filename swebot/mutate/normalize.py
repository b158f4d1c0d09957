"""Formatting-, comment- and docstring-insensitive keys for source text."""

from __future__ import annotations

import ast
import warnings

_SCOPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _parse(text: str) -> ast.AST | None:
    try:
        with warnings.catch_warnings():
            # invalid escape sequences and the like warn at parse time; they are the user's business
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def _strip_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        if isinstance(node, _SCOPES) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                node.body = node.body[1:]
    return tree


def dump(text: str) -> str:
    """The normalized tree of ``text`` as a string; '' when it does not parse."""
    tree = _parse(text)
    return ast.dump(_strip_docstrings(tree)) if tree is not None else ""


def normalized(source: str) -> str:
    """A key equal for sources that differ only in formatting, comments or docstrings; '' if unparsable."""
    return dump(source)


def statement_key(text: str, *, nested: bool) -> str:
    """``dump`` of one statement's text (its whole lines); an indented one is parsed under ``if 1:``."""
    return dump("if 1:\n" + text) if nested else dump(text)
