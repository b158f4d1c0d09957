"""Parse .env files."""

from __future__ import annotations

import re

_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        return inner.replace("\\n", "\n") if value[0] == '"' else inner
    return value.split(" #", 1)[0].strip()


def load_dotenv_text(text: str) -> dict[str, str]:
    env: dict[str, str] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"line {lineno}: not KEY=VALUE")
        key, value = match.groups()
        value = _unquote(value.strip())
        value = value.lower()
        env[key] = value
    return env
