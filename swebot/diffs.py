"""Unified diffs as text, as swebot's engines write them (``git diff`` with a/ b/ prefixes): the
paths one changes (git's quoted names decoded), its sections by file, files left out, its size.
Making and applying diffs in a workspace is ``swebot.workspace``'s job."""

from __future__ import annotations

import re
from typing import Iterable

_HEADER = "diff --git "
_SYMMETRIC = re.compile(r"a/(?P<a>.+?) b/(?P<b>.+)")  # an unquoted header whose sides differ
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def unquote_path(name: str) -> str:
    """A path as git prints it, decoded: ``"my pkg/calc \\303\\274.py"`` is ``my pkg/calc ü.py``.

    git C-quotes names holding bytes above 0x7f (unless ``core.quotepath`` is off), quotes,
    backslashes or control characters; octal escapes are UTF-8 bytes. Bytes that are not UTF-8 stay
    as surrogate escapes, as ``os.fsdecode`` would give them.
    """
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    out, body, i = bytearray(), name[1:-1], 0
    while i < len(body):
        char = body[i]
        if char != "\\" or i + 1 == len(body):
            out += char.encode("utf-8", "surrogateescape")
            i += 1
        elif body[i + 1] in "01234567" and re.fullmatch(r"[0-7]{3}", body[i + 1 : i + 4]):
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out.append(_ESCAPES.get(body[i + 1], ord(body[i + 1])))
            i += 2
    return out.decode("utf-8", "surrogateescape")


def _strip_prefix(name: str, prefix: str) -> str | None:
    return name[len(prefix):] if name.startswith(prefix) else None


def _leading_quoted(text: str) -> tuple[str, str]:
    """(the quoted name ``text`` starts with, quotes included; what follows it)."""
    end = 1
    while end < len(text) and text[end] != '"':
        end += 2 if text[end] == "\\" else 1
    return text[: end + 1], text[end + 1 :]


def _header_names(line: str) -> tuple[str | None, str | None]:
    """Both paths of a ``diff --git`` header line, prefixes removed, read as git apply reads them."""
    rest = line[len(_HEADER):].rstrip("\n")
    if rest.startswith('"'):
        first, second = _leading_quoted(rest)
        second = second[1:]
    elif rest.endswith('"') and ' "' in rest:
        first, second = rest.rsplit(' "', 1)
        second = '"' + second
    else:
        # Unquoted names may hold spaces; the two sides of anything but a rename are the same.
        half = (len(rest) - 5) // 2
        if rest.startswith("a/") and rest[2 + half : half + 5] == " b/" and rest[2 : 2 + half] == rest[half + 5 :]:
            return rest[2 : 2 + half], rest[half + 5 :]
        match = _SYMMETRIC.fullmatch(rest)
        return (match["a"], match["b"]) if match else (None, None)
    return _strip_prefix(unquote_path(first), "a/"), _strip_prefix(unquote_path(second), "b/")


def _marker_name(line: str, marker: str, prefix: str) -> str | None:
    """The path of a ``--- a/x`` / ``+++ b/x`` line (None for /dev/null)."""
    name = line[len(marker):].rstrip("\n")
    # git ends a name holding a space with a tab (a timestamp may follow, in other tools' diffs)
    name = unquote_path(_leading_quoted(name)[0]) if name.startswith('"') else name.split("\t", 1)[0]
    return None if name == "/dev/null" else _strip_prefix(name, prefix)


def section_paths(section: str) -> tuple[str | None, str | None]:
    """(old path, new path) of one file section of a git diff; None for a side that does not exist
    (a created or deleted file)."""
    lines = section.splitlines()
    old, new = _header_names(lines[0]) if lines and lines[0].startswith(_HEADER) else (None, None)
    created = deleted = False
    for line in lines[1:]:
        if line.startswith(("rename from ", "copy from ")):
            old = unquote_path(line.split(" ", 2)[2])
        elif line.startswith(("rename to ", "copy to ")):
            new = unquote_path(line.split(" ", 2)[2])
        elif line.startswith("new file mode"):
            created = True
        elif line.startswith("deleted file mode"):
            deleted = True
        elif line.startswith("--- "):
            named = _marker_name(line, "--- ", "a/")
            old, created = (named, created) if named is not None else (old, True)
        elif line.startswith("+++ "):
            named = _marker_name(line, "+++ ", "b/")
            new, deleted = (named, deleted) if named is not None else (new, True)
        elif line.startswith("@@"):
            break
    return (None if created else old), (None if deleted else new)


def _split(patch: str) -> tuple[str, list[tuple[frozenset[str], str, str]]]:
    """(text before the first header, ``[(both paths, target path, section text)]`` in order)."""
    preamble, raw = "", []
    for line in patch.splitlines(keepends=True):
        if line.startswith(_HEADER):
            raw.append(line)
        elif raw:
            raw[-1] += line
        else:
            preamble += line
    sections = []
    for text in raw:
        old, new = section_paths(text)
        names = frozenset(p for p in (old, new) if p is not None)
        sections.append((names, new if new is not None else old or "", text))
    return preamble, sections


def changed_paths(patch: str) -> tuple[str, ...]:
    """Every path a git diff changes, in order: the new path of a file, the old one of a deleted
    file, both of a rename."""
    paths: list[str] = []
    for text in _split(patch)[1]:
        old, new = section_paths(text[2])
        for path in (old, new):
            if path is not None and path not in paths:
                paths.append(path)
    return tuple(paths)


def patch_files(patch: str) -> frozenset[str]:
    """``changed_paths`` as a set, for membership tests."""
    return frozenset(changed_paths(patch))


def file_sections(patch: str) -> list[tuple[str, str]]:
    """``[(path, section text)]`` in order; text before the first header is dropped."""
    return [(path, text) for _, path, text in _split(patch)[1]]


def without_files(patch: str, paths: Iterable[str]) -> str:
    """``patch`` minus every file section that names one of ``paths`` on either side."""
    drop = set(paths)
    if not drop:
        return patch
    preamble, sections = _split(patch)
    return preamble + "".join(text for names, _, text in sections if not names & drop)


def changed_lines(patch: str) -> int:
    """Lines added or removed (headers not counted): the size a reviewer reads."""
    return sum(1 for line in patch.splitlines()
               if line[:1] in "+-" and not line.startswith(("+++ ", "--- ")))
