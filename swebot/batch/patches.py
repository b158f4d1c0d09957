"""Unified-diff helpers for batch runs: which files a diff touches, and dropping some of them."""

from __future__ import annotations

from swebot.scaling.patches import changed_paths, without_files

__all__ = ["patch_files", "without_files"]


def patch_files(patch: str) -> frozenset[str]:
    """Paths (both sides of renames; quoted names decoded) a git-style diff changes."""
    return frozenset(changed_paths(patch))
