"""``--issue TEXT|@FILE``: the problem statement as text, whatever encoding the file was saved in.

Issue files come from browsers, mail clients and old editors: UTF-8 (with or without a byte-order
mark), UTF-16 from Windows tools, or a legacy 8-bit code page. Each is decoded to the text its author
wrote; only a file that is not text at all (NUL bytes, control characters) is refused.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from swebot.errors import BadInput

MAX_ISSUE_BYTES = 2_000_000  # an issue file bigger than this is not an issue

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1b")


def issue_text(value: str | None) -> str | None:
    """``@FILE`` reads the file (see ``decode_issue``); anything else is the text itself."""
    if value is None or not value.startswith("@"):
        return value
    return read_issue_file(Path(value[1:]).expanduser())


def read_issue_file(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_ISSUE_BYTES:
            raise BadInput(f"the issue file {path} is larger than {MAX_ISSUE_BYTES} bytes")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise BadInput(f"the issue file {path} does not exist") from exc
    except IsADirectoryError as exc:
        raise BadInput(f"the issue file {path} is a directory") from exc
    except OSError as exc:
        raise BadInput(f"cannot read the issue file {path}: {exc.strerror}") from exc
    text = decode_issue(data)
    if text is None:
        raise BadInput(f"the issue file {path} is not text (it holds NUL or control bytes)",
                       hint="save the issue as plain text (UTF-8), or pass it with --issue TEXT")
    return text


def decode_issue(data: bytes) -> str | None:
    """The text ``data`` holds, or None when it is binary.

    A byte-order mark decides; then strict UTF-8; then Windows-1252 (the superset of Latin-1 that
    "ANSI" editors write), with bytes it leaves undefined read as Latin-1.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    if _binary(data):
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _binary(data: bytes) -> bool:
    if b"\0" in data:
        return True
    controls = sum(1 for byte in data if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls > max(2, len(data) // 100)
