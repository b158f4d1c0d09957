"""Keep GitHub credentials out of everything a repair touches.

``secrets_hidden(token)`` removes, for the duration of a repair, every environment variable that
holds the token (``GITHUB_TOKEN``, ``GH_TOKEN``, ``INPUT_TOKEN``, any other with the same value)
and the Actions runtime tokens, so sandboxes, which inherit the process environment, never see
them. The model API key (e.g. ``OPENAI_API_KEY``) stays: the engine runs in this process.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator, MutableMapping

from swebot.github.api import TOKEN_VARIABLES

ALWAYS_HIDDEN = TOKEN_VARIABLES + (
    "INPUT_TOKEN",
    "INPUT_GITHUB_TOKEN",
    "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
)


def secret_names(environ: MutableMapping[str, str], token: str | None) -> list[str]:
    return [
        name
        for name, value in environ.items()
        if name in ALWAYS_HIDDEN or (token and token in value)
    ]


@contextmanager
def secrets_hidden(token: str | None, environ: MutableMapping[str, str] | None = None) -> Iterator[None]:
    """Within the block, ``environ`` (default ``os.environ``) holds no GitHub credential."""
    env = os.environ if environ is None else environ
    saved = {name: env[name] for name in secret_names(env, token)}
    for name in saved:
        del env[name]
    try:
        yield
    finally:
        for name, value in saved.items():
            env.setdefault(name, value)
