"""The run log: every progress event of a repair, written to ``run.log`` and forwarded on."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Mapping

from swebot.types import ProgressCallback


class RunLog:
    """A ProgressCallback that appends one JSON line per event and forwards the event."""

    def __init__(self, path: Path, forward: ProgressCallback | None = None) -> None:
        self._file = path.open("a", encoding="utf-8")
        self._forward = forward
        self._started = time.monotonic()

    def __call__(self, event: str, fields: Mapping[str, object]) -> None:
        if not self._file.closed:
            record = {"t": round(time.monotonic() - self._started, 3), "event": event, **fields}
            self._file.write(json.dumps(record, default=str) + "\n")
            self._file.flush()
        if self._forward is not None:
            self._forward(event, fields)

    def close(self) -> None:
        self._file.close()
