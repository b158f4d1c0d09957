"""One ``swebot fix --engine builtin`` run on a checkout, as the real-bug benches call it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

SWEBOT_ROOT = Path(__file__).resolve().parents[2]


def fix(tree: Path, test: str, out: Path, time_limit: int, test_timeout: int) -> tuple[dict, float]:
    """The engine's JSON report (``status`` "crash" with its stderr when it printed none) and the
    wall-clock seconds the run took."""
    started = time.monotonic()
    command = [sys.executable, "-m", "swebot", "fix", str(tree), "--engine", "builtin",
               "--sandbox", "local", "--json", "--quiet", "--time-limit", str(time_limit),
               "--test-timeout", str(test_timeout), "--output", str(out), "--test", test]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=SWEBOT_ROOT,
                          env={**os.environ, "PYTHONPATH": str(SWEBOT_ROOT)})
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        report = {"status": "crash", "error": proc.stderr[-2000:]}
    return report, round(time.monotonic() - started, 1)
