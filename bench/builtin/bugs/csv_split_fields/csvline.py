"""Split one CSV line, honouring double quotes."""

from __future__ import annotations


def split_csv_line(line: str, sep: str = ",") -> list[str]:
    fields: list[str] = []
    buf: list[str] = []
    in_quotes = False
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == '"':
            if in_quotes and i + 1 < len(line) and line[i + 1] == '"':
                buf.append('"')
                i += 1
            else:
                in_quotes = not in_quotes
        elif ch == sep and not in_quotes:
            fields.append("".join(buf))
        else:
            buf.append(ch)
        i += 1
    if in_quotes:
        raise ValueError("unterminated quote")
    fields.append("".join(buf))
    return fields
