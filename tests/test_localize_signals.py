"""Signals real issues carry: quoted code lines, error messages, the example's imports, backticked
names, test files named by path, dotted module paths. Each on a small library where it decides."""

from __future__ import annotations

from pathlib import Path

import pytest

from swebot.localize.issue_text import backticked, extract_imports, parse_issue, quoted_lines
from swebot.localize.rank import Localization, localize
from tests.conftest import localize_library

LIBRARY = {
    "pkg/__init__.py": "from pkg.core import Q, combine\n",
    "pkg/core/__init__.py": "from .query_utils import Q\nfrom .query import combine\n",
    "pkg/core/query_utils.py": '''
        class Q:
            """A filter condition that can be combined with others."""

            def __init__(self, *args, **kwargs):
                self.children = list(args) + sorted(kwargs.items())

            def negate(self):
                self.negated = not getattr(self, "negated", False)
                return self
        ''',
    "pkg/core/query.py": '''
        def combine(left, right, connector):
            if left.model != right.model:
                raise TypeError("Cannot combine queries on two different base models.")
            return merge_children(left, right, connector)


        def merge_children(left, right, connector):
            children = left.children + right.children
            if connector == "OR" and not left.children:
                return right
            return children
        ''',
    "pkg/core/lookups.py": '''
        def exact(value, other):
            return value == other


        def icontains(value, other):
            return other.lower() in value.lower()
        ''',
    "pkg/util.py": '''
        def flatten(items):
            return [x for group in items for x in group]
        ''',
    "tests/test_lookups.py": '''
        from pkg.core.lookups import exact


        def test_exact():
            assert exact(1, 1)
        ''',
}


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return localize_library(tmp_path, monkeypatch, LIBRARY)


def top(loc: Localization) -> tuple[str, str]:
    return loc.files[0].path, loc.files[0].symbols[0].name


def evidence(loc: Localization, path: str) -> list[str]:
    hit = next(f for f in loc.files if f.path == path)
    return list(hit.evidence) + [e for s in hit.symbols for e in s.evidence]


def test_issue_text_yields_quoted_lines_imports_and_backticks() -> None:
    issue = ("`Q.negate` flips twice.\n\n```python\n>>> from pkg import Q, combine\n>>> import pkg.core.lookups as lk\n"
             ">>> q = Q(a=1).negate()\n```\n\n    if left.model != right.model:\n")
    assert extract_imports(issue) == [("pkg", ("Q", "combine")), ("pkg.core.lookups", ())]
    assert "q = Q(a=1).negate()" in quoted_lines(issue)  # prompt removed
    assert "if left.model != right.model:" in quoted_lines(issue)  # indented line
    assert backticked(issue) == ["negate"]  # "Q" is too short to be a useful name on its own
    sig = parse_issue(issue)
    assert sig.imports and sig.quoted_lines and sig.backticks


def test_diff_lines_in_an_issue_lose_their_markers() -> None:
    issue = "Proposed fix:\n```diff\n--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n-    if connector == 'OR' and not left.children:\n```\n"
    assert "if connector == 'OR' and not left.children:" in quoted_lines(issue)


@pytest.mark.parametrize("layout", ["    ", ""])  # indented as Markdown code, or flat as Trac renders it
def test_a_quoted_source_line_points_at_its_function(library: Path, layout: str) -> None:
    # Quotes differ from the source ('OR' vs "OR"): a loose match still finds the line.
    loc = localize(library, f"This line looks wrong to me:\n{layout}if connector == 'OR' and not left.children:\n")
    assert top(loc) == ("pkg/core/query.py", "merge_children")
    assert any("quotes line" in e for e in evidence(loc, "pkg/core/query.py"))


def test_an_error_message_points_at_the_raise(library: Path) -> None:
    loc = localize(library, "Running my report I get\n\nTypeError: Cannot combine queries on two different base models.\n")
    assert top(loc) == ("pkg/core/query.py", "combine")
    assert any("message in issue made here" in e for e in evidence(loc, "pkg/core/query.py"))


def test_the_examples_imports_point_at_the_defining_file(library: Path) -> None:
    # Q is imported from the package root; it is defined two re-exports away.
    loc = localize(library, "Negating twice is wrong\n\n```python\nfrom pkg import Q\nx = Q(a=1)\n```\n")
    assert loc.files[0].path == "pkg/core/query_utils.py"
    assert any("imported by the issue" in e for e in evidence(loc, "pkg/core/query_utils.py"))


def test_a_package_qualified_name_in_prose_finds_its_definition(library: Path) -> None:
    # pkg.core re-exports combine; the definition is in pkg/core/query.py.
    loc = localize(library, "pkg.core.combine drops the connector when the left side is empty")
    assert loc.files[0].path == "pkg/core/query.py"
    assert any("imported by the issue: combine" in e for e in evidence(loc, "pkg/core/query.py"))


def test_backticked_names_are_singled_out(library: Path) -> None:
    loc = localize(library, "the results of `flatten` keep empty groups")
    assert top(loc) == ("pkg/util.py", "flatten")
    assert any("in backticks" in e for e in evidence(loc, "pkg/util.py"))


def test_a_test_file_named_by_path_points_at_what_it_imports(library: Path) -> None:
    loc = localize(library, "tests/test_lookups.py fails on Windows since the last release")
    assert any("imported by test file" in e for e in evidence(loc, "pkg/core/lookups.py"))
    code_files = [f.path for f in loc.files if not f.path.startswith("tests/")]
    assert code_files[0] == "pkg/core/lookups.py"


def test_a_dotted_module_path_names_its_file(library: Path) -> None:
    loc = localize(library, "pkg.core.lookups is slow with long strings")
    assert loc.files[0].path == "pkg/core/lookups.py"
    assert any("module named in issue" in e for e in evidence(loc, "pkg/core/lookups.py"))


def test_a_plain_word_naming_a_module_points_at_it(library: Path) -> None:
    loc = localize(library, "Case-insensitive lookups ignore accents")
    assert loc.files[0].path == "pkg/core/lookups.py"
    assert any("word in issue names the module: lookups" in e for e in evidence(loc, "pkg/core/lookups.py"))


def test_a_module_path_written_from_memory_finds_the_module(library: Path) -> None:
    """``pkg.core.lookup`` for ``pkg/core/lookups.py``: each part the prefix of the real one."""
    loc = localize(library, "Using pkg.core.lookup to compare strings ignores the case of the other value")
    assert loc.files[0].path == "pkg/core/lookups.py"
    assert any("abbreviated" in e for e in evidence(loc, "pkg/core/lookups.py"))
    plain = localize(library, "Using lookups to compare strings ignores the case of the other value")
    assert not any("abbreviated" in e for f in plain.files for e in f.evidence)


def test_a_hyphenated_word_names_the_module_it_joins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from swebot.localize.issue_text import compound_words

    assert compound_words("The auto-detector should use this order; x-y is short, a-b-c is not") == ["autodetector"]
    root = localize_library(tmp_path, monkeypatch, {
        "app/autodetector.py": "def changes(old, new):\n    return sorted(set(new) - set(old))\n",
        "app/writer.py": "def write(ops):\n    return '\\n'.join(ops)\n",
    })
    loc = localize(root, "The auto-detector should put the operations in another order")
    assert loc.files[0].path == "app/autodetector.py"
    assert any("names the module: autodetector" in e for e in loc.files[0].evidence)


def test_the_title_says_what_the_issue_is_about(library: Path) -> None:
    """The first line of an issue is its title: its words weigh more than the same words further down."""
    title = "Negated filter conditions are not negated"
    body = "Seen when I combine two queries on the same model with the OR connector.\n"
    titled = localize(library, f"{title}\n\n{body}")
    assert titled.files[0].path == "pkg/core/query_utils.py"
    assert any("title" in e for e in evidence(titled, "pkg/core/query_utils.py"))
    untitled = localize(library, f"{body}\n{title}\n")
    assert untitled.files[0].path == "pkg/core/query.py"


def test_a_function_that_matches_the_title_lends_it_to_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A big module with the one function the title describes comes before a small one whose long,
    unrelated functions each hold one of the title's words."""
    others = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n\n" for i in range(150))
    spread = "".join(f"def {w}_table(rows):\n    '''{w}'''\n"
                     + "".join(f"    rows = rotate_{k}(rows, column_{k})\n" for k in range(25))
                     + "    return rows\n\n\n" for w in ("sign", "negative", "durations", "parsing"))
    root = localize_library(tmp_path, monkeypatch, {
        "pkg/__init__.py": "",
        "pkg/timeparse.py": others + (
            "def parse_duration(text):\n"
            "    '''Parse a duration: the sign of negative durations is kept.'''\n"
            "    return text\n"),
        "pkg/misc.py": spread,
    })
    loc = localize(root, "Parsing negative durations drops the sign\n\nSeen on 3.2 after upgrading.\n")
    assert loc.files[0].path == "pkg/timeparse.py"
    assert loc.files[0].symbols[0].name == "parse_duration"



def test_a_named_class_ranks_just_below_its_best_method(library: Path) -> None:
    """A class is where its methods live: the change is in one of them unless a line outside the
    methods changes. A class the issue names and describes comes right after its best method, not
    before it, and still before the methods with less evidence."""
    loc = localize(library, "Q filter conditions cannot be combined\n\n```\nfrom pkg import Q\nQ(a=1).negate()\n```\n"
                            "A `Q` is a filter condition that can be combined with others, but negate breaks it.")
    hit = loc.files[0]
    assert hit.path == "pkg/core/query_utils.py"
    assert [s.name for s in hit.symbols] == ["Q.negate", "Q", "Q.__init__"]
    assert [s.name for _, s in loc.ranked_symbols[:2]] == ["Q.negate", "Q"]
