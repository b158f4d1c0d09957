"""The builtin engine's tie-break among candidates of equal score (smaller edits first) and the
share of the time limit the spectrum's widening run may take."""

from __future__ import annotations

import difflib

from swebot.engines.builtin import Candidate, _size, _widening_timeout
from swebot.types import Budget

ORIGINAL = "def f(a, b):\n    if a < b:\n        return a\n    return b\n\n\ndef g():\n    return 1\n"


def diff_size(old: str, new: str) -> int:
    """What the tie-break measured before: the +/- lines of a unified diff, headers included."""
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), n=0, lineterm="")
    return sum(len(line) for line in diff if line[:1] in "+-")


def size(new: str) -> int:
    return _size({"m.py": ORIGINAL}, Candidate((("m.py", new),), (), 1.0))


def test_an_edit_counts_the_lines_it_changes_old_and_new():
    for new in (ORIGINAL.replace("a < b", "a <= b"),  # inside a line
                ORIGINAL.replace("        return a\n", ""),  # a line dropped
                ORIGINAL.replace("    return b\n", "    if b is None:\n        return None\n    return b\n"),  # lines added
                ORIGINAL.replace("return 1\n", "return 2\n"),  # the last line
                ORIGINAL.replace("def f(a, b):", "def f(a, b=0):")):  # the first line
        assert size(new) == diff_size(ORIGINAL, new), new


def test_a_smaller_edit_is_smaller():
    assert size(ORIGINAL.replace("a < b", "a <= b")) < size(ORIGINAL.replace("    if a < b:\n        return a\n", ""))
    assert size(ORIGINAL) == 0


def test_the_widening_run_gets_a_quarter_of_the_time_limit_at_most():
    assert _widening_timeout(60, Budget(time_limit=60)) == 15
    assert _widening_timeout(60, Budget(time_limit=600)) == 60  # the test timeout still caps it
    assert _widening_timeout(60, Budget()) == 60  # no time limit: the test timeout


def many_functions(count: int) -> str:
    return "".join(f"def f{i}(a, b):\n    if a < b + {i}:\n        return a - {i}\n    return b\n\n\n" for i in range(count))


def test_edits_made_a_few_lines_at_a_time_come_in_the_full_sorts_order(monkeypatch):
    import swebot.engines.builtin as builtin
    from swebot.engines.hints import TestHints

    source = many_functions(15)
    # scores with ties across the tiers' borders
    lines = {line: round(1.0 - (line // 7) * 0.05, 2)
             for line, text in enumerate(source.splitlines(), 1) if text.strip()}
    originals = {"m.py": source}
    monkeypatch.setattr(builtin, "TIER_LINES", 10)
    tiered = builtin.SingleEdits(originals, {"m.py": lines}, TestHints())
    edits = iter(tiered)
    first = next(edits)
    made_for_the_first = tiered.made
    rest = [first, *edits]
    monkeypatch.setattr(builtin, "TIER_LINES", 10_000)
    whole = list(builtin.SingleEdits(originals, {"m.py": lines}, TestHints()))
    assert made_for_the_first < len(whole)  # the first edit came before the others were made
    key = lambda c: (-c.score, _size(originals, c))  # noqa: E731
    assert [key(c) for c in rest] == [key(c) for c in whole]
    assert sorted(c.description for c in rest) == sorted(c.description for c in whole)


def test_on_a_plateau_of_equal_scores_patience_hands_out_the_best_made_so_far(monkeypatch):
    import swebot.engines.builtin as builtin
    from swebot.engines.hints import TestHints

    source = many_functions(15)
    flat = {"m.py": {line: 1.0 for line, text in enumerate(source.splitlines(), 1) if text.strip()}}
    originals = {"m.py": source}
    monkeypatch.setattr(builtin, "TIER_LINES", 10)
    exact = builtin.SingleEdits(originals, flat, TestHints())
    next(iter(exact))
    assert exact.made == len(list(builtin.SingleEdits(originals, flat, TestHints())))  # all made first
    impatient = builtin.SingleEdits(originals, flat, TestHints(), patience=1e-9)
    edits = iter(impatient)
    group = [next(edits) for _ in range(builtin.PATIENCE_GROUP)]
    assert impatient.made < exact.made
    assert [c.score for c in group] == sorted((c.score for c in group), reverse=True)
