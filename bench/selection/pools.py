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
