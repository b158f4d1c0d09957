"""Traceback frames out of pytest failure text.

pytest renders tracebacks in several styles; JUnit carries the rendered text, not the
frames, so we read the frames back from it. Handled:

- long/short style location lines ``path/to/x.py:12: in func`` or ``path/to/x.py:12: ExcType``
  (long style names no function there; we take it from the ``def`` line shown above it),
- native style ``File "/abs/x.py", line 12, in func``.

Lines quoted inside exception messages (pytest prefixes those with ``E``) are ignored.
"""

from __future__ import annotations

import posixpath
import re

from swebot.types import Frame

_LOCATION = re.compile(r"^(?P<path>\S[^:\n]*?\.py):(?P<line>\d+):(?: in (?P<func>[\w.<>]+))?")
# pytest's prefixes for exception text and the failing source line: never frames.
_QUOTED = re.compile(r"^[E>]\s")
_NATIVE = re.compile(r'^\s*File "(?P<path>[^"\n]+?\.py)", line (?P<line>\d+)(?:, in (?P<func>[\w.<>]+))?')
_DEF = re.compile(r"^[>\s]*(?:async\s+)?def\s+(?P<func>\w+)")
# Path segments that mark code which is not the project's own, even inside the repository.
_FOREIGN_SEGMENTS = frozenset({"site-packages", "dist-packages", ".swebot", ".tox", ".nox"})


def to_repo_path(path: str, *, root: str, cwd: str) -> str | None:
    """Map a path as printed by a test run to a path relative to the repository root.

    ``root`` is the sandbox root (absolute, as commands see it), ``cwd`` the directory the
    command ran in, relative to ``root``. Returns None for paths outside the repository or
    in third-party/tooling directories.
    """
    if not posixpath.isabs(path):
        path = posixpath.join(root, cwd, path)
    path = posixpath.normpath(path)
    root = posixpath.normpath(root)
    if path != root and not path.startswith(root.rstrip("/") + "/"):
        return None
    rel = posixpath.relpath(path, root)
    if rel == "." or _FOREIGN_SEGMENTS.intersection(rel.split("/")):
        return None
    return rel


def parse_frames(text: str, *, root: str, cwd: str = ".") -> tuple[Frame, ...]:
    """Frames inside the repository, in the order printed (innermost last)."""
    frames: list[Frame] = []
    last_def = ""
    for raw in text.splitlines():
        if _QUOTED.match(raw) and not _DEF.match(raw):
            continue
        found = _DEF.match(raw)
        if found:
            last_def = found["func"]
            continue
        found = _LOCATION.match(raw) or _NATIVE.match(raw)
        if not found:
            continue
        func = found["func"] or last_def
        last_def = ""
        rel = to_repo_path(found["path"], root=root, cwd=cwd)
        if rel is None:
            continue
        frame = Frame(rel, int(found["line"]), func)
        if not frames or frames[-1] != frame:
            frames.append(frame)
    return tuple(frames)


def tail_lines(text: str, count: int, *, width: int = 400) -> str:
    """The last ``count`` lines of ``text``, each cut to ``width`` characters."""
    lines = text.rstrip("\n").splitlines()[-count:]
    return "\n".join(_cut(line, width) for line in lines)


def _cut(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 15] + " [... cut ...]"
