"""Layered configuration: defaults < file < environment."""

from __future__ import annotations

import copy
import os
from typing import Any, Mapping


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Return a new dict: `override` on top of `base`, merging nested dicts."""
    result = copy.deepcopy(dict(base))
    for key, value in override.items():
        if key not in result and isinstance(result[key], dict) and isinstance(value, dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def from_env(prefix: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """APP_DB__HOST=x -> {"db": {"host": "x"}}"""
    environ = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(prefix):
            continue
        path = name[len(prefix):].lower().split("__")
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = raw
    return out


def layered(*layers: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for layer in layers:
        result = deep_merge(result, layer) if result else copy.deepcopy(dict(layer))
    return result
