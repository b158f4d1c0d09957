"""Line search over in-memory files, like a tiny grep -n."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class Match:
    path: str
    lineno: int
    line: str


def grep(text: str, pattern: str, ignore_case: bool = False, path: str = "-") -> list[Match]:
    flags = re.IGNORECASE if ignore_case else 0
    rx = re.compile(pattern, flags)
    found = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if rx.search(line):
            found.append(Match(path, lineno, line))
            break
    return found


def grep_files(files: Mapping[str, str], pattern: str, ignore_case: bool = False) -> list[str]:
    out = []
    for path in sorted(files):
        for m in grep(files[path], pattern, ignore_case, path):
            out.append(f"{m.path}:{m.lineno}:{m.line}")
    return out
