"""Edits as values: before/after tables for symbol edits, inserts and str_replace."""

from __future__ import annotations

import textwrap

import pytest

from swebot.agent import edits, symbols
from swebot.agent.edits import Applied, EditJournal, Rejected

SOURCE = textwrap.dedent('''
    import functools


    class Shape:
        """A shape."""

        @functools.cache
        def area(self):
            return 0

        def name(self):
            return "shape"


    def area(r):
        return 3 * r * r
    ''').lstrip()


def applied(result: edits.EditResult) -> str:
    assert isinstance(result, Applied), result
    return result.source


def test_definitions_have_qualified_names_and_decorator_ranges() -> None:
    defs = {d.qualname: d for d in symbols.definitions(SOURCE)}
    assert set(defs) == {"Shape", "Shape.area", "Shape.name", "area"}
    assert (defs["Shape.area"].start, defs["Shape.area"].def_line, defs["Shape.area"].end) == (7, 8, 9)
    assert defs["Shape.area"].kind == "method" and defs["area"].kind == "function"
    assert "    def area(self):  # lines 7-9" in symbols.outline(SOURCE)


@pytest.mark.parametrize(
    ("symbol", "code", "expected_fragment"),
    [
        # an unindented method body is re-indented to the class
        ("Shape.name", 'def name(self):\n    return "circle"\n', '    def name(self):\n        return "circle"\n'),
        # the decorator goes with the old definition and comes from the new code
        ("Shape.area", "def area(self):\n    return 1\n", "        return 0\n\n    def area(self):\n        return 1\n"),
        # the module-level function, picked by its exact qualified name over Shape.area
        ("area", "def area(r):\n    return 3.14159 * r * r", "def area(r):\n    return 3.14159 * r * r\n"),
    ],
)
def test_replace_symbol(symbol: str, code: str, expected_fragment: str) -> None:
    new = applied(edits.replace_symbol("m.py", SOURCE, symbol, code))
    if symbol == "Shape.area":
        assert "@functools.cache" not in new and "def area(self):\n        return 1" in new
    else:
        assert expected_fragment in new
    assert symbols.syntax_error(new) is None


def test_replace_symbol_rejects_missing_ambiguous_and_breaking_code() -> None:
    assert "no definition named 'perimeter'" in edits.replace_symbol("m.py", SOURCE, "perimeter", "x").reason  # type: ignore[union-attr]
    doubled = SOURCE + "\n\nclass Other:\n    def name(self):\n        return 1\n"
    result = edits.replace_symbol("m.py", doubled, "name", "def name(self):\n    return 2\n")
    assert isinstance(result, Rejected) and "ambiguous" in result.reason and "Shape.name" in result.reason
    broken = edits.replace_symbol("m.py", SOURCE, "area", "def area(r:\n    return 1\n")
    assert isinstance(broken, Rejected)
    assert broken.reason.startswith("edit refused, the file would not parse: SyntaxError at m.py:")


def test_insert_after_symbol_and_before_line() -> None:
    new = applied(edits.insert_code("m.py", SOURCE, "def perimeter(self):\n    return 0\n",
                                    position="after", symbol="Shape.name"))
    assert '        return "shape"\n\n    def perimeter(self):\n        return 0\n' in new
    top = applied(edits.insert_code("m.py", SOURCE, "import math", position="before", line=1))
    assert top.startswith("import math\nimport functools\n")
    bad = edits.insert_code("m.py", SOURCE, "x = (", position="after", line=2)
    assert isinstance(bad, Rejected) and "would not parse" in bad.reason
    assert isinstance(edits.insert_code("m.py", SOURCE, "x = 1", position="after", line=999), Rejected)


def test_str_replace_needs_exactly_one_match() -> None:
    assert "return 3 * r * r" not in applied(edits.str_replace("m.py", SOURCE, "3 * r", "3.14 * r"))
    many = edits.str_replace("m.py", SOURCE, "return", "yield")
    assert isinstance(many, Rejected) and "occurs 3 times (lines 9, 12, 16)" in many.reason
    none = edits.str_replace("m.py", SOURCE, "return  0", "return 1")
    assert isinstance(none, Rejected) and "not found" in none.reason
    # text files are not parsed
    assert applied(edits.str_replace("notes.txt", "a (\n", "a (", "b (")) == "b (\n"


def test_journal_undo_last_to_id_and_start() -> None:
    j = EditJournal()
    for i in range(1, 4):
        j.record("f.py", f"v{i - 1}".encode(), f"v{i}".encode(), f"edit {i}")
    last = j.pop_until(None)
    assert [e.id for e in last] == ["e3"]  # type: ignore[union-attr]
    assert isinstance(j.pop_until("e9"), Rejected)
    j.record("f.py", b"v2", b"v4", "edit 4")
    back = j.pop_until("e1")
    assert [e.id for e in back] == ["e4", "e2"]  # type: ignore[union-attr]
    assert [e.id for e in j.pop_until("start")] == ["e1"]  # type: ignore[union-attr]
    assert isinstance(j.pop_until(None), Rejected)
