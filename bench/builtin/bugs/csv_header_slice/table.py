"""Minimal CSV-ish table reader with typed columns."""

from __future__ import annotations

from typing import Callable


def split_row(line: str, sep: str = ",") -> list[str]:
    return [cell.strip() for cell in line.rstrip("\n").split(sep)]


def read_table(
    text: str,
    skip_header: bool = True,
    types: dict[int, Callable] | None = None,
    sep: str = ",",
) -> list[list]:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if skip_header:
        lines = lines[2:]
    rows = []
    for line in lines:
        row: list = split_row(line, sep)
        for col, conv in (types or {}).items():
            if col < len(row) and row[col] != "":
                row[col] = conv(row[col])
        rows.append(row)
    return rows


def column(rows: list[list], index: int) -> list:
    return [row[index] for row in rows if index < len(row)]
