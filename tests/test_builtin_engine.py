"""The builtin engine on its own: single edits, two-edit bugs, budgets, unparsable files."""

from __future__ import annotations

from pathlib import Path

import pytest

from swebot.engines.builtin import BuiltinEngine
from swebot.sandbox.local import LocalSandbox
from swebot.types import Budget, Task
from swebot.workspace import snapshot

TWO_EDITS = {
    "ranges.py": '''
        def count_between(values, low, high):
            """How many values lie in [low, high], both ends included."""
            n = 0
            for v in values:
                if v > low and v < high:
                    n += 1
            return n
    ''',
    "tests/test_ranges.py": '''
        from ranges import count_between


        def test_interior():
            assert count_between([2, 3, 4], 1, 5) == 3


        def test_outside():
            assert count_between([0, 9], 1, 5) == 0


        def test_low_end_included():
            assert count_between([1, 3], 1, 5) == 2


        def test_high_end_included():
            assert count_between([3, 5], 1, 5) == 2
    ''',
    "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
}


def repair(make_repo, files, budget=Budget(time_limit=300), progress=None, test_command="python -m pytest"):
    events: list[tuple[str, dict]] = []
    workspace = snapshot(make_repo(files))
    sandbox = LocalSandbox(workspace.path)
    try:
        task = Task(workspace=workspace.path, test_command=test_command, test_timeout=60)
        result = BuiltinEngine().repair(task, sandbox, budget,
                                        lambda e, f: events.append((e, dict(f))))
        return result, events, workspace.path
    finally:
        sandbox.close()
        workspace.cleanup()


def test_two_edit_bug_is_fixed_from_partial_fixes(make_repo):
    result, events, _ = repair(make_repo, TWO_EDITS)
    assert result.status == "fixed", result.description
    assert "+        if v >= low and v <= high:" in result.patch
    assert len(result.failing_before) == 2 and result.failing_after == ()
    stages = [f.get("detail") for e, f in events if e == "stage"]
    assert "two-edit combinations" in stages


def test_candidate_limit_ends_the_search_with_best_partial(make_repo):
    result, _, _ = repair(make_repo, TWO_EDITS, Budget(max_candidates=4))
    assert result.status == "not_fixed"
    assert result.limit_hit == "max_candidates"
    assert result.candidates_tried <= 4


def test_unparsable_suspicious_file_is_skipped_with_a_warning(tmp_path: Path):
    from swebot.localize.sbfl import SuspiciousLine

    (tmp_path / "good.py").write_text("x = 1\n")
    (tmp_path / "bad.py").write_text("def broken(:\n    pass\n")
    warnings: list[str] = []
    sources, encodings, skipped = BuiltinEngine()._read_sources(
        LocalSandbox(tmp_path),
        [SuspiciousLine("bad.py", 1, 1.0), SuspiciousLine("good.py", 1, 0.5)],
        lambda event, fields: warnings.append(str(fields.get("message"))),
    )
    assert list(sources) == ["good.py"] and encodings == {}
    assert list(skipped) == ["bad.py"] and "does not parse" in skipped["bad.py"]
    assert any("skipping bad.py" in w for w in warnings)
    assert (tmp_path / "bad.py").read_text() == "def broken(:\n    pass\n"


def test_workspace_is_left_as_the_patch_says(make_repo):
    files = {
        "clamp.py": '''
            def clamp(x, low, high):
                if x < low:
                    return low
                if x > high:
                    return low
                return x
        ''',
        "tests/test_clamp.py": '''
            from clamp import clamp

            def test_low():
                assert clamp(-1, 0, 5) == 0

            def test_high():
                assert clamp(9, 0, 5) == 5

            def test_mid():
                assert clamp(3, 0, 5) == 3
        ''',
        "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
    }
    workspace = snapshot(make_repo(files))
    sandbox = LocalSandbox(workspace.path)
    try:
        task = Task(workspace=workspace.path, test_command="python -m pytest", test_timeout=60)
        result = BuiltinEngine().repair(task, sandbox, Budget(time_limit=300), lambda e, f: None)
        assert result.status == "fixed"
        assert workspace.diff() == result.patch
        assert "+        return high" in result.patch
        assert ".swebot" not in result.patch
    finally:
        sandbox.close()
        workspace.cleanup()


WRONG_DEFAULT = {
    "names.py": '''
        def find(names, term, exact=True):
            """Names containing term; a prefix match is enough unless exact."""
            term = term.lower()
            if exact:
                return [n for n in names if n.lower() == term]
            return [n for n in names if n.lower().startswith(term)]
    ''',
    "tests/test_names.py": '''
        from names import find


        def test_prefix_by_default():
            assert find(["Ann", "Anna", "Bo"], "an") == ["Ann", "Anna"]


        def test_exact_when_asked():
            assert find(["Ann", "Anna"], "ann", exact=True) == ["Ann"]
    ''',
    "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
}


def test_a_wrong_default_value_in_the_signature_is_found(make_repo):
    # the def line runs at import time, so coverage alone never points at it
    result, _, _ = repair(make_repo, WRONG_DEFAULT)
    assert result.status == "fixed", result.description
    assert "-def find(names, term, exact=True):\n+def find(names, term, exact=False):" in result.patch


def test_signature_lines_are_those_of_functions_with_suspicious_bodies():
    from swebot.engines.builtin import SIGNATURE_SHARE, signature_lines

    source = ("import os\n\n\n@cache\ndef f(a,\n      b=1):\n    '''doc'''\n    return a\n\n\n"
              "def g(x=2):\n    return x\n")
    assert signature_lines(source, {8: 0.5}) == {5: 0.5 * SIGNATURE_SHARE, 6: 0.5 * SIGNATURE_SHARE}
    assert signature_lines(source, {1: 0.9}) == {}  # not inside a function
    assert signature_lines("def broken(:\n", {1: 1.0}) == {}


def test_candidates_are_checked_in_lanes_on_workspace_copies_that_go_away(make_repo, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    workspace = snapshot(make_repo(TWO_EDITS))
    try:
        with LocalSandbox(workspace.path) as sandbox:
            task = Task(workspace=workspace.path, test_command="python -m pytest", test_timeout=60)
            result = BuiltinEngine(lanes=2).repair(task, sandbox, Budget(time_limit=300), lambda e, f: None)
            assert result.status == "fixed" and result.details["lanes"] == 2
            assert "-        if v > low and v < high:\n+        if v >= low and v <= high:" in result.patch
    finally:
        workspace.cleanup()
    assert not list((tmp_path / "tmp").glob("swebot-clone-*"))  # the lanes' copies were removed


def test_a_workspace_copy_that_cannot_be_made_leaves_the_search_to_one_lane(make_repo):
    class FullDisk(LocalSandbox):
        def clone(self):  # type: ignore[no-untyped-def]
            raise OSError(28, "No space left on device")

    workspace = snapshot(make_repo(TWO_EDITS))
    try:
        with FullDisk(workspace.path) as sandbox:
            task = Task(workspace=workspace.path, test_command="python -m pytest", test_timeout=60)
            result = BuiltinEngine(lanes=2).repair(task, sandbox, Budget(time_limit=300), lambda e, f: None)
    finally:
        workspace.cleanup()
    assert result.status == "fixed" and result.details["lanes"] == 1


def test_lanes_come_from_the_environment_or_the_cores(monkeypatch):
    import os

    import pytest

    from swebot.engines.validation import MAX_LANES, default_lanes, lanes_per_worker
    from swebot.errors import BadInput

    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    monkeypatch.delenv("SWEBOT_LANES", raising=False)
    assert default_lanes() == MAX_LANES == 4
    assert (lanes_per_worker(1), lanes_per_worker(2), lanes_per_worker(4), lanes_per_worker(16)) == (4, 4, 2, 1)
    monkeypatch.setenv("SWEBOT_LANES", "3")
    assert default_lanes() == 3 and BuiltinEngine().lanes == 3
    monkeypatch.setenv("SWEBOT_LANES", "0")
    with pytest.raises(BadInput, match="SWEBOT_LANES='0'"):
        BuiltinEngine()


UNEXPECTED_END = {
    "options.py": '''
        def without_option(parts, option):
            """``parts`` without ``option`` and the value after it (if any)."""
            index = parts.index(option)
            parts.pop(index)
            parts.pop(index)
            return parts
    ''',
    "tests/test_options.py": '''
        from options import without_option


        def test_option_with_value():
            assert without_option(["push", "-u", "origin", "main"], "-u") == ["push", "main"]


        def test_option_last():
            assert without_option(["push", "-u"], "-u") == ["push"]
    ''',
    "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
}


def test_the_exception_the_traceback_raises_is_caught_where_it_is_raised(make_repo):
    result, _, _ = repair(make_repo, UNEXPECTED_END)
    assert result.status == "fixed", result.description
    assert "exception_guard" in result.description
    assert "+        try:\n+            parts.pop(index)\n+        except IndexError:\n+            pass" in result.patch \
        or "+    try:\n+        parts.pop(index)\n+    except IndexError:\n+        pass" in result.patch


def test_the_localize_event_carries_the_ranking_for_the_run_log(make_repo):
    _, events, _ = repair(make_repo, TWO_EDITS, Budget(max_candidates=1))
    localize = [f for e, f in events if e == "stage" and f.get("name") == "localize" and "ranking" in f]
    assert len(localize) == 1
    ranking = localize[0]["ranking"]
    assert ranking[:5] == localize[0]["top"] and "ranges.py:6" in ranking
    assert all(item.startswith("ranges.py:") for item in ranking)  # source lines only, no test lines


def test_module_constants_read_on_suspicious_lines_are_searched_too():
    from swebot.engines.builtin import SIGNATURE_SHARE, constant_lines

    source = "import re\nPATTERN = re.compile(\n    r'a+')\nLIMIT: int = 3\nOTHER = 1\n\n\n" \
             "def find(text):\n    found = PATTERN.findall(text)\n    return found[:LIMIT]\n"
    assert constant_lines(source, {9: 1.0, 10: 0.5}) == {2: SIGNATURE_SHARE, 3: SIGNATURE_SHARE,
                                                         4: 0.5 * SIGNATURE_SHARE}
    assert constant_lines(source, {5: 1.0}) == {}  # nothing suspicious reads them
    assert constant_lines("def broken(:\n", {1: 1.0}) == {}


IMPORT_TIME_FAULT = {
    "retry.py": '''
        ATTEMPTS = 2


        def schedule(delay):
            """One delay per attempt, doubling."""
            return [delay * 2 ** i for i in range(ATTEMPTS)]


        def describe():
            return f"{ATTEMPTS} attempts"
    ''',
    "tests/test_retry.py": '''
        from retry import describe, schedule


        def test_three_attempts():
            assert schedule(1) == [1, 2, 4]
            assert describe() == "3 attempts"
    ''',
    "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
}


def test_a_fault_in_a_module_constant_that_runs_at_import_is_found(make_repo):
    result, _, _ = repair(make_repo, IMPORT_TIME_FAULT)
    assert result.status == "fixed", result.description
    assert "-ATTEMPTS = 2\n+ATTEMPTS = 3" in result.patch


CRASH_IN_A_SHARED_HELPER = {
    "headers.py": '''
        def merged(session, request):
            out = dict(session)
            for name, value in request.items():
                value = value.strip()
                out[name] = value
            return out


        def render(headers):
            lines = []
            for name in sorted(headers):
                lines.append(name + ": " + headers[name])
            return "\\n".join(lines)


        def download(session, request):
            """Render the headers of a download request."""
            headers = merged(session, request)
            if headers:
                headers.setdefault("Accept-Encoding", "identity")
            return render(headers)
    ''',
    "tests/test_headers.py": '''
        from headers import download, merged, render


        def test_merged():
            assert merged({"A": "1"}, {"B": " 2 "}) == {"A": "1", "B": "2"}


        def test_render():
            assert render({"B": "2", "A": "1"}) == "A: 1\\nB: 2"


        def test_unset_header_is_skipped():
            assert download({"A": "1"}, {"B": None}) == "A: 1\\nAccept-Encoding: identity"
    ''',
    "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
}


def test_the_line_the_failing_test_crashed_on_ranks_first(make_repo):
    _, events, _ = repair(make_repo, CRASH_IN_A_SHARED_HELPER, Budget(max_candidates=1))
    top = next(f["top"] for e, f in events if e == "stage" and f.get("name") == "localize" and "top" in f)
    assert top[0] == "headers.py:4"  # `value = value.strip()`: AttributeError on None


OVERFIT_BAIT = {
    "rules.py": '''
        def match(stderr):
            """Whether git says the pathspec did not match."""
            return ('did not match' in stderr
                    and "forget to 'git add'?" in stderr)
    ''',
    "tests/test_rules.py": '''
        from rules import match


        def test_match():
            assert match("error: pathspec 'x' did not match any file(s) known to git.")


        def test_not_match():
            assert not match("error: something else")
    ''',
    "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
}


def test_of_the_passing_edits_of_a_statement_the_one_that_only_removes_code_is_reported(make_repo):
    # `in` -> `not in` on the second test passes too, and comes first by prior; dropping it is the fix
    result, _, _ = repair(make_repo, OVERFIT_BAIT)
    assert result.status == "fixed", result.description
    assert "operand_deletion" in result.description
    assert "+    return ('did not match' in stderr)" in result.patch
    assert result.details["search"]["removal_rivals"] >= 1


def test_only_removals_inside_the_winners_statement_are_its_rivals():
    from swebot.engines.simplest import removes_only, statement_span

    source = "def f(a, b):\n    if a and b:\n        return (a\n                + b)\n    return 0\n"
    assert statement_span(source, 4) == (3, 4)
    assert statement_span(source, 2) == (2, 2)  # a compound statement's header only
    assert statement_span("def broken(:\n", 1) is None
    assert removes_only(source, source.replace("a and b", "a"))
    assert not removes_only(source, source.replace("a and b", "a or b"))
    assert not removes_only(source, source.replace("a and b", "a and not b"))
    assert not removes_only(source, source)


def test_only_a_winner_that_negates_a_clause_gives_way_to_a_removal():
    from swebot.engines.simplest import negates_only

    source = "def f(a, s):\n    return a == 1 and 'x' in s\n"
    assert negates_only(source, source.replace("'x' in s", "'x' not in s"))
    assert negates_only(source, source.replace("a == 1", "a != 1"))
    assert negates_only(source, source.replace("return a", "return not a"))
    assert not negates_only(source, source.replace("a == 1", "a >= 1"))  # a boundary: a change of meaning
    assert not negates_only(source, source.replace("a == 1", "a == 2"))
    assert not negates_only(source, source.replace(" and 'x' in s", ""))
    assert not negates_only(source, source.replace("'x' in s", "'x' not in s").replace("==", "!="))


ENTITY_BUG = {
    "entities.py": '''
        import re

        ENTITIES = {"quot": '"', "amp": "&", "lt": "<"}


        def unescape(text):
            """``&quot;`` and friends replaced by the characters they stand for."""
            return re.sub(r'&([^;]+);', lambda m: ENTITIES.get(m.group(1), m.group(0)), text)
    ''',
    "tests/test_entities.py": '''
        from entities import unescape


        def test_entity():
            assert unescape("a &lt; b") == "a < b"


        def test_stray_ampersand_before_an_entity():
            assert unescape("&a&quot;") == '&a"'
    ''',
    "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
}


def test_a_character_missing_from_a_regex_class_is_added_from_the_tests_strings(make_repo, monkeypatch):
    monkeypatch.setenv("SWEBOT_LANES", "1")  # candidates in rank order: the first that passes is reported
    result, _, _ = repair(make_repo, ENTITY_BUG)
    assert result.status == "fixed", result.description
    assert "regex_interior" in result.description
    assert "+    return re.sub(r'&([^&;]+);'" in result.patch


DATED = {
    "dates.py": '''
        def parse(text):
            parts = text.split("-")
            if len(parts) != 3:
                return None
            return "".join(parts)


        def as_text(text):
            parsed = parse(text)
            return str(parsed)
    ''',
    "tests/test_dates.py": '''
        from dates import as_text


        def test_a_date():
            assert as_text("2020-01-02") == "20200102"


        def test_no_date_gives_none():
            assert as_text("soon") is None
    ''',
    "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
}


def test_a_final_return_is_made_conditional_on_its_value(make_repo, monkeypatch):
    monkeypatch.setenv("SWEBOT_LANES", "1")  # candidates in rank order: the first that passes is reported
    result, _, _ = repair(make_repo, DATED)
    assert result.status == "fixed", result.description
    assert "return_wrap" in result.description
    assert "+    if parsed is not None:\n+        return str(parsed)" in result.patch


def test_one_templates_many_edits_at_a_line_give_way_to_other_templates_and_lines():
    from swebot.engines.builtin import SAME_SITE_DECAY, SAME_SITE_FREE
    from swebot.localize.sbfl import SuspiciousLine

    # guards over five locals and three exit values at line 2, comparisons at line 3
    source = ("def total(a, b, c, d, e):\n    s = a + b + c + d + e\n    if s > 0:\n        return s\n"
              "    return 0\n")
    ranking = [SuspiciousLine("calc.py", 2, 1.0), SuspiciousLine("calc.py", 3, 0.9)]
    from swebot.engines.builtin import SingleEdits
    from swebot.engines.hints import TestHints

    originals = {"calc.py": source}
    singles = list(SingleEdits(originals, BuiltinEngine()._lines_by_file(ranking, originals), TestHints()))
    by_key: dict[tuple[int, str], list[float]] = {}
    for candidate in singles:
        mutation = candidate.mutations[0]
        by_key.setdefault((mutation.line, mutation.template), []).append(candidate.score)
    crowded = [scores for scores in by_key.values() if len(scores) > SAME_SITE_FREE + 1]
    assert crowded, by_key
    for scores in by_key.values():  # the first few weigh the same, each further one less
        free, rest = scores[:SAME_SITE_FREE], scores[SAME_SITE_FREE - 1:]
        assert all(score == pytest.approx(free[0]) for score in free)
        assert all(later == pytest.approx(earlier * SAME_SITE_DECAY) for earlier, later in zip(rest, rest[1:]))
    order = [(c.mutations[0].line, c.mutations[0].template) for c in singles]
    guards = [i for i, key in enumerate(order) if key == (2, "guard")]
    assert any(key[0] == 3 for key in order[guards[0]:guards[-1]])  # line 3 is not held back by them
    assert [c.score for c in singles] == sorted((c.score for c in singles), reverse=True)


def test_a_fault_the_failing_test_runs_no_line_of_is_reported_as_nothing_to_search(make_repo):
    # The class body runs at import, before any test: per-test coverage gives the test no line.
    files = {"settings.py": "class Retry:\n    attempts = 2\n",
             "test_settings.py": "from settings import Retry\n\n\ndef test_three_attempts():\n"
                                 "    assert Retry.attempts == 3\n"}
    result, _, _ = repair(make_repo, files, Budget(time_limit=120))
    assert result.status == "not_fixed" and result.candidates_tried == 0
    assert result.description.startswith("nothing to search: the failing tests ran no line"), result.description
