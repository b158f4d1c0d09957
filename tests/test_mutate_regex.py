"""Edits inside regular expressions (youtube-dl's single-hunk fixes, the bench's dev set: a class
gains or loses a character, a quantifier changes, a group gains an empty alternative), kept only
when the failing tests' strings tell them from the original pattern."""

from __future__ import annotations

import time

from swebot.mutate import Hints, Mutation, mutations_at
from swebot.mutate.regex_edits import pattern_variants, scan
from tests.mutate_tables import code


def regex_mutants(source: str, line: int, strings: tuple[str, ...] = ()) -> list[Mutation]:
    return [m for m in mutations_at(code(source), [line], hints=Hints(strings=strings))
            if m.template == "regex_interior"]


UNESCAPE = '''
import re


def unescape(s):
    return re.sub(
        r'&([^;]+;)', lambda m: entity(m.group(1)), s)
'''


def test_a_negated_class_gains_the_character_the_pattern_starts_with() -> None:
    found = regex_mutants(UNESCAPE, 6, strings=("&a&quot;", '&a"'))
    assert "r'&([^&;]+;)'" in [m.source.splitlines()[5].strip().split(",")[0] for m in found]
    assert all(m.line == 6 for m in found)


def test_variants_the_tests_strings_cannot_tell_apart_are_dropped() -> None:
    # no test string holds a '&': every variant matches exactly as the original does on them
    assert regex_mutants(UNESCAPE, 6, strings=("plain text", "no entity here")) == []


def test_without_test_strings_the_variants_are_offered_unfiltered_and_capped() -> None:
    found = regex_mutants(UNESCAPE, 6)
    assert 0 < len(found) <= 40
    assert any("[^&;]" in m.source for m in found)


URL = '''
import re


def url_basename(url):
    m = re.match(r'(?:https?:|)//[^/]+/(?:[^/?#]+/)?([^/?#]+)/?(?:[?#]|$)', url)
    return m.group(1) if m else ''
'''


def test_a_class_loses_one_character() -> None:
    found = regex_mutants(URL, 5, strings=("http://media.w3.org/2010/05/sintel/trailer.mp4", "trailer.mp4"))
    expected = "r'(?:https?:|)//[^/]+/(?:[^?#]+/)?([^/?#]+)/?(?:[?#]|$)'"
    assert any(expected in m.source for m in found)
    assert all(m.source != code(URL) for m in found)


def test_a_pattern_whose_repeats_nest_is_never_searched() -> None:
    # (a+)+b backtracks exponentially on a run of a's without b: the filter must not try it
    source = "import re\nBAD = re.compile(r'(a+)+b')\n"
    started = time.monotonic()
    found = regex_mutants(source, 2, strings=("a" * 40,))
    assert time.monotonic() - started < 5
    assert found  # kept unfiltered


def test_strings_that_are_not_patterns_are_left_alone() -> None:
    assert regex_mutants("path = r'C:\\\\temp'\n", 1, strings=("C:/temp",)) == []
    assert regex_mutants("x = f'{a}[^b]+'\n", 1, strings=("ab",)) == []
    assert regex_mutants("import re\nX = re.compile(b'[ab]+')\n", 2, strings=("ab",)) == []


def test_a_raw_literal_with_regex_syntax_is_a_pattern_wherever_it_is() -> None:
    source = "class IE:\n    _VALID_URL = r'https?://(?:www\\.)?example\\.com/(?P<id>[0-9]+)'\n"
    found = regex_mutants(source, 2, strings=("https://example.com/12a", "https://www.example.com/123"))
    assert any("[0-9a]+" in m.source or "(?P<id>[0-9]*)" in m.source or "[0-9]+?" in m.source for m in found)


# -- the scanner and the one-spot edits -------------------------------------------------------------

def test_the_scanner_finds_classes_groups_quantifiers_and_dots() -> None:
    found = scan(r"^(?P<a>[^/?#]+)\.(x|y)*.z{2,3}?")
    assert found is not None
    assert [(c.negated, len(c.members)) for c in found.classes] == [(True, 3)]
    assert len(found.groups) == 2
    assert [r"^(?P<a>[^/?#]+)\.(x|y)*.z{2,3}?"[s:e] for s, e in found.quantifiers] == ["+", "*"]
    assert len(found.dots) == 1
    assert scan("(a") is None and scan("[ab") is None and scan("a)") is None


def test_ranges_and_escapes_are_one_member_of_a_class() -> None:
    found = scan(r"[a-z\]0-9_]")
    assert found is not None and len(found.classes[0].members) == 4


def test_quantifier_and_structure_edits() -> None:
    variants = [text for text, _ in pattern_variants(r"a(?:b|c)+.d", [])]
    assert r"a(?:b|c)*.d" in variants  # + -> *
    assert r"a(?:b|c)+?.d" in variants  # lazy
    assert r"a(?:b|c)+\.d" in variants  # escaped dot
    assert r"a(?:b|c|)+.d" in variants  # empty alternative
    assert r"a\b(?:b|c)+.d" in variants  # word boundary before a group
    assert len(variants) == len(set(variants))


def test_characters_added_to_a_class_need_escaping_where_the_class_reads_them() -> None:
    variants = [text for text, _ in pattern_variants(r"[ab]x", ["-", "]", "'"])]
    assert r"[ab\-]x" in variants and r"[ab\]]x" in variants
    assert not any("'" in text for text in variants)  # a quote would end the literal


def test_every_kind_of_edit_gets_its_turn_before_a_cap_cuts_the_list() -> None:
    variants = [what for _, what in pattern_variants(r"[abcdefgh]+(x|y)", [])]
    # eight members could be dropped, yet a quantifier and a group edit come second and third
    assert [what.split(" ")[0] for what in variants[:4]] == ["drop", "quantifier", "`\\b`", "drop"]
