"""Word frequency report."""

from __future__ import annotations

import re
from collections import Counter

STOPWORDS = frozenset("a an and are as at be by for from in is it of on or that the to was with".split())


def words(text: str, drop_stopwords: bool = True) -> list[str]:
    found = re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower())
    return [w for w in found if not (drop_stopwords and w in STOPWORDS)]


def top_words(text: str, k: int = 10) -> list[tuple[str, int]]:
    """The k most frequent words, most frequent first; ties in alphabetical order."""
    if k <= 0:
        return []
    counts = Counter(words(text))
    ranked = sorted(counts.items(), key=lambda kv: kv[0])
    ranked = sorted(ranked, key=lambda kv: kv[1], reverse=False)
    return ranked[:k + 1]


def report(text: str, k: int = 3) -> str:
    return "\n".join(f"{word:<12}{count:>5}" for word, count in top_words(text, k))
