"""The ast symbol index: qualified names, kinds, line ranges, calls, imports, and files it must skip."""

from __future__ import annotations

from pathlib import Path

from swebot.localize.symbols import build_index, classify, iter_python_files
from tests.conftest import write_files

SOURCES = {
    "src/shop/__init__.py": "from .cart import Cart\n",
    "src/shop/cart.py": '''
        from shop.pricing import total


        class Cart:
            """A shopping cart."""

            def __init__(self):
                self.items = []

            @property
            def size(self):
                return len(self.items)

            def checkout(self):
                def helper(x):
                    return x
                return total(helper(self.items))
        ''',
    "src/shop/pricing.py": '''
        def total(items):
            return sum(round_price(i) for i in items)


        def round_price(p):
            return round(p, 2)
        ''',
    "tests/test_cart.py": "from shop.cart import Cart\n\ndef test_size():\n    assert Cart().size == 0\n",
}


def test_symbols_have_qualified_names_kinds_and_ranges(tmp_path: Path) -> None:
    write_files(tmp_path, SOURCES)
    index = build_index(tmp_path)
    cart = {s.name: s for s in index.by_path["src/shop/cart.py"].symbols}
    assert set(cart) == {"Cart", "Cart.__init__", "Cart.size", "Cart.checkout", "Cart.checkout.helper"}
    assert cart["Cart"].kind == "class" and cart["Cart.size"].kind == "method"
    assert cart["Cart.checkout.helper"].kind == "function"
    assert (cart["Cart.size"].start, cart["Cart.size"].end) == (10, 12)  # the decorator counts
    assert "total" in cart["Cart.checkout"].calls and "helper" in cart["Cart.checkout"].calls
    assert "round_price" in index.by_simple_name and index.callers["round_price"][0].name == "total"


def test_imports_resolve_relative_and_absolute(tmp_path: Path) -> None:
    write_files(tmp_path, SOURCES)
    index = build_index(tmp_path)
    assert "src.shop.cart" in index.by_path["src/shop/__init__.py"].imports
    assert "shop.pricing" in index.by_path["src/shop/cart.py"].imports


def test_enclosing_and_path_and_module_resolution(tmp_path: Path) -> None:
    write_files(tmp_path, SOURCES)
    index = build_index(tmp_path)
    assert index.enclosing("src/shop/cart.py", 16).name == "Cart.checkout.helper"
    assert index.enclosing("src/shop/cart.py", 2) is None
    assert index.resolve_path("/venv/lib/python3.11/site-packages/shop/cart.py") == "src/shop/cart.py"
    assert index.resolve_path("elsewhere/unknown.py") is None
    assert index.resolve_module("shop.pricing") == "src/shop/pricing.py"
    assert index.resolve_module("shop") == "src/shop/__init__.py"


def test_broken_binary_and_huge_files_are_skipped_gracefully(tmp_path: Path) -> None:
    write_files(tmp_path, {"ok.py": "def fine():\n    pass\n", "broken.py": "def oops(:\n"})
    (tmp_path / "blob.py").write_bytes(b"\x00\x01binary")
    (tmp_path / "huge.py").write_text("x = 1\n" * 300_000)
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "vendored.py").write_text("def vendored(): pass\n")
    index = build_index(tmp_path)
    assert set(index.by_path) == {"ok.py", "broken.py"}
    assert index.by_path["broken.py"].parsed is False and index.by_path["broken.py"].symbols == ()
    assert [s.name for s in index.by_path["ok.py"].symbols] == ["fine"]


def test_parallel_build_gives_the_same_index(tmp_path: Path, monkeypatch) -> None:
    from swebot.localize import symbols

    monkeypatch.setattr(symbols, "PARALLEL_THRESHOLD", 10)
    files = {f"pkg/m{i}.py": f"def f{i}(x):\n    return g{i}(x)\n" for i in range(40)}
    write_files(tmp_path, files)
    serial = build_index(tmp_path, workers=1)
    parallel_index = build_index(tmp_path, workers=2)
    assert [f.path for f in serial.files] == [f.path for f in parallel_index.files]
    assert [s.name for s in serial.symbols] == [s.name for s in parallel_index.symbols]


def test_classify_and_listing(tmp_path: Path) -> None:
    assert classify("tests/test_x.py") == "test" and classify("pkg/x_test.py") == "test"
    assert classify("docs/conf.py") == "doc" and classify("examples/demo.py") == "example"
    assert classify("src/pkg/core.py") == "code"
    write_files(tmp_path, {"a.py": "", "b.txt": "", ".git/x.py": "", "pkg.egg-info/y.py": ""})
    assert iter_python_files(tmp_path) == ["a.py"]
