"""One rule set for scrubbing secrets from text and from JSON-like data.

Tool observations, trajectories, GitHub messages and logs all go through ``redact`` /
``redact_data``. A secret is replaced by ``MARK`` wherever it appears in any of the forms it
travels in:

- as it is, and as it appears in ``repr`` (tracebacks) and in JSON text (escaped, ASCII-escaped);
- URL-encoded (``quote`` and ``quote_plus``), as in a query string or URL userinfo;
- base64 (standard and URL-safe alphabets, with or without padding), the basic-auth forms
  ``user:secret`` for the users tools put there, and -- for secrets long enough that the match
  means something -- the secret's bytes anywhere inside a longer base64 text (at each of the
  three byte alignments).

Every secret of ``MIN_LENGTH`` characters or more counts, however short otherwise. A form shorter
than ``SHORT`` characters is only replaced where it stands on its own (not inside a longer run of
letters and digits), so a short key does not blank every word containing the same letters; a
form at least that long is replaced wherever it occurs. One or two characters are no secret (a
dummy key for a local server, "x" or "1", would otherwise blank every line number the model
reads); they still never reach a sandbox by name (swebot.secrets).
"""

from __future__ import annotations

import base64
import json
import re
from functools import lru_cache
from typing import Any, Iterable, Mapping
from urllib.parse import quote, quote_plus

MARK = "[REDACTED]"
SHORT = 8  # forms shorter than this are matched only as whole tokens
MIN_LENGTH = 3  # shorter values are not treated as secrets (see above)
BASIC_AUTH_USERS = ("x-access-token", "oauth2", "token", "git", "")


def _b64(data: bytes) -> list[str]:
    std = base64.b64encode(data).decode()
    url = base64.urlsafe_b64encode(data).decode()
    return [std, std.rstrip("="), url, url.rstrip("=")]


def _b64_cores(data: bytes) -> list[str]:
    """The base64 characters that encode ``data`` alone when it sits at any offset inside a
    longer base64 text: for each of the three alignments, the characters whose six bits all
    come from ``data``."""
    cores = []
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + data).decode().rstrip("=")
        first = -(-pad * 8 // 6)  # the first character made only of data's bits
        last = (pad + len(data)) * 8 // 6  # one past the last such character
        core = encoded[first:last]
        cores += [core, core.replace("+", "-").replace("/", "_")]
    return cores


@lru_cache(maxsize=256)
def forms(secret: str) -> tuple[str, ...]:
    """Every text form of ``secret`` that is redacted, longest first (forms can nest)."""
    if len(secret.strip()) < MIN_LENGTH:
        return ()
    raw = secret.encode()
    found = {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        *_b64(raw),
    }
    for user in BASIC_AUTH_USERS:
        found.update(_b64(f"{user}:{secret}".encode()))
    if len(raw) >= 9:  # shorter cores are too short to tell apart from other base64 text
        found.update(c for c in _b64_cores(raw) if len(c) >= SHORT)
    return tuple(sorted((f for f in found if f), key=len, reverse=True))


@lru_cache(maxsize=64)
def _pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    parts: list[tuple[int, str]] = []
    for secret in secrets:
        for form in forms(secret):
            escaped = re.escape(form)
            if len(form) < SHORT:
                escaped = rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])"
            parts.append((len(form), escaped))
    if not parts:
        return None
    parts.sort(key=lambda p: p[0], reverse=True)  # the longest form wins where forms overlap
    return re.compile("|".join(p for _, p in parts))


def _key(secrets: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({s for s in secrets if len(s.strip()) >= MIN_LENGTH}))


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every form of every secret replaced by ``MARK``."""
    pattern = _pattern(_key(secrets))
    if pattern is None or not text:
        return text
    return pattern.sub(MARK, text)


def redact_data(value: Any, secrets: Iterable[str]) -> Any:
    """``value`` (strings, mappings, lists, tuples; keys too) with every secret redacted."""
    key = _key(secrets)
    if not key:
        return value
    return _walk(value, key)


def _walk(value: Any, key: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return redact(value, key)
    if isinstance(value, Mapping):
        return {(_walk(k, key) if isinstance(k, str) else k): _walk(v, key) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_walk(v, key) for v in value]
    return value
