"""swebot: an autonomous software-repair bot."""

__version__ = "0.1.0"
