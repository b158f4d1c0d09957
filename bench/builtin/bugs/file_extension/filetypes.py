"""Guess a file's kind from its name."""

from __future__ import annotations

KINDS = {
    ".py": "python", ".md": "markdown", ".txt": "text", ".gz": "gzip",
    ".json": "json", ".png": "image", ".jpg": "image",
}


def basename(path: str) -> str:
    return path.replace("\\", "/").rstrip("/").split("/")[-1]


def extension(path: str) -> str:
    """The last suffix of the file name, lower-cased ('' for none; dot-files have none)."""
    name = basename(path)
    dot = name.find(".")
    if dot <= 0:
        return ""
    return name[dot:].lower()


def kind(path: str) -> str:
    return KINDS.get(extension(path), "unknown")
