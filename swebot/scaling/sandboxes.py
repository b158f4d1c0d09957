"""A workspace of its own for every attempt.

A local sandbox is copied (files and git baseline) to a temporary folder and opened there, so
attempts run side by side. Any other sandbox (a container) is shared: attempts then take turns
in it, and the workspace is reset to its baseline before and after each one.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from swebot.sandbox.local import LocalSandbox
from swebot.scaling.patches import reset
from swebot.types import Sandbox



def _skip(root: Path):  # type: ignore[no-untyped-def]
    """Caches, and the test runs' scratch output under ``.swebot/runs``, are not copied."""
    scratch = root / ".swebot"

    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n in ("__pycache__", ".pytest_cache")}
        if Path(directory) == scratch and "runs" in names:
            skipped.add("runs")
        return skipped

    return ignore


def can_copy(sandbox: Sandbox) -> bool:
    """Whether attempts can get copies of ``sandbox`` (and so run in parallel)."""
    return isinstance(sandbox, LocalSandbox)


@contextmanager
def attempt_sandbox(sandbox: Sandbox) -> Iterator[Sandbox]:
    """A sandbox for one attempt: a private copy when possible, else ``sandbox`` itself reset."""
    if not can_copy(sandbox):
        reset(sandbox)
        try:
            yield sandbox
        finally:
            reset(sandbox)
        return
    holder = Path(tempfile.mkdtemp(prefix="swebot-attempt-"))
    try:
        root = Path(sandbox.root)
        copy = holder / root.name
        shutil.copytree(root, copy, symlinks=True, ignore=_skip(root))
        sibling = LocalSandbox(copy)
        try:
            yield sibling
        finally:
            sibling.close()
    finally:
        shutil.rmtree(holder, ignore_errors=True)
