"""Spectrum-based fault localization: rank source lines by how strongly failing tests
(and few passing ones) execute them, with a boost for lines in failing tracebacks.

Score of a line = Ochiai(ef, ep) + frame boost, where
- Ochiai = ef / sqrt(total_failed * (ef + ep)), ef/ep = failing/passing tests covering it;
- the frame boost adds, per failing test, ``INNERMOST_BOOST`` when the line is the innermost
  traceback frame outside test code and ``FRAME_BOOST`` when it is any other such frame,
  averaged over the failing tests. Tracebacks point at where a failure surfaced, which is
  often the faulty line or its caller, and they break Ochiai's frequent ties.
Scores therefore lie in [0, 1 + INNERMOST_BOOST]. Lines no failing test reached (ef = 0)
and no traceback names are left out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Collection, Mapping, Sequence

from swebot.types import Frame, TestReport

INNERMOST_BOOST = 0.3
FRAME_BOOST = 0.1

CoverageMap = Mapping[str, Mapping[str, Collection[int]]]


@dataclass(frozen=True)
class SuspiciousLine:
    path: str  # relative to the repository root
    line: int
    score: float


def is_test_file(path: str) -> bool:
    """Test code by pytest's conventions: test_*.py, *_test.py, conftest.py, or under tests/."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    return (
        name == "conftest.py"
        or (name.startswith("test_") and name.endswith(".py"))
        or name.endswith("_test.py")
        or any(part in ("tests", "test") for part in parts[:-1])
    )


def rank_lines(
    coverage: CoverageMap,
    failing: Collection[str],
    passing: Collection[str],
    *,
    frames: Mapping[str, Sequence[Frame]] | None = None,
    exclude_tests: bool = True,
) -> list[SuspiciousLine]:
    """Suspicious lines, most suspicious first.

    Ties are broken by being named in a failing traceback, then by path and line, so the
    order is deterministic. Failing tests without coverage still count in the Ochiai
    denominator (a test that crashed before reaching the code is evidence too).
    """
    failing_set, passing_set = set(failing), set(passing) - set(failing)
    if not failing_set:
        return []

    def keep(path: str) -> bool:
        return not (exclude_tests and is_test_file(path))

    ef: dict[tuple[str, int], int] = defaultdict(int)
    ep: dict[tuple[str, int], int] = defaultdict(int)
    reached: dict[str, set[int]] = defaultdict(set)  # lines some failing test ran, by file
    for nodeid in failing_set:
        for path, lines in coverage.get(nodeid, {}).items():
            if keep(path):
                reached[path].update(lines)
                for line in lines:
                    ef[(path, line)] += 1
    # Passing tests only matter on lines a failing test reached: intersect, don't walk
    # every line the whole suite ran.
    for nodeid in passing_set:
        for path, lines in coverage.get(nodeid, {}).items():
            for line in reached.get(path, set()).intersection(lines):
                ep[(path, line)] += 1
    boost = _frame_boost(frames or {}, failing_set, keep)
    total_failed = len(failing_set)
    ranked = []
    for key in set(ef) | set(boost):
        e_f, e_p = ef.get(key, 0), ep.get(key, 0)
        ochiai = e_f / math.sqrt(total_failed * (e_f + e_p)) if e_f else 0.0
        ranked.append(SuspiciousLine(key[0], key[1], ochiai + boost.get(key, 0.0)))
    ranked.sort(key=lambda s: (-s.score, (s.path, s.line) not in boost, s.path, s.line))
    return ranked


def _frame_boost(
    frames: Mapping[str, Sequence[Frame]], failing: set[str], keep: Callable[[str], bool]
) -> dict[tuple[str, int], float]:
    boost: dict[tuple[str, int], float] = defaultdict(float)
    for nodeid in failing:
        own = [f for f in frames.get(nodeid, ()) if keep(f.path)]
        seen: set[tuple[str, int]] = set()
        for depth, frame in enumerate(reversed(own)):
            key = (frame.path, frame.line)
            if key in seen:
                continue  # recursion: count a line once per test
            seen.add(key)
            boost[key] += (INNERMOST_BOOST if depth == 0 else FRAME_BOOST) / len(failing)
    return dict(boost)


def boost_lines(ranking: Sequence[SuspiciousLine], lines: Collection[tuple[str, int]],
                boost: float) -> list[SuspiciousLine]:
    """``ranking`` with ``boost`` added to the score of ``lines`` (path, line), re-sorted; ties
    keep their order."""
    if not lines:
        return list(ranking)
    chosen = set(lines)
    raised = [SuspiciousLine(s.path, s.line, s.score + boost) if (s.path, s.line) in chosen else s
              for s in ranking]
    return sorted(raised, key=lambda s: -s.score)


def rank_report(
    report: TestReport, coverage: CoverageMap, *, exclude_tests: bool = True
) -> list[SuspiciousLine]:
    """``rank_lines`` fed from a baseline TestReport (its failing/passing sets and frames)."""
    return rank_lines(
        coverage,
        report.failing,
        report.passing,
        frames={c.nodeid: c.frames for c in report.cases if c.failing},
        exclude_tests=exclude_tests,
    )
