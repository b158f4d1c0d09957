"""The batch progress bar: done/total, resolved so far, running cost, ETA."""

from __future__ import annotations

import io

from swebot.batch.progress import BatchProgress


def test_line_counts_cost_and_eta_from_this_runs_pace() -> None:
    stream = io.StringIO()
    progress = BatchProgress(stream, total=10, already_done=2, resolved_label="resolved")
    assert progress.line().endswith("ETA -")
    start = progress._started
    progress.update("a", "fixed", resolved=True, cost=0.5)
    progress.update("b", "not_fixed", resolved=False, cost=0.25)
    progress.update("c", "cut", resolved=False, cost=0.0, counted=False)
    line = progress.line(now=start + 60)  # 2 instances in 60 s, 6 left: 3 minutes
    assert "4/10" in line and "resolved 1" in line and "cost $0.7500" in line and "ETA 3m00s" in line
    written = stream.getvalue().splitlines()
    assert len(written) == 3 and written[0].endswith("(a: fixed)")  # not a terminal: one line each


def test_finished_batch_has_no_eta_left() -> None:
    progress = BatchProgress(None, total=1)
    progress.update("a", "fixed", resolved=True, cost=0.0)
    assert progress.line().endswith("ETA 0s") and "[########################] 1/1" in progress.line()
