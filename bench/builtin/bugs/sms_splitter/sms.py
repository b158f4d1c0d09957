"""Split a long chat message into parts that fit a size limit."""

from __future__ import annotations


def split_message(text: str, limit: int = 160) -> list[str]:
    if limit < 10:
        raise ValueError("limit too small")
    parts: list[str] = []
    current = ""
    for word in text.split():
        if len(word) > limit:
            raise ValueError(f"word longer than limit: {word[:10]}...")
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= limit:
            current += " " + word
        else:
            parts.append(current)
    if current:
        parts.append(current)
    return parts


def number_parts(parts: list[str]) -> list[str]:
    if len(parts) < 2:
        return parts
    return [f"({i}/{len(parts)}) {p}" for i, p in enumerate(parts, start=1)]
