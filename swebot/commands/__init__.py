"""Subcommands of the ``swebot`` CLI; each module has ``register(subparsers)``."""
