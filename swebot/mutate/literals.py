"""String literals the failing tests suggest: a literal of the code that is part of a longer word
of a test's string (``'push --force'`` where the test expects ``git push --force-with-lease``)
becomes that whole word, or that word with a word or two of the test's string around it."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import Proposal
from swebot.mutate.source import Site

_MAX_WORDS = 3  # per literal: the first words found, in the tests' order
_MAX_MORE_WORDS = 2  # a literal grown into a phrase: at most this many words more on each side
_MAX_PHRASES = 8
_MIN_LENGTH = 2  # a one-character literal is part of almost every word
_STRUCTURAL_PARENTS = m.Expr() | m.Index()  # docstrings, subscripts by key
_BOUNDARY = frozenset("'\"`()[]{},;")  # besides whitespace: a quoted or listed word ends there
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def extended_words(value: str, strings: tuple[str, ...]) -> list[str]:
    """The words (stretches between whitespace, quotes, brackets) of ``strings`` that hold
    ``value`` and are longer."""
    words: list[str] = []
    for text in strings:
        start = text.find(value)
        while start != -1 and len(words) < _MAX_WORDS:
            left, right = start, start + len(value)
            while left > 0 and not _ends(text[left - 1]):
                left -= 1
            while right < len(text) and not _ends(text[right]):
                right += 1
            word = text[left:right]
            if word != value and word not in words:
                words.append(word)
            start = text.find(value, start + 1)
    return words


def _word_starts(text: str, left: int) -> list[int]:
    """Where the up to ``_MAX_MORE_WORDS`` words before position ``left`` start, nearest first,
    across single spaces only (a quote or bracket ends the phrase)."""
    starts: list[int] = []
    while len(starts) < _MAX_MORE_WORDS and left > 1 and text[left - 1] == " " and not _ends(text[left - 2]):
        left -= 1
        while left > 0 and not _ends(text[left - 1]):
            left -= 1
        starts.append(left)
    return starts


def _word_ends(text: str, right: int) -> list[int]:
    ends: list[int] = []
    while len(ends) < _MAX_MORE_WORDS and right + 1 < len(text) and text[right] == " " and not _ends(text[right + 1]):
        right += 1
        while right < len(text) and not _ends(text[right]):
            right += 1
        ends.append(right)
    return ends


def extended_phrases(value: str, strings: tuple[str, ...]) -> list[str]:
    """The longer forms of ``value`` in ``strings``: the words that hold it (``extended_words``),
    then those words with up to two more words of the string before or after them
    (``'set-upstream'`` -> ``'git push --set-upstream'``)."""
    phrases = extended_words(value, strings)
    for text in strings:
        start = text.find(value)
        if start == -1 or len(phrases) >= _MAX_PHRASES:
            continue
        left, right = start, start + len(value)
        while left > 0 and not _ends(text[left - 1]):
            left -= 1
        while right < len(text) and not _ends(text[right]):
            right += 1
        for begin in [left, *_word_starts(text, left)]:
            for end in [right, *_word_ends(text, right)]:
                phrase = text[begin:end]
                if (begin, end) != (left, right) and phrase not in phrases and len(phrases) < _MAX_PHRASES:
                    phrases.append(phrase)
    return phrases


def _ends(char: str) -> bool:
    return char.isspace() or char in _BOUNDARY


def quoted(word: str, prefix: str, quote: str) -> str | None:
    """``word`` as a literal with the original's prefix and quotes; None when it cannot be written so."""
    if "r" in prefix.lower():
        if quote[0] in word or word.endswith("\\") or ("\n" in word and len(quote) == 1):
            return None
        return f"{prefix}{quote}{word}{quote}"
    body = "".join(_ESCAPES.get(char, char) for char in word).replace(quote[0], "\\" + quote[0])
    return f"{prefix}{quote}{body}{quote}"


def word_from_tests(site: Site) -> Iterator[Proposal]:
    node = site.node
    assert isinstance(node, cst.SimpleString)
    strings = site.parsed.hints.strings
    if not strings or "b" in node.prefix.lower() or (site.parent is not None and m.matches(site.parent, _STRUCTURAL_PARENTS)):
        return
    value = node.evaluated_value
    if not isinstance(value, str) or len(value.strip()) < _MIN_LENGTH:
        return
    for word in extended_phrases(value, strings):
        literal = quoted(word, node.prefix, node.quote)
        if literal is not None:
            yield site.replace(node, node.with_changes(value=literal))


KINDS: tuple[type[cst.CSTNode], ...] = (cst.SimpleString,)
