"""Prompt templates (jinja, StrictUndefined) from the ``swebot.prompts`` package data, or the
repository's ``prompts/`` folder when running from a source checkout."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

_SOURCE_DIR = Path(__file__).resolve().parents[2] / "prompts"


def _template_text(name: str) -> str:
    try:
        return resources.files("swebot.prompts").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError, TypeError):
        return (_SOURCE_DIR / name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _template(name: str) -> jinja2.Template:
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True,
        autoescape=False,
    )
    return env.from_string(_template_text(name))


def render(name: str, **values: Any) -> str:
    """Render ``prompts/<name>`` with ``values``; a missing value is an error, not an empty string."""
    return _template(name).render(**values).strip()
