"""A workspace of its own for every attempt.

A sandbox that can ``clone()`` itself (local: a copied folder; Docker: a second container with
a copy of the workspace) gives each attempt its own, so attempts run side by side. Any other
sandbox is shared: attempts then take turns in it, and the workspace is reset to its baseline
before and after each one.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from swebot.workspace import sandbox_reset
from swebot.types import CloneableSandbox, Sandbox


def can_copy(sandbox: Sandbox) -> bool:
    """Whether attempts can get copies of ``sandbox`` (and so run in parallel)."""
    return isinstance(sandbox, CloneableSandbox)


@contextmanager
def attempt_sandbox(sandbox: Sandbox) -> Iterator[Sandbox]:
    """A sandbox for one attempt: a private copy when possible, else ``sandbox`` itself reset."""
    if not can_copy(sandbox):
        sandbox_reset(sandbox)
        try:
            yield sandbox
        finally:
            sandbox_reset(sandbox)
        return
    assert isinstance(sandbox, CloneableSandbox)
    twin = sandbox.clone()
    try:
        yield twin
    finally:
        twin.close()
