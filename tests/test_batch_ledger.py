"""The shared cost ledger and BudgetedModel: no call starts once the total budget is spent."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from swebot.batch.ledger import BudgetedModel, FileLedger, Spend
from swebot.errors import LimitReached
from swebot.models import Message, ModelReply, ScriptedModel, Usage

CALL_COST = 0.10


def reply(cost: float | None = CALL_COST, tokens: int = 1000) -> ModelReply:
    return ModelReply(Message("assistant", "ok"), usage=Usage(tokens - 100, 100), cost=cost)


def test_refuses_to_start_a_call_once_spent_and_charges_each_reply(tmp_path: Path) -> None:
    ledger = FileLedger(tmp_path / "ledger.json", limit=0.25)
    inner = ScriptedModel([reply()] * 10, name="scripted-x")
    model = BudgetedModel(inner, ledger, instance_id="i-1")
    assert model.name == "scripted-x"
    for _ in range(3):  # 0.10, 0.20, 0.30: the third starts under the limit and ends over it
        model.complete([Message("user", "hi")], [])
    with pytest.raises(LimitReached) as info:
        model.complete([Message("user", "hi")], [])
    assert info.value.limit == "max_total_cost"
    assert len(inner.calls) == 3  # the refused call never reached the model
    assert ledger.spent("i-1") == Spend(pytest.approx(0.30), 3000, 3)
    assert ledger.exhausted()


def test_unknown_price_charges_tokens_but_no_cost_and_zero_limit_is_unlimited(tmp_path: Path) -> None:
    ledger = FileLedger(tmp_path / "ledger.json")
    model = BudgetedModel(ScriptedModel([reply(cost=None)] * 3), ledger, "i")
    for _ in range(3):
        model.complete([], [])
    assert ledger.spent() == Spend(0.0, 3000, 3)
    assert not ledger.exhausted()


def test_forget_and_set(tmp_path: Path) -> None:
    ledger = FileLedger(tmp_path / "ledger.json", limit=1.0)
    ledger.charge("a", 0.5, 10)
    ledger.charge("b", 0.6, 10)
    assert ledger.exhausted()
    ledger.forget(["b"])
    assert not ledger.exhausted() and set(ledger.snapshot()) == {"a"}
    ledger.set("c", Spend(0.7, 5, 2))
    assert ledger.spent().cost == pytest.approx(1.2)
    with pytest.raises(ValueError):
        FileLedger(tmp_path / "x.json", limit=-1)


def _spend_until_refused(path: str, worker: int, calls: multiprocessing.Queue[int]) -> None:
    ledger = FileLedger(Path(path), limit=1.0)
    model = BudgetedModel(ScriptedModel([reply()] * 100), ledger, instance_id=f"w{worker}")
    made = 0
    try:
        while True:
            model.complete([], [])
            made += 1
    except LimitReached:
        calls.put(made)


def test_budget_holds_across_worker_processes(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = 3
    procs = [ctx.Process(target=_spend_until_refused, args=(str(tmp_path / "l.json"), w, queue))
             for w in range(workers)]
    for p in procs:
        p.start()
    made = [queue.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(30)
    total = FileLedger(tmp_path / "l.json").spent()
    assert total.calls == sum(made)
    # 10 calls of 0.10 reach the limit; each worker may have had one call in flight beyond it
    assert 10 <= total.calls <= 10 + workers - 1
    assert total.cost < 1.0 + workers * CALL_COST
