"""Selection by evidence, votes and size; the shared ledger; patch sections. No sandbox needed."""

from __future__ import annotations

import threading

import pytest

from swebot.errors import LimitReached
from swebot.models.base import Message, ModelReply, Usage
from swebot.models.scripted import ScriptedModel
from swebot.scaling import Candidate, Checked, Evidence, SharedLedger, select
from swebot.scaling.evidence import ReproTest, place_reproductions
from swebot.diffs import changed_lines, file_sections, without_files

GOOD = Evidence(repro_passed=("r1", "r2"), repro_total=3)


def checked(cid: str, key: str, evidence: Evidence, size: int = 2) -> Checked:
    return Checked(Candidate(cid, f"origin {cid}", f"patch {cid}\n"), evidence, key, size)


def test_best_evidence_beats_a_larger_group() -> None:
    overfit = Evidence(repro_passed=("r1", "r2", "r3"), repro_total=3, regressions=("t_old",))
    wrong = Evidence(repro_passed=("r3",), repro_total=3)
    sel = select([checked("a1", "w", wrong), checked("a2", "w", wrong), checked("a3", "w", wrong),
                  checked("a4", "o", overfit), checked("a5", "c", GOOD)])
    assert sel.winner is not None and sel.winner.candidate.id == "a5"
    assert [g.key for g in sel.groups] == ["c", "w", "o"]  # the overfitting group ranks below the wrong one
    assert "better evidence" in sel.reason


def test_equal_evidence_goes_to_the_larger_group_then_the_smallest_diff() -> None:
    sel = select([checked("a1", "x", GOOD, size=1), checked("a2", "y", GOOD, size=9), checked("a3", "y", GOOD, size=4)])
    assert sel.winner is not None and sel.winner.candidate.id == "a3"
    assert "larger (2 vs 1 candidates)" in sel.reason and "smallest diff in its group" in sel.reason
    tie = select([checked("a1", "x", GOOD, size=5), checked("a2", "y", GOOD, size=3)])
    assert tie.winner is not None and tie.winner.candidate.id == "a2" and "smaller diff (3 vs 5" in tie.reason


def test_own_failing_reproduction_or_a_patch_that_does_not_apply_is_not_plausible() -> None:
    assert GOOD.plausible
    assert not Evidence(repro_passed=("r1",), repro_total=2, own_failed=("r2",)).plausible
    assert not Evidence(targets_fixed=("t1",), targets_total=2).plausible
    broken = Evidence(applies=False, problems=("does not apply",))
    sel = select([checked("a1", "b", broken), checked("a2", "n", Evidence(repro_total=3))])
    assert sel.winner is not None and sel.winner.candidate.id == "a2"
    assert select([]).winner is None
    data = sel.to_dict()
    assert data["winner"] == "a2" and {c["id"] for c in data["candidates"]} == {"a1", "a2"}


def test_reproduction_files_with_one_name_get_distinct_names() -> None:
    files, ids = place_reproductions([
        ReproTest("tests/test_r.py", "A", ("tests/test_r.py::test_a",), "a1"),
        ReproTest("tests/test_r.py", "B", ("tests/test_r.py::test_b",), "a2"),
        ReproTest("tests/test_r.py", "A", ("tests/test_r.py::test_a",), "a3"),
    ])
    assert files == [("tests/test_r.py", "A"), ("tests/test_r_a2.py", "B")]
    assert ids == {"a1": ("tests/test_r.py::test_a",), "a2": ("tests/test_r_a2.py::test_b",),
                   "a3": ("tests/test_r.py::test_a",)}


def reply(cost: float, tokens: int = 10) -> ModelReply:
    return ModelReply(Message("assistant", "ok"), Usage(tokens, 0), cost=cost)


def test_ledger_starts_no_call_expected_to_pass_the_cost_limit() -> None:
    ledger = SharedLedger(max_cost=2.5)
    models = [ledger.wrap(ScriptedModel([reply(1.0)] * 5)) for _ in range(3)]
    models[0].complete([], [])  # nothing seen yet: goes
    models[1].complete([], [])  # $1 spent, the dearest call $1: 1 + 1 <= 2.5
    with pytest.raises(LimitReached) as hit:
        models[2].complete([], [])  # 2 + 1 > 2.5
    assert hit.value.limit == "max_cost" and ledger.cost == 2.0 and ledger.calls == 2


def test_ledger_counts_calls_in_flight_and_stops_on_request() -> None:
    ledger = SharedLedger(max_tokens=250)
    ledger.end(ledger.begin(), reply(0.0, tokens=100))
    held = ledger.begin()  # 100 spent + 100 expected
    with pytest.raises(LimitReached, match="max_tokens"):
        ledger.begin()  # 100 + 100 in flight + 100 > 250
    ledger.end(held, None)  # the call failed: nothing charged
    ledger.stop()
    with pytest.raises(LimitReached, match="early_stop"):
        ledger.begin()


def test_ledger_is_safe_across_threads() -> None:
    ledger = SharedLedger(max_cost=1000.0)
    model = ledger.wrap(ScriptedModel([reply(0.5)] * 400))
    threads = [threading.Thread(target=lambda: [model.complete([], []) for _ in range(50)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ledger.calls == 200 and ledger.cost == pytest.approx(100.0)


PATCH = """diff --git a/calc/ops.py b/calc/ops.py
--- a/calc/ops.py
+++ b/calc/ops.py
@@ -1,2 +1,2 @@
 def add(a, b):
-    return a - b
+    return a + b
diff --git a/tests/test_repro.py b/tests/test_repro.py
new file mode 100644
--- /dev/null
+++ b/tests/test_repro.py
@@ -0,0 +1,2 @@
+def test_x():
+    assert True
"""


def test_patch_sections_can_be_left_out_and_measured() -> None:
    assert [p for p, _ in file_sections(PATCH)] == ["calc/ops.py", "tests/test_repro.py"]
    code = without_files(PATCH, ["tests/test_repro.py"])
    assert "test_repro" not in code and "+    return a + b" in code
    assert changed_lines(code) == 2 and changed_lines(PATCH) == 4


def test_make_engine_builds_varied_attempts() -> None:
    from swebot.agent.config import LLMSettings
    from swebot.engines.factory import make_engine
    from swebot.engines.llm import LLMEngine, rotate
    from swebot.scaling import ScalingEngine

    settings = LLMSettings(model="gpt-4.1", temperature=0.2)
    auto = make_engine("auto", settings, has_failing_tests=True, attempts=3, keep_tests=True)
    assert isinstance(auto, ScalingEngine) and auto.keep_tests
    assert [p.id for p in auto.plans] == ["builtin", "a1", "a2"]
    llm = make_engine("llm", settings, attempts=3)
    assert isinstance(llm, ScalingEngine) and [p.id for p in llm.plans] == ["a1", "a2", "a3"]
    engines = [p.make(lambda m: m) for p in llm.plans]
    assert all(isinstance(e, LLMEngine) for e in engines)
    assert [e.settings.temperature for e in engines] == [0.2, 0.7, 0.7]  # type: ignore[attr-defined]
    assert [(e.variant.seed, e.variant.hint_offset) for e in engines] == [(1, 0), (2, 1), (3, 2)]  # type: ignore[attr-defined]
    single = make_engine("llm", settings, attempts=1, keep_tests=True)
    assert isinstance(single, LLMEngine) and single.keep_tests
    assert rotate("- a.py\n- b.py\n- c.py", 1) == "- b.py\n- c.py\n- a.py" and rotate("", 2) == ""
