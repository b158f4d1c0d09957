"""Where swebot keeps what outlives one process: run folders under the swebot home."""

from __future__ import annotations

import os
from pathlib import Path


def runs_home() -> Path:
    """Where run folders go by default: $SWEBOT_HOME/runs, else $XDG_DATA_HOME/swebot/runs."""
    if os.environ.get("SWEBOT_HOME"):
        return Path(os.environ["SWEBOT_HOME"]) / "runs"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "swebot" / "runs"
