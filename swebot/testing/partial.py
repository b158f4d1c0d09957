"""Results of a run that was killed before pytest wrote its JUnit XML.

Our plugin appends one JSON line per finished test (``{"nodeid", "outcome", "text"}``,
node ids already relative to the repository root); this reads them back.
"""

from __future__ import annotations

import json

from swebot.testing.frames import parse_frames, tail_lines
from swebot.testing.junit import TRACEBACK_LINES
from swebot.types import TestCase, TestOutcome

_OUTCOMES: dict[str, TestOutcome] = {
    "passed": "passed", "failed": "failed", "error": "error", "skipped": "skipped"
}


def parse_partial_results(data: bytes, *, root: str, cwd: str = ".") -> list[TestCase]:
    cases = []
    for line in data.decode("utf-8", "replace").splitlines():
        try:
            entry = json.loads(line)
            nodeid, outcome, text = entry["nodeid"], entry["outcome"], entry.get("text", "")
        except (ValueError, KeyError, TypeError):
            continue  # the last line may be cut by the kill
        if outcome not in _OUTCOMES:
            continue
        cases.append(
            TestCase(
                nodeid=nodeid,
                outcome=_OUTCOMES[outcome],
                message=message_of(text),
                traceback=tail_lines(text, TRACEBACK_LINES),
                frames=parse_frames(text, root=root, cwd=cwd),
            )
        )
    return cases


def message_of(text: str) -> str:
    """pytest's last ``E`` line (the exception), else the text's last line."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    return (errors or lines or [""])[-1][:500]
