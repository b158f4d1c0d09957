"""Before/after table helpers for the tests/test_mutate_*.py tables (a helper module, not tests)."""

from __future__ import annotations

import ast
import textwrap

from swebot.mutate import Mutation, mutations_at


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def produced(template: str, before: str, line: int) -> list[Mutation]:
    """The mutations ``template`` contributes at ``line`` of ``before`` (dedented)."""
    return [m for m in mutations_at(code(before), [line]) if m.template == template]


def assert_produces(template: str, before: str, line: int, after: str) -> Mutation:
    """``after`` is among ``template``'s mutants at ``line``, reported at that line, and parses."""
    found = produced(template, before, line)
    expected = code(after)
    matches = [m for m in found if m.source == expected]
    assert matches, f"missing mutant:\n{expected}\ngot:\n" + "\n---\n".join(m.source for m in found)
    mutation = matches[0]
    assert mutation.line == line
    assert mutation.description.startswith(f"line {line}: ")
    ast.parse(mutation.source)
    return mutation


def assert_absent(template: str, before: str, line: int, after: str | None = None) -> None:
    """``template`` gives nothing at ``line`` (or, with ``after``, not that mutant)."""
    found = produced(template, before, line)
    if after is None:
        assert found == [], [m.description for m in found]
    else:
        assert code(after) not in {m.source for m in found}
