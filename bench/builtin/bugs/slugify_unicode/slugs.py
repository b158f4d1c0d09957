"""URL slugs."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, allow_unicode: bool = False, max_length: int = 0) -> str:
    text = str(text)
    if allow_unicode:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    else:
        text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[^\w\s-]", "", text.lower())
    text = re.sub(r"[-\s_]+", "-", text).strip("-")
    if max_length and len(text) > max_length:
        text = text[:max_length].rstrip("-")
    return text


def unique_slug(text: str, taken: set[str]) -> str:
    base = slugify(text)
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug
