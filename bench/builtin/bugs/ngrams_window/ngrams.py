"""Word n-grams and simple phrase statistics."""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[a-z0-9']+")


def tokenize(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    if n <= 0:
        raise ValueError("n must be positive")
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n)]


def top_phrases(text: str, n: int = 2, k: int = 3) -> list[tuple[str, int]]:
    counts = Counter(" ".join(g) for g in ngrams(tokenize(text), n))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
