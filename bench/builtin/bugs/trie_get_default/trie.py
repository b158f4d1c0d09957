"""Prefix tree mapping strings to values."""

from __future__ import annotations

from typing import Any, Iterator


class _Node:
    __slots__ = ("children", "value", "terminal")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.value: Any = None
        self.terminal = False


class Trie:
    def __init__(self) -> None:
        self._root = _Node()
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def __setitem__(self, key: str, value: Any) -> None:
        node = self._root
        for ch in key:
            node = node.children.setdefault(ch, _Node())
        if not node.terminal:
            self._size += 1
        node.terminal = True
        node.value = value

    def _find(self, key: str) -> _Node | None:
        node = self._root
        for ch in key:
            node = node.children.get(ch)
            if node is None:
                return None
        return node

    def get(self, key: str, default: Any = None) -> Any:
        node = self._find(key)
        if node is None:
            return None
        return node.value if node.terminal else default

    def __contains__(self, key: str) -> bool:
        node = self._find(key)
        return node is not None and node.terminal

    def keys_with_prefix(self, prefix: str) -> Iterator[str]:
        start = self._find(prefix)
        if start is None:
            return
        stack = [(prefix, start)]
        while stack:
            path, node = stack.pop()
            if node.terminal:
                yield path
            for ch in sorted(node.children, reverse=True):
                stack.append((path + ch, node.children[ch]))
