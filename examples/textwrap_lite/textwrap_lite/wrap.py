"""Greedy line wrapping, shortening and indentation."""

from __future__ import annotations


def wrap(text: str, width: int) -> list[str]:
    """Wrap `text` into lines of at most `width` characters, splitting long words."""
    if width <= 0:
        raise ValueError("width must be positive")
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def shorten(text: str, width: int, placeholder: str = "...") -> str:
    """Collapse whitespace and truncate to at most `width` characters, ending in `placeholder`."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    if width <= len(placeholder):
        raise ValueError("width too small for placeholder")
    keep = width - len(placeholder) - 1
    return text[:keep].rstrip() + placeholder


def indent(text: str, prefix: str) -> str:
    """Add `prefix` to every non-blank line."""
    return "".join(
        prefix + line if line.strip() else line for line in text.splitlines(keepends=True)
    )
