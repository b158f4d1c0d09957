"""An equality with a string literal widened to membership of that literal and a close relative
of it from the failing tests' files (``path == '/etc/lsb-release'`` -> ``path in
('/etc/lsb-release', '/etc/os-release')``): the code knew one spelling of a value, the tests
bring another."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from swebot.mutate.literals import quoted
from swebot.mutate.model import Proposal
from swebot.mutate.source import Site

_MIN_SIMILARITY = 0.6  # difflib ratio: '/etc/lsb-release' and '/etc/os-release' are 0.84
_MAX_RELATIVES = 3
_MIN_LENGTH = 3  # short literals ('a', 'on') resemble too many strings
_EQUALITY = m.Comparison(comparisons=[m.ComparisonTarget(operator=m.Equal() | m.NotEqual(), comparator=m.SimpleString())])


def relatives(value: str, strings: tuple[str, ...]) -> list[str]:
    """The strings most like ``value`` (not equal to it, not holding or held by it: growing a
    literal is ``word_from_tests``' job), best first."""
    scored = []
    for text in dict.fromkeys(strings):
        if text == value or value in text or text in value or "\n" in text:
            continue
        matcher = difflib.SequenceMatcher(None, value, text)
        # the cheap upper bounds first: a test file holds thousands of strings
        if matcher.real_quick_ratio() >= _MIN_SIMILARITY and matcher.quick_ratio() >= _MIN_SIMILARITY:
            ratio = matcher.ratio()
            if ratio >= _MIN_SIMILARITY:
                scored.append((-ratio, text))
    return [text for _, text in sorted(scored)[:_MAX_RELATIVES]]


def membership_test(site: Site) -> Iterator[Proposal]:
    node = site.node
    assert isinstance(node, cst.Comparison)
    if not m.matches(node, _EQUALITY):
        return
    target = node.comparisons[0]
    literal = cst.ensure_type(target.comparator, cst.SimpleString)
    value = literal.evaluated_value
    if not isinstance(value, str) or len(value) < _MIN_LENGTH:
        return
    operator = "in" if isinstance(target.operator, cst.Equal) else "not in"
    left = site.parsed.code(node.left)
    for other in relatives(value, site.parsed.hints.strings):
        written = quoted(other, literal.prefix, literal.quote)
        if written is None:
            continue
        widened = cst.parse_expression(f"{left} {operator} ({literal.value}, {written})")
        yield site.replace(node, widened.with_changes(lpar=node.lpar, rpar=node.rpar))


KINDS: tuple[type[cst.CSTNode], ...] = (cst.Comparison,)
