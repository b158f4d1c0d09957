"""Definitions in one Python source text: qualified names, line ranges, outlines.

Pure functions over text (``ast``), so they work the same whatever sandbox holds the file.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache

DefNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


@dataclass(frozen=True)
class Definition:
    """A class, function or method. Lines are 1-based and include decorators."""

    qualname: str  # "Class.method", "function", "outer.<locals>.inner" style without <locals>
    kind: str  # "class" | "function" | "method"
    start: int
    end: int
    def_line: int  # the line of the ``def``/``class`` keyword
    col: int  # indentation of the definition
    signature: str  # the header line, stripped


def definitions(source: str) -> list[Definition]:
    """Every definition in ``source`` in file order; raises SyntaxError when it does not parse."""
    found, problem = _analyze(source)
    if problem is not None:
        raise problem
    return list(found)


@lru_cache(maxsize=32)
def _analyze(source: str) -> tuple[tuple[Definition, ...], SyntaxError | None]:
    """One parse per distinct text: an edit's syntax check also indexes the new text."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return (), exc
    except ValueError as exc:  # e.g. null bytes
        return (), SyntaxError(str(exc))
    lines = source.splitlines()
    found: list[Definition] = []

    def walk(body: list[ast.stmt], prefix: str, in_class: bool) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{node.name}"
                kind = "class" if isinstance(node, ast.ClassDef) else ("method" if in_class else "function")
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                header = lines[node.lineno - 1].strip() if node.lineno <= len(lines) else node.name
                found.append(
                    Definition(name, kind, start, node.end_lineno or node.lineno, node.lineno, node.col_offset, header)
                )
                walk(node.body, f"{name}.", isinstance(node, ast.ClassDef))
            elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
                # definitions under `if TYPE_CHECKING:` / try-import blocks keep the enclosing prefix
                for child in ("body", "orelse", "finalbody", "handlers"):
                    part = getattr(node, child, None) or []
                    stmts = [s for h in part for s in h.body] if child == "handlers" else part
                    walk(stmts, prefix, in_class)

    walk(tree.body, "", False)
    return tuple(found), None


def find(source: str, qualname: str) -> list[Definition]:
    """Definitions whose qualified name is ``qualname`` or ends with ``.qualname``."""
    return [d for d in definitions(source) if d.qualname == qualname or d.qualname.endswith("." + qualname)]


def outline(source: str) -> str:
    """A skeleton: one line per definition, indented by nesting, with its line range."""
    out = []
    for d in definitions(source):
        depth = d.qualname.count(".")
        out.append(f"{'    ' * depth}{d.signature}  # lines {d.start}-{d.end}")
    return "\n".join(out)


def enclosing(source: str, line: int) -> Definition | None:
    """The innermost definition holding ``line``."""
    best = None
    for d in definitions(source):
        if d.start <= line <= d.end and (best is None or d.start >= best.start):
            best = d
    return best


def syntax_error(source: str, path: str = "<edit>") -> str | None:
    """The parser's message for ``source``, or None when it parses."""
    try:
        definitions(source)
    except SyntaxError as exc:
        where = path + (f":{exc.lineno}" if exc.lineno else "") + (f":{exc.offset}" if exc.lineno and exc.offset else "")
        text = (exc.text or "").rstrip("\n")
        pointer = f"\n    {text}\n    {' ' * max((exc.offset or 1) - 1, 0)}^" if text.strip() else ""
        return f"SyntaxError at {where}: {exc.msg}{pointer}"
    return None
