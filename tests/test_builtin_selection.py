"""The builtin engine searches on past its first plausible patch and reports the one whose failing
tests' execution shows no switched-off path (swebot.engines.selection)."""

from __future__ import annotations

from typing import Sequence

from swebot.engines.builtin import BuiltinEngine, Candidate, SearchState
from swebot.engines.selection import Footprint
from swebot.engines.validation import Verdict
from swebot.mutate import Mutation
from swebot.types import Budget

from tests.test_builtin_engine import repair

ORIGINAL = "def set(self, name, value):\n    key = name.lower()\n    self.values[key] = value\n"


def _candidate(description: str, source: str) -> Candidate:
    return Candidate((("m.py", source),), (Mutation("guard", 2, description, source, 0.5),), 0.5)


SWITCH_OFF = _candidate("if not value: return None",
                        ORIGINAL.replace("    key =", "    if not value:\n        return None\n    key ="))
NOT_A_FIX = _candidate("key = name", ORIGINAL.replace("name.lower()", "name"))
REAL_FIX = _candidate("values[key] = [value]", ORIGINAL.replace("= value", "= [value]"))


class ScriptedValidator:
    """Says which candidates pass, one at a time, as the fork server would."""

    failing = ("tests/test_m.py::test_set",)
    batch_size = 1
    originals = {"m.py": ORIGINAL}

    def __init__(self, passing: Sequence[Candidate]) -> None:
        self.passing = list(passing)
        self.checked: list[Candidate] = []

    def validate_batch(self, batch: Sequence[Candidate], time_left: float) -> list[Verdict]:
        self.checked.append(batch[0])
        ok = batch[0] in self.passing
        return [Verdict(frozenset(self.failing) if ok else frozenset(), plausible=ok)]


class FootprintsByCandidate:
    def __init__(self, footprints: dict[Candidate, Footprint | None]) -> None:
        self.footprints = footprints

    def measure(self, candidate, validator, state) -> Footprint | None:
        return self.footprints[candidate]


def _select(first: Candidate, rest: Sequence[Candidate], passing: Sequence[Candidate],
            footprints: dict[Candidate, Footprint | None]) -> tuple[Candidate, SearchState, ScriptedValidator]:
    state = SearchState(Budget(time_limit=300))
    state.plausible.append(first)
    validator = ScriptedValidator(passing)
    chosen = BuiltinEngine(lanes=1)._select(first, iter(rest), validator, state,  # type: ignore[arg-type]
                                            lambda event, fields: None, FootprintsByCandidate(footprints))
    return chosen, state, validator


def test_a_later_fix_beats_a_first_plausible_patch_that_switches_the_path_off():
    cut = Footprint(switched_off=(("m.py", 2), ("m.py", 3)), exits_taken=("return at m.py:3",))
    chosen, state, validator = _select(SWITCH_OFF, [NOT_A_FIX, REAL_FIX], [SWITCH_OFF, REAL_FIX],
                                       {SWITCH_OFF: cut, REAL_FIX: Footprint()})
    assert chosen is REAL_FIX
    assert validator.checked == [NOT_A_FIX, REAL_FIX]
    assert state.selection["compared"] == 2 and state.selection["chosen"] == 2
    assert "fewest lines switched off" in str(state.selection["reason"])
    assert "2 line(s) switched off" in str(state.selection["patches"][0])


def test_a_first_plausible_patch_that_switches_nothing_off_is_reported_without_a_search_for_rivals():
    # Equal footprints keep the search's order, so no rival could displace it: searching on would
    # only spend the user's time.
    chosen, state, validator = _select(REAL_FIX, [NOT_A_FIX, SWITCH_OFF], [SWITCH_OFF, REAL_FIX],
                                       {SWITCH_OFF: Footprint(switched_off=(("m.py", 2),)), REAL_FIX: Footprint()})
    assert chosen is REAL_FIX
    assert validator.checked == []
    assert state.selection["compared"] == 1 and state.selection["chosen"] == 1
    assert "no rival sought" in str(state.selection["reason"])


def test_the_first_plausible_patch_stands_when_no_rival_does_better():
    cut = Footprint(switched_off=(("m.py", 2),))
    worse = Footprint(switched_off=(("m.py", 2), ("m.py", 3)))
    chosen, state, _ = _select(SWITCH_OFF, [NOT_A_FIX, REAL_FIX], [SWITCH_OFF, REAL_FIX],
                               {SWITCH_OFF: cut, REAL_FIX: worse})
    assert chosen is SWITCH_OFF
    assert state.selection["compared"] == 2 and state.selection["chosen"] == 1


def test_the_extra_search_stops_after_a_few_more_plausible_patches():
    cut = Footprint(switched_off=(("m.py", 2),))
    others = [_candidate(f"values[key] = {n}", ORIGINAL.replace("= value", f"= {n}")) for n in range(10)]
    chosen, state, validator = _select(SWITCH_OFF, others, others, {SWITCH_OFF: cut, **{c: Footprint() for c in others}})
    assert chosen is others[0]
    assert len(validator.checked) == 3  # SELECT_MORE plausible patches beyond the first, then it stops
    assert state.selection["compared"] == 4


def test_a_patch_that_cannot_be_measured_does_not_displace_a_measured_one():
    chosen, _, _ = _select(SWITCH_OFF, [REAL_FIX], [SWITCH_OFF, REAL_FIX],
                           {SWITCH_OFF: Footprint(switched_off=(("m.py", 2),)), REAL_FIX: None})
    assert chosen is SWITCH_OFF


TRIM = {
    "trim.py": '''
        def trim(text, width):
            """``text`` cut to ``width`` characters, ending in '...' when cut."""
            if len(text) >= width:
                text = text[:width - 3] + "..."
            return text
    ''',
    "tests/test_trim.py": '''
        from trim import trim


        def test_long_text_is_cut():
            assert trim("abcdefgh", 6) == "abc..."


        def test_short_text_is_kept():
            assert trim("ab", 6) == "ab"


        def test_text_of_exactly_the_width_is_kept():
            assert trim("abcdef", 6) == "abcdef"
    ''',
    "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
}


def test_the_run_result_says_how_many_plausible_patches_were_compared_and_why_one_won(make_repo, monkeypatch):
    monkeypatch.setenv("SWEBOT_LANES", "1")
    result, events, _ = repair(make_repo, TRIM, budget=Budget(time_limit=40))
    assert result.status == "fixed"
    selection = result.details["selection"]
    assert selection["compared"] >= 2  # `>=` -> `>`, and off-by-ones that act alike on these tests
    assert len(selection["patches"]) == selection["compared"]
    # each skips the `if` body on the failing test's input alike: the first found is kept
    assert selection["chosen"] == 1 and "equal footprints" in selection["reason"]
    assert "+    if len(text) > width:" in result.patch
    assert any(e == "stage" and f.get("name") == "select" and "compared" in f.get("detail", "") for e, f in events)


def test_patches_keeping_the_failing_tests_from_running_are_rejected_and_the_search_goes_on():
    no_body = Footprint(tests_not_run=("tests/test_m.py::test_set",))
    chosen, state, validator = _select(SWITCH_OFF, [NOT_A_FIX, REAL_FIX], [SWITCH_OFF, REAL_FIX],
                                       {SWITCH_OFF: no_body, REAL_FIX: Footprint(switched_off=(("m.py", 3),))})
    assert chosen is REAL_FIX and state.not_fixes == [SWITCH_OFF]
    assert "no longer run their own code" in str(state.selection["patches"][0])
    # when every one compared does so, none is chosen: the caller searches on
    chosen, state, _ = _select(SWITCH_OFF, [NOT_A_FIX], [SWITCH_OFF], {SWITCH_OFF: no_body})
    assert chosen is None and state.not_fixes == [SWITCH_OFF]
    assert state.selection["chosen"] == 0 and "none" in str(state.selection["reason"])


DECORATED = {
    "pkg/__init__.py": "",
    "pkg/decorators.py": '''
        import functools

        OPTIONS = {}


        def with_options(**options):
            """Run the decorated test with ``options`` set."""
            def decorator(fun):
                @functools.wraps(fun)
                def _forward(*args):
                    OPTIONS.update(options)
                    fun(*args)
                return _forward
            return decorator
    ''',
    # the option's name is misspelt: no single or double edit of the templates mends it
    "pkg/core.py": '''
        from pkg.decorators import OPTIONS


        def width():
            return OPTIONS.get("wide", 80)
    ''',
    "tests/test_core.py": '''
        from pkg.core import width
        from pkg.decorators import with_options


        @with_options(width=10)
        def test_width_follows_the_option():
            assert width() == 10
    ''',
    "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
}


def test_a_decorator_made_to_skip_the_test_body_is_not_reported_as_a_fix(make_repo):
    # pylint-5859: `if not args: return` in the package's `set_config` passed the failing test by
    # returning before its body; the engine reported it `fixed`
    result, _, _ = repair(make_repo, DECORATED)
    assert result.status == "not_fixed", result.patch
    assert "keeping them from running their own code" in result.description
    assert "pkg/decorators.py" in result.description
    selection = result.details["selection"]
    assert isinstance(selection, dict) and selection["chosen"] == 0 and selection["rejected"] >= 1
