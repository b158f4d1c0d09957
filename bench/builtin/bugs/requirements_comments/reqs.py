"""Read pip requirements files."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$")


@dataclass(frozen=True)
class Requirement:
    name: str
    spec: str = ""


def strip_comment(line: str) -> str:
    """Drop a trailing '# ...' comment and surrounding whitespace."""
    stripped = line.split(" #", 1)[0].strip()
    if stripped.startswith("#"):
        return ""
    return line.strip()


def parse_requirements(text: str) -> list[Requirement]:
    reqs = []
    for raw in text.splitlines():
        line = strip_comment(raw)
        if not line or line.startswith("-"):
            continue
        match = _NAME.match(line)
        if not match:
            raise ValueError(f"cannot parse requirement: {raw!r}")
        name, spec = match.groups()
        reqs.append(Requirement(name.lower().replace("_", "-"), spec.replace(" ", "")))
    return reqs
