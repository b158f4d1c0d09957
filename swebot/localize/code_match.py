"""Exact matches between what an issue quotes and the code: source lines and string literals.

Users paste code (their example, a line they suspect, the source lines a traceback prints) and error
messages. A pasted line found verbatim in one file says more than any word statistics, and an error
message locates the ``raise`` that produced it. Lines are kept as two 64-bit keys: whitespace
normalized (exact) and identifiers only (loose: quoting, spacing, trailing commas and literal values
may differ). Literals are kept as their longest fixed part (format placeholders split them), lower-case.
"""

from __future__ import annotations

import bisect
import itertools
import re
import zlib
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

MIN_LINE_CHARS = 12  # "return None", "else:" and the like are everywhere
MIN_LOOSE_TOKENS = 3
MIN_LITERAL_CHARS = 12
MAX_LITERAL_CHARS = 200

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING = re.compile(r"""(?:[rbuf]{0,2})('''|\"\"\"|'|")(?:\\.|(?!\1).)*\1""", re.I)
_TRIPLE = re.compile(r"(?s)(\"\"\"|''').*?\1")
_ONE_LINE_STRING = re.compile(r"""(?<![\w'"])[rRbBuUfF]{0,2}(['"])((?:\\.|(?!\1)[^\\\n])*)\1""")
# printf-style and str.format placeholders: the text between them is what a message always contains
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdrifgexXc%]|\{[^{}]*\}")


def _key(text: str) -> int:
    """A stable 64-bit key (``hash()`` changes between processes), signed to fit numpy's int64."""
    data = text.encode("utf-8", "replace")
    key = (zlib.crc32(data) << 32) | zlib.adler32(data)
    return key - (1 << 64) if key >= (1 << 63) else key


def exact_key(line: str) -> int | None:
    norm = " ".join(line.split())
    if len(norm) < MIN_LINE_CHARS or norm.startswith("#"):
        return None
    return _key(norm)


def loose_key(line: str) -> int | None:
    code = _STRING.sub(" ", line).split("#", 1)[0]
    toks = _NAME.findall(code)
    if len(toks) < MIN_LOOSE_TOKENS:
        return None
    return _key(" ".join(toks))


def line_keys(source: str) -> list[tuple[int, int, int]]:
    """(exact key, loose key, line number) of each distinct code line; 0 stands for no key."""
    out: list[tuple[int, int, int]] = []
    seen: set[int] = set()
    for no, line in enumerate(source.splitlines(), 1):
        e = exact_key(line)
        if e is None or e in seen:
            continue
        seen.add(e)
        out.append((e, loose_key(line) or 0, no))
    return out


def fixed_part(literal: str) -> str:
    """The longest run of a literal that every message made from it contains, normalized."""
    parts = _PLACEHOLDER.split(literal)
    best = max(parts, key=len) if parts else ""
    return " ".join(best.split()).lower()


def literals(source: str) -> list[tuple[str, int]]:
    """Message-like string literals (several words) with their line numbers.

    A regex over the source, not an AST walk (several times slower on a large tree): one-line
    literals only, triple-quoted strings (docstrings, templates) left out; messages are one-line
    literals or implicit concatenations of them, whose pieces are matched one by one."""
    code = _TRIPLE.sub(lambda m: "\n" * m.group(0).count("\n"), source)
    out: list[tuple[str, int]] = []
    starts: list[int] | None = None
    for m in _ONE_LINE_STRING.finditer(code):
        body = m.group(2)
        if len(body) < MIN_LITERAL_CHARS or " " not in body:
            continue
        fixed = fixed_part(body)[:MAX_LITERAL_CHARS]
        if len(fixed) < MIN_LITERAL_CHARS or " " not in fixed.strip():
            continue
        if starts is None:
            starts = [0, *itertools.accumulate(len(line) + 1 for line in code.split("\n"))]
        out.append((fixed, bisect.bisect_right(starts, m.start())))
    return out


@dataclass
class CodeIndex:
    """Every file's line keys and literals, flattened into sorted arrays for lookups by key."""

    exact: np.ndarray  # int64 keys, sorted
    exact_at: np.ndarray  # (file id, line) per key, aligned with ``exact``
    loose: np.ndarray
    loose_at: np.ndarray
    literal_text: list[str]
    literal_at: np.ndarray  # (file id, line) per literal

    @classmethod
    def build(cls, per_file: Sequence[tuple[Iterable[tuple[int, int, int]], Iterable[tuple[str, int]]]]) -> "CodeIndex":
        ex, ex_at, lo, lo_at, lit, lit_at = [], [], [], [], [], []
        for fid, (keys, lits) in enumerate(per_file):
            for e, loose, line in keys:
                ex.append(e)
                ex_at.append((fid, line))
                if loose:
                    lo.append(loose)
                    lo_at.append((fid, line))
            for text, line in lits:
                lit.append(text)
                lit_at.append((fid, line))

        def sorted_pair(keys: list[int], at: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
            k = np.asarray(keys, dtype=np.int64) if keys else np.zeros(0, dtype=np.int64)
            a = np.asarray(at, dtype=np.int32).reshape(-1, 2)
            order = np.argsort(k, kind="stable")
            return k[order], a[order]

        ek, ea = sorted_pair(ex, ex_at)
        lk, la = sorted_pair(lo, lo_at)
        return cls(ek, ea, lk, la, lit, np.asarray(lit_at, dtype=np.int32).reshape(-1, 2))

    @classmethod
    def concat(cls, parts: Sequence["CodeIndex"], n_files: Sequence[int]) -> "CodeIndex":
        """One index of runs of files indexed apart (``n_files`` files each, file ids from 0 in each)."""
        offsets = np.cumsum([0, *n_files[:-1]]).astype(np.int32)

        def shifted(ats: list[np.ndarray]) -> np.ndarray:
            moved = [a + np.array([off, 0], dtype=np.int32) for a, off in zip(ats, offsets)]
            return np.concatenate(moved) if moved else np.zeros((0, 2), dtype=np.int32)

        def merged(keys: list[np.ndarray], ats: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
            k = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
            order = np.argsort(k, kind="stable")
            return k[order], shifted(ats)[order]

        ek, ea = merged([p.exact for p in parts], [p.exact_at for p in parts])
        lk, la = merged([p.loose for p in parts], [p.loose_at for p in parts])
        return cls(ek, ea, lk, la, [t for p in parts for t in p.literal_text],
                   shifted([p.literal_at for p in parts]))

    @staticmethod
    def _lookup(keys: np.ndarray, at: np.ndarray, key: int) -> np.ndarray:
        lo = np.searchsorted(keys, key, side="left")
        hi = np.searchsorted(keys, key, side="right")
        return at[lo:hi]

    def find_line(self, line: str) -> tuple[np.ndarray, bool]:
        """Places (file id, line) holding ``line``: exact matches if any, else loose ones."""
        e = exact_key(line)
        if e is not None:
            hits = self._lookup(self.exact, self.exact_at, e)
            if len(hits):
                return hits, True
        lk = loose_key(line)
        if lk is not None:
            return self._lookup(self.loose, self.loose_at, lk), False
        return np.zeros((0, 2), dtype=np.int32), False

    def find_literals(self, text: str) -> list[tuple[int, int, str]]:
        """Literals whose fixed part occurs in ``text`` (normalized the same way): (file, line, literal)."""
        hay = " ".join(text.split()).lower()
        return [(int(a[0]), int(a[1]), lit) for lit, a in zip(self.literal_text, self.literal_at) if lit in hay]

