"""The localization benchmark's data and its weight fitting (the full run needs PyPI: bench/localize/run.py)."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path

import numpy as np

from swebot.localize import rank

BENCH = Path(__file__).resolve().parents[1] / "bench" / "localize"
# Loaded under a name of its own: "run" is too common a module name to put on sys.path.
_spec = importlib.util.spec_from_file_location("swebot_bench_localize_run", BENCH / "run.py")
assert _spec is not None and _spec.loader is not None
run = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = run  # dataclasses look their module up there
_spec.loader.exec_module(run)


def load_cases() -> tuple[dict, list[dict]]:
    data = tomllib.loads((BENCH / "cases.toml").read_text())
    return data["libraries"], data["case"]


def test_cases_are_complete_and_varied() -> None:
    libs, cases = load_cases()
    assert len(cases) >= 40 and len({c["library"] for c in cases}) >= 5
    assert len({c["id"] for c in cases}) == len(cases)
    for c in cases:
        assert c["library"] in libs, c["id"]
        assert {"file", "function", "old", "new", "issue"} <= set(c), c["id"]
        assert c["old"] != c["new"], c["id"]
        # A traceback case has exactly one place for the traceback, and only those cases have one.
        assert ("{traceback}" in c["issue"]) == bool(c.get("snippet")), c["id"]
    assert sum(bool(c.get("snippet")) for c in cases) >= 10
    held = sum(run.is_heldout(c["id"]) for c in cases)
    assert 0.3 * len(cases) < held < 0.7 * len(cases)


def test_issues_describe_symptoms_not_locations() -> None:
    # A few issues cite the file, as some users do (that exercises the path signal); most must not.
    _, cases = load_cases()
    citing = [c["id"] for c in cases if c["file"] in c["issue"]]
    assert len(citing) <= 0.1 * len(cases), citing


def test_listwise_fit_learns_which_feature_marks_the_target() -> None:
    rng = np.random.default_rng(0)
    data = []
    for _ in range(30):
        x = rng.random((50, 3))
        target = int(rng.integers(50))
        x[target, 1] += 1.0  # feature 1 tells the target apart; 0 and 2 are noise
        data.append((x, [target]))
    w = run.fit_listwise(data, np.zeros(3), steps=300)
    assert w[1] > 2 * max(abs(w[0]), abs(w[2]))
    hits = sum(int(np.argmax(x @ w)) == pos[0] for x, pos in data)
    assert hits >= 27


def test_priors_cover_every_feature_the_combiner_uses() -> None:
    assert set(run.PRIOR_FILE) == set(rank.FILE_FEATURES)
    assert set(rank.FILE_WEIGHTS) == set(rank.FILE_FEATURES)
    assert set(rank.SYMBOL_WEIGHTS) == set(rank.SYMBOL_FEATURES)
