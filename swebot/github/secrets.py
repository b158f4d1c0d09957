"""Keep GitHub credentials out of everything a repair touches, and out of every message.

``redact(text, secrets)`` scrubs a token (and its basic-auth forms) from text;
``token_from_env`` reads ``GITHUB_TOKEN``/``GH_TOKEN``.

``secrets_hidden(token)`` removes, for the duration of a repair, every environment variable that
holds the token (``GITHUB_TOKEN``, ``GH_TOKEN``, ``INPUT_TOKEN``, any other with the same value)
and the Actions runtime tokens, so sandboxes, which inherit the process environment, never see
them. The model API key (e.g. ``OPENAI_API_KEY``) stays: the engine runs in this process.
"""

from __future__ import annotations

import base64
import os
from contextlib import contextmanager
from typing import Iterator, Mapping, MutableMapping

TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")


def redact(text: str, secrets: tuple[str, ...] | list[str]) -> str:
    """``text`` with every secret (and its basic-auth base64 forms) replaced by ``***``."""
    for secret in secrets:
        if not secret:
            continue
        forms = {secret}
        for user in ("x-access-token", "oauth2", "token", ""):
            forms.add(base64.b64encode(f"{user}:{secret}".encode()).decode())
        for form in sorted(forms, key=len, reverse=True):  # longest first: forms can nest
            text = text.replace(form, "***")
    return text


def token_from_env(env: Mapping[str, str]) -> str | None:
    """The token from ``GITHUB_TOKEN`` or ``GH_TOKEN`` (first non-empty), else ``None``."""
    for name in TOKEN_VARIABLES:
        value = env.get(name, "").strip()
        if value:
            return value
    return None

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
