"""The batch progress bar on stderr: done/total, fixed so far, running cost and ETA."""

from __future__ import annotations

import time
from typing import TextIO


def _duration(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class BatchProgress:
    """Redrawn in place on a terminal; one line per finished instance elsewhere (logs, CI)."""

    WIDTH = 24

    def __init__(self, stream: TextIO | None, total: int, already_done: int = 0,
                 resolved_label: str = "fixed") -> None:
        self._stream = stream
        self._live = bool(stream is not None and stream.isatty())
        self.total = total
        self.done = already_done
        self._started_with = already_done
        self._started = time.monotonic()
        self.resolved = 0
        self.cost = 0.0
        self._label = resolved_label

    def line(self, now: float | None = None) -> str:
        now = time.monotonic() if now is None else now
        finished_here = self.done - self._started_with
        remaining = self.total - self.done
        if finished_here and remaining:
            eta = _duration((now - self._started) / finished_here * remaining)
        else:
            eta = "-" if remaining else "0s"
        filled = int(self.WIDTH * self.done / self.total) if self.total else self.WIDTH
        bar = "#" * filled + "." * (self.WIDTH - filled)
        return (f"[{bar}] {self.done}/{self.total}  {self._label} {self.resolved}  "
                f"cost ${self.cost:.4f}  ETA {eta}")

    def update(self, instance_id: str, status: str, *, resolved: bool, cost: float, counted: bool = True) -> None:
        if counted:
            self.done += 1
        self.resolved += int(resolved)
        self.cost += cost
        if self._stream is None:
            return
        if self._live:
            self._stream.write("\r\033[K" + self.line())
        else:
            self._stream.write(f"{self.line()}  ({instance_id}: {status})\n")
        self._stream.flush()

    def start(self) -> None:
        if self._stream is not None:
            self._stream.write(("\r\033[K" if self._live else "") + self.line() + ("" if self._live else "\n"))
            self._stream.flush()

    def finish(self) -> None:
        if self._stream is not None and self._live:
            self._stream.write("\n")
            self._stream.flush()
