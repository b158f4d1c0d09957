"""Bookkeeping for runs of selected tests: which ids got no result, and splitting a
selection over several command lines."""

from __future__ import annotations

import bisect
import shlex
from typing import Sequence

from swebot.types import TestCase, TestReport

NO_RESULT = "no result: the run timed out or crashed before this test finished, or the id matched no test"


def files_of(ids: Sequence[str]) -> tuple[str, ...]:
    """The files of pytest node ids (``path::name``, or a file's own id). The names a log runner
    reports (Django's ``test_x (app.tests.T)``, SymPy's ``test_x``) say no file: none for them."""
    return tuple(sorted({nodeid.split("::", 1)[0] for nodeid in ids if "::" in nodeid or nodeid.endswith(".py")}))


def with_missing(cases: list[TestCase], ids: Sequence[str]) -> list[TestCase]:
    """``cases`` plus a "no result" error case for every selected id no case answers to."""
    ordered = sorted(c.nodeid for c in cases)
    exact = set(ordered)

    def answered(wanted: str) -> bool:
        if wanted in exact:
            return True
        # A file, class or unparametrized id answers to the cases below it.
        for prefix in (wanted + "::", wanted + "[", wanted.rstrip("/") + "/"):
            i = bisect.bisect_left(ordered, prefix)
            if i < len(ordered) and ordered[i].startswith(prefix):
                return True
        return False

    missing = [i for i in ids if not answered(i)]
    return cases + [TestCase(nodeid=i, outcome="error", message=NO_RESULT) for i in missing]


def chunks(args: list[str], ids: list[str], budget: int) -> list[list[tuple[str, str]]]:
    """(argument, id) pairs grouped so each group's quoted arguments fit in ``budget``
    characters (a single over-long argument gets a group of its own)."""
    groups: list[list[tuple[str, str]]] = [[]]
    size = 0
    for pair in zip(args, ids, strict=True):
        cost = len(shlex.quote(pair[0])) + 1
        if groups[-1] and size + cost > budget:
            groups.append([])
            size = 0
        groups[-1].append(pair)
        size += cost
    return groups


def merge_reports(reports: list[TestReport]) -> TestReport:
    """One report for several runs of parts of a selection."""
    return TestReport(
        cases=tuple(c for r in reports for c in r.cases),
        exit_code=next((r.exit_code for r in reports if r.exit_code != 0), 0),
        timed_out=any(r.timed_out for r in reports),
        duration=sum(r.duration for r in reports),
        output_tail=reports[-1].output_tail,
        collection_errors=tuple(dict.fromkeys(e for r in reports for e in r.collection_errors)),
        oom_killed=any(r.oom_killed for r in reports),
    )
