"""Source files as text, in the encoding they declare, and back to the same bytes.

Python reads a module in the encoding its PEP 263 cookie names (``# -*- coding: latin-1 -*-``),
or UTF-8 (a byte-order mark included) when there is none; swebot reads and writes them the same
way, so an edit changes only the bytes it means to. Other files are UTF-8 when they decode as
UTF-8, else Latin-1, which maps every byte to one character and back.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize
from dataclasses import dataclass

_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


class SourceDecodeError(ValueError):
    """The bytes are not text in the encoding the file declares (or the declaration is unknown)."""


@dataclass(frozen=True)
class SourceText:
    text: str
    encoding: str  # a Python codec name: "utf-8", "utf-8-sig", "iso-8859-1", ...


def is_python(path: str) -> bool:
    return path.endswith((".py", ".pyi", ".pyw"))


def decode_source(data: bytes, path: str) -> SourceText:
    """The text of file ``path`` holding ``data``; SourceDecodeError when it is not text as declared."""
    if is_python(path):
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            return SourceText(data.decode(encoding), encoding)
        except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
            raise SourceDecodeError(f"{path} is not valid source in its declared encoding: {exc}") from None
    if data.startswith(codecs.BOM_UTF8):
        return SourceText(data.decode("utf-8-sig", "replace"), "utf-8-sig")
    try:
        return SourceText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return SourceText(data.decode("latin-1"), "latin-1")


def _cookie(text: str) -> str | None:
    """The encoding name a PEP 263 cookie in the first two lines of ``text`` spells, if any."""
    for line in text.splitlines()[:2]:
        match = _COOKIE.match(line)
        if match:
            return match.group(1)
        if line.strip() and not line.lstrip().startswith("#"):
            break  # the cookie may sit on line 2 only below a comment line
    return None


def declared_encoding(text: str) -> str | None:
    """The codec a PEP 263 cookie in ``text`` names (None without one, or for an unknown name)."""
    name = _cookie(text)
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


def encoding_for(text: str, path: str, previous: str = "utf-8") -> str:
    """The encoding ``text`` must be written in: its cookie's, else Python's default (UTF-8, keeping
    a byte-order mark the file had) for Python files, else the file's ``previous`` encoding."""
    if not is_python(path):
        return previous
    declared = declared_encoding(text)
    if declared is None or declared == "utf-8":
        return "utf-8-sig" if previous == "utf-8-sig" else "utf-8"
    return declared


def encode_source(text: str, path: str, previous: str = "utf-8") -> bytes:
    """``text`` as the bytes of file ``path``; UnicodeEncodeError names what does not fit."""
    return text.encode(encoding_for(text, path, previous))


def unencodable(text: str, path: str, previous: str = "utf-8") -> str | None:
    """Why ``text`` cannot be written as ``path`` (characters its encoding lacks), or None."""
    encoding = encoding_for(text, path, previous)
    try:
        text.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = sorted(set(text[exc.start : exc.end]))
        shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in bad[:5])
        named = _cookie(text) if is_python(path) else None
        why = f"{named} (its coding declaration)" if named else encoding
        return (f"{path} is written in {why}, which cannot hold {shown}; "
                "use ASCII, or \\u escapes in string literals")
    return None


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(json_text: str) -> str:
    """JSON text made with ``ensure_ascii=False`` that can be written as UTF-8: lone surrogates
    (bytes of a legacy-encoded file inside a patch) become ``\\udcXX`` escapes, which read back as
    the same string."""
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)
