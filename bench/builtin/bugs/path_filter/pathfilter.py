"""Select files from a listing the way a CLI's --include/--hidden options do."""

from __future__ import annotations

import fnmatch
import posixpath
from typing import Iterable, Sequence


def is_hidden(path: str) -> bool:
    return any(part.startswith(".") and part not in (".", "..") for part in path.split("/"))


def filter_paths(
    paths: Iterable[str],
    include_hidden: bool = False,
    extensions: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
) -> list[str]:
    out = []
    for path in paths:
        path = posixpath.normpath(path)
        if include_hidden and is_hidden(path):
            continue
        if extensions is not None and posixpath.splitext(path)[1] not in extensions:
            continue
        if any(fnmatch.fnmatch(path, pat) for pat in exclude):
            continue
        out.append(path)
    return sorted(set(out))
