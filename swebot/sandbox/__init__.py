"""Sandboxes: where swebot runs tests and commands (local processes or a Docker container)."""

from swebot.sandbox.local import LocalSandbox

__all__ = ["LocalSandbox"]
