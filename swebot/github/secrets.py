"""Keep GitHub credentials out of everything a repair touches, and out of every message.

``redact(text, secrets)`` scrubs a token from text by swebot's one rule set (swebot.redact: the
token as is, JSON-escaped, URL-encoded, in base64 and basic-auth forms, however short);
``token_from_env`` reads ``GITHUB_TOKEN``/``GH_TOKEN`` and holds the token (swebot.secrets), so
no sandboxed command gets it under any name.

``secrets_hidden(token)`` removes, for the duration of a repair, every environment variable that
holds the token (``GITHUB_TOKEN``, ``GH_TOKEN``, ``INPUT_TOKEN``, any other with the same value)
and the Actions runtime tokens, so sandboxes, which inherit the process environment, never see
them. The model API key (e.g. ``OPENAI_API_KEY``) stays: the engine runs in this process.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator, Mapping, MutableMapping

from swebot.redact import redact
from swebot.secrets import ALWAYS_HIDDEN, hold

TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")
__all__ = ["ALWAYS_HIDDEN", "TOKEN_VARIABLES", "redact", "secret_names", "secrets_hidden", "token_from_env"]


def token_from_env(env: Mapping[str, str]) -> str | None:
    """The token from ``GITHUB_TOKEN`` or ``GH_TOKEN`` (first non-empty), else ``None``."""
    for name in TOKEN_VARIABLES:
        value = env.get(name, "").strip()
        if value:
            hold(value, name=name)
            return value
    return None


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
    hold(token)
    saved = {name: env[name] for name in secret_names(env, token)}
    for name in saved:
        del env[name]
    try:
        yield
    finally:
        for name, value in saved.items():
            env.setdefault(name, value)
