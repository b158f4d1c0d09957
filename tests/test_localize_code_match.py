"""Quoted lines and string literals: the keys the index keeps and the lookups ranking makes."""

from __future__ import annotations

from swebot.localize.code_match import CodeIndex, exact_key, fixed_part, line_keys, literals, loose_key

SOURCE = '''
def combine(self, other):
    """Combine two queries into one query object."""
    if self.model != other.model:
        raise TypeError("Cannot combine queries on two different base models.")
    if other.distinct_fields != self.distinct_fields:
        raise TypeError("Cannot combine a unique query with a non-unique query (%s)." % other)
    warnings.warn(f"The {name!r} argument is deprecated and will be removed in 5.0")
    return self
'''


def test_lines_match_exactly_with_whitespace_normalized() -> None:
    assert exact_key("    if self.model != other.model:") == exact_key("if self.model  !=  other.model:")
    assert exact_key("return None") is None  # too short to say where it is
    assert exact_key("# a comment that is long enough") is None


def test_loose_keys_ignore_quotes_spacing_and_literal_values() -> None:
    a = loose_key("x = parse(value, sep=',', strict=True)")
    assert a == loose_key('x = parse( value , sep=";" , strict=True )')
    assert a != loose_key("x = parse(value, sep=',', strict=False)")
    assert loose_key("pass") is None


def test_line_keys_are_distinct_lines_with_numbers() -> None:
    keys = line_keys(SOURCE)
    numbers = [n for _, _, n in keys]
    assert 4 in numbers and 2 in numbers  # "if self.model ..." and the def line
    assert len({e for e, _, _ in keys}) == len(keys)


def test_fixed_part_is_the_longest_run_between_placeholders() -> None:
    assert fixed_part("Cannot combine a unique query with a non-unique query (%s).") == (
        "cannot combine a unique query with a non-unique query (")
    assert fixed_part("The {name!r} argument is deprecated and will be removed in 5.0") == (
        "argument is deprecated and will be removed in 5.0")
    assert fixed_part("Field %(field)s   has no   default") == "has no default"


def test_literals_are_messages_not_docstrings() -> None:
    found = dict(literals(SOURCE))
    assert found["cannot combine queries on two different base models."] == 5
    assert "argument is deprecated and will be removed in 5.0" in found
    assert not any("combine two queries" in lit for lit in found)


def test_code_index_finds_lines_and_messages_by_file() -> None:
    other = "def unrelated(items):\n    total = compute(items, 1, 2)\n"
    index = CodeIndex.build([(line_keys(SOURCE), literals(SOURCE)), (line_keys(other), literals(other))])
    hits, exact = index.find_line("if self.model != other.model:")
    assert exact and hits.tolist() == [[0, 4]]
    hits, exact = index.find_line("total = compute(items, 4, 5)")  # other values: a loose match only
    assert not exact and hits.tolist() == [[1, 2]]
    issue = ("Merging fails with\nTypeError: Cannot combine queries on two different\nbase models.\n"
             "and DeprecationWarning: The 'x' argument is deprecated and will be removed in 5.0")
    found = {(f, line) for f, line, _ in index.find_literals(issue)}
    assert found == {(0, 5), (0, 8)}
