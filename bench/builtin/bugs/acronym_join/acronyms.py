"""Acronyms and initials."""

from __future__ import annotations

import re

SMALL_WORDS = {"of", "and", "the", "for", "a", "an", "in", "on", "to"}


def acronym(phrase: str, keep_small: bool = False) -> str:
    words = re.findall(r"[A-Za-z][A-Za-z']*", phrase.replace("-", " "))
    letters = [w[0].upper() for w in words if keep_small or w.lower() not in SMALL_WORDS]
    return " ".join(letters)


def initials(full_name: str) -> str:
    parts = [p for p in full_name.split() if p]
    if not parts:
        return ""
    return ". ".join(p[0].upper() for p in parts) + "."
