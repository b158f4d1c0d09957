"""Cache of the symbol and lexical indexes, keyed by the exact state of the tree.

Key: git HEAD plus a hash of the dirty files' contents in a git work tree; otherwise a hash of
every Python file's path, size and change time. A stale or unreadable entry is rebuilt, never trusted.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

from swebot.errors import EnvironmentProblem
from swebot.localize.retrieval import LexicalIndex, build_indexes
from swebot.localize.symbols import SKIP_DIRS, Symbol, SymbolIndex, python_file_entries

FORMAT_VERSION = "7"  # bump when SymbolIndex/LexicalIndex change shape
KEEP_PER_ROOT = 3  # older entries for the same tree are pruned


@dataclass
class RepoIndex:
    symbols: SymbolIndex
    lexical: LexicalIndex
    key: str
    from_cache: bool = False


def cache_dir() -> Path:
    env = os.environ.get("SWEBOT_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "swebot" / "index"


def _in_git_work_tree(root: Path) -> bool:
    """Whether git could see ``root`` as part of a work tree: a ``.git`` here or above, or git's own
    variables set. Saves a plain tree starting git (and importing its runner) on every query."""
    if os.environ.get("GIT_DIR") or os.environ.get("GIT_WORK_TREE"):
        return True
    return any(os.path.lexists(os.path.join(d, ".git")) for d in (root, *root.parents))


def _git(root: Path, *args: str) -> bytes | None:
    """git's stdout as bytes (paths as git stores them), or None: the cache then just misses."""
    from swebot import vcs  # only for git trees: importing git's runner costs a cached query 50 ms

    try:
        proc = vcs.run(root, *args, timeout=30, text=False)
    except EnvironmentProblem:
        return None
    return proc.stdout if proc.returncode == 0 else None


def _hash_file(h: "hashlib.blake2b", path: Path) -> None:
    try:
        h.update(path.read_bytes())
    except OSError:
        h.update(b"\x00missing")


def tree_key(root: Path) -> str:
    """A digest that changes whenever any Python file under ``root`` could have changed."""
    root = Path(root).resolve()
    h = hashlib.blake2b(digest_size=16)
    h.update(FORMAT_VERSION.encode())
    head = _git(root, "rev-parse", "HEAD") if _in_git_work_tree(root) else None
    status = _git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", ".") if head else None
    top = _git(root, "rev-parse", "--show-toplevel") if head else None
    if head is not None and status is not None and top is not None:
        h.update(b"git:" + head.strip() + b"\x00" + str(root).encode())
        toplevel = Path(top.decode().strip())
        for item in status.split(b"\x00"):
            if len(item) < 4:
                continue  # rename sources come as bare paths; their targets are listed too
            rel = item[3:].decode("utf-8", "replace")
            h.update(item)
            _hash_file(h, toplevel / rel)
        # git status does not see ignored files, yet the index reads the Python ones among them
        ignored = _git(root, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory")
        if ignored is not None:
            _hash_ignored(h, root, ignored)
            return h.hexdigest()
    # Not a git work tree: each file's size and change time stand for its content. Any write moves
    # ctime (no user-level tool can set it back), and reading every file would cost more than the
    # rest of a cached query.
    h.update(b"stat:" + str(root).encode())
    _hash_stats(h, python_file_entries(root))
    return h.hexdigest()


def _hash_stat(h: "hashlib.blake2b", rel: str, stat: Callable[[], os.stat_result]) -> None:
    try:
        st = stat()
        key = f"{rel}\x00{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}\x00"
    except OSError:
        key = f"{rel}\x00missing\x00"
    h.update(key.encode("utf-8", "surrogateescape"))


def _hash_stats(h: "hashlib.blake2b", entries: list[tuple[str, os.DirEntry[str]]], prefix: str = "") -> None:
    for rel, entry in entries:
        _hash_stat(h, prefix + rel, entry.stat)


def _hash_ignored(h: "hashlib.blake2b", root: Path, listed: bytes) -> None:
    """Stat keys of the Python files the index reads under the ignored paths git listed (relative to
    ``root``; a wholly ignored folder comes as one entry ending in ``/``)."""
    for item in listed.split(b"\x00"):
        rel = item.decode("utf-8", "surrogateescape")
        if rel.endswith("/"):
            parts = rel.rstrip("/").split("/")
            if not any(p in SKIP_DIRS or p.endswith(".egg-info") for p in parts):  # the index skips those
                _hash_stats(h, python_file_entries(root / rel), prefix=rel)
        elif rel.endswith(".py"):
            _hash_stat(h, rel, (root / rel).lstat)


def _entry_path(root: Path, key: str) -> Path:
    tag = hashlib.blake2b(str(root).encode(), digest_size=8).hexdigest()
    return cache_dir() / f"{tag}-{key}.pkl"


def _prune(root: Path, keep: Path) -> None:
    tag = keep.name.split("-", 1)[0]
    entries = sorted(keep.parent.glob(f"{tag}-*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP_PER_ROOT:]:
        try:
            old.unlink()
        except OSError:
            pass


def _without_text(symbols: SymbolIndex, lexical: LexicalIndex) -> tuple[SymbolIndex, LexicalIndex]:
    """Drop the source text once BM25 has it: queries never read it, and it is most of the
    cache's size and so of its load time."""
    if not any(f.text or f.line_keys or f.literals or any(s.text for s in f.symbols) for f in symbols.files):
        return symbols, lexical  # built slim (``build_indexes`` drops them in its workers)
    files = []
    slim: dict[tuple[str, str], Symbol] = {}
    for f in symbols.files:
        syms = tuple(replace(s, text="") for s in f.symbols)
        slim.update(((s.path, s.name), s) for s in syms)
        files.append(replace(f, text="", symbols=syms, line_keys=(), literals=()))
    lexical.symbol_list = [slim[(s.path, s.name)] for s in lexical.symbol_list]
    return SymbolIndex(root=symbols.root, files=tuple(files)), lexical


@contextmanager
def no_gc() -> Iterator[None]:
    """Unpickling or building an index makes hundreds of thousands of objects that all stay alive;
    the cyclic collector would walk them over and over (half the load time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_or_build(root: Path, *, use_cache: bool = True) -> RepoIndex:
    """The indexes for ``root``: from the cache when the tree is unchanged, else built and stored."""
    root = Path(root).resolve()
    key = tree_key(root)
    path = _entry_path(root, key)
    if use_cache and path.is_file():
        try:
            with path.open("rb") as fh, no_gc():
                symbols, lexical = pickle.load(fh)
            if isinstance(symbols, SymbolIndex) and isinstance(lexical, LexicalIndex):
                return RepoIndex(symbols, lexical, key, from_cache=True)
        except Exception:  # noqa: BLE001 - any corrupt/old pickle means "rebuild"
            pass
    with no_gc():
        symbols, lexical = build_indexes(root)
    symbols, lexical = _without_text(symbols, lexical)
    if use_cache:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((symbols, lexical), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            _prune(root, path)
        except OSError:
            pass  # an unwritable cache only costs speed
    return RepoIndex(symbols, lexical, key, from_cache=False)
