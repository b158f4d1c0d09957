"""Rank files and symbols for an issue by combining clues into one linear score.

Each signal (traceback frame, name quoted in the issue, BM25 similarity, call-graph neighbour,
tests named in the issue, file kind, SBFL) becomes a feature in [0, 1]; a symbol's score is a
weighted sum of its own features and its file's, a file's score a weighted sum of file features.
The weights are learned by logistic regression on ``bench/localize`` (``run.py --fit``), not set by
hand; SBFL has a prior weight until the benchmark has failing-test cases.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import numpy as np

from swebot.errors import BadInput
from swebot.localize.index_cache import RepoIndex, load_or_build, no_gc
from swebot.localize.issue_text import IssueSignals, latin_word_count, parse_issue
from swebot.localize.retrieval import tokenize
from swebot.localize.symbols import FileEntry, Symbol, SymbolIndex

if TYPE_CHECKING:  # the semantic module is imported only when a query asks for it
    from swebot.localize.semantic import Embedder, EmbeddingCache

FILE_FEATURES = (
    "f_bm25", "f_bm25_rr", "f_frame", "f_path", "f_stem", "f_named", "f_word", "f_sym_bm25",
    "f_graph", "f_test_import", "f_noncode", "f_sbfl", "f_line", "f_msg", "f_import", "f_backtick",
    "f_size", "f_stem_word", "f_sym_rr", "f_sem", "f_title", "f_sym_title", "f_code_bm25",
)
OWN_FEATURES = (
    "bm25", "bm25_rr", "frame", "frame_any", "exact", "ident", "word", "graph", "is_class", "sbfl",
    "near_bm25", "named_test", "in_named_class", "line", "msg", "imported", "backtick", "in_function", "sem", "title",
)
SYMBOL_FEATURES = OWN_FEATURES + FILE_FEATURES

# Learned by ``python3 bench/localize/real.py --fit`` (listwise logistic regression, pulled towards the
# priors in bench/localize/run.py) on the real-issue development set: SWE-bench Verified instances
# that are not in SWE-bench Lite. Lite, the test set, never influenced them. Signals the issues never
# exercise (SBFL, a named test) keep their prior weight. The two ``f_noncode`` weights (tests, docs and
# examples) were then lowered from the fit's -2.42 / -1.95 on the development set alone (a grid, each
# half of the set gaining or unchanged: file acc@1 48.2 -> 48.6, acc@10 84.0 -> 84.8, function acc@1
# 33.8 -> 34.6, acc@10 68.2 -> 69.2): the fit's pull towards the prior held them back. An issue that
# names a test file by path still puts it first (tests/test_localize_rank.py). ``in_function`` (added
# after the fit) has its prior, 1.0; refitted with it, the fit gives 1.21 and changes the rest little.
# The semantic columns (``swebot localize --semantic`` only; zero otherwise) were set on the development
# set by bench/localize/semantic_eval.py (a grid, each half of the set gaining), not fitted: the fit's
# data has them at zero. Files get it only within semantic.FILE_MARGIN of the best file.
# The title columns (``f_title``, ``title``: BM25 with the issue's first line as the query) were added
# later: the fit on the development set gives 1.94 / 1.89 / 1.22 (file; symbol; file's, on symbols);
# rounded to 2 / 2 / 1 after a grid in which each half of the set gained.
# ``f_sym_title`` (the file's best symbol under the title's query): the fit gives 1.46; 1.0 kept (a grid gives
# about the same at 1.0 and 1.5, and at 1.5 a title naming an outer frame's function beat the innermost frame).
# ``f_code_bm25`` (BM25 of files with only the identifiers the issue writes as code for the query) was
# added after the fit: 1.0 from a grid on the development rows (0.75 to 1.25 alike; its symbol
# column and the same query over symbols gained nothing there, so they are left out).
SEM_FILE = 3.0
SEM_SYMBOL = 1.0
SEM_FILE_ON_SYMBOL = 1.0
FILE_WEIGHTS: dict[str, float] = {
    "f_bm25": 2.45, "f_bm25_rr": 1.41, "f_frame": 3.35, "f_path": 2.85, "f_stem": 0.93,
    "f_named": 1.91, "f_word": 0.44, "f_sym_bm25": 1.90, "f_graph": 0.46, "f_test_import": 1.04,
    "f_noncode": -6.00, "f_sbfl": 3.00, "f_line": 2.24, "f_msg": 2.72, "f_import": 0.81,
    "f_backtick": 0.78, "f_size": 0.77, "f_stem_word": 0.93, "f_sym_rr": 0.50, "f_sem": SEM_FILE, "f_title": 2.0, "f_sym_title": 1.0,
    "f_code_bm25": 1.0,
}
SYMBOL_WEIGHTS: dict[str, float] = {
    "bm25": 2.58, "bm25_rr": 1.36, "frame": 3.51, "frame_any": 0.43, "exact": 3.14, "ident": 1.43,
    "word": 0.53, "graph": 0.67, "is_class": -1.27, "sbfl": 3.00, "near_bm25": 1.07,
    "named_test": -2.02, "in_named_class": 1.26, "line": 2.35, "msg": 2.84, "imported": 1.23,
    "backtick": 1.04, "in_function": 1.00, "sem": SEM_SYMBOL, "f_bm25": 1.30, "f_bm25_rr": 0.54, "f_frame": 0.53, "f_path": 0.74,
    "f_stem": 0.19, "f_named": 0.09, "f_word": -0.04, "f_sym_bm25": 0.15, "f_graph": -0.04,
    "f_test_import": 0.55, "f_noncode": -5.00, "f_sbfl": 0.00, "f_line": 0.51, "f_msg": 0.90,
    "f_import": 0.12, "f_backtick": 0.24, "f_size": -0.07, "f_stem_word": 0.35, "f_sym_rr": -0.17,
    "f_sem": SEM_FILE_ON_SYMBOL, "title": 2.0, "f_title": 1.0, "f_sym_title": 0.0, "f_code_bm25": 0.0,
}

RR_DEPTH = 50  # reciprocal-rank features only for the top of a BM25 list
MAX_LINE_FILES = 20  # a quoted line or message found in more files than this says nothing
ABBREVIATED_MODULE = 0.8  # a module path whose parts are prefixes of the real ones
LOOSE_LINE = 0.6  # a line that matches only with spacing, quotes and literals aside
MESSAGE_CHARS = 40  # a matched literal this long counts fully; shorter ones are likelier chance
SYMBOLS_PER_FILE = 5
MAX_SBFL_LINES = 2000  # the tail of a spectrum ranking is noise, and each line costs a lookup


@dataclass(frozen=True)
class SymbolHit:
    name: str
    start: int
    end: int
    score: float
    evidence: tuple[str, ...]

    def to_json(self) -> dict:
        return {"name": self.name, "start": self.start, "end": self.end,
                "score": round(self.score, 4), "evidence": list(self.evidence)}


@dataclass(frozen=True)
class FileHit:
    path: str
    score: float
    evidence: tuple[str, ...]
    symbols: tuple[SymbolHit, ...]

    def to_json(self) -> dict:
        return {"path": self.path, "score": round(self.score, 4), "evidence": list(self.evidence),
                "symbols": [s.to_json() for s in self.symbols]}


@dataclass(frozen=True)
class Localization:
    files: tuple[FileHit, ...]
    ranked_symbols: tuple[tuple[str, SymbolHit], ...] = ()  # (path, symbol), best first, all files

    def to_json(self) -> dict:
        return {"files": [f.to_json() for f in self.files]}



@dataclass
class Features:
    """Per-query feature matrices, rows aligned with the index's files and symbols."""

    file_x: np.ndarray  # (n_files, len(FILE_FEATURES))
    sym_x: np.ndarray  # (n_symbols, len(SYMBOL_FEATURES))
    file_evidence: dict[int, list[str]]  # row -> evidence; rows without any are absent
    sym_evidence: dict[int, list[str]]


def _normalize(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)


def _recip_rank(scores: np.ndarray) -> np.ndarray:
    out = np.zeros_like(scores)
    if not scores.size:
        return out
    order = np.argsort(-scores, kind="stable")[:RR_DEPTH]
    for rank, i in enumerate(order):
        if scores[i] > 0:
            out[i] = 1.0 / (1.0 + rank)
    return out


def add_semantic(repo: RepoIndex, feats: "Features", issue: str, embedder: "Embedder",
                 cache: "EmbeddingCache") -> None:
    """Fill the semantic columns (``f_sem``, ``sem``) of ``feats`` for the best candidates under
    the other signals, and note it in their evidence."""
    from swebot.localize.semantic import (CANDIDATE_FILES, CANDIDATE_SYMBOLS, FILE_MARGIN, candidate_feature,
                                          score_candidates, symbol_file_rows, top_code_rows)

    files, symbols = repo.symbols.files, repo.lexical.symbol_list
    code = np.array([f.kind == "code" for f in files], dtype=bool)
    sym_file = symbol_file_rows(files, symbols)
    fs = feats.file_x @ _weights(FILE_FEATURES, FILE_WEIGHTS)
    ss = feats.sym_x @ _weights(SYMBOL_FEATURES, SYMBOL_WEIGHTS)
    file_rows = top_code_rows(fs, CANDIDATE_FILES, code)
    file_rows = [i for i in file_rows if fs[i] >= fs[file_rows[0]] - FILE_MARGIN]
    sym_rows = top_code_rows(ss, CANDIDATE_SYMBOLS, code[sym_file]) if len(symbols) else []
    scores = score_candidates(issue, files, symbols, file_rows, sym_rows, embedder, cache)
    fcol = candidate_feature(scores.files, len(files))
    scol = candidate_feature(scores.symbols, len(symbols))
    feats.file_x[:, FILE_FEATURES.index("f_sem")] = fcol
    feats.sym_x[:, SYMBOL_FEATURES.index("sem")] = scol
    feats.sym_x[:, SYMBOL_FEATURES.index("f_sem")] = fcol[sym_file] if len(symbols) else 0.0
    for rows, col, sims, evidence in ((file_rows, fcol, scores.files, feats.file_evidence),
                                      (sym_rows, scol, scores.symbols, feats.sym_evidence)):
        for i in rows:
            if col[i] >= 0.5:  # the two candidates closest in meaning
                evidence.setdefault(i, []).append(f"issue's meaning close to its names (cosine {sims[i]:.2f})")


def compute_features(
    repo: RepoIndex,
    signals: IssueSignals,
    sbfl_lines: Sequence[tuple[str, int, float]] = (),
) -> Features:
    """Every signal as a feature column, for every file and every symbol of the index."""
    with no_gc():  # the loaded index is a heap of objects the collector would walk for nothing
        return _compute_features(repo, signals, sbfl_lines)


def _compute_features(
    repo: RepoIndex,
    signals: IssueSignals,
    sbfl_lines: Sequence[tuple[str, int, float]],
) -> Features:
    b = _FeatureBuilder(repo, signals)
    b.lexical()
    b.frames()
    b.paths_and_modules()
    b.named_tests()
    b.quoted_code()
    b.messages()
    b.example_imports()
    b.identifiers()
    b.backticked()
    b.named_class_members()
    b.call_graph()
    b.nested_functions()
    b.test_imports()
    b.spectrum(sbfl_lines)
    return b.finish()


def _script_outside_repo(written: str, resolved: str) -> bool:
    """A user's own script (``/home/me/app.py``) must not match a top-level file of the same name;
    an installed top-level module (``.../site-packages/six.py``) must."""
    parts = [p for p in written.replace("\\", "/").split("/") if p]
    if "/" in resolved or len(parts) < 2 or not written.startswith("/"):
        return False
    return parts[-2] not in ("site-packages", "dist-packages")


class _FeatureBuilder:
    """Fills the feature columns one signal at a time; ``named`` records how surely the issue points
    at each symbol, which the call-graph signal spreads to neighbours."""

    def __init__(self, repo: RepoIndex, signals: IssueSignals) -> None:
        self.repo = repo
        self.sig = signals
        self.index: SymbolIndex = repo.symbols
        self.syms: list[Symbol] = repo.lexical.symbol_list
        self.files = self.index.files
        self.file_pos = {f.path: i for i, f in enumerate(self.files)}
        # Symbols come file by file, in the files' order: their rows follow from the counts alone.
        counts = [len(f.symbols) for f in self.files]
        self.sym_file = np.repeat(np.arange(len(self.files)), counts)
        self.first_sym = np.concatenate([[0], np.cumsum(counts)]).tolist()  # file -> its first row
        self._sym_pos: dict[tuple[str, str], int] | None = None
        self._file_rows: dict[int, dict[str, int]] = {}
        if len(self.sym_file) != len(self.syms):  # not in file order (an index built otherwise)
            self.sym_file = np.array([self.file_pos[s.path] for s in self.syms], dtype=int)
            self._sym_pos = dict(zip([(s.path, s.name) for s in self.syms], range(len(self.syms))))
        nf, ns = len(self.files), len(self.syms)
        self.F = {name: np.zeros(nf) for name in FILE_FEATURES}
        self.S = {name: np.zeros(ns) for name in OWN_FEATURES}
        # Row -> evidence, for the few rows that get any (a list per symbol would cost more than
        # the whole query on a big tree).
        self.f_ev: defaultdict[int, list[str]] = defaultdict(list)
        self.s_ev: defaultdict[int, list[str]] = defaultdict(list)
        self.named: dict[int, float] = {}  # symbol row -> how surely the issue points at it
        self.tests: list[Symbol] = []  # test functions/classes the issue names
        self._packages: dict[str, list[tuple[int, int]]] | None = None  # module part -> (file, index)

    def row(self, s: Symbol) -> int:
        if self._sym_pos is not None:
            return self._sym_pos[(s.path, s.name)]
        # Rows follow the files' order: the file's first row plus the symbol's place in its file,
        # looked up per file as files are met (a dict of every symbol of a big tree would cost a
        # cached query more than all its lookups). A name defined twice means its last definition.
        fi = self.file_pos[s.path]
        rows = self._file_rows.get(fi)
        if rows is None:
            rows = self._file_rows[fi] = {x.name: k for k, x in enumerate(self.files[fi].symbols)}
        return self.first_sym[fi] + rows[s.name]

    def sym_set(self, i: int, feat: str, value: float, why: str) -> None:
        if value > self.S[feat][i]:
            self.S[feat][i] = value
            self.s_ev[i].append(why)

    def file_set(self, i: int, feat: str, value: float, why: str) -> None:
        if value > self.F[feat][i]:
            self.F[feat][i] = value
            self.f_ev[i].append(why)

    def point(self, i: int, strength: float) -> None:
        self.named[i] = max(self.named.get(i, 0.0), strength)

    def lexical(self) -> None:
        """BM25 with the whole issue as the query, over files and over symbols."""
        F, S = self.F, self.S
        query = tokenize(self.sig.text)
        fb = self.repo.lexical.files.scores(query)
        sb = self.repo.lexical.symbols.scores(query)
        F["f_bm25"], F["f_bm25_rr"] = _normalize(fb), _recip_rank(fb)
        S["bm25"], S["bm25_rr"] = _normalize(sb), _recip_rank(sb)
        for i in np.argsort(-fb)[:10]:
            if fb[i] > 0:
                self.f_ev[i].append(f"lexical similarity {F['f_bm25'][i]:.2f}")
        for i in np.argsort(-sb)[:30]:
            if sb[i] > 0:
                self.s_ev[i].append(f"lexical similarity {S['bm25'][i]:.2f}")
        title = tokenize(self.sig.title)
        if title:  # the title alone: a few words that say what the issue is about
            F["f_title"] = _normalize(self.repo.lexical.files.scores(title))
            S["title"] = _normalize(self.repo.lexical.symbols.scores(title))
            for col, ev, n in ((F["f_title"], self.f_ev, 10), (S["title"], self.s_ev, 30)):
                for i in np.argsort(-col)[:n]:
                    if col[i] > 0:
                        ev[i].append(f"close to the issue's title {col[i]:.2f}")
        code = tokenize(" ".join(self.sig.code_idents))
        if code:  # the names the issue writes as code, without the prose around them
            F["f_code_bm25"] = _normalize(self.repo.lexical.files.scores(code))
            for i in np.argsort(-F["f_code_bm25"])[:10]:
                if F["f_code_bm25"][i] > 0:
                    self.f_ev[i].append(f"close to the names the issue writes as code {F['f_code_bm25'][i]:.2f}")
        if self.syms:
            np.maximum.at(F["f_sym_bm25"], self.sym_file, S["bm25"])
            np.maximum.at(F["f_sym_title"], self.sym_file, S["title"])
            _near_bm25(self.index, self.syms, self.row, S["bm25"], S["near_bm25"])

    def frames(self) -> None:
        """Traceback frames inside the repository: the innermost weighs 1, outer ones less."""
        resolved: list[tuple[str, int, str]] = []
        for fr in self.sig.frames:
            path = self.index.resolve_path(fr.path)
            if path is not None and not _script_outside_repo(fr.path, path):
                resolved.append((path, fr.line, fr.function))
        for depth, (path, line, func) in enumerate(reversed(resolved)):
            w = 1.0 / (1.0 + depth)
            fi = self.file_pos[path]
            self.file_set(fi, "f_frame", w, f"traceback frame: {path}:{line}" + (f" in {func}" if func else ""))
            sym = self.index.enclosing(path, line)
            if func and (sym is None or sym.simple_name != func):
                # Line numbers drift between versions; trust the function name when they disagree.
                by_name = [s for s in self.files[fi].symbols if s.simple_name == func]
                sym = by_name[0] if by_name else sym
            if sym is not None:
                si = self.row(sym)
                self.sym_set(si, "frame", w, f"traceback frame: {path}:{line} in {func or sym.simple_name}")
                self.S["frame_any"][si] = 1.0  # depth-free: the fit decides how much inner beats outer
                self.point(si, w)

    def paths_and_modules(self) -> None:
        """File paths, dotted module/qualified names and bare module names quoted in the issue."""
        index, files = self.index, self.files
        prose = set(self.sig.prose_dotted)
        for p in self.sig.paths:
            path = index.resolve_path(p)
            if path is not None:
                self.file_set(self.file_pos[path], "f_path", 1.0, f"path named in issue: {p}")
        for dotted in self.sig.dotted:
            parts = dotted.split(".")
            matched = False
            for k in range(len(parts), 0, -1):
                mod_path = index.resolve_module(".".join(parts[:k]))
                if mod_path is None:
                    continue
                rest = ".".join(parts[k:])
                fi = self.file_pos[mod_path]
                if not rest:
                    # A module the example only imports from is not named as a place to look: it
                    # is the example_imports signal's (on the development set, giving it half a
                    # path's weight here too lost 0.2 to 0.3 points of file acc@1/5).
                    if dotted in prose:
                        self.file_set(fi, "f_path", 1.0, f"module named in issue: {dotted}")
                    matched = True
                    break
                for s in files[fi].symbols:
                    if s.name == rest or s.name.endswith("." + rest):
                        self.sym_set(self.row(s), "exact", 1.0, f"qualified name in issue: {dotted}")
                        self.point(self.row(s), 1.0)
                        matched = True
                if matched:
                    break
            if not matched and len(parts) >= 3:
                matched = self._abbreviated_module(dotted, parts)
            if not matched and len(parts) >= 2:
                # "Class.method" without a module: match qualified-name suffixes anywhere.
                tail = ".".join(parts[-2:])
                cands = [s for s in index.by_simple_name.get(parts[-1], []) if s.name.endswith(tail)]
                for s in cands[:5]:
                    self.sym_set(self.row(s), "exact", 1.0 / math.sqrt(len(cands)), f"qualified name in issue: {dotted}")
                    self.point(self.row(s), 0.8)
        # A module's bare name in code (`extensions=['toc']`) points at it, less surely than a
        # path: stems like "utils" recur across packages.
        by_stem: dict[str, list[int]] = {}
        for i, f in enumerate(files):
            stem = f.path.rsplit("/", 1)[-1][:-3]
            if stem == "__init__" and "/" in f.path:
                stem = f.path.rsplit("/", 2)[-2]
            by_stem.setdefault(stem.lstrip("_"), []).append(i)
        for ident in self.sig.code_idents:
            hits = by_stem.get(ident.lstrip("_"), [])
            for i in hits:
                self.file_set(i, "f_stem", 1.0 / math.sqrt(len(hits)), f"module name in issue: {ident}")
        # A plain word that names a module ("the autodetector", "widgets") is a weaker hint.
        idents = set(self.sig.code_idents)
        for word in {w.lower() for w in self.sig.words if len(w) >= 5 and w not in idents}:
            hits = by_stem.get(word, [])
            for i in hits:
                self.file_set(i, "f_stem_word", 1.0 / math.sqrt(len(hits)), f"word in issue names the module: {word}")

    def _abbreviated_module(self, dotted: str, parts: list[str]) -> bool:
        """A module path written from memory (``django.db.backends.postgres.client`` for
        ``...postgresql.client``): every part the prefix of the real one, the first exact."""
        if self._packages is None:
            self._packages = {}
            for i, f in enumerate(self.files):
                mod = f.module.removesuffix(".__init__").split(".")
                for start in range(len(mod)):  # src/pkg/...: the package need not be the top
                    self._packages.setdefault(mod[start], []).append((i, start))
        for k in range(len(parts), 2, -1):
            want = parts[:k]
            hits = []
            for i, start in self._packages.get(want[0], []):
                mod = self.files[i].module.removesuffix(".__init__").split(".")[start:]
                if len(mod) == k and all(m.startswith(w) for m, w in zip(mod, want)):
                    hits.append(i)
            if 0 < len(hits) <= 3:
                for i in hits:
                    self.file_set(i, "f_path", ABBREVIATED_MODULE / math.sqrt(len(hits)),
                                  f"module named in issue (abbreviated): {dotted}")
                return True
        return False

    def named_tests(self) -> None:
        """Tests the issue names are evidence about the code they exercise, not about themselves."""
        files = self.files
        for tpath, qual in self.sig.test_ids:
            resolved = self.index.resolve_path(tpath)
            if resolved is not None:
                # A node id names a test (or a whole test class: then each of its tests).
                self.tests += [t for t in files[self.file_pos[resolved]].symbols
                               if t.name == qual or t.name.startswith(qual + ".")]
        if not self.tests:
            for tname in self.sig.test_names:
                self.tests += self.index.by_simple_name.get(tname, [])[:5]
        self.tests = [t for t in self.tests if files[self.file_pos[t.path]].kind == "test"]
        for t in self.tests:
            ti = self.row(t)
            self.point(ti, 1.0)
            # The test that shows the bug is rarely where it lives: a feature of its own, so the
            # learned weight can push it below the code it exercises.
            self.sym_set(ti, "named_test", 1.0, "test named in issue")
            if t.kind == "class":  # a test class has no calls of its own; its test methods do
                for m in files[self.file_pos[t.path]].symbols:
                    if m.name.startswith(t.name + "."):
                        self.point(self.row(m), 1.0)

    def identifiers(self) -> None:
        """Code-looking identifiers count fully; plain words that happen to name a symbol weakly."""
        skip = set(self.sig.test_names)
        hit: set[str] = set()
        for ident in self.sig.code_idents:
            cands = self.index.by_simple_name.get(ident, [])
            if ident in skip or not cands or len(cands) > 50:
                continue
            hit.add(ident)
            v = 1.0 / math.sqrt(len(cands))
            for s in cands:
                self.sym_set(self.row(s), "ident", v, f"identifier in issue: {ident}")
                self.point(self.row(s), v)
        for word in self.sig.words:
            cands = self.index.by_simple_name.get(word, [])
            if word in hit or word in skip or not cands or len(cands) > 20:
                continue
            v = 1.0 / math.sqrt(len(cands))
            for s in cands:
                self.sym_set(self.row(s), "word", v, f"word in issue names it: {word}")

    def backticked(self) -> None:
        """Names the prose puts in backticks: singled out on purpose, unlike names in pasted code."""
        for ident in self.sig.backticks:
            cands = self.index.by_simple_name.get(ident, [])
            if not cands or len(cands) > 30:
                continue
            v = 1.0 / math.sqrt(len(cands))
            for s in cands:
                self.sym_set(self.row(s), "backtick", v, f"in backticks in the issue: {ident}")

    def named_class_members(self) -> None:
        """A class named in the issue lends that to its methods: the fault is usually in one."""
        S = self.S
        for si in np.nonzero(np.maximum(S["exact"], S["ident"]))[0]:
            cls_sym = self.syms[si]
            if cls_sym.kind != "class":
                continue
            v = max(S["exact"][si], S["ident"][si])
            for m in self.files[self.file_pos[cls_sym.path]].symbols:
                if m.kind == "method" and m.name.startswith(cls_sym.name + "."):
                    self.sym_set(self.row(m), "in_named_class", v, f"method of {cls_sym.name} (named in issue)")

    def call_graph(self) -> None:
        """Definitions the pointed-at symbols call, and those that call them."""
        index = self.index
        for si, strength in sorted(self.named.items(), key=lambda kv: -kv[1])[:20]:
            s = self.syms[si]
            for callee in s.calls:
                cands = index.by_simple_name.get(callee, [])
                if 0 < len(cands) <= 3:
                    for c in cands:
                        self.sym_set(self.row(c), "graph", strength / len(cands), f"called by {s.name}")
            callers = index.callers.get(s.simple_name, [])
            if len(index.by_simple_name.get(s.simple_name, [])) <= 3 and len(callers) <= 30:
                for c in callers:
                    self.sym_set(self.row(c), "graph", 0.5 * strength, f"calls {s.name}")

    def nested_functions(self) -> None:
        """Functions defined inside a function the issue points at, or that reads like it: the
        outer one collects the clues (its name, its words), the change is often in the inner one."""
        S = self.S
        bm25 = S["bm25"]
        parents = {int(i): float(bm25[i]) for i in np.argsort(-bm25)[:NEAR_DEPTH] if bm25[i] > 0}
        for si, strength in self.named.items():
            parents[si] = max(parents.get(si, 0.0), strength)
        for si, strength in parents.items():
            outer = self.syms[si]
            if outer.kind == "class":
                continue
            prefix = outer.name + "."
            for inner in self.files[self.file_pos[outer.path]].symbols:
                if inner.kind == "function" and inner.name.startswith(prefix) and "." not in inner.name[len(prefix):]:
                    self.sym_set(self.row(inner), "in_function", strength, f"defined in {outer.name}")

    def test_imports(self) -> None:
        """Named tests, and test files named by path, point at the code modules they import."""
        sources = [(t.path, f"test {t.simple_name}", 1.0) for t in self.tests]
        for p in self.sig.paths:
            path = self.index.resolve_path(p)
            if path is not None and self.files[self.file_pos[path]].kind == "test":
                sources.append((path, f"test file {path}", 0.7))
        for path, why, strength in sources:
            for imp in self.files[self.file_pos[path]].imports:
                mod = self.index.resolve_module(imp)
                if mod is not None and self.files[self.file_pos[mod]].kind == "code":
                    self.file_set(self.file_pos[mod], "f_test_import", strength, f"imported by {why}")

    def quoted_code(self) -> None:
        """Lines the issue quotes (its example, a suspect line, a traceback's source lines) found in
        the code, exactly or with spacing, quotes and literal values aside; rarer lines weigh more."""
        code = self.repo.lexical.code
        if code is None:
            return
        f_acc = np.zeros(len(self.files))
        s_acc: dict[int, float] = {}
        for text in self.sig.quoted_lines:
            hits, exact = code.find_line(text)
            if not len(hits):
                continue
            n_files = len(np.unique(hits[:, 0]))
            if n_files > MAX_LINE_FILES:
                continue
            w = (1.0 if exact else LOOSE_LINE) / math.sqrt(n_files)
            for fid in np.unique(hits[:, 0]):
                f_acc[fid] += w
            for fid, line in hits[:MAX_LINE_FILES * 2]:
                path = self.files[int(fid)].path
                sym = self.index.enclosing(path, int(line))
                if sym is not None:
                    si = self.row(sym)
                    s_acc[si] = s_acc.get(si, 0.0) + w
                    if len(self.s_ev[si]) < 8:
                        self.s_ev[si].append(f"quotes line {line}: {text[:60]}")
        for fid in np.nonzero(f_acc)[0]:
            self.file_set(int(fid), "f_line", 1.0 - math.exp(-f_acc[fid]), "code quoted in issue found here")
        for si, v in s_acc.items():
            self.S["line"][si] = 1.0 - math.exp(-v)
            self.point(si, self.S["line"][si])

    def messages(self) -> None:
        """Error messages and warnings in the issue matched to the string literals that make them."""
        code = self.repo.lexical.code
        if code is None:
            return
        found = code.find_literals(self.sig.text)
        spread: dict[str, set[int]] = {}
        for fid, _, lit in found:
            spread.setdefault(lit, set()).add(fid)
        for fid, line, lit in found:
            n = len(spread[lit])
            if n > MAX_LINE_FILES:
                continue
            w = min(1.0, len(lit) / MESSAGE_CHARS) / math.sqrt(n)
            path = self.files[fid].path
            self.file_set(fid, "f_msg", w, f"message in issue made here (line {line}): {lit[:50]}")
            sym = self.index.enclosing(path, line)
            if sym is not None:
                si = self.row(sym)
                self.sym_set(si, "msg", w, f"message in issue made here: {lit[:50]}")
                self.point(si, w)

    def _own_module(self, dotted: str) -> str | None:
        """The file of a module of this repository (not a same-named module of another package)."""
        path = self.index.resolve_module(dotted)
        if path is None:
            return None
        module = self.files[self.file_pos[path]].module
        for prefix in ("src.", "lib."):
            module = module.removeprefix(prefix)
        return path if module == dotted or module.startswith(dotted + ".") else None

    def _defined_under(self, mod_path: str, name: str) -> list[Symbol]:
        """Top-level definitions of ``name`` in a module, or in its package when the module only
        re-exports it (``from django.db.models import Q`` is defined in ``query_utils``)."""
        cands = [s for s in self.index.by_simple_name.get(name, []) if s.name == name]
        own = [s for s in cands if s.path == mod_path]
        if own:
            return own
        pkg = mod_path.rsplit("/", 1)[0] + "/" if "/" in mod_path else ""
        return [s for s in cands if s.path.startswith(pkg)]

    def example_imports(self) -> None:
        """The modules the issue's example imports, and the files that define what it imports."""
        targets: list[tuple[str, str]] = []  # (module file, imported name or "")
        for module, names in self.sig.imports:
            mod_path = self._own_module(module)
            if mod_path is None:
                continue
            self.file_set(self.file_pos[mod_path], "f_import", 0.5, f"imported by the issue's example: {module}")
            targets += [(mod_path, n) for n in names]
        for dotted in self.sig.dotted:  # pkg.module.Name written in prose
            parts = dotted.split(".")
            for k in range(len(parts) - 1, 0, -1):
                mod_path = self._own_module(".".join(parts[:k]))
                if mod_path is not None:
                    targets.append((mod_path, parts[k]))
                    break
        for mod_path, name in dict.fromkeys(targets):
            defs = self._defined_under(mod_path, name)
            if not defs or len(defs) > 5:
                continue
            v = 1.0 / math.sqrt(len(defs))
            for d in defs:
                si = self.row(d)
                self.sym_set(si, "imported", v, f"imported by the issue: {name}")
                self.file_set(self.file_pos[d.path], "f_import", v, f"defines {name} (imported by the issue)")
                self.point(si, v)

    def spectrum(self, sbfl_lines: Sequence[tuple[str, int, float]]) -> None:
        """SBFL line scores, mapped to their files and to the symbols enclosing the lines."""
        if not sbfl_lines:
            return
        top = max(score for _, _, score in sbfl_lines) or 1.0
        for path, line, score in list(sbfl_lines)[:MAX_SBFL_LINES]:
            p = path if path in self.file_pos else self.index.resolve_path(path)
            if p is None or score <= 0:
                continue
            v = score / top
            self.file_set(self.file_pos[p], "f_sbfl", v, f"covered by failing tests (SBFL {v:.2f}, line {line})")
            sym = self.index.enclosing(p, line)
            if sym is not None:
                self.sym_set(self.row(sym), "sbfl", v, f"failing tests cover line {line} (SBFL {v:.2f})")

    def finish(self) -> Features:
        """Aggregate symbol clues to files and stack the columns.

        Tests, docs and examples carry a penalty; an issue about one of them names it (a path, a
        test name), and that evidence outweighs the penalty."""
        F, S, syms, sym_file = self.F, self.S, self.syms, self.sym_file
        for i, f in enumerate(self.files):
            if f.kind != "code":
                F["f_noncode"][i] = 1.0
        for i in _script_rows(self.files):
            F["f_noncode"][i] = 1.0
            self.f_ev[i].append("a script outside the packages")
        # Big modules are where most issues land; the fit decides how much that prior is worth.
        sizes = np.array([math.log1p(len(f.symbols)) for f in self.files])
        F["f_size"] = _normalize(sizes)
        if syms:
            named = np.maximum(np.maximum(S["exact"], S["ident"]), S["frame"])
            np.maximum.at(F["f_named"], sym_file, named)
            np.maximum.at(F["f_word"], sym_file, S["word"])
            np.maximum.at(F["f_graph"], sym_file, S["graph"])
            np.maximum.at(F["f_backtick"], sym_file, S["backtick"])
            S["is_class"] = np.array([1.0 if s.kind == "class" else 0.0 for s in syms])
            for i in map(int, np.nonzero(named)[0]):
                fi = int(sym_file[i])
                why = f"defines {syms[i].name} (named in issue)"
                if why not in self.f_ev[fi] and len(self.f_ev[fi]) < 8:
                    self.f_ev[fi].append(why)
        if syms:
            # How high the file's best symbol ranks on its own clues: a file holding the function the
            # issue is most surely about should not lose to one that is merely similar in words.
            own = np.stack([S[n] for n in OWN_FEATURES], axis=1) @ _weights(OWN_FEATURES, SYMBOL_WEIGHTS)
            best = np.full(len(self.files), -np.inf)
            np.maximum.at(best, sym_file, own)
            F["f_sym_rr"] = _recip_rank(np.where(np.isfinite(best), best - best[np.isfinite(best)].min() + 1e-9, 0.0))
        nf, ns = len(self.files), len(syms)
        file_x = np.stack([F[n] for n in FILE_FEATURES], axis=1) if nf else np.zeros((0, len(FILE_FEATURES)))
        columns = [S[n] for n in OWN_FEATURES] + [F[n][sym_file] for n in FILE_FEATURES]
        sym_x = np.stack(columns, axis=1) if ns else np.zeros((0, len(SYMBOL_FEATURES)))
        return Features(file_x, sym_x, self.f_ev, self.s_ev)


def _script_rows(files: Sequence[FileEntry]) -> list[int]:
    """Files under a top-level directory that holds no package (``release/fabfile.py``,
    ``scripts/``, ``tools/``): release and maintenance scripts, where an issue is rarely about.
    A tree without any package has no such distinction."""
    package_tops = {f.path.split("/", 1)[0] for f in files if f.path.endswith("/__init__.py")}
    if not package_tops:
        return []
    return [i for i, f in enumerate(files)
            if f.kind == "code" and "/" in f.path and f.path.split("/", 1)[0] not in package_tops]


NEAR_DEPTH = 50  # only the lexically best symbols lend their score to their neighbours


def _near_bm25(
    index: SymbolIndex, syms: list[Symbol], row: Callable[[Symbol], int],
    bm25: np.ndarray, out: np.ndarray,
) -> None:
    """Half of the lexical score of the best symbols goes to what they call and what calls them:
    a bug in a helper often shows through the words of the function that uses it."""
    for i in np.argsort(-bm25)[:NEAR_DEPTH]:
        if bm25[i] <= 0:
            break
        s = syms[i]
        near: list[Symbol] = []
        for callee in s.calls:
            cands = index.by_simple_name.get(callee, [])
            if len(cands) <= 3:
                near.extend(cands)
        if len(index.by_simple_name.get(s.simple_name, [])) <= 3:
            near.extend(index.callers.get(s.simple_name, [])[:30])
        for c in near:
            j = row(c)
            if j != i:
                out[j] = max(out[j], 0.5 * bm25[i])


CLASS_CAP_DEPTH = 100  # only the best symbols: a class further down is not shown, nor measured


def below_best_method(files: Sequence[FileEntry], syms: Sequence[Symbol], scores: np.ndarray) -> np.ndarray:
    """Symbol scores with each class among the best ranked just below its best method: naming a
    class lends its methods the evidence (``in_named_class``), and the change is in one of them
    unless a line outside the methods changes; a lower class weight instead sank those classes too."""
    counts = [len(f.symbols) for f in files]
    if not len(scores) or sum(counts) != len(syms):
        return scores
    out = scores.copy()
    starts = np.concatenate([[0], np.cumsum(counts)])
    sym_file = np.repeat(np.arange(len(files)), counts)
    depth = min(CLASS_CAP_DEPTH, len(scores))
    for i in np.argpartition(-scores, depth - 1)[:depth].tolist():
        cls = syms[i]
        if cls.kind != "class":
            continue
        lo, hi = int(starts[sym_file[i]]), int(starts[sym_file[i] + 1])
        members = [j for j in range(lo, hi) if syms[j].kind == "method" and syms[j].name.startswith(cls.name + ".")]
        if members:
            out[i] = min(out[i], float(scores[members].max()) - 1e-6)
    return out


def _weights(names: Sequence[str], weights: Mapping[str, float]) -> np.ndarray:
    return np.array([weights.get(n, 0.0) for n in names])


def rank_features(
    repo: RepoIndex,
    feats: Features,
    *,
    top: int = 10,
    file_weights: Mapping[str, float] = FILE_WEIGHTS,
    symbol_weights: Mapping[str, float] = SYMBOL_WEIGHTS,
    symbols_per_file: int = SYMBOLS_PER_FILE,
) -> Localization:
    files = repo.symbols.files
    syms = repo.lexical.symbol_list
    fs = feats.file_x @ _weights(FILE_FEATURES, file_weights) if len(files) else np.zeros(0)
    ss = feats.sym_x @ _weights(SYMBOL_FEATURES, symbol_weights) if syms else np.zeros(0)
    ss = below_best_method(files, syms, ss)
    sym_order = np.argsort(-ss, kind="stable")
    top_files = np.argsort(-fs, kind="stable")[:top]
    wanted = {files[fi].path for fi in top_files}
    by_file: dict[str, list[int]] = {}
    # Only the shown files' symbols: a big tree has tens of thousands, and looking at each costs a
    # cached query more than the rest of the ranking. Rows in file order make each file one slice.
    counts = [len(f.symbols) for f in files]
    if sum(counts) == len(syms):
        starts = np.concatenate([[0], np.cumsum(counts)])
        shown = np.concatenate([np.arange(starts[fi], starts[fi + 1]) for fi in top_files] or [np.zeros(0)])
    else:
        shown = np.array([i for i, s in enumerate(syms) if s.path in wanted])
    picked = np.sort(shown.astype(int))  # ascending, so that ties keep the order of a stable sort of all
    for i in picked[np.argsort(-ss[picked], kind="stable")].tolist():
        by_file.setdefault(syms[i].path, []).append(i)

    def hit(i: int) -> SymbolHit:
        s = syms[i]
        return SymbolHit(s.name, s.start, s.end, float(ss[i]), tuple(dict.fromkeys(feats.sym_evidence.get(i, ())))[:6])

    out: list[FileHit] = []
    for fi in top_files:
        f = files[fi]
        sym_hits = tuple(hit(i) for i in by_file.get(f.path, [])[:symbols_per_file])
        ev = tuple(dict.fromkeys(feats.file_evidence.get(fi, ())))[:8]
        if f.kind != "code":
            ev += (f"{f.kind} file",)
        out.append(FileHit(f.path, float(fs[fi]), ev, sym_hits))
    flat = tuple((syms[i].path, hit(int(i))) for i in sym_order[: max(top, 20)])
    return Localization(files=tuple(out), ranked_symbols=flat)


def check_issue(issue: str) -> IssueSignals:
    """Parse the issue, refusing text that gives nothing to match against code."""
    if not issue or not issue.strip():
        raise BadInput("the issue text is empty", hint="pass --issue TEXT or --issue @FILE")
    signals = parse_issue(issue)
    if latin_word_count(issue) == 0 and not signals.has_clues:
        raise BadInput(
            "the issue has no words or code identifiers swebot can match against the code",
            hint="swebot localize reads English prose, tracebacks and identifiers; "
            "add the error message, a traceback or the names of the functions involved",
        )
    if not tokenize(issue) and not signals.has_clues:
        raise BadInput("the issue has only common words; name the behaviour, function or error it is about")
    return signals


def sbfl_signal(root: Path, test_command: str, *, timeout: float = 300.0) -> list[tuple[str, int, float]]:
    """Run the test command with per-test coverage on a private copy and rank lines (Ochiai).

    A copy, because the runner writes its plugin and results under the tree it runs in, and
    localization must leave the user's tree as it found it.
    """
    import tempfile

    from swebot.localize.sbfl import rank_report
    from swebot.sandbox.local import LocalSandbox
    from swebot.testing import TestRunner

    with tempfile.TemporaryDirectory(prefix="swebot-localize-") as tmp:
        sandbox = LocalSandbox(Path(tmp))
        try:
            sandbox.copy_in(root.resolve())
            report, coverage = TestRunner(sandbox, test_command, timeout=timeout).run_with_coverage()
        finally:
            sandbox.close()
    if not report.failing:
        raise BadInput(
            f"no test fails under {test_command!r}: spectrum ranking needs a failing test",
            hint="drop --test to rank from the issue text alone",
        )
    return [(ln.path, ln.line, ln.score) for ln in rank_report(report, coverage)]


def localize(root: Path, issue: str, *, test_command: str | None = None, top: int = 10,
             embedder: Embedder | None = None) -> Localization:
    """Ranked files and symbols of ``root`` that ``issue`` (prose, tracebacks...) is most likely about.

    With an ``embedder`` (opt-in: a local sentence-embedding model), the best candidates are also
    ranked by how close the issue's meaning is to their names; their embeddings are cached."""
    root = Path(root)
    if not root.is_dir():
        raise BadInput(f"{root} is not a directory")
    if top < 1:
        raise BadInput("--top must be at least 1")
    # With failing tests, the issue may be left out: the spectrum alone still ranks.
    signals = parse_issue(issue or "") if test_command and not (issue or "").strip() else check_issue(issue)
    repo = load_or_build(root)
    if not repo.symbols.files:
        raise BadInput(f"no Python files under {root}", hint="swebot localize indexes *.py files")
    sbfl = sbfl_signal(root, test_command) if test_command else []
    feats = compute_features(repo, signals, sbfl)
    if embedder is not None and (issue or "").strip():
        from swebot.localize.semantic import EmbeddingCache, cache_path

        cache = EmbeddingCache.open(cache_path(embedder))
        add_semantic(repo, feats, issue, embedder, cache)
        cache.save()
    return rank_features(repo, feats, top=top)
