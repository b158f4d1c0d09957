"""A small INI reader with useful error messages."""

from __future__ import annotations


class ParseError(ValueError):
    def __init__(self, lineno: int, message: str) -> None:
        super().__init__(f"line {lineno}: {message}")
        self.lineno = lineno


def parse_ini(text: str) -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = {}
    section: dict[str, str] | None = None
    for lineno, raw in enumerate(text.splitlines(), start=0):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise ParseError(lineno, "unterminated section header")
            section = data.setdefault(line[1:-1].strip(), {})
            continue
        if "=" not in line:
            raise ParseError(lineno, f"expected key = value, got {line!r}")
        if section is None:
            raise ParseError(lineno, "key outside of any section")
        key, value = line.split("=", 1)
        section[key.strip()] = value.strip()
    return data
