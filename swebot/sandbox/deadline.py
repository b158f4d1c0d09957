"""A sandbox whose commands may not outlive the run's wall-time limit (``--time-limit``).

Wraps any sandbox: every ``execute`` gets the smaller of its own timeout and the time left,
so a test command that hangs ends when the run's time does, not when the (much longer) test
timeout would. Commands started after the deadline get a short grace period instead of no
time at all: computing the final diff or restoring a file must still work once the search has
been stopped.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Mapping, Sequence

from swebot.types import ExecResult, Sandbox

GRACE = 10.0  # seconds a command started after the deadline may take (housekeeping: git diff)


class DeadlineSandbox:
    """``inner`` with every command's timeout capped by the time left until ``deadline``
    (a ``time.monotonic()`` value)."""

    def __init__(self, inner: Sandbox, deadline: float) -> None:
        self.inner = inner
        self.root = inner.root
        self.deadline = deadline
        self.cut_short = 0  # commands that timed out because the run's time ran out

    def time_left(self) -> float:
        return self.deadline - time.monotonic()

    def expired(self) -> bool:
        return self.time_left() <= 0

    def execute(
        self,
        command: str | Sequence[str],
        *,
        timeout: float,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ExecResult:
        left = max(self.time_left(), GRACE if self.expired() else 0.001)
        capped = timeout <= 0 or left < timeout  # timeout 0 means "no limit"
        result = self.inner.execute(command, timeout=min(timeout, left) if timeout > 0 else left,
                                    cwd=cwd, env=env)
        if result.timed_out and capped:
            self.cut_short += 1
        return result

    def read_file(self, path: str) -> bytes:
        return self.inner.read_file(path)

    def write_file(self, path: str, data: bytes) -> None:
        self.inner.write_file(path, data)

    def copy_in(self, source: Path) -> None:
        self.inner.copy_in(source)

    def copy_out(self, dest: Path) -> None:
        self.inner.copy_out(dest)

    def clone(self) -> "DeadlineSandbox":
        """A clone of the inner sandbox under the same deadline (attempts and lanes share it)."""
        return DeadlineSandbox(self.inner.clone(), self.deadline)  # type: ignore[attr-defined]  # clone() is only called on a sandbox that has it (CloneableSandbox)

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> "DeadlineSandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
