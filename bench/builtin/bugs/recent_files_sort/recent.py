"""Most-recently-used file list, as shown in an editor's File menu."""

from __future__ import annotations

import os


class RecentFiles:
    def __init__(self, limit: int = 5) -> None:
        if limit < 1:
            raise ValueError("limit must be >= 1")
        self.limit = limit
        self._paths: list[str] = []

    def touch(self, path: str) -> None:
        path = os.path.normpath(path)
        if path in self._paths:
            self._paths.remove(path)
        self._paths.insert(0, path)
        self._paths.sort()
        del self._paths[self.limit:]

    def forget(self, path: str) -> None:
        path = os.path.normpath(path)
        if path in self._paths:
            self._paths.remove(path)

    def items(self) -> list[str]:
        return list(self._paths)

    def menu_labels(self) -> list[str]:
        return [f"&{i} {os.path.basename(p)}" for i, p in enumerate(self._paths, start=1)]
