"""Edits of which value is used (scrapy, ansible and sanic single-hunk fixes, the bench's dev set):
a record's fields in the wrong order, a parameter read where the receiver's attribute of the same
name was meant, a value that may be None passed on without a fallback, an equality that should
accept a second spelling the tests use, a deque filled at the wrong end."""

from __future__ import annotations

from swebot.mutate import Hints, mutations_at
from tests.mutate_tables import assert_absent, assert_produces, code


def test_two_elements_of_a_tuple_trade_places() -> None:
    before = "def eb(failure):\n    exc_info = failure.value, failure.type, failure.tb()\n    return exc_info\n"
    assert_produces("element_swap", before, 2,
                    "def eb(failure):\n    exc_info = failure.type, failure.value, failure.tb()\n    return exc_info\n")


def test_element_swap_leaves_long_starred_and_one_element_tuples_alone() -> None:
    assert_absent("element_swap", "x = (a,)\n", 1)
    assert_absent("element_swap", "x = a, *b\n", 1)
    assert_absent("element_swap", "x = a, b, c, d, e\n", 1)


RUNNER = '''
class Runner:
    def __init__(self, settings):
        self.settings = Settings(settings)


class Process(Runner):
    def __init__(self, settings):
        super().__init__(settings)
        configure_logging(settings)
        log_info(settings)
'''


def test_a_parameter_becomes_the_receivers_attribute_of_the_same_name() -> None:
    assert_produces("self_attribute", RUNNER, 10, RUNNER.replace("log_info(settings)", "log_info(self.settings)"))


def test_self_attribute_also_rewrites_every_later_read_of_the_function_at_once() -> None:
    after = RUNNER.replace("configure_logging(settings)", "configure_logging(self.settings)").replace(
        "log_info(settings)", "log_info(self.settings)")
    mutation = assert_produces("self_attribute", RUNNER, 9, after)
    assert "here and below" in mutation.description
    # the read before the site (the base class's call) keeps the parameter
    assert "super().__init__(settings)" in mutation.source


def test_self_attribute_needs_a_method_a_bound_name_and_an_attribute_the_classes_keep() -> None:
    assert_absent("self_attribute", "def f(settings):\n    return g(settings)\n", 2)
    assert_absent("self_attribute", "class A:\n    def f(self, other):\n        return g(other)\n", 3)
    # an attribute of that name exists, but the name is no local: misspelled_name's business
    assert_absent("self_attribute", "class A:\n    def f(self):\n        self.x = 1\n        return g(x)\n", 4)
    # a written name is not a read
    assert_absent("self_attribute", "class A:\n    def f(self, x):\n        self.x = 1\n        x = 2\n", 4)


REQUEST = code('''
def httprepr(request, path):
    parsed = urlparse(request)
    s = b"Host: " + to_bytes(parsed.hostname) + b"\\r\\n"
    return s
''')


def test_a_value_that_may_be_none_gets_the_empty_fallback_of_its_statements_kind() -> None:
    found = [m for m in mutations_at(REQUEST, [3], hints=Hints(raised={3: ("TypeError",)}))
             if m.template == "falsy_default"]
    # the statement mixes the value with bytes: b'' is offered first
    assert found[0].source == REQUEST.replace("to_bytes(parsed.hostname)", "to_bytes(parsed.hostname or b'')")
    assert "to_bytes(parsed.hostname or '')" in found[1].source


def test_falsy_default_needs_a_missing_value_raised_at_the_line() -> None:
    assert not [m for m in mutations_at(REQUEST, [3]) if m.template == "falsy_default"]
    assert not [m for m in mutations_at(REQUEST, [3], hints=Hints(raised={3: ("KeyError",)}))
                if m.template == "falsy_default"]
    # literals and keyword arguments are not values that went missing
    literal = "def f(x):\n    return g(1, key=x)\n"
    assert not [m for m in mutations_at(literal, [2], hints=Hints(raised={2: ("TypeError",)}))
                if m.template == "falsy_default"]


DISTRIBUTION = code('''
def parse(path, data):
    if 'SteamOS' in data:
        return 'SteamOS'
    elif path == '/etc/lsb-release' and 'Kali' in data:
        return 'Kali'
''')


def test_an_equality_with_a_literal_also_accepts_the_tests_close_spelling() -> None:
    hints = Hints(strings=("/etc/os-release", "Kali GNU/Linux", "/etc/lsb-release", "abc"))
    found = [m for m in mutations_at(DISTRIBUTION, [4], hints=hints) if m.template == "membership_test"]
    assert [m.source for m in found] == [DISTRIBUTION.replace(
        "path == '/etc/lsb-release'", "path in ('/etc/lsb-release', '/etc/os-release')")]


def test_membership_test_skips_unlike_strings_short_literals_and_other_comparisons() -> None:
    hints = Hints(strings=("something else entirely", "/etc/lsb-release.d", "a"))
    assert not [m for m in mutations_at(DISTRIBUTION, [4], hints=hints) if m.template == "membership_test"]
    short = "def f(x):\n    return x == 'on'\n"
    assert not [m for m in mutations_at(short, [2], hints=Hints(strings=("no",))) if m.template == "membership_test"]
    ordered = "def f(x):\n    return x < 'abcd'\n"
    assert not [m for m in mutations_at(ordered, [2], hints=Hints(strings=("abce",))) if m.template == "membership_test"]


def test_an_inequality_becomes_not_in() -> None:
    before = "def f(x):\n    return x != 'linux2'\n"
    found = [m for m in mutations_at(before, [2], hints=Hints(strings=("linux",))) if m.template == "membership_test"]
    assert found == []  # 'linux' is held by 'linux2': growing or cutting a literal is another template's
    found = [m for m in mutations_at(before, [2], hints=Hints(strings=("linux3",))) if m.template == "membership_test"]
    assert [m.source for m in found] == ["def f(x):\n    return x not in ('linux2', 'linux3')\n"]


def test_a_deque_is_filled_at_the_other_end() -> None:
    before = "def add(self, name, handler):\n    self.handlers[name].append(handler)\n"
    assert_produces("sibling_builtin", before, 2,
                    "def add(self, name, handler):\n    self.handlers[name].appendleft(handler)\n")
