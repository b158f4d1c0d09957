"""Sign-up validation."""

from __future__ import annotations

import re

RESERVED = {"admin", "root", "support"}
_ALLOWED = re.compile(r"^[a-z0-9_.-]+$")


def normalize(name: str) -> str:
    return name.strip().lower()


def validate_username(name: str, min_len: int = 3, max_len: int = 20) -> list[str]:
    """Return a list of problems; empty means the name is acceptable."""
    name = normalize(name)
    problems = []
    if len(name) < min_len and len(name) > max_len:
        problems.append(f"must be {min_len}-{max_len} characters")
    if not _ALLOWED.match(name or "-"):
        problems.append("may only contain letters, digits, '_', '.' and '-'")
    if name in RESERVED:
        problems.append("is reserved")
    if name[:1] in (".", "-"):
        problems.append("must start with a letter or digit")
    return problems


def is_valid(name: str) -> bool:
    return not validate_username(name)
