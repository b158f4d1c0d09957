"""Unified-diff helpers for batch runs: which files a diff touches, and dropping some of them."""

from __future__ import annotations

import re

_FILE_HEADER = re.compile(r"^diff --git a/(\S+) b/(\S+)", re.MULTILINE)


def patch_files(patch: str) -> frozenset[str]:
    """Paths (both sides) named in a git-style diff's ``diff --git`` headers."""
    names: set[str] = set()
    for match in _FILE_HEADER.finditer(patch):
        names.update(match.groups())
    return frozenset(names)


def without_files(patch: str, paths: frozenset[str] | set[str]) -> str:
    """The diff minus every file section whose path is in ``paths``."""
    if not paths or not patch:
        return patch
    starts = [m.start() for m in _FILE_HEADER.finditer(patch)]
    if not starts:
        return patch
    pieces = [patch[: starts[0]]]
    for begin, end in zip(starts, starts[1:] + [len(patch)]):
        section = patch[begin:end]
        match = _FILE_HEADER.match(section)
        if match and (match.group(1) in paths or match.group(2) in paths):
            continue
        pieces.append(section)
    return "".join(pieces)
