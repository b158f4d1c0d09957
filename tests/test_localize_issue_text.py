"""Clues pulled out of issue prose: tracebacks, paths, dotted names, identifiers, test names."""

from __future__ import annotations

from swebot.localize.issue_text import code_regions, extract_frames, latin_word_count, parse_issue

TRACEBACK_ISSUE = '''
Converting prices crashes

```
Traceback (most recent call last):
  File "/home/me/app.py", line 3, in <module>
    total(cart)
  File "/venv/lib/python3.11/site-packages/shop/pricing.py", line 12, in total
    return sum(apply_discount(p) for p in cart)
  File "/venv/lib/python3.11/site-packages/shop/discounts.py", line 7, in apply_discount
    return price.amount * rate
AttributeError: 'float' object has no attribute 'amount'
```
'''


def test_frames_are_read_innermost_last_with_functions() -> None:
    sig = parse_issue(TRACEBACK_ISSUE)
    assert [(f.path.rsplit("/", 1)[-1], f.line, f.function) for f in sig.frames] == [
        ("app.py", 3, "<module>"), ("pricing.py", 12, "total"), ("discounts.py", 7, "apply_discount")]
    assert sig.exceptions == ("AttributeError",)
    # Names inside the traceback count as frames, not as names the user wrote.
    assert "apply_discount" not in sig.code_idents and "total" not in sig.code_idents
    assert "apply_discount" in sig.text  # still there for lexical retrieval


def test_pytest_short_frames_are_understood() -> None:
    frames = extract_frames("src/shop/cart.py:41: in add_item\n    x()\nsrc/shop/util.py:9: KeyError")
    assert [(f.path, f.line, f.function) for f in frames] == [
        ("src/shop/cart.py", 41, "add_item"), ("src/shop/util.py", 9, "")]


IPYTHON_ISSUE = """
Converting prices crashes in a notebook

---------------------------------------------------------------------------
AttributeError                            Traceback (most recent call last)
<ipython-input-3-5f1c> in <module>
----> 1 total(cart)

~/venv/lib/python3.7/site-packages/shop/pricing.py in total(cart)
     11     \"\"\"Sum of the cart.\"\"\"
---> 12     return sum(apply_discount(p) for p in cart)
     13

File ~/venv/lib/python3.11/site-packages/shop/discounts.py:7, in Discounts.apply_discount(price)
      6 def apply_discount(price):
----> 7     return price.amount * rate

AttributeError: 'float' object has no attribute 'amount'
"""


def test_ipython_frames_are_frames() -> None:
    """IPython 7's "path in func(args)" (its line marked by the arrow) and IPython 8's
    "File path:line, in func(args)" are frames, in the order written, like Python's own."""
    sig = parse_issue(IPYTHON_ISSUE)
    assert [(f.path.rsplit("/", 1)[-1], f.line, f.function) for f in sig.frames] == [
        ("pricing.py", 12, "total"), ("discounts.py", 7, "apply_discount")]
    # The frame paths are not paths the reporter names, nor the names in them code the reporter wrote.
    assert sig.paths == ()
    assert "apply_discount" not in sig.code_idents
    # The source lines shown under the frames are looked up as code, without their numbers.
    assert "return price.amount * rate" in sig.quoted_lines
    assert "return sum(apply_discount(p) for p in cart)" in sig.quoted_lines


def test_paths_dotted_names_and_identifiers() -> None:
    sig = parse_issue(
        "Since 2.0, `Cart.add_item` in shop/cart.py ignores quantity; shop.pricing.total is fine, e.g. "
        "when calling parseAmount(x). See test_add_twice."
    )
    assert "shop/cart.py" in sig.paths
    assert "Cart.add_item" in sig.dotted and "shop.pricing.total" in sig.dotted
    assert "e.g" not in sig.dotted
    assert {"add_item", "parseAmount", "Cart"} <= set(sig.code_idents)
    assert sig.test_names == ("test_add_twice",)


def test_plain_prose_words_are_not_code_identifiers() -> None:
    sig = parse_issue("The total is wrong when the cart is empty")
    assert sig.code_idents == ()
    assert not sig.has_clues
    assert "total" in sig.words


def test_code_regions_cover_fences_backticks_and_prompts() -> None:
    text = "Run `make_cart()`:\n\n```python\ncart = Cart()\n```\n>>> cart.add('x')\n"
    regions = code_regions(text)
    assert any("Cart()" in r for r in regions)
    assert "make_cart()" in regions
    assert any("cart.add('x')" in r for r in regions)


def test_latin_word_count_tells_other_scripts_apart() -> None:
    assert latin_word_count("购物车的总价计算错误") == 0
    assert latin_word_count("total is wrong") == 3


def test_pytest_node_ids_name_tests_and_classes() -> None:
    sig = parse_issue("FAILED tests/test_recipes.py::NcyclesTests::test_happy_path[2-x] - assert 1 == 2\n"
                      "and tests/test_misc.py::test_other")
    assert sig.test_ids == (("tests/test_recipes.py", "NcyclesTests.test_happy_path"),
                            ("tests/test_misc.py", "test_other"))
    assert {"NcyclesTests", "test_happy_path", "test_other"} <= set(sig.test_names)


def test_dotted_names_outside_import_statements_are_told_apart() -> None:
    s = parse_issue(">>> from sympy.utilities.lambdify import implemented_function\n"
                    "import numpy.linalg as la\n"
                    "The bug is in sympy.core.function, not sympy.utilities.lambdify.")
    assert {"sympy.utilities.lambdify", "numpy.linalg", "sympy.core.function"} <= set(s.dotted)
    assert set(s.prose_dotted) == {"sympy.core.function", "sympy.utilities.lambdify"}


ENV_REPORT_ISSUE = '''`Dataset.quantile` drops the attributes when keep_attrs is set.

```python
settings = {
    "ENGINE": "sqlite3",
    "NAME": "db",
    "USER": "me",
    "HOST": "localhost",
}
```

<details>
INSTALLED VERSIONS
------------------
commit: None
python-bits: 64
OS: Linux
machine: x86_64
LC_ALL: None

xarray: 0.12.3
setuptools: 41.0.0
numpy: 1.16.1
</details>

- Sphinx version: 3.1.0
- Sphinx extensions: sphinx.ext.autodoc, sphinx.ext.intersphinx
- Python version: 3.8.1
- OS: Linux

    $ python -m requests.help
{
  "chardet": {
    "version": "3.0.4"
  },
  "idna": {
    "version": "2.8"
  },
  "urllib3": {
    "version": "1.25.8"
  },
  "system_ssl": {
    "version": "1010103f"
  }
}
'''


def test_environment_reports_are_not_read_as_clues() -> None:
    s = parse_issue(ENV_REPORT_ISSUE)
    words = set(s.words)
    assert not words & {"setuptools", "machine", "chardet", "system_ssl", "intersphinx"}
    assert "sphinx.ext.autodoc" not in s.dotted
    assert {"quantile", "keep_attrs", "Dataset"} <= words
    # A dict in an example has no versions for values: its lines are still code to look up.
    assert '"ENGINE": "sqlite3",' in s.quoted_lines
    assert "ENGINE" in words


def test_modules_in_strings_are_configuration_not_prose() -> None:
    s = parse_issue("conf.py:\n\nextensions = ['sphinx.ext.autodoc', \"sphinx.ext.napoleon\"]\n\n"
                    "The bug is in sphinx.ext.napoleon.docstring, which `sphinx.ext.autodoc` calls.")
    assert {"sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.napoleon.docstring"} <= set(s.dotted)
    assert set(s.prose_dotted) == {"sphinx.ext.napoleon.docstring", "sphinx.ext.autodoc"}
