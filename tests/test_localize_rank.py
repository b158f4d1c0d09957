"""localize(): the combined ranking on a small generated library, and its refusals of bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from swebot.errors import BadInput
from swebot.localize.rank import FileHit, Localization, SymbolHit, localize
from tests.conftest import localize_library, write_files

LIBRARY = {
    "src/shop/__init__.py": "from .cart import Cart\nfrom .pricing import total\n",
    "src/shop/cart.py": '''
        from .pricing import total


        class Cart:
            """Items a customer is about to buy."""

            def __init__(self):
                self.items = []

            def add_item(self, name, price, quantity=1):
                """Add ``quantity`` units of an item."""
                for _ in range(quantity):
                    self.items.append((name, price))

            def remove_item(self, name):
                self.items = [i for i in self.items if i[0] != name]

            def checkout(self):
                return total([p for _, p in self.items])
        ''',
    "src/shop/pricing.py": '''
        from .discounts import apply_discount


        def total(prices):
            """Sum of the prices after discounts, rounded to cents."""
            return round(sum(apply_discount(p) for p in prices), 2)


        def format_price(amount, currency="EUR"):
            """Human readable price with its currency symbol."""
            symbol = {"EUR": "€", "USD": "$"}[currency]
            return f"{symbol}{amount:.2f}"
        ''',
    "src/shop/discounts.py": '''
        RATE = 0.9


        def apply_discount(price):
            """Seasonal discount applied to every price."""
            return price.amount * RATE


        def coupon_value(code):
            """Value of a coupon code such as SAVE10."""
            return int(code[4:])
        ''',
    "src/shop/inventory.py": '''
        class Warehouse:
            """Stock levels per item."""

            def restock(self, name, count):
                self.stock[name] = self.stock.get(name, 0) + count

            def reserve(self, name, count):
                if self.stock.get(name, 0) < count:
                    raise ValueError("not enough stock")
                self.stock[name] -= count
        ''',
    "tests/test_pricing.py": '''
        from shop.pricing import format_price, total


        def test_format_price_dollars():
            assert format_price(3, "USD") == "$3.00"


        def test_total_of_prices_with_discount():
            assert total([10, 20]) == 27.0
        ''',
    "docs/conf.py": "project = 'shop'\n# discount price total format currency\n",
}

TRACEBACK = '''
Checkout crashes for any cart

```
Traceback (most recent call last):
  File "/home/me/buy.py", line 4, in <module>
    cart.checkout()
  File "/venv/lib/python3.11/site-packages/shop/cart.py", line 19, in checkout
    return total([p for _, p in self.items])
  File "/venv/lib/python3.11/site-packages/shop/pricing.py", line 6, in total
    return round(sum(apply_discount(p) for p in prices), 2)
  File "/venv/lib/python3.11/site-packages/shop/discounts.py", line 6, in apply_discount
    return price.amount * RATE
AttributeError: 'float' object has no attribute 'amount'
```
'''


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return localize_library(tmp_path, monkeypatch, LIBRARY)


def top_symbol(loc: Localization) -> tuple[str, str]:
    f = loc.files[0]
    return f.path, f.symbols[0].name


def test_traceback_puts_the_innermost_frame_first(library: Path) -> None:
    loc = localize(library, TRACEBACK)
    assert top_symbol(loc) == ("src/shop/discounts.py", "apply_discount")
    assert any("traceback frame" in e for e in loc.files[0].evidence)
    assert any("traceback frame" in e for e in loc.files[0].symbols[0].evidence)
    # Outer frames rank, but below the innermost one.
    paths = [f.path for f in loc.files]
    assert paths.index("src/shop/pricing.py") < paths.index("src/shop/inventory.py")


IPYTHON_TRACEBACK = """
Checkout crashes for any cart

AttributeError                            Traceback (most recent call last)
Cell In[4], line 1
----> 1 cart.checkout()

File ~/venv/lib/python3.11/site-packages/shop/cart.py:19, in Cart.checkout(self)
     18 def checkout(self):
---> 19     return total([p for _, p in self.items])

File ~/venv/lib/python3.11/site-packages/shop/pricing.py:6, in total(prices)
      5 \"\"\"Sum of the prices after discounts, rounded to cents.\"\"\"
----> 6 return round(sum(apply_discount(p) for p in prices), 2)

File ~/venv/lib/python3.11/site-packages/shop/discounts.py:6, in apply_discount(price)
      5 \"\"\"Seasonal discount applied to every price.\"\"\"
----> 6 return price.amount * RATE

AttributeError: 'float' object has no attribute 'amount'
"""


def test_an_ipython_traceback_puts_the_innermost_frame_first(library: Path) -> None:
    loc = localize(library, IPYTHON_TRACEBACK)
    assert top_symbol(loc) == ("src/shop/discounts.py", "apply_discount")
    assert any("traceback frame" in e for e in loc.files[0].symbols[0].evidence)
    paths = [f.path for f in loc.files]
    assert paths.index("src/shop/pricing.py") < paths.index("src/shop/inventory.py")


def test_identifier_named_in_prose_wins(library: Path) -> None:
    loc = localize(library, "`Cart.remove_item` keeps the item when the name has different case")
    assert top_symbol(loc) == ("src/shop/cart.py", "Cart.remove_item")
    assert any("qualified name in issue" in e for e in loc.files[0].symbols[0].evidence)


def test_prose_without_names_uses_lexical_similarity(library: Path) -> None:
    loc = localize(library, "The currency symbol shown for dollars is wrong in the human readable price")
    assert top_symbol(loc) == ("src/shop/pricing.py", "format_price")
    assert any("lexical similarity" in e for e in loc.files[0].evidence)


def test_code_comes_before_tests_and_docs(library: Path) -> None:
    loc = localize(library, "format price with currency is wrong for dollars; total discount")
    kinds = [f.path.split("/")[0] for f in loc.files]
    assert kinds[0] == "src"
    assert kinds.index("tests") > kinds.index("src") if "tests" in kinds else True
    test_hits = [f for f in loc.files if f.path.startswith("tests/")]
    assert all("test file" in f.evidence for f in test_hits)


def test_named_test_points_at_the_module_it_imports(library: Path) -> None:
    loc = localize(library, "test_format_price_dollars fails after the upgrade")
    assert loc.files[0].path == "src/shop/pricing.py"
    assert any("imported by test test_format_price_dollars" in e for e in loc.files[0].evidence)


def test_call_graph_neighbours_are_candidates(library: Path) -> None:
    loc = localize(library, "`total` gives 0 for every cart")
    pricing = next(f for f in loc.files if f.path == "src/shop/pricing.py")
    assert pricing.symbols[0].name == "total"
    evidence = [e for f in loc.files for s in f.symbols for e in s.evidence]
    assert any(e.startswith("called by total") for e in evidence)


def test_json_shape_and_top(library: Path) -> None:
    loc = localize(library, TRACEBACK, top=2)
    data = loc.to_json()
    json.dumps(data)
    assert len(data["files"]) == 2
    f = data["files"][0]
    assert set(f) == {"path", "score", "evidence", "symbols"}
    assert set(f["symbols"][0]) == {"name", "start", "end", "score", "evidence"}
    assert data["files"][0]["score"] >= data["files"][1]["score"]
    assert isinstance(loc.files[0], FileHit) and isinstance(loc.files[0].symbols[0], SymbolHit)
    s = loc.files[0].symbols[0]
    assert s.start <= s.end


@pytest.mark.parametrize("issue", ["", "   \n\t", "购物车结账时程序崩溃了", "the and of it"])
def test_unusable_issues_are_bad_input(library: Path, issue: str) -> None:
    with pytest.raises(BadInput):
        localize(library, issue)


def test_issue_in_another_language_with_a_traceback_still_works(library: Path) -> None:
    loc = localize(library, "结账时崩溃:\n" + TRACEBACK.split("```")[1])
    assert top_symbol(loc) == ("src/shop/discounts.py", "apply_discount")


def test_repository_without_python_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWEBOT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "README.md").write_text("hello")
    with pytest.raises(BadInput, match="no Python files"):
        localize(tmp_path / "repo", "the total is wrong")
    with pytest.raises(BadInput):
        localize(tmp_path / "missing", "the total is wrong")


def test_unparsable_files_do_not_break_ranking(library: Path) -> None:
    (library / "src" / "shop" / "legacy.py").write_text("def total(:\n    print 'py2'\n")
    loc = localize(library, TRACEBACK)
    assert top_symbol(loc) == ("src/shop/discounts.py", "apply_discount")


BUGGY_PROJECT = {
    "calc/__init__.py": "",
    "calc/stats.py": '''
        def mean(values):
            return sum(values) / len(values)


        def median(values):
            ordered = sorted(values)
            mid = len(ordered) // 2
            if len(ordered) % 2:
                return ordered[mid]
            return ordered[mid - 1]  # bug: should average the two middle values


        def spread(values):
            return max(values) - min(values)
        ''',
    "tests/test_stats.py": '''
        from calc.stats import mean, median, spread


        def test_mean():
            assert mean([1, 2, 3]) == 2


        def test_median_odd():
            assert median([3, 1, 2]) == 2


        def test_median_even():
            assert median([1, 2, 3, 4]) == 2.5


        def test_spread():
            assert spread([1, 5]) == 4
        ''',
}


def test_failing_tests_add_spectrum_evidence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWEBOT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "proj"
    write_files(root, BUGGY_PROJECT)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    command = f"{sys.executable} -m pytest -q"
    loc = localize(root, "", test_command=command)
    assert top_symbol(loc) == ("calc/stats.py", "median")
    assert any("failing tests cover" in e for e in loc.files[0].symbols[0].evidence)
    # The run happened on a copy: the user's tree is untouched.
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    with pytest.raises(BadInput, match="no test fails"):
        localize(root, "median is wrong", test_command=f"{sys.executable} -m pytest -q -k mean")


def test_user_script_frames_do_not_match_top_level_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWEBOT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "single"
    write_files(root, {
        "app.py": "def main():\n    pass\n",
        "helpers.py": "def strip_all(items):\n    return [i.strip() for i in items]\n",
    })
    issue = (
        "Traceback (most recent call last):\n"
        '  File "/home/me/app.py", line 1, in <module>\n'
        '  File "/usr/lib/python3/site-packages/helpers.py", line 2, in strip_all\n'
        "AttributeError: 'int' object has no attribute 'strip'\n"
    )
    loc = localize(root, issue)
    by_path = {f.path: f for f in loc.files}
    assert loc.files[0].path == "helpers.py"
    assert any("traceback frame" in e for e in by_path["helpers.py"].evidence)
    assert not any("traceback frame" in e for e in by_path["app.py"].evidence)


def test_an_issue_about_a_test_file_named_by_path_puts_it_first(library: Path) -> None:
    """Tests rank below code on words alone, but a user who names the test file is asking about it."""
    for issue in ("tests/test_pricing.py: test_format_price_dollars is flaky, the assertion compares "
                  "against the wrong string",
                  "the imports at the top of tests/test_pricing.py are unsorted"):
        assert localize(library, issue).files[0].path == "tests/test_pricing.py", issue


def test_a_module_the_example_only_imports_from_is_not_a_named_place(library: Path) -> None:
    issue = ("```\nfrom shop.pricing import format_price\nprint(format_price(3, 'USD'))\n```\n"
             "The rate in shop.discounts is applied twice.")
    loc = localize(library, issue)
    evidence = {f.path: f.evidence for f in loc.files}
    assert "module named in issue: shop.discounts" in evidence["src/shop/discounts.py"]
    assert not any(e.startswith("module named in issue") for e in evidence["src/shop/pricing.py"])
    assert any("imported by the issue's example" in e or "defines format_price" in e
               for e in evidence["src/shop/pricing.py"])


def test_a_function_defined_inside_the_named_one_is_a_candidate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue names the outer function; the inner one it defines gets that clue too (with its
    evidence), ahead of unrelated functions of the same module."""
    root = localize_library(tmp_path, monkeypatch, {
        "src/fmt/columns.py": '''
            def render_columns(names, widths):
                """Join column names, each padded to its width."""

                def pad(name, width):
                    return name.ljust(width)

                return " ".join(pad(n, w) for n, w in zip(names, widths))


            def render_rows(rows):
                """Rows of columns, one per line."""
                return "\\n".join(row.rstrip() for row in rows)


            def render_header(title):
                """The header above the columns: a title with no trailing space."""
                return title.upper().rstrip()
            ''',
    })
    loc = localize(root, "render_columns() leaves a trailing space after the last column")
    ranked = [h.name for _, h in loc.ranked_symbols]
    assert ranked.index("render_columns.pad") < min(ranked.index("render_rows"), ranked.index("render_header"))
    pad = next(h for _, h in loc.ranked_symbols if h.name == "render_columns.pad")
    assert "defined in render_columns" in pad.evidence


def test_scripts_outside_the_packages_rank_below_package_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A release script whose words match the issue best still comes after the package's module;
    in a tree of plain scripts, without packages, nothing is set apart."""
    monkeypatch.setenv("SWEBOT_CACHE_DIR", str(tmp_path / "cache"))
    release = "def factor_release(version):\n    '''Factor the release: tag the version and upload.'''\n    return version\n"
    factor = "def factor(poly, extension=False):\n    return poly\n"
    root = tmp_path / "proj"
    write_files(root, {"pkg/__init__.py": "", "pkg/factor.py": factor, "release/fabfile.py": release})
    loc = localize(root, "factor release version: factor with extension drops a factor of the release")
    by_path = {f.path: f for f in loc.files}
    assert loc.files[0].path == "pkg/factor.py"
    assert "a script outside the packages" in by_path["release/fabfile.py"].evidence
    plain = tmp_path / "plain"
    write_files(plain, {"tools/factor.py": factor, "release/fabfile.py": release})
    assert not any("script outside" in e for f in localize(plain, "factor release").files for e in f.evidence)


def test_names_written_as_code_are_a_query_of_their_own(library: Path) -> None:
    """The prose's words favour one module, the names the issue writes as code another: BM25 with
    those names alone for the query finds the second, and says so in its evidence."""
    from swebot.localize.index_cache import load_or_build
    from swebot.localize.issue_text import parse_issue
    from swebot.localize.rank import FILE_FEATURES, compute_features

    issue = ("Warehouse stock is wrong after the cart items are reserved\n\n"
             "When items are reserved and restocked, the stock of the items in the warehouse and in the "
             "cart drift apart, and reserving more stock than the cart items hold fails.\n\n"
             "```\nvalue = coupon_value(code)\n```\n")
    repo = load_or_build(library)
    feats = compute_features(repo, parse_issue(issue))
    paths = [f.path for f in repo.symbols.files]
    code_col = feats.file_x[:, FILE_FEATURES.index("f_code_bm25")]
    words_col = feats.file_x[:, FILE_FEATURES.index("f_bm25")]
    assert paths[int(code_col.argmax())] == "src/shop/discounts.py"
    assert paths[int(words_col.argmax())] != "src/shop/discounts.py"
    loc = localize(library, issue)
    evidence = {f.path: f.evidence for f in loc.files}
    assert any(e.startswith("close to the names the issue writes as code") for e in evidence["src/shop/discounts.py"])
