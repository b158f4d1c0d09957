"""One-token edits inside a regular expression's text: a character class loses or gains a
character (``[^/?#]+`` -> ``[^?#]+``, ``[^;]`` -> ``[^&;]``), a quantifier changes (``+`` -> ``*``,
greedy -> lazy), a ``.`` is escaped, a group gains a ``\\b`` before it, an empty alternative or a
``?`` after it.

The pattern is read by a small scanner over its source text (the raw literal as written), so an
edit changes exactly one spot of the text and keeps the rest byte for byte. Whether a variant
compiles, and whether the failing tests' strings tell it from the original, is decided by the
caller (swebot.mutate.patterns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_QUANTIFIERS = "*+?"
_COUNTED = re.compile(r"\{\d*(?:,\d*)?\}")
_CLASS_ESCAPED = frozenset("]\\^-")  # characters that need a backslash to stand for themselves in a class
_NEVER_ADDED = frozenset("'\"\\\n\r\t")  # quotes end the literal; control characters are not what fixes add


@dataclass(frozen=True)
class CharClass:
    start: int  # index of ``[``
    end: int  # index of ``]``
    negated: bool
    members: tuple[tuple[int, int], ...]  # spans of the members: a character, an escape, a range


@dataclass(frozen=True)
class Group:
    start: int  # index of ``(``
    body: int  # where the group's own pattern starts (after ``(?:``, ``(?P<name>``, ...)
    end: int  # index of ``)``


@dataclass
class Scan:
    """Where a pattern's classes, groups, quantifiers and unescaped dots are."""

    classes: list[CharClass] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    quantifiers: list[tuple[int, int]] = field(default_factory=list)  # spans, lazy/possessive mark included
    dots: list[int] = field(default_factory=list)
    literals: list[str] = field(default_factory=list)  # punctuation the pattern matches literally, in order


def _class_end(pattern: str, start: int) -> CharClass | None:
    index = start + 1
    negated = pattern.startswith("^", index)
    index += negated
    members: list[tuple[int, int]] = []
    while index < len(pattern) and (pattern[index] != "]" or not members):
        first = index
        index += 2 if pattern[index] == "\\" else 1
        if index + 1 < len(pattern) and pattern[index] == "-" and pattern[index + 1] != "]":
            index += 1
            index += 2 if pattern[index] == "\\" else 1
        members.append((first, index))
    if index >= len(pattern):
        return None
    return CharClass(start, index, negated, tuple(members))


def _group_body(pattern: str, start: int) -> int | None:
    """Where the pattern of the group opened at ``start`` begins; None for ``(?x)``-like flags,
    comments and back-references, which hold no pattern."""
    rest = pattern[start + 1:]
    if not rest.startswith("?"):
        return start + 1
    for opener in ("?:", "?=", "?!", "?<=", "?<!"):
        if rest.startswith(opener):
            return start + 1 + len(opener)
    if rest.startswith("?P<"):
        close = pattern.find(">", start)
        return close + 1 if close != -1 else None
    return None


def scan(pattern: str) -> Scan | None:
    """The parts of ``pattern``; None when the scanner cannot read it (unbalanced brackets)."""
    found = Scan()
    opened: list[tuple[int, int]] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            escaped = pattern[index + 1:index + 2]
            if escaped and not escaped.isalnum() and escaped not in found.literals:
                found.literals.append(escaped)
            index += 2
        elif char == "[":
            klass = _class_end(pattern, index)
            if klass is None:
                return None
            found.classes.append(klass)
            index = klass.end + 1
        elif char == "(":
            body = _group_body(pattern, index)
            if body is None:
                close = pattern.find(")", index)
                if close == -1:
                    return None
                index = close + 1
                continue
            opened.append((index, body))
            index = body
        elif char == ")":
            if not opened:
                return None
            start, body = opened.pop()
            found.groups.append(Group(start, body, index))
            index += 1
        elif char in _QUANTIFIERS:
            end = index + 1 + (pattern[index + 1:index + 2] in ("?", "+"))
            found.quantifiers.append((index, end))
            index = end
        elif char == "{" and _COUNTED.match(pattern, index):
            counted = _COUNTED.match(pattern, index)
            assert counted is not None
            index = counted.end() + (pattern[counted.end():counted.end() + 1] == "?")
        else:
            if char == ".":
                found.dots.append(index)
            elif not char.isalnum() and not char.isspace() and char not in "^$|" and char not in found.literals:
                found.literals.append(char)
            index += 1
    return None if opened else found


def _class_text(char: str) -> str:
    return "\\" + char if char in _CLASS_ESCAPED else char


def class_variants(pattern: str, found: Scan, extra: list[str]) -> list[tuple[str, str]]:
    """(variant, description): each class without one of its members, then with one more
    character (the pattern's own literal punctuation, then ``extra``): after the ``^`` of a negated
    class, before the ``]`` of another."""
    out: list[tuple[str, str]] = []
    for klass in found.classes:
        if len(klass.members) > 1:
            for first, end in klass.members:
                out.append((pattern[:first] + pattern[end:], f"drop `{pattern[first:end]}` from a class"))
    candidates = [char for char in dict.fromkeys([*found.literals, *extra]) if char not in _NEVER_ADDED]
    for klass in found.classes:
        inside = pattern[klass.start + 1 + klass.negated:klass.end]
        where = klass.start + 1 + klass.negated if klass.negated else klass.end
        for char in candidates:
            if char in inside:
                continue
            out.append((pattern[:where] + _class_text(char) + pattern[where:], f"add `{char}` to a class"))
    return out


_QUANTIFIER_SWAPS = {"+": ("*", "+?"), "*": ("+", "*?"), "?": ("",), "*?": ("*", "+?"), "+?": ("+", "*?")}


def quantifier_variants(pattern: str, found: Scan) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for start, end in found.quantifiers:
        old = pattern[start:end]
        for new in _QUANTIFIER_SWAPS.get(old, ()):
            out.append((pattern[:start] + new + pattern[end:], f"quantifier `{old}` -> `{new or '(none)'}`"))
    return out


def structure_variants(pattern: str, found: Scan) -> list[tuple[str, str]]:
    """An unescaped ``.`` escaped; a ``\\b`` before a group; a group given an empty alternative
    (``(a|b)`` -> ``(a|b|)``) or made optional."""
    out: list[tuple[str, str]] = []
    for dot in found.dots:
        out.append((pattern[:dot] + "\\." + pattern[dot + 1:], "escape a `.`"))
    for group in sorted(found.groups, key=lambda g: g.start):
        if not pattern[:group.start].endswith("\\b"):
            out.append((pattern[:group.start] + "\\b" + pattern[group.start:], "`\\b` before a group"))
    for group in sorted(found.groups, key=lambda g: g.start):
        if "|" in pattern[group.body:group.end] and not pattern[:group.end].endswith("|"):
            out.append((pattern[:group.end] + "|" + pattern[group.end:], "an empty alternative in a group"))
        if pattern[group.end + 1:group.end + 2] not in ("*", "+", "?", "{"):
            out.append((pattern[:group.end + 1] + "?" + pattern[group.end + 1:], "a group made optional"))
    return out


def pattern_variants(pattern: str, extra: list[str]) -> list[tuple[str, str]]:
    """Every one-spot edit of ``pattern``, the kinds taken in turn (a class loses a member, gains
    one, a quantifier, then a dot, ``\\b``, alternative, optional group), so that a cap on the
    number kept leaves each kind its share; [] when the scanner cannot read it."""
    found = scan(pattern)
    if found is None:
        return []
    dropped: list[tuple[str, str]] = []
    added: list[tuple[str, str]] = []
    for text, what in class_variants(pattern, found, extra):
        (dropped if what.startswith("drop") else added).append((text, what))
    kinds = [dropped, added, quantifier_variants(pattern, found), structure_variants(pattern, found)]
    seen: set[str] = {pattern}
    out = []
    for turn in range(max(map(len, kinds))):
        for kind in kinds:
            if turn < len(kind) and kind[turn][0] not in seen:
                seen.add(kind[turn][0])
                out.append(kind[turn])
    return out
