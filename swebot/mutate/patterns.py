"""Regular-expression edits: an anchor that pins a pattern to the start or end of the text where
the fix wants a word boundary, or no anchor at all (``'^mkdir (.*)'`` -> ``'\\bmkdir (.*)'``); and
edits inside a pattern (``regex_interior``: classes, quantifiers, groups; see swebot.mutate.regex_edits)
that the failing tests' strings tell apart from the original."""

from __future__ import annotations

import ast
import re
import time
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence

import libcst as cst
import libcst.matchers as m

from swebot.mutate.literals import quoted
from swebot.mutate.model import Proposal
from swebot.mutate.regex_edits import pattern_variants
from swebot.mutate.source import Site

_RE_FUNCTIONS = ("compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer")
_RE_CALL = m.Call(func=m.Attribute(value=m.Name("re") | m.Name("regex"), attr=m.OneOf(*map(m.Name, _RE_FUNCTIONS))))


def _is_pattern(site: Site) -> bool:
    """Whether the string at ``site`` is the pattern (first argument) of a ``re`` call."""
    if len(site.ancestors) < 2:
        return False
    arg, call = site.ancestors[-1], site.ancestors[-2]
    if not m.matches(call, _RE_CALL) or not m.matches(arg, m.Arg()) or arg.value is not site.node:  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        return False
    first = call.args[0]  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    return first is arg or m.matches(arg, m.Arg(keyword=m.Name("pattern")))


def _unescaped_end(pattern: str, char: str) -> bool:
    """``pattern`` ends with ``char`` that no backslash escapes."""
    if not pattern.endswith(char):
        return False
    backslashes = len(pattern[:-1]) - len(pattern[:-1].rstrip("\\"))
    return backslashes % 2 == 0


def _anchor_variants(pattern: str) -> list[str]:
    out: list[str] = []
    if pattern.startswith("^"):
        out += ["\\b" + pattern[1:], pattern[1:]]
    elif pattern.startswith("\\A"):
        out += ["\\b" + pattern[2:], pattern[2:]]
    if _unescaped_end(pattern, "$"):
        out += [pattern[:-1] + "\\b", pattern[:-1]]
    elif pattern.endswith("\\Z") and _unescaped_end(pattern[:-1], "\\"):
        out += [pattern[:-2] + "\\b", pattern[:-2]]
    return [variant for variant in dict.fromkeys(out) if variant != pattern]


def regex_anchor(site: Site) -> Iterator[Proposal]:
    """The pattern of a ``re`` call: a start/end anchor (``^``, ``$``, ``\\A``, ``\\Z``) becomes a
    word boundary ``\\b`` or goes."""
    node = site.node
    assert isinstance(node, cst.SimpleString)
    if "b" in node.prefix.lower() or not _is_pattern(site):
        return
    pattern = node.evaluated_value
    if not isinstance(pattern, str):
        return
    for variant in _anchor_variants(pattern):
        literal = quoted(variant, node.prefix, node.quote)
        if literal is not None:
            yield site.replace(node, node.with_changes(value=literal))


# A raw literal holding one of these is read as a pattern wherever it is (youtube-dl's
# ``_VALID_URL = r'...'``, ``self._search_regex(r'...', ...)``, a pattern built with ``%``).
_MARKERS = ("(?", "[^", "\\d", "\\s", "\\w", "\\b", "]+", "]*", "]?", ")?", ".*", ".+", "\\.")
_FLAGS = (("VERBOSE", re.X), ("re.X", re.X), ("IGNORECASE", re.I), ("re.I", re.I), ("DOTALL", re.S),
          ("re.S", re.S), ("MULTILINE", re.M), ("re.M", re.M))
_MAX_VARIANTS = 40  # per literal, after the tests' strings have spoken
_MAX_STRINGS = 600
_MAX_STRING_LENGTH = 300
_MAX_EXTRA_CHARS = 12
_FILTER_SECONDS = 1.0


def _is_regex_literal(site: Site) -> bool:
    node = site.node
    assert isinstance(node, cst.SimpleString)
    if _is_pattern(site):
        return True
    return "r" in node.prefix.lower() and any(marker in node.raw_value for marker in _MARKERS)


def _flags(site: Site) -> int:
    """The ``re`` flags the call around the literal passes (``re.VERBOSE`` ...), read from its text."""
    call = next((a for a in reversed(site.ancestors) if isinstance(a, cst.Call)), None)
    if call is None:
        return 0
    text = site.parsed.code(call)
    flags = 0
    for name, flag in _FLAGS:
        if re.search(re.escape(name) + r"\b", text):
            flags |= flag
    return flags


def _compiled(pattern: str, flags: int) -> re.Pattern[str] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile(pattern, flags)
    except (re.error, OverflowError, RecursionError, ValueError):
        return None


def _nested_repeat(compiled: re.Pattern[str]) -> bool:
    """Whether a repeated part of the pattern holds a repeat of its own (``(a*)*``): searching
    arbitrary text with it may backtrack for ever, so the tests' strings are not tried on it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import re._parser as parser  # type: ignore[import-not-found,unused-ignore]  # Python >= 3.11
        except ImportError:  # pragma: no cover - Python 3.10
            import sre_parse as parser  # type: ignore[no-redef,unused-ignore]  # the same module, older name
        try:
            tree = parser.parse(compiled.pattern, compiled.flags)
        except Exception:  # noqa: BLE001 -- any failure to read it back means "do not search with it"
            return True
    return _repeats_inside(tree, False)


def _repeats_inside(subpattern: object, repeated: bool) -> bool:
    for op, value in subpattern:  # type: ignore[attr-defined]  # the parser's SubPattern is untyped
        if str(op) in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _, high, inner = value
            if (repeated and high > 1) or _repeats_inside(inner, repeated or high > 1):
                return True
        elif any(_repeats_inside(inner, repeated) for inner in _subpatterns(value)):
            return True
    return False


def _subpatterns(value: object) -> Iterator[object]:
    """The sub-patterns inside one parsed item's argument (groups, branches, look-arounds)."""
    if type(value).__name__ == "SubPattern":
        yield value
    elif isinstance(value, (tuple, list)):
        for part in value:
            yield from _subpatterns(part)


def _outcome(compiled: re.Pattern[str], text: str) -> object:
    found = compiled.search(text)
    return None if found is None else (found.span(), found.groups())


def _test_strings(strings: Sequence[str]) -> list[str]:
    return [text for text in strings if len(text) <= _MAX_STRING_LENGTH][:_MAX_STRINGS]


def _extra_chars(strings: Sequence[str]) -> list[str]:
    """The punctuation of the tests' strings, commonest first: what a class may be missing."""
    counts = Counter(char for text in strings for char in text if not char.isalnum() and not char.isspace())
    return [char for char, _ in counts.most_common(_MAX_EXTRA_CHARS)]


def _value(literal: str) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = ast.literal_eval(literal)
    except (SyntaxError, ValueError):
        return None
    return value if isinstance(value, str) else None


def regex_interior(site: Site) -> Iterator[Proposal]:
    """One edit inside the pattern of a regular-expression literal (a ``re`` call's pattern, or a
    raw literal that reads as one): see swebot.mutate.regex_edits. With the failing tests'
    strings at hand, a variant is kept only when some string matches differently under it (a
    variant no test string can tell apart cannot turn a failing test into a passing one), and the
    tests' punctuation joins the characters a class may gain. Patterns whose repeats nest are
    never searched; their variants are kept unfiltered."""
    node = site.node
    assert isinstance(node, cst.SimpleString)
    if "b" in node.prefix.lower() or "f" in node.prefix.lower() or not _is_regex_literal(site):
        return
    raw = "r" in node.prefix.lower()
    if not raw and "\\" in node.raw_value:
        return
    flags = _flags(site)
    original = _compiled(node.raw_value if raw else str(node.evaluated_value), flags)
    if original is None:
        return
    strings = _test_strings(site.parsed.hints.strings)
    searchable = bool(strings) and not _nested_repeat(original)
    before = [_outcome(original, text) for text in strings] if searchable else []
    extra = _extra_chars(strings) if searchable else []
    deadline = time.monotonic() + _FILTER_SECONDS
    kept = 0
    for text, what in pattern_variants(node.raw_value, extra):
        if kept >= _MAX_VARIANTS:
            return
        if not raw and "\\" in text:
            continue
        literal = f"{node.prefix}{node.quote}{text}{node.quote}"
        value = _value(literal)
        compiled = _compiled(value, flags) if value is not None else None
        if compiled is None:
            continue
        if searchable:
            if time.monotonic() > deadline or _nested_repeat(compiled):
                continue
            if all(_outcome(compiled, s) == b for s, b in zip(strings, before)):
                continue
        kept += 1
        yield site.replace(node, node.with_changes(value=literal), what=f"{what}: {literal[:50]}")


KINDS: tuple[type[cst.CSTNode], ...] = (cst.SimpleString,)
