"""The exceptions swebot raises, in one place.

User-facing errors carry the process exit status the CLI returns for them:

- ``BadInput`` (2): the user asked for something that cannot work (missing path, no tests, ...).
- ``EnvironmentProblem`` (3): the machine lacks something (pytest, Docker daemon, a writable tree, ...).
- ``SandboxError`` (3): the place where commands run failed underneath us (container killed, ...).
- ``ModelError`` (3): the model endpoint failed past its retries.

Exit status 1 is not an error: it is the outcome "no patch within the budget".
"""

from __future__ import annotations


class SwebotError(Exception):
    """Base of every error shown to a user; ``exit_status`` is what the CLI exits with."""

    exit_status: int = 3

    def __init__(self, message: str, *, hint: str | None = None,
                 details: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = dict(details or {})  # extra fields for ``--json`` (where the saved patch is, ...)

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class BadInput(SwebotError):
    exit_status = 2


class EnvironmentProblem(SwebotError):
    exit_status = 3


class SandboxError(EnvironmentProblem):
    """A sandbox failed underneath a command (not the command failing)."""


class ModelError(EnvironmentProblem):
    """The model endpoint failed after retries, or refused the request."""


class LimitReached(Exception):
    """Flow exception: a budget (time, steps, cost, candidates) ran out. Not an error for users."""

    def __init__(self, limit: str) -> None:
        super().__init__(limit)
        self.limit = limit
