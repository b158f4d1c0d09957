"""Test commands that are not pytest: Django's ``tests/runtests.py`` and SymPy's ``bin/test``.

A ``LogReader`` knows one such runner: how to recognise its command, how to read its verbose log
into cases (``swebot.testing.logs``), how to narrow the command to some tests, and how to name a
test from the context coverage.py records while it runs (``dynamic_context = test_function``).
``TestRunner`` picks the reader from the command, so ``swebot fix --test './tests/runtests.py ...'``
and the SWE-bench repair loop drive these runners the way they drive pytest.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from swebot.testing.logs import ParsedLog, django_key, parse_django_log, parse_sympy_log, sympy_key

# Shell text that ends one simple command and starts the next.
_SEPARATORS = re.compile(r"\n|;|&&|\|\|")
_SHELL_OPERATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", ">", "<", ">>", "2>&1"})
_DJANGO_ID = re.compile(r"(?P<name>\w+) \((?P<where>[\w.]+)\)")


@dataclass(frozen=True)
class LogReader:
    name: str
    script: re.Pattern[str]  # the token that names the runner in a command
    parse: Callable[[str], ParsedLog]
    key: Callable[[str], str]  # the spelling under which ``parse`` files a test id
    # (the command's option tokens, its other arguments, the ids) -> the command's new arguments,
    # or None when the runner cannot be narrowed to those ids (the whole command runs, and is filtered).
    narrow: Callable[[list[str], list[str], Sequence[str]], list[str] | None]
    value_options: frozenset[str]  # options of the runner that take the next token as value
    context_key: Callable[[str], str | None]  # a coverage.py test-function context -> test key


def _django_label(test_id: str) -> str | None:
    """runtests.py's label for one test: ``test_x (app.tests.Class)`` -> ``app.tests.Class.test_x``.
    None for an id that names no class (the docstring line SWE-bench records some tests under)."""
    match = _DJANGO_ID.fullmatch(django_key(test_id))
    return f"{match['where']}.{match['name']}" if match else None


def _django_narrow(options: list[str], _labels: list[str], ids: Sequence[str]) -> list[str] | None:
    labels = [_django_label(i) for i in ids]
    if not labels or any(label is None for label in labels):
        return None
    return [*options, *(label for label in labels if label)]


def _django_context(context: str) -> str | None:
    """``app.tests.Class.test_x`` (coverage's name of a test method) -> ``test_x (app.tests.Class)``."""
    where, _, name = context.rpartition(".")
    return f"{name} ({where})" if where and "." in where else None


def _sympy_narrow(options: list[str], files: list[str], ids: Sequence[str]) -> list[str] | None:
    # bin/test -k takes one keyword (a substring of the test's name): only one id can be selected.
    if len(ids) != 1 or not ids[0].isidentifier() or any(o == "-k" or o.startswith("--kw") for o in options):
        return None
    return ["-k", ids[0], *options, *files]


def _sympy_context(context: str) -> str | None:
    name = context.rpartition(".")[2]
    return name if name.startswith("test") else None


DJANGO = LogReader(
    name="django", script=re.compile(r"(^|/)runtests\.py$"), parse=parse_django_log, key=django_key,
    narrow=_django_narrow,
    value_options=frozenset({"--settings", "--parallel", "--verbosity", "-v", "--tag", "--exclude-tag", "-k",
                             "--start-at", "--start-after", "--selenium", "--selenium-hub", "--headless"}),
    context_key=_django_context)
SYMPY = LogReader(
    name="sympy", script=re.compile(r"(^|/)bin/test$"), parse=parse_sympy_log, key=sympy_key,
    narrow=_sympy_narrow,
    value_options=frozenset({"-k", "--kw", "--seed", "--timeout", "--split", "--rerun", "--durations",
                             "--pdb-command"}),
    context_key=_sympy_context)
READERS = (DJANGO, SYMPY)


def _last_command(command: str) -> tuple[str, str]:
    """(everything before the last simple command, the last simple command)."""
    ends = [m.end() for m in _SEPARATORS.finditer(command)]
    cut = ends[-1] if ends else 0
    return command[:cut], command[cut:]


def _split(text: str) -> list[str] | None:
    try:
        return shlex.split(text)
    except ValueError:
        return None


def reader_for(command: str) -> LogReader | None:
    """The reader of the runner the command's last simple command calls, if it is one of READERS."""
    tokens = _split(_last_command(command)[1]) or []
    for reader in READERS:
        if any(reader.script.search(t) for t in tokens):
            return reader
    return None


def narrowed_command(reader: LogReader, command: str, ids: Sequence[str]) -> str | None:
    """``command`` running only ``ids``: the runner's options kept, its test labels replaced. None
    when the command is too complex to rewrite or the runner cannot select those ids."""
    prefix, last = _last_command(command)
    tokens = _split(last)
    if not tokens or _SHELL_OPERATORS.intersection(tokens):
        return None
    at = next((i for i, t in enumerate(tokens) if reader.script.search(t)), None)
    if at is None:
        return None
    options: list[str] = []
    positional: list[str] = []
    rest = tokens[at + 1:]
    i = 0
    while i < len(rest):
        token = rest[i]
        if token.startswith("-"):
            options.append(token)
            if token in reader.value_options and i + 1 < len(rest):
                options.append(rest[i + 1])
                i += 1
        else:
            positional.append(token)
        i += 1
    arguments = reader.narrow(options, positional, list(dict.fromkeys(ids)))
    if arguments is None:
        return None
    return prefix + (" " if prefix and not prefix.endswith(("\n", " ")) else "") + \
        " ".join([*map(_quoted, tokens[:at + 1]), *map(shlex.quote, arguments)])


def _quoted(token: str) -> str:
    """A token quoted for the shell, an assignment (``NAME=value``) kept one."""
    name, eq, value = token.partition("=")
    if eq and name.isidentifier():
        return f"{name}={shlex.quote(value)}"
    return shlex.quote(token)
