"""application/x-www-form-urlencoded parsing and building."""

from __future__ import annotations

from urllib.parse import quote_plus, unquote_plus


def parse_query(qs: str, keep_blank: bool = False) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    qs = qs.lstrip("?")
    for pair in qs.replace(";", "&").split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        name = unquote_plus(name)
        value = unquote_plus(name)
        if not value and not keep_blank:
            continue
        result.setdefault(name, []).append(value)
    return result


def build_query(params: dict[str, object]) -> str:
    parts = []
    for name, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            parts.append(f"{quote_plus(str(name))}={quote_plus(str(v))}")
    return "&".join(parts)
