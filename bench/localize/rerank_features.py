"""Features of a re-ranker over the linear ranking's top rows (issue 13, session 8 experiment).

Per instance, the linear model's best files and symbols get, beside their feature columns, what a
linear score cannot say: where the row stands in this instance's list (its linear score, rank, gap
to the best), each column relative to the instance's best value, and the row's shape (file size,
symbol count, path depth, symbol length, its file's rank). Nothing names the repository.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from swebot.localize import rank
from swebot.localize.symbols import FileEntry, Symbol

RANK_CAP = 1000  # ranks past this say only "far down"

FILE_EXTRA = (
    "lin", "lin_rank", "lin_gap", "lin_gap_next", "n_symbols", "n_lines", "depth", "is_init",
    "best_sym_rank", "syms_in_top50",
)
SYMBOL_EXTRA = (
    "lin", "lin_rank", "lin_gap", "lin_gap_next", "length", "name_depth", "is_method", "is_function",
    "file_rank", "file_gap", "rank_in_file", "file_n_symbols", "file_syms_in_top",
)
FILE_RELATIVE = rank.FILE_FEATURES
SYMBOL_RELATIVE = rank.OWN_FEATURES
FILE_NAMES = rank.FILE_FEATURES + FILE_EXTRA + tuple(f"rel_{n}" for n in FILE_RELATIVE)
SYMBOL_NAMES = rank.SYMBOL_FEATURES + SYMBOL_EXTRA + tuple(f"rel_{n}" for n in SYMBOL_RELATIVE)


def top_order(scores: np.ndarray, keep: int) -> np.ndarray:
    """The ``keep`` best rows, best first, ties in row order (as the linear ranking orders them)."""
    return np.argsort(-scores, kind="stable")[:keep]


def _ranks(scores: np.ndarray) -> np.ndarray:
    out = np.empty(len(scores), dtype=float)
    out[np.argsort(-scores, kind="stable")] = np.arange(len(scores))
    return np.minimum(out, RANK_CAP)


def _relative(x: np.ndarray) -> np.ndarray:
    top = x.max(axis=0) if len(x) else np.zeros(x.shape[1])
    return np.divide(x, top, out=np.zeros_like(x), where=top > 0)


def _position(scores: np.ndarray) -> np.ndarray:
    """Linear score, rank, gap to the best and to the row below, for rows already in linear order."""
    nxt = np.append(scores[1:], scores[-1:]) if len(scores) else scores
    return np.column_stack([scores, np.arange(len(scores), dtype=float), scores[0] - scores if len(scores) else scores,
                            scores - nxt])


def symbol_files(files: Sequence[FileEntry], syms: Sequence[Symbol]) -> np.ndarray:
    """The file row of each symbol row."""
    counts = [len(f.symbols) for f in files]
    if sum(counts) == len(syms):
        return np.repeat(np.arange(len(files)), counts)
    pos = {f.path: i for i, f in enumerate(files)}
    return np.array([pos[s.path] for s in syms], dtype=int)


def file_rows(files: Sequence[FileEntry], syms: Sequence[Symbol], file_x: np.ndarray, fs: np.ndarray,
              ss: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Re-ranker features of the file rows ``rows`` (in linear order)."""
    sym_file = symbol_files(files, syms)
    best_sym = np.full(len(files), float(RANK_CAP))
    in_top = np.zeros(len(files))
    if len(syms):
        order = np.argsort(-ss, kind="stable")
        for r, i in enumerate(order[:RANK_CAP].tolist()):
            fi = sym_file[i]
            best_sym[fi] = min(best_sym[fi], r)
            if r < 50:
                in_top[fi] += 1
    shape = np.array([[len(files[i].symbols), max((s.end for s in files[i].symbols), default=0),
                       files[i].path.count("/"), files[i].path.endswith("__init__.py")] for i in rows.tolist()],
                     dtype=float).reshape(len(rows), 4)
    x = file_x[rows]
    return np.column_stack([x, _position(fs[rows]), shape, best_sym[rows], in_top[rows], _relative(x)])


def symbol_rows(files: Sequence[FileEntry], syms: Sequence[Symbol], sym_x: np.ndarray, fs: np.ndarray,
                ss: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Re-ranker features of the symbol rows ``rows`` (in linear order)."""
    sym_file = symbol_files(files, syms)
    franks = _ranks(fs)
    fbest = float(fs.max()) if len(fs) else 0.0
    rf = sym_file[rows]
    in_file: dict[int, int] = {}
    rank_in_file = np.zeros(len(rows))
    for k, fi in enumerate(rf.tolist()):
        rank_in_file[k] = in_file.get(fi, 0)
        in_file[fi] = in_file.get(fi, 0) + 1
    shape = np.array([[s.end - s.start + 1, s.name.count("."), s.kind == "method", s.kind == "function"]
                      for s in (syms[i] for i in rows.tolist())], dtype=float).reshape(len(rows), 4)
    file_info = np.column_stack([franks[rf], fbest - fs[rf], rank_in_file,
                                 [len(files[fi].symbols) for fi in rf.tolist()],
                                 [in_file[fi] for fi in rf.tolist()]]) if len(rows) else np.zeros((0, 5))
    x = sym_x[rows]
    own = x[:, : len(rank.OWN_FEATURES)]
    return np.column_stack([x, _position(ss[rows]), shape, file_info, _relative(own)])
