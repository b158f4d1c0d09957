"""Symbol index of a Python repository: files, qualified names, kinds, line ranges, calls, imports.

Built with the standard ``ast`` module rather than libcst: localization only needs names and line
ranges, and ``ast`` parses a Django-sized tree several times faster. The edit layer keeps libcst.
Large trees are parsed in worker processes.
"""

from __future__ import annotations

import ast
import gc
import keyword
import operator
import os
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator

from swebot.localize.code_match import line_keys, literals

MAX_FILE_BYTES = 1_000_000  # bigger files are generated data, not code anyone files issues about
MAX_BODY_CHARS = 4_000  # text kept per symbol for lexical retrieval
MAX_FILE_TEXT_CHARS = 60_000
PARALLEL_THRESHOLD = 300  # below this many files, process start-up costs more than it saves
CHUNKS_PER_WORKER = 8

SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "__pycache__", "node_modules", ".tox", ".nox", ".venv", "venv",
        "env", ".eggs", "build", "dist", "site-packages", ".mypy_cache", ".pytest_cache", ".idea",
    }
)

FileKind = str  # "code" | "test" | "doc" | "example"


@dataclass(frozen=True)
class Symbol:
    """A function, method or class. ``name`` is qualified within its module (``Class.method``)."""

    name: str
    kind: str  # "function" | "method" | "class"
    path: str
    start: int
    end: int
    calls: tuple[str, ...] = ()  # simple names this symbol calls
    signature: str = ""
    text: str = ""  # docstring + body, bounded, for lexical retrieval

    @property
    def simple_name(self) -> str:
        return self.name.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the root, with forward slashes
    module: str  # dotted module path derived from ``path`` ("src.attr._make")
    kind: FileKind
    symbols: tuple[Symbol, ...]
    imports: tuple[str, ...]  # dotted modules imported (absolute where resolvable)
    text: str  # bounded source text for file-level retrieval
    parsed: bool = True
    line_keys: tuple[tuple[int, int, int], ...] = ()  # code_match.line_keys; dropped once indexed
    literals: tuple[tuple[str, int], ...] = ()  # code_match.literals; dropped once indexed


@dataclass
class SymbolIndex:
    root: str
    files: tuple[FileEntry, ...]
    by_path: dict[str, FileEntry] = field(init=False, repr=False)
    by_simple_name: dict[str, list[Symbol]] = field(init=False, repr=False)
    callers: dict[str, list[Symbol]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_path = {f.path: f for f in self.files}
        # defaultdicts while filling (their missing-key path is C code: this runs for every symbol
        # and call of a big tree on a cold index), plain dicts once filled.
        by_name: defaultdict[str, list[Symbol]] = defaultdict(list)
        callers: defaultdict[str, list[Symbol]] = defaultdict(list)
        for f in self.files:
            for s in f.symbols:
                by_name[s.name.rpartition(".")[2]].append(s)
                for c in s.calls:
                    callers[c].append(s)
        self.by_simple_name = dict(by_name)
        self.callers = dict(callers)

    @property
    def symbols(self) -> Iterator[Symbol]:
        for f in self.files:
            yield from f.symbols

    def enclosing(self, path: str, line: int) -> Symbol | None:
        """Innermost symbol of ``path`` whose range holds ``line``."""
        entry = self.by_path.get(path)
        if entry is None:
            return None
        best: Symbol | None = None
        for s in entry.symbols:
            if s.start <= line <= s.end and (best is None or s.end - s.start < best.end - best.start):
                best = s
        return best

    def resolve_path(self, text: str) -> str | None:
        """Map a path as written anywhere (absolute, site-packages, relative) to an indexed file.

        The longest matching suffix wins, so ``/usr/lib/python3/site-packages/attr/_make.py``
        finds ``src/attr/_make.py``.
        """
        parts = [p for p in text.replace("\\", "/").split("/") if p and p != "."]
        for n in range(len(parts), 0, -1):
            suffix = "/".join(parts[-n:])
            hits = [p for p in self.by_path if p == suffix or p.endswith("/" + suffix)]
            if len(hits) == 1:
                return hits[0]
            if hits and n == len(parts):
                return min(hits, key=len)
        return None

    def resolve_module(self, dotted: str) -> str | None:
        """File whose module path ends with ``dotted`` (``attr._make`` -> ``src/attr/_make.py``)."""
        hits = [
            f.path
            for f in self.files
            if f.module == dotted
            or f.module.endswith("." + dotted)
            or f.module in (dotted + ".__init__",)
            or f.module.endswith("." + dotted + ".__init__")
        ]
        return min(hits, key=len) if hits else None


def classify(path: str) -> FileKind:
    parts = path.lower().split("/")
    name = parts[-1]
    dirs = parts[:-1]
    if any(d in ("tests", "test", "testing") for d in dirs) or name.startswith("test_") or name.endswith(
        "_test.py"
    ) or name == "conftest.py":
        return "test"
    if any(d in ("docs", "doc") for d in dirs):
        return "doc"
    if any(d in ("examples", "example", "samples", "demo", "benchmarks", "bench") for d in dirs):
        return "example"
    return "code"


def module_of(path: str) -> str:
    stem = path[:-3] if path.endswith(".py") else path
    return stem.replace("/", ".")


def iter_python_files(root: Path) -> list[str]:
    """Relative paths of the Python files under ``root``, skipping VCS, caches and virtualenvs."""
    return [rel for rel, _ in python_file_entries(root)]


_first = operator.itemgetter(0)


def python_file_entries(root: Path) -> list[tuple[str, os.DirEntry[str]]]:
    """``iter_python_files`` with each file's directory entry (whose ``stat()`` the cache key reads),
    sorted by path.

    ``os.scandir`` rather than ``os.walk`` + ``islink`` + ``relpath``: the entry knows whether it is a
    link without another system call, which a cached query on a big tree notices (as it does sorting
    each directory: the paths are sorted once at the end)."""
    out: list[tuple[str, os.DirEntry[str]]] = []

    def visit(path: str, prefix: str) -> None:
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except OSError:
            return
        for e in entries:
            name = e.name
            try:
                if e.is_dir(follow_symlinks=True):
                    # os.walk does not follow directory links either
                    if name not in SKIP_DIRS and not name.endswith(".egg-info") and not e.is_symlink():
                        visit(e.path, prefix + name + "/")
                elif name.endswith(".py") and not e.is_symlink():
                    out.append((prefix + name, e))
            except OSError:
                continue

    visit(str(root), "")
    out.sort(key=_first)
    return out


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NOT_CALLS = frozenset(keyword.kwlist) | {"self", "cls", "print", "len", "isinstance", "super"}


def _calls_in(source: str) -> set[str]:
    """Names a definition's body uses: calls, and references such as ``padfn = _padboth`` that are
    calls in all but syntax. A regex, not an AST walk: several times faster; ``build_index`` keeps
    only the names some symbol defines, so a stray word costs at most a weak call-graph edge."""
    return set(_NAME_RE.findall(source)) - _NOT_CALLS


class _Collector:
    """Walks statements only (definitions and imports never hide inside expressions that matter)."""

    def __init__(self, path: str, lines: list[str], module: str) -> None:
        self.path = path
        self.lines = lines
        self.module = module
        self.stack: list[tuple[str, str]] = []  # (name, kind)
        self.symbols: list[Symbol] = []
        self.imports: list[str] = []

    def _body_text(self, node: ast.AST, start: int, end: int, kind: str) -> str:
        if kind == "class":
            # A class's methods are symbols of their own; keep only its header-level text.
            parts = [ast.get_docstring(node) or ""]  # type: ignore[arg-type]  # node is a function or class here (checked above)
            for stmt in node.body:  # type: ignore[attr-defined]  # node is a function or class here (checked above)
                if isinstance(stmt, _DEFS):
                    parts.append(stmt.name)
                else:
                    parts.append("\n".join(self.lines[stmt.lineno - 1 : (stmt.end_lineno or stmt.lineno)]))
            return "\n".join(parts)[:MAX_BODY_CHARS]
        return "\n".join(self.lines[start - 1 : end])[:MAX_BODY_CHARS]

    def _add(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, kind: str) -> None:
        start = min([node.lineno] + [d.lineno for d in node.decorator_list])
        end = node.end_lineno or node.lineno
        qual = ".".join([n for n, _ in self.stack] + [node.name])
        if isinstance(node, ast.ClassDef):
            calls: set[str] = set()
            signature = ", ".join(_dotted(b) for b in node.bases)
        else:
            signature = _signature(node)
        text = self._body_text(node, start, end, kind)
        if kind != "class":
            # Calls come from the body after the docstring: the def line and prose are not calls.
            first = node.body[0]
            doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            from_line = (first.end_lineno or first.lineno) + 1 if doc else first.lineno
            calls = _calls_in("\n".join(self.lines[from_line - 1 : end]))
        calls.discard(node.name)
        self.symbols.append(
            Symbol(
                name=qual,
                kind=kind,
                path=self.path,
                start=start,
                end=end,
                calls=tuple(sorted(calls)),
                signature=signature,
                text=text,
            )
        )

    def walk(self, stmts: list[ast.stmt]) -> None:
        for st in stmts:
            if isinstance(st, ast.ClassDef):
                self._add(st, "class")
                self.stack.append((st.name, "class"))
                self.walk(st.body)
                self.stack.pop()
            elif isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
                kind = "method" if self.stack and self.stack[-1][1] == "class" else "function"
                self._add(st, kind)
                self.stack.append((st.name, "function"))
                self.walk(st.body)
                self.stack.pop()
            elif isinstance(st, ast.Import):
                self.imports.extend(a.name for a in st.names)
            elif isinstance(st, ast.ImportFrom):
                self._import_from(st)
            else:
                # if/try/with/for/match bodies can still define things (version-dependent defs).
                for fld in ("body", "orelse", "finalbody", "handlers", "cases"):
                    sub = getattr(st, fld, None)
                    if isinstance(sub, list):
                        for item in sub:
                            if isinstance(item, ast.stmt):
                                self.walk([item])
                            elif isinstance(getattr(item, "body", None), list):
                                self.walk(item.body)

    def _import_from(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            # Relative import: resolve against this module's package.
            pkg = self.module.split(".")
            pkg = pkg[: len(pkg) - node.level] if len(pkg) >= node.level else []
            base = ".".join(pkg + ([base] if base else []))
        if base:
            self.imports.append(base)
            self.imports.extend(f"{base}.{a.name}" for a in node.names if a.name != "*")


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    a = node.args
    names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
    if a.vararg:
        names.append("*" + a.vararg.arg)
    if a.kwarg:
        names.append("**" + a.kwarg.arg)
    return ", ".join(names)


def read_source(root: Path, rel: str) -> str | None:
    """Decoded source, or None for files that are huge, binary or unreadable."""
    full = root / rel
    try:
        if full.stat().st_size > MAX_FILE_BYTES:
            return None
        data = full.read_bytes()
    except OSError:
        return None
    if b"\x00" in data:
        return None
    return data.decode("utf-8", "replace")


def index_file(root: Path, rel: str) -> FileEntry | None:
    """One file's entry; a file that does not parse keeps its text but has no symbols."""
    source = read_source(root, rel)
    return None if source is None else index_source(rel, source)


def index_source(rel: str, source: str) -> FileEntry:
    """The entry of a file at ``rel`` whose text is ``source``."""
    module = module_of(rel)
    lines = source.splitlines()
    # Quoted lines and messages are looked for in the code under test, not in the tests.
    code = classify(rel) != "test"
    keys = tuple(line_keys(source)) if code else ()
    lits = tuple(literals(source)) if code else ()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences etc. in old code
            tree = ast.parse(source, filename=rel)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return FileEntry(rel, module, classify(rel), (), (), source[:MAX_FILE_TEXT_CHARS], parsed=False,
                         line_keys=keys, literals=lits)
    visitor = _Collector(rel, lines, module)
    try:
        visitor.walk(tree.body)
    except RecursionError:
        return FileEntry(rel, module, classify(rel), (), (), source[:MAX_FILE_TEXT_CHARS], parsed=False,
                         line_keys=keys, literals=lits)
    return FileEntry(
        path=rel,
        module=module,
        kind=classify(rel),
        symbols=tuple(visitor.symbols),
        imports=tuple(dict.fromkeys(visitor.imports)),
        text=source[:MAX_FILE_TEXT_CHARS],
        line_keys=keys,
        literals=lits,
    )


PerChunk = Callable[[list[FileEntry]], tuple[list[FileEntry], Any]]


def _index_chunk(args: tuple[str, list[str], PerChunk | None]) -> tuple[list[FileEntry], Any]:
    root, rels, per_chunk = args
    # Parsing allocates millions of objects that all stay alive: the cyclic collector would only
    # walk them again and again (a third of the time of a big tree).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        entries = [e for e in (index_file(Path(root), rel) for rel in rels) if e is not None]
        return per_chunk(entries) if per_chunk else (entries, None)
    finally:
        if was_enabled:
            gc.enable()


def build_index_with(
    root: Path, per_chunk: PerChunk | None = None, *, workers: int | None = None
) -> tuple[SymbolIndex, list[Any]]:
    """Index every Python file under ``root``.

    The files are split into runs that are contiguous in path order, so the entries of the runs,
    concatenated, are already in the index's order. ``per_chunk`` (a module-level function, so worker
    processes can run it) gets each run's entries in the process that parsed them and returns the
    entries to keep (slimmed, say) with whatever it derived from them: one extra per run, in order.
    """
    root = Path(root)
    rels = sorted(iter_python_files(root))
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    parts: list[tuple[list[FileEntry], Any]] = []
    if workers > 1 and len(rels) >= PARALLEL_THRESHOLD:
        # Many small runs handed out as workers free up: big and small directories even out.
        n = workers * CHUNKS_PER_WORKER
        size = -(-len(rels) // n)
        chunks = [rels[i:i + size] for i in range(0, len(rels), size)]
        # Imported here: a cached query never starts processes, and the import costs it 20 ms.
        from concurrent.futures import ProcessPoolExecutor

        try:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                parts = list(pool.map(_index_chunk, [(str(root), c, per_chunk) for c in chunks]))
        except (OSError, RuntimeError):
            parts = [_index_chunk((str(root), rels, per_chunk))]  # no processes available: inline
    else:
        parts = [_index_chunk((str(root), rels, per_chunk))]
    entries = _keep_defined_calls([e for part, _ in parts for e in part])
    return SymbolIndex(root=str(root), files=tuple(entries)), [extra for _, extra in parts]


def build_index(root: Path, *, workers: int | None = None) -> SymbolIndex:
    """Index every Python file under ``root``."""
    return build_index_with(root, workers=workers)[0]


def _keep_defined_calls(entries: list[FileEntry]) -> list[FileEntry]:
    defined = {s.name.rpartition(".")[2] for e in entries for s in e.symbols}
    out = []
    for e in entries:
        syms = []
        changed = False
        for s in e.symbols:
            kept = tuple(filter(defined.__contains__, s.calls))
            if len(kept) != len(s.calls):
                # The constructor, not dataclasses.replace: this runs for every symbol of a big tree.
                s = Symbol(s.name, s.kind, s.path, s.start, s.end, kept, s.signature, s.text)
                changed = True
            syms.append(s)
        out.append(replace(e, symbols=tuple(syms)) if changed else e)
    return out


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def identifiers(text: str) -> list[str]:
    return _WORD.findall(text)
