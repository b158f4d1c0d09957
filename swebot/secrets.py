"""The secrets this swebot process holds, and the environment a sandboxed process may see.

A secret is held from the moment swebot knows of it (the model API key when the LLM settings
are read, the GitHub token when a remote run starts): ``hold(value, name=VAR)``. Held secrets
are redacted from observations and trajectories, and ``sandbox_environment`` keeps them out of
every command a sandbox runs:

- variables that always carry credentials (``GITHUB_TOKEN``, ``GH_TOKEN``, Actions tokens);
- every variable named when a secret was held (``--api-key-env MYLLM`` holds ``MYLLM``);
- every variable whose value is, or contains, a held secret (a copy under another name);
- and, in the local sandbox, variables whose names look like credentials.

The registry is process-wide on purpose: a sandbox is often opened before the engine reads its
key, and a secret must stay out of commands however the code that runs them was reached.
"""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from typing import Iterator, Mapping

from swebot.redact import MIN_LENGTH

# Names that carry credentials whatever their value (GitHub and its Actions runtime).
ALWAYS_HIDDEN = frozenset({
    "GITHUB_TOKEN", "GH_TOKEN", "INPUT_TOKEN", "INPUT_GITHUB_TOKEN", "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL",
})
# Names that look like credentials (the local sandbox inherits the user's whole shell).
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSW|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL|AUTH", re.IGNORECASE)
CONTAINS_MIN = 8  # a held secret this long is also looked for inside other variables' values

_lock = threading.Lock()
_values: set[str] = set()
_names: set[str] = set()


def hold(value: str | None, *, name: str | None = None) -> None:
    """Remember a secret (and the variable it came from): it never reaches a sandbox again."""
    with _lock:
        if name:
            _names.add(name)
        if value and len(value.strip()) >= MIN_LENGTH:  # shorter: no secret, see swebot.redact
            _values.add(value)


def held() -> tuple[str, ...]:
    """The secret values held so far (for redaction)."""
    with _lock:
        return tuple(sorted(_values))


def held_names() -> frozenset[str]:
    with _lock:
        return frozenset(_names) | ALWAYS_HIDDEN


def is_secret_variable(name: str, value: str, *, by_name_pattern: bool = False) -> bool:
    """Whether a sandboxed process must not get this variable."""
    if name in held_names() or (by_name_pattern and SECRET_NAME.search(name)):
        return True
    return any(value == s or (len(s) >= CONTAINS_MIN and s in value) for s in held())


def sandbox_environment(env: Mapping[str, str], *, by_name_pattern: bool = False) -> dict[str, str]:
    """``env`` without anything a sandboxed process must not see (see the module's note)."""
    return {k: v for k, v in env.items() if not is_secret_variable(k, v, by_name_pattern=by_name_pattern)}


@contextmanager
def scope() -> Iterator[None]:
    """Secrets held within the block are forgotten after it (tests: one process, many runs)."""
    with _lock:
        values, names = set(_values), set(_names)
    try:
        yield
    finally:
        with _lock:
            _values.clear()
            _values.update(values)
            _names.clear()
            _names.update(names)
