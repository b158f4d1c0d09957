"""What the failing tests tell the mutation templates: the exceptions their tracebacks raise
through each line, and the strings their files hold (see swebot.mutate.model.Hints)."""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass, field
from typing import Collection, Iterable, Mapping

from swebot.mutate import Hints
from swebot.mutate.calls import call_keywords
from swebot.testing.selection import files_of
from swebot.types import Sandbox, TestCase

_EXCEPTION = re.compile(r"\b([A-Z]\w*(?:Error|Exception|Exit|Interrupt|Iteration))\b")
MAX_STRINGS = 2000  # of the failing tests' files, shortest kept: a test file of data is not a hint
MAX_STRING_LENGTH = 500


def exception_name(case: TestCase) -> str | None:
    """The builtin exception a failing test died of, from its message or traceback's last ``E`` lines."""
    lines = [case.message] + [line for line in case.traceback.splitlines() if line.startswith("E ")][::-1]
    for line in lines:
        found = _EXCEPTION.search(line)
        if found:
            name = found.group(1)
            value = getattr(builtins, name, None)
            return name if isinstance(value, type) and issubclass(value, BaseException) else None
    return None


def raised_lines(cases: Iterable[TestCase]) -> dict[str, dict[int, tuple[str, ...]]]:
    """path -> line -> the builtin exceptions failing tests raised through that line."""
    out: dict[str, dict[int, tuple[str, ...]]] = {}
    for case in cases:
        name = exception_name(case) if case.failing else None
        if name is None:
            continue
        for frame in case.frames:
            lines = out.setdefault(frame.path, {})
            if name not in lines.get(frame.line, ()):
                lines[frame.line] = (*lines.get(frame.line, ()), name)
    return out


def literal_strings(sources: Iterable[str]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) <= MAX_STRING_LENGTH:
                found.setdefault(node.value)
    return tuple(sorted(found, key=len)[:MAX_STRINGS]) if len(found) > MAX_STRINGS else tuple(found)


@dataclass(frozen=True)
class TestHints:
    """Hints for each source path (a path the tracebacks miss gets the test strings only)."""

    __test__ = False  # not a pytest class
    strings: tuple[str, ...] = ()
    raised: Mapping[str, Mapping[int, tuple[str, ...]]] = field(default_factory=dict)
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def for_path(self, path: str) -> Hints:
        return Hints(self.raised.get(path, {}), self.strings, self.keywords)


def mutation_hints(sandbox: Sandbox, cases: Iterable[TestCase], failing: Iterable[str],
                   code: Iterable[str] = ()) -> TestHints:
    """The hints of the failing tests (their files, tracebacks) and of ``code``, the texts of the
    suspicious files (the calls made there)."""
    tests = []
    for path in files_of(tuple(failing)):
        try:
            tests.append(sandbox.read_file(path).decode("utf-8", errors="replace"))
        except OSError:
            continue
    return TestHints(literal_strings(tests), raised_lines(cases), call_keywords(code, tests))


CRASH_BOOST = 0.5  # added to the line a failing test crashed on (sbfl's innermost frame boost is 0.3)


def crash_lines(cases: Iterable[TestCase], ranked_paths: Collection[str]) -> set[tuple[str, int]]:
    """Per failing test that crashed (died of a builtin exception other than AssertionError), the
    innermost traceback frame in the ranked code. Where code raises ``'NoneType' object has no
    attribute ...`` is where real fixes most often go; an assertion's innermost frame is only where
    the test looked."""
    lines: set[tuple[str, int]] = set()
    for case in cases:
        name = exception_name(case) if case.failing else None
        if name is None or name == "AssertionError":
            continue
        inner = [frame for frame in case.frames if frame.path in ranked_paths]
        if inner:
            lines.add((inner[-1].path, inner[-1].line))
    return lines
