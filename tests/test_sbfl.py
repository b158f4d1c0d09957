"""Spectrum-based fault localization: the formula and tie-breaks on hand-made spectra,
then real per-test coverage of small buggy programs with one known faulty line."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest

from swebot.localize.sbfl import SuspiciousLine, is_test_file, rank_lines, rank_report
from swebot.sandbox import LocalSandbox
from swebot.testing import TestRunner
from swebot.types import Frame


def scores(ranked: list[SuspiciousLine]) -> dict[tuple[str, int], float]:
    return {(s.path, s.line): round(s.score, 6) for s in ranked}


def test_ochiai_from_failing_and_passing_counts() -> None:
    coverage = {
        "f1": {"m.py": {1, 2, 3}},
        "f2": {"m.py": {1, 3}},
        "p1": {"m.py": {1, 2}},
        "p2": {"m.py": {1, 4}},
    }
    ranked = rank_lines(coverage, ["f1", "f2"], ["p1", "p2"])
    assert scores(ranked) == {
        ("m.py", 3): 1.0,  # ef=2 ep=0
        ("m.py", 1): round(2 / math.sqrt(2 * 4), 6),
        ("m.py", 2): round(1 / math.sqrt(2 * 2), 6),
    }
    assert [s.line for s in ranked] == [3, 1, 2]  # line 4: no failing test ran it


def test_no_failing_tests_means_nothing_is_suspicious() -> None:
    assert rank_lines({"p": {"m.py": {1}}}, [], ["p"]) == []


def test_test_code_is_excluded_unless_asked() -> None:
    coverage = {"f": {"src/m.py": {1}, "tests/test_m.py": {5}, "conftest.py": {2}, "pkg/m_test.py": {1}}}
    assert {s.path for s in rank_lines(coverage, ["f"], [])} == {"src/m.py"}
    assert len(rank_lines(coverage, ["f"], [], exclude_tests=False)) == 4


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/helpers.py", True),
        ("pkg/test/util.py", True),
        ("test_x.py", True),
        ("x_test.py", True),
        ("a/conftest.py", True),
        ("src/testing_tools.py", False),
        ("src/contest.py", False),
        ("latest.py", False),
    ],
)
def test_is_test_file(path: str, expected: bool) -> None:
    assert is_test_file(path) is expected


def test_traceback_frames_break_ties_innermost_non_test_frame_first() -> None:
    coverage = {"f": {"m.py": {1, 2, 3}}, "p": {"m.py": {9}}}
    frames = {"f": [Frame("tests/test_m.py", 4, "test_f"), Frame("m.py", 1, "outer"), Frame("m.py", 2, "inner")]}
    ranked = rank_lines(coverage, ["f"], ["p"], frames=frames)
    assert [s.line for s in ranked] == [2, 1, 3]
    assert ranked[0].score > ranked[1].score > ranked[2].score == 1.0


def test_equal_scores_prefer_traceback_lines_then_path_and_line() -> None:
    coverage = {"f": {"b.py": {1}, "a.py": {7, 3}}, "p": {"b.py": {1}, "a.py": {3, 7}}}
    assert [(s.path, s.line) for s in rank_lines(coverage, ["f"], ["p"])] == [("a.py", 3), ("a.py", 7), ("b.py", 1)]


def test_frames_alone_localize_without_coverage() -> None:
    frames = {"f": [Frame("m.py", 10, "g"), Frame("m.py", 20, "h")], "g": [Frame("m.py", 20, "h")]}
    ranked = rank_lines({}, ["f", "g"], [], frames=frames)
    assert [(s.line, round(s.score, 6)) for s in ranked] == [(20, 0.3), (10, 0.05)]


# Small programs, each with one known faulty line (marked "# FAULT").
PROGRAMS = {
    "comparison": {
        "ranges.py": """\
            def clamp(x, lo, hi):
                return max(lo, min(x, hi))

            def in_range(x, lo, hi):
                return lo <= x < hi  # FAULT: the upper bound is inclusive

            def count_in_range(xs, lo, hi):
                n = 0
                for x in xs:
                    if in_range(x, lo, hi):
                        n += 1
                return n
            """,
        "tests/test_ranges.py": """\
            from ranges import clamp, count_in_range, in_range

            def test_clamp():
                assert clamp(15, 0, 10) == 10 and clamp(-1, 0, 10) == 0

            def test_inside():
                assert in_range(5, 0, 10)

            def test_upper_bound():
                assert in_range(10, 0, 10)

            def test_count_small():
                assert count_in_range([1, 2], 0, 10) == 2

            def test_count_edge():
                assert count_in_range([1, 10], 0, 10) == 2
            """,
    },
    "crash": {
        "stats.py": """\
            def total(xs):
                t = 0
                for x in xs:
                    t += x
                return t

            def average(xs):
                n = len(xs)
                return total(xs) / (n - 1)  # FAULT: divides by one too few
            """,
        "tests/test_stats.py": """\
            from stats import average, total

            def test_total():
                assert total([1, 2]) == 3

            def test_average_one():
                assert average([5]) == 5

            def test_average_two():
                assert average([2, 4]) == 3
            """,
    },
    "operator": {
        "shop/pricing.py": """\
            RATES = {"gold": 0.2, "silver": 0.1}

            def discount(customer, amount):
                rate = RATES.get(customer, 0.0)
                return amount * rate

            def total(customer, items):
                subtotal = sum(items)
                return subtotal + discount(customer, subtotal)  # FAULT: a discount is subtracted

            def describe(customer):
                return customer.title()
            """,
        "shop/__init__.py": "",
        "tests/test_pricing.py": """\
            from shop.pricing import describe, discount, total

            def test_gold():
                assert total("gold", [100]) == 80

            def test_silver():
                assert total("silver", [10]) == 9

            def test_no_discount():
                assert total("nobody", [10, 20]) == 30

            def test_discount():
                assert discount("silver", 50) == 5

            def test_describe():
                assert describe("ann") == "Ann"
            """,
    },
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_faulty_line_ranks_first_on_real_coverage(tmp_path: Path, name: str) -> None:
    files = PROGRAMS[name]
    fault = None
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        for number, line in enumerate(textwrap.dedent(text).splitlines(), 1):
            if "# FAULT" in line:
                fault = (rel, number)
    (tmp_path / "pytest.ini").write_text("[pytest]\npythonpath = .\n")
    report, coverage = TestRunner(LocalSandbox(tmp_path)).run_with_coverage()
    assert report.failing and report.passing

    ranked = rank_report(report, coverage)

    assert ranked and not any(s.path.startswith("tests/") for s in ranked)
    top = ranked[0].score
    assert fault in {(s.path, s.line) for s in ranked if s.score == top}, ranked[:5]
