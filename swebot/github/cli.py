"""The GitHub options of ``swebot fix``: ``--ref``, ``--issue-url``, ``--pr``, ``--ready``.

``add_remote_arguments(parser)`` is called by ``swebot.commands.fix.register``. Whenever the
command line asks for the remote front end (PATH is a git URL, ``--issue`` is an issue number,
or any option here is given), the parsed namespace carries ``github_handler``, which the fix
command calls instead of its local flow.
"""

from __future__ import annotations

import argparse
import re
from typing import Any, Sequence


def _handler(args: argparse.Namespace) -> int:
    from swebot.github.fixflow import fix_with_github

    return fix_with_github(args)


class _FlagAction(argparse.Action):
    """Store like ``store``/``store_true`` and switch the fix command to the GitHub front end."""

    def __init__(self, *args: Any, constant: Any = None, **kwargs: Any) -> None:
        self._constant = constant
        super().__init__(*args, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        setattr(namespace, self.dest, self._constant if self.nargs == 0 else values)
        namespace.github_handler = _handler


def _mark_when(action: argparse.Action, predicate: Any) -> None:
    """Make an existing store action (the fix command's PATH or --issue) also switch to the
    GitHub front end when its value satisfies ``predicate``."""
    if action is None or type(action) is not argparse._StoreAction:
        return

    class _Marking(argparse._StoreAction):
        def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[no-untyped-def]
            super().__call__(parser, namespace, values, option_string)
            if isinstance(values, str) and predicate(values):
                namespace.github_handler = _handler

    action.__class__ = _Marking


def is_issue_number(value: str) -> bool:
    return bool(re.fullmatch(r"#?\d{1,9}", value.strip()))


def add_remote_arguments(parser: argparse.ArgumentParser) -> None:
    from swebot.github.remote import is_remote_source

    group = parser.add_argument_group(
        "remote repositories and GitHub",
        "PATH may be a git URL (https, ssh, file://), cloned into a private folder. "
        "--issue N (or --issue-url) reads a GitHub issue as the problem statement; the token comes "
        "from GITHUB_TOKEN or GH_TOKEN and the API from GITHUB_API_URL (GitHub Enterprise).",
    )
    group.add_argument("--ref", metavar="REF", action=_FlagAction,
                       help="branch, tag or commit to check out (clones PATH, even a local one)")
    group.add_argument("--issue-url", metavar="URL", action=_FlagAction,
                       help="https://github.com/OWNER/REPO/issues/N: its title, body and comments are the problem")
    group.add_argument("--pr", action=_FlagAction, nargs=0, constant=True, default=False,
                       help="push branch swebot/issue-N-<slug> and open a draft pull request fixing the issue, "
                       "then comment on the issue (also when no fix was found)")
    group.add_argument("--ready", action=_FlagAction, nargs=0, constant=True, default=False,
                       help="with --pr: open a normal (non-draft) pull request")
    parser.set_defaults(github_handler=None)
    by_dest = {a.dest: a for a in parser._actions}
    _mark_when(by_dest.get("path"), is_remote_source)  # type: ignore[arg-type]
    _mark_when(by_dest.get("issue"), is_issue_number)  # type: ignore[arg-type]
