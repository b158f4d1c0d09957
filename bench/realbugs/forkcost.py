"""What one quick check costs on a real bug: the fork server's calibration, then batches of 1, 8 and 16
candidates (the unchanged file with trailing newlines: every candidate's file differs, none
passes), each child's seconds. Compare two code versions by pointing at their trees.

    python bench/realbugs/forkcost.py CODE_TREE BUG_CHECKOUT "TEST COMMAND" SOURCE_PATH
    python bench/realbugs/forkcost.py /tmp/code-4b2a501 $SWEBOT_REALBUGS/bugs/black-3/buggy \\
        "PYTHONPATH=. $SWEBOT_REALBUGS/venvs/black/bin/python -m pytest -q -p no:cacheprovider tests/test_black.py::BlackTestCase::test_invalid_config_return_code" black.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main(code: str, bug: str, command: str, source: str) -> None:
    sys.path.insert(0, code)
    from swebot.engines.quickcheck import ForkChecker
    from swebot.sandbox.local import LocalSandbox
    from swebot.testing import TestRunner
    from swebot.workspace import snapshot

    workspace = snapshot(Path(bug))
    try:
        runner = TestRunner(LocalSandbox(workspace.path), command, timeout=120)
        started = time.monotonic()
        report = runner.run()
        print("test command", round(time.monotonic() - started, 2), "s; failing", sorted(report.failing)[:3])
        original = (workspace.path / source).read_text()
        fork = ForkChecker(runner, sorted(report.failing), {source: original}, timeout=60)
        started = time.monotonic()
        usable = fork.calibrate()
        print("calibration", usable, round(time.monotonic() - started, 2), "s; preloaded modules",
              len(getattr(fork, "preload", [])))
        print("rewritten once a batch by the server:", [Path(p).name for p in getattr(fork, "rewritten", [])])
        for count in (1, 8, 16):
            started = time.monotonic()
            answers = fork.check([{source: original + "\n" * (i + 1)} for i in range(count)], budget=600)
            spent = time.monotonic() - started
            children = [a.seconds for a in answers]
            print(count, "candidates", round(spent, 2), "s; children", [round(c, 2) for c in children],
                  f"mean {sum(children) / max(len(children), 1):.2f} s; {60 * len(children) / spent:.0f} candidates/min")
    finally:
        workspace.cleanup()


if __name__ == "__main__":
    main(*sys.argv[1:5])
