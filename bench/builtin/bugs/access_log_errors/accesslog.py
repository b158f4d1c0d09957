"""Summaries of web server access logs (common log format)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_LINE = re.compile(r'^(\S+) \S+ \S+ \[([^\]]+)\] "(\S+) (\S+) [^"]*" (\d{3}) (\d+|-)$')


@dataclass(frozen=True)
class Hit:
    ip: str
    method: str
    path: str
    status: int
    size: int


def parse_line(line: str) -> Hit | None:
    match = _LINE.match(line.strip())
    if match is None:
        return None
    ip, _, method, path, status, size = match.groups()
    return Hit(ip, method, path, int(status), 0 if size == "-" else int(size))


def error_summary(lines: list[str]) -> dict[str, Counter]:
    """Count client (4xx) and server (5xx) errors per path."""
    summary = {"client": Counter(), "server": Counter()}
    for line in lines:
        hit = parse_line(line)
        if hit.status > 500:
            summary["server"][hit.path] += 1
        elif hit.status >= 400:
            summary["client"][hit.path] += 1
    return summary


def bytes_served(lines: list[str]) -> int:
    return sum(h.size for h in map(parse_line, lines) if h is not None)
