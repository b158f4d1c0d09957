"""Candidate pools for the selection benchmark, one per bench program in bench/builtin/bugs.

For each bug: the file the candidates change, an *overfitting* patch (passes the visible tests,
fails the held-out ones), a *wrong* patch (fails a visible test), both as (old, new) text
replacements in the buggy file, and reproduction tests written from the bug's description only
(what an attempt would write from the issue text; never from heldout_test.py). The correct
patch is the bug's own ``fix``. run.py derives formatting-only copies (a comment added) to stand
for a second sample that converged on the same change.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pool:
    file: str
    overfit: tuple[tuple[str, str], ...]
    wrong: tuple[tuple[str, str], ...]
    repro: str  # a test module written from the description


POOLS: dict[str, Pool] = {
    "average_rating": Pool(
        "reviews.py",
        overfit=(("    return round(sum(ratings) / len(ratings), 1)\n",
                  "    if not ratings:\n        return None if product.sku in ('C', 'N') else 0.0\n"
                  "    return round(sum(ratings) / len(ratings), 1)\n"),),
        wrong=(("    return round(sum(ratings) / len(ratings), 1)\n",
                "    return round(sum(ratings) / max(len(ratings), 1), 1)\n"),),
        repro="from reviews import Product, average_rating\n\n\ndef test_unrated_product():\n"
              "    assert average_rating(Product('NEW')) is None\n"),
    "csv_header_slice": Pool(
        "table.py",
        overfit=(("        lines = lines[2:]\n", "        lines = [ln.strip() for ln in lines[1:]]\n"),),
        wrong=(("        lines = lines[2:]\n", "        lines = lines[1:-1]\n"),),
        repro="from table import read_table\n\n\ndef test_first_row_kept():\n"
              "    assert read_table('h\\nx\\ny\\n') == [['x'], ['y']]\n"),
    "dotenv_case": Pool(
        "dotenv.py",
        overfit=(("        value = value.lower()\n", "        if '://' in value:\n            value = value.lower()\n"),),
        wrong=(("        value = value.lower()\n", "        value = value.upper()\n"),),
        repro="from dotenv import load_dotenv_text\n\n\ndef test_case_kept():\n"
              "    assert load_dotenv_text('Token=XyZ')['Token'] == 'XyZ'\n"),
    "leaderboard_order": Pool(
        "leaderboard.py",
        overfit=(("        return sorted(by_name, key=lambda kv: kv[1], reverse=False)\n",
                  "        return sorted(by_name, key=lambda kv: kv[1], reverse=True)[:3]\n"),),
        wrong=(("        return sorted(by_name, key=lambda kv: kv[1], reverse=False)\n",
                "        return list(reversed(sorted(by_name, key=lambda kv: kv[1])))\n"),),
        repro="from leaderboard import Leaderboard\n\n\ndef test_best_first():\n    lb = Leaderboard()\n"
              "    lb.add('low', 1)\n    lb.add('high', 9)\n    assert lb.top(1) == ['high']\n"
              "    assert lb.rank('high') == 1\n"),
    "acronym_join": Pool(
        "acronyms.py",
        overfit=(('    words = re.findall(r"[A-Za-z][A-Za-z\']*", phrase.replace("-", " "))\n',
                  '    words = re.findall(r"[A-Za-z]+", phrase)\n'),
                 ('    return " ".join(letters)\n', '    return "".join(letters)\n')),
        wrong=(('    return " ".join(letters)\n', '    return ".".join(letters)\n'),),
        repro="from acronyms import acronym\n\n\ndef test_no_spaces():\n"
              "    assert acronym('portable document format') == 'PDF'\n"),
    "ngrams_window": Pool(
        "ngrams.py",
        overfit=(("for i in range(len(tokens) - n)]", "for i in range(len(tokens) - n + (1 if n > 1 else 0))]"),),
        wrong=(("for i in range(len(tokens) - n)]", "for i in range(len(tokens) - n + 2)]"),),
        repro="from ngrams import ngrams\n\n\ndef test_last_ngram():\n"
              "    assert ngrams(['a', 'b', 'c', 'd'], 3) == [('a', 'b', 'c'), ('b', 'c', 'd')]\n"),
    "pagination_pages": Pool(
        "paginate.py",
        overfit=(("        chunk = self.items[start:start + self.per_page - 1]\n",
                  "        chunk = self.items[start:start + self.per_page] if self.per_page > 1 else []\n"),),
        wrong=(("        chunk = self.items[start:start + self.per_page - 1]\n",
                "        chunk = self.items[start + 1:start + self.per_page]\n"),),
        repro="from paginate import Paginator\n\n\ndef test_full_page():\n"
              "    assert Paginator(list(range(6)), 2).page(2).items == [2, 3]\n"),
    "path_filter": Pool(
        "pathfilter.py",
        overfit=(("        if include_hidden and is_hidden(path):\n",
                  "        if (not include_hidden or extensions) and is_hidden(path):\n"),),
        wrong=(("        if include_hidden and is_hidden(path):\n",
                "        if not include_hidden and path.startswith('.'):\n"),),
        repro="from pathfilter import filter_paths\n\n\ndef test_hidden_default():\n"
              "    assert filter_paths(['.bashrc', 'x.txt']) == ['x.txt']\n"
              "    assert filter_paths(['.bashrc'], include_hidden=True) == ['.bashrc']\n"),
    "price_change": Pool(
        "prices.py",
        overfit=(("    return (old - new) / abs(old) * 100\n", "    return (new - old) / old * 100\n"),),
        wrong=(("    return (old - new) / abs(old) * 100\n", "    return (new - old) / abs(new) * 100\n"),),
        repro="import pytest\n\nfrom prices import percent_change\n\n\ndef test_signs():\n"
              "    assert percent_change(100, 110) == pytest.approx(10)\n"
              "    assert percent_change(200, 150) == pytest.approx(-25)\n"),
    "query_string_value": Pool(
        "querystring.py",
        overfit=(("        value = unquote_plus(name)\n",
                  "        value = unquote_plus(pair.split('=')[1]) if '=' in pair else ''\n"),),
        wrong=(("        value = unquote_plus(name)\n", "        value = value\n"),),
        repro="from querystring import parse_query\n\n\ndef test_values():\n"
              "    assert parse_query('x=1&y=two') == {'x': ['1'], 'y': ['two']}\n"),
    "requirements_comments": Pool(
        "reqs.py",
        overfit=(("    return line.strip()\n", "    return line.split('  #', 1)[0].strip()\n"),),
        wrong=(("    return line.strip()\n", "    return line.strip().split(' ')[0]\n"),),
        repro="from reqs import Requirement, parse_requirements\n\n\ndef test_inline_comment_dropped():\n"
              "    assert parse_requirements('django>=4  # web\\n') == [Requirement('django', '>=4')]\n"),
    "slugify_unicode": Pool(
        "slugs.py",
        overfit=(("    if allow_unicode:\n", "    if not allow_unicode and text != text.lower():\n"),),
        wrong=(("    if allow_unicode:\n", "    if not allow_unicode and text.isascii():\n"),),
        repro="from slugs import slugify\n\n\ndef test_accents_transliterated():\n"
              "    assert slugify('Crème brûlée') == 'creme-brulee'\n"),
    "username_validator": Pool(
        "accounts.py",
        overfit=(("    if len(name) < min_len and len(name) > max_len:\n",
                  "    if len(name) < min_len or len(name) > max_len + 1:\n"),),
        wrong=(("    if len(name) < min_len and len(name) > max_len:\n", "    if len(name) < min_len:\n"),),
        repro="from accounts import validate_username\n\n\ndef test_length_checked():\n"
              "    assert validate_username('x' * 25) == ['must be 3-20 characters']\n"
              "    assert validate_username('ab') == ['must be 3-20 characters']\n"),
    "order_packing": Pool(
        "orders.py",
        overfit=(("        return any(line.packed for line in self.lines)\n",
                  "        return all(line.packed for line in self.lines[:2])\n"),),
        wrong=(("        return any(line.packed for line in self.lines)\n",
                "        return any(line.packed for line in self.lines) and len(self.lines) > 0\n"),),
        repro="from orders import Line, Order\n\n\ndef test_unpacked_line_blocks_shipping():\n"
              "    assert not Order('9', [Line('a', 1, True), Line('b', 1)]).ready_to_ship\n"),
    "duration_parse": Pool(
        "durations.py",
        overfit=(("    return value\n", "    return total if ('h' in text or 'd' in text) else value\n"),),
        wrong=(("    return value\n", "    return total * 60\n"),),
        repro="from durations import parse_duration\n\n\ndef test_compound():\n"
              "    assert parse_duration('2h15m') == 8100\n"),
}


# A second reproduction test per bug, as the LLM prompt now asks an attempt to write one: the
# behaviour the description states, checked on its example and on other inputs (edge cases, a
# second example). Written from bug.json's description and the visible code, but by the same hand
# and after the overfitting patches above: read results that use them as an upper bound on what
# such tests can do, not as a measure of what a model writes.
OTHER_INPUTS: dict[str, str] = {
    "average_rating": '''from reviews import Product, Review, average_rating, catalog_summary


def test_unrated_products():
    assert average_rating(Product("B1")) is None
    assert average_rating(Product("B2", [Review("ann", None, "nice")])) is None
    assert catalog_summary([Product("B3"), Product("B4", [Review("bob", 4)])]) == {
        "B3": "no ratings", "B4": "4.0 stars"}
''',
    "csv_header_slice": '''from table import read_table


def test_first_data_row_kept():
    assert read_table("name,qty\\napple,3\\n", types={1: int}) == [["apple", 3]]
    assert read_table("# comment\\nname,qty\\n  apple , 3\\npear,4\\n") == [["apple", "3"], ["pear", "4"]]
    assert read_table("a\\nb\\n", skip_header=False) == [["a"], ["b"]]
''',
    "dotenv_case": '''from dotenv import load_dotenv_text


def test_values_keep_their_case():
    env = load_dotenv_text('API_KEY=AbC123\\nNAME="Mixed Case"\\nDATABASE_URL=postgres://App:S3cret@db/Main\\n')
    assert env == {"API_KEY": "AbC123", "NAME": "Mixed Case", "DATABASE_URL": "postgres://App:S3cret@db/Main"}
''',
    "leaderboard_order": '''from leaderboard import Leaderboard


def test_standings_best_first():
    lb = Leaderboard()
    for name, points in [("cy", 5), ("al", 9), ("bo", 1), ("di", 5)]:
        lb.add(name, points)
    assert lb.top(3) == ["al", "cy", "di"]
    assert [lb.rank(p) for p in ("al", "cy", "di", "bo")] == [1, 2, 3, 4]
''',
    "acronym_join": '''from acronyms import acronym


def test_letters_are_joined():
    assert acronym("portable network graphics") == "PNG"
    assert acronym("as soon as possible") == "ASAP"
    assert acronym("light-emitting diode") == "LED"
    assert acronym("don't repeat yourself") == "DRY"
''',
    "ngrams_window": '''from ngrams import ngrams, top_phrases


def test_every_ngram():
    assert ngrams(["a", "b"], 2) == [("a", "b")]
    assert ngrams(["a", "b", "c"], 2) == [("a", "b"), ("b", "c")]
    assert ngrams(["x", "y"], 1) == [("x",), ("y",)]
    assert top_phrases("a b a b", 2, 1) == [("a b", 2)]
''',
    "pagination_pages": '''from paginate import Paginator


def test_pages_hold_per_page_items():
    p = Paginator(list("abcde"), 2)
    assert [p.page(i).items for i in (1, 2, 3)] == [["a", "b"], ["c", "d"], ["e"]]
    assert Paginator([1, 2], 1).page(2).items == [2]
''',
    "path_filter": '''from pathfilter import filter_paths


def test_hidden_files():
    paths = ["a.py", ".env", "src/.cache/x.py", "src/b.py"]
    assert filter_paths(paths) == ["a.py", "src/b.py"]
    assert filter_paths(paths, include_hidden=True) == [".env", "a.py", "src/.cache/x.py", "src/b.py"]
    assert filter_paths(paths, include_hidden=True, extensions=[".py"]) == ["a.py", "src/.cache/x.py", "src/b.py"]
''',
    "price_change": '''import pytest

from prices import percent_change, trend


def test_direction():
    assert percent_change(50, 75) == pytest.approx(50)
    assert percent_change(80, 60) == pytest.approx(-25)
    assert trend([10, 12]) == "up" and trend([10, 8]) == "down" and trend([10, 10]) == "flat"
''',
    "query_string_value": '''from querystring import parse_query


def test_values():
    assert parse_query("a=1&a=2&b=x+y") == {"a": ["1", "2"], "b": ["x y"]}
    assert parse_query("?q=caf%C3%A9") == {"q": ["café"]}
''',
    "requirements_comments": '''from reqs import Requirement, parse_requirements


def test_inline_comments_dropped():
    text = "requests>=2.0  # http\\nflask # web\\n# only a comment\\n"
    assert parse_requirements(text) == [Requirement("requests", ">=2.0"), Requirement("flask")]
''',
    "slugify_unicode": '''from slugs import slugify


def test_unicode_handling():
    assert slugify("café au lait") == "cafe-au-lait"
    assert slugify("Crème brûlée", allow_unicode=True) == "crème-brûlée"
''',
    "username_validator": '''from accounts import validate_username


def test_length_limits():
    assert validate_username("abc") == [] and validate_username("a" * 20) == []
    assert validate_username("a" * 21) == ["must be 3-20 characters"]
    assert validate_username("ab") == ["must be 3-20 characters"]
''',
    "order_packing": '''from orders import Line, Order


def test_every_line_must_be_packed():
    order = Order("7", [Line("a", 1, True), Line("b", 2, True), Line("c", 1)])
    assert not order.ready_to_ship
    order.pack("c")
    assert order.ready_to_ship
''',
    "duration_parse": '''from durations import parse_duration


def test_compound_durations():
    assert parse_duration("1h30m") == 5400
    assert parse_duration("1m30s") == 90
    assert parse_duration("1d2h") == 93600
''',
}
