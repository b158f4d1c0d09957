"""The ``swebot`` command line: one subcommand per module in ``swebot.commands``.

Each command module exposes ``register(subparsers)`` (adds its parser and sets ``handler``) and
imports its heavy dependencies only when it runs, so that ``swebot --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from swebot import __version__
from swebot.errors import SwebotError

COMMAND_MODULES = ("fix", "localize", "sandbox", "replay", "batch", "action")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="swebot",
        description="Autonomous software repair: find the fault, edit the code, prove it with tests.",
    )
    parser.add_argument("--version", action="version", version=f"swebot {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"swebot.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args))
    except SwebotError as exc:
        print(f"swebot: error: {exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print("swebot: interrupted; nothing was changed in your repository", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
