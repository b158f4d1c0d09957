"""Shell command lines for test runs: the pytest invocation used for selected tests, and
making our plugin importable whatever the project does with PYTHONPATH."""

from __future__ import annotations

import re
import shlex

# What "the tests" are when the user names no command: the interpreter on PATH (the project's
# virtual environment when one is active) runs pytest.
DEFAULT_TEST_COMMAND = "python -m pytest"
# python3: the one name every sandbox image guarantees (Debian has no bare `python`).
DEFAULT_SELECT_COMMAND = "python3 -m pytest"
# Options of the user's pytest call that shape how tests import and configure, and so
# must survive when we run selected tests. Everything else (paths, -k, -m, -x, ...) would
# filter or stop the run and is dropped.
_KEEP_WITH_VALUE = frozenset(
    {"-p", "-c", "-o", "--override-ini", "--rootdir", "--import-mode", "--confcutdir", "-W",
     "--pythonwarnings", "--ds", "--dc", "--asyncio-mode", "--capture"}
)
_KEEP_FLAGS = frozenset({"-s", "--noconftest"})
_SHELL_OPERATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")"})
_PYTHONPATH_ASSIGNMENT = re.compile(r"(?<![\w$])PYTHONPATH=")


def select_command_for(command: str) -> str:
    """The command to run given node ids with: the user's own pytest invocation (interpreter,
    environment assignments, configuration options) when the test command is a plain pytest
    call, else ``python3 -m pytest``."""
    try:
        tokens = shlex.split(command)
    except ValueError:
        return DEFAULT_SELECT_COMMAND
    if not tokens or _SHELL_OPERATORS.intersection(tokens):
        return DEFAULT_SELECT_COMMAND
    end = _pytest_token_end(tokens)
    if end is None:
        return DEFAULT_SELECT_COMMAND
    kept = tokens[:end]
    rest = tokens[end:]
    i = 0
    while i < len(rest):
        token = rest[i]
        name = token.split("=", 1)[0]
        if name in _KEEP_WITH_VALUE:
            if "=" in token:
                kept.append(token)
            elif len(token) == 2 or token.startswith("--"):
                kept.extend(rest[i : i + 2])
                i += 1
        elif token[:2] in {"-p", "-c", "-o", "-W"} and len(token) > 2:
            kept.append(token)  # -pxdist, -Werror
        elif token in _KEEP_FLAGS:
            kept.append(token)
        i += 1
    return shlex.join(kept)


def named_node_ids(command: str) -> list[str]:
    """The node ids (``path::name``) a pytest command names as its arguments, relative to where
    it runs; none when it is not a pytest call one can read."""
    try:
        tokens = shlex.split(command)
    except ValueError:
        return []
    end = _pytest_token_end(tokens)
    if end is None:
        return []
    return [t for t in tokens[end:] if "::" in t and not t.startswith("-")]


def _pytest_token_end(tokens: list[str]) -> int | None:
    """Index just past ``pytest`` / ``py.test`` / ``-m pytest`` in the command, if any."""
    for i, token in enumerate(tokens):
        base = token.rsplit("/", 1)[-1]
        if base in ("pytest", "py.test"):
            return i + 1
        if token == "-m" and i + 1 < len(tokens) and tokens[i + 1] == "pytest":
            return i + 2
    return None


def with_pythonpath(command: str, directory: str) -> str:
    """``command`` with ``directory`` prepended to PYTHONPATH, also where the command sets
    PYTHONPATH itself (``PYTHONPATH=src pytest``)."""
    entry = shlex.quote(directory + ":")
    command = _PYTHONPATH_ASSIGNMENT.sub(lambda _: "PYTHONPATH=" + entry, command)
    return f"export PYTHONPATH={shlex.quote(directory)}${{PYTHONPATH:+:$PYTHONPATH}}; {command}"
