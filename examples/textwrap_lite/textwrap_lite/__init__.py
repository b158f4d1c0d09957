"""A small subset of textwrap."""

from textwrap_lite.wrap import indent, shorten, wrap

__all__ = ["indent", "shorten", "wrap"]
