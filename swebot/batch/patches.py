"""Unified-diff helpers for batch runs: which files a diff touches, and dropping some of them."""

from __future__ import annotations

import re

from swebot.scaling.patches import without_files

__all__ = ["patch_files", "without_files"]

_FILE_HEADER = re.compile(r"^diff --git a/(\S+) b/(\S+)", re.MULTILINE)


def patch_files(patch: str) -> frozenset[str]:
    """Paths (both sides) named in a git-style diff's ``diff --git`` headers."""
    names: set[str] = set()
    for match in _FILE_HEADER.finditer(patch):
        names.update(match.groups())
    return frozenset(names)
