"""Branch and receiver edits (luigi and black single-hunk fixes, the bench's dev set): a property
called as a method, a method reached through a helper attribute, an ``if`` that should not be,
two equality branches that are one, a handler missing the raised exception, a condition that
must first test the value it uses."""

from __future__ import annotations

import pytest

from swebot.mutate import Hints, mutations_at
from tests.mutate_tables import assert_absent, assert_produces, code

PROPERTY = '''
class Copy:
    @property
    def load_path(self):
        return None

    def run(self):
        path = self.load_path()
        self.prepare()
        return path
'''


def test_a_property_called_as_a_method_loses_the_call() -> None:
    assert_produces("call_removal", PROPERTY, 7, '''
    class Copy:
        @property
        def load_path(self):
            return None

        def run(self):
            path = self.load_path
            self.prepare()
            return path
    ''')


def test_call_removal_leaves_methods_and_bare_call_statements_alone() -> None:
    assert_absent("call_removal", PROPERTY, 8)
    assert_absent("call_removal", "class A:\n    def f(self):\n        return self.g()\n    def g(self):\n        return 1\n", 3)
    assert_absent("call_removal", "class A:\n    x = 1\n    def f(self):\n        self.x()\n", 4)


def test_a_class_attribute_called_as_a_method_loses_the_call() -> None:
    assert_produces("call_removal", "class A:\n    table = Param()\n    def f(self):\n        return self.table()\n", 4,
                    "class A:\n    table = Param()\n    def f(self):\n        return self.table\n")


HELPER = '''
class LocalFileSystem:
    def mkdir(self, path):
        pass

    def move(self, new_path):
        d = dirname(new_path)
        self.fs.mkdir(d)
        self.fs.remove(d)
'''


def test_a_method_of_the_class_reached_through_an_attribute_is_called_on_the_receiver() -> None:
    assert_produces("receiver_drop", HELPER, 7, HELPER.replace("self.fs.mkdir(d)", "self.mkdir(d)"))


def test_receiver_drop_needs_the_method_on_the_class_and_a_receiver() -> None:
    assert_absent("receiver_drop", HELPER, 8)
    assert_absent("receiver_drop", "class A:\n    def mkdir(self):\n        other.fs.mkdir(1)\n", 3)
    assert_absent("receiver_drop", "def mkdir():\n    pass\ndef f(self):\n    self.fs.mkdir(1)\n", 4)


LOOP_IF = '''
def params(kwargs, params):
    out = {}
    for name, value in kwargs.items():
        if params[name].significant:
            out[name] = params[name].serialize(
                value)  # continuation
    return out
'''


def test_an_if_is_dropped_and_its_body_moves_out_one_level() -> None:
    assert_produces("if_unwrap", LOOP_IF, 4, '''
    def params(kwargs, params):
        out = {}
        for name, value in kwargs.items():
            out[name] = params[name].serialize(
                value)  # continuation
        return out
    ''')


def test_if_unwrap_keeps_ifs_with_else_and_multiline_strings() -> None:
    assert_absent("if_unwrap", "def f(x):\n    if x:\n        a()\n    else:\n        b()\n", 2)
    assert_absent("if_unwrap", 'def f(x):\n    if x:\n        a("""\n1""")\n', 2)


CHAIN = '''
def columns(text):
    column = 0
    for char in text:
        if char == 'x':
            column = 0
        elif char == ' ':
            column += 1
        elif char == '\\t':
            column += 4
        else:
            break
    return column
'''


MERGED = '''
def columns(text):
    column = 0
    for char in text:
        if char == 'x':
            column = 0
        elif char in ' \\t':
            column += STEP
        else:
            break
    return column
'''


@pytest.mark.parametrize("kept_step", ["1", "4"])
@pytest.mark.parametrize("line", [6, 7, 8, 9])  # either branch, or the first statement of its body
def test_two_equality_branches_merge_into_a_membership_test_keeping_either_body(kept_step: str, line: int) -> None:
    assert_produces("branch_merge", CHAIN, line, MERGED.replace("STEP", kept_step))


def test_branch_merge_builds_a_tuple_for_other_values_and_needs_one_subject() -> None:
    before = "def f(x):\n    if x == 1:\n        return 'a'\n    elif x == 'bc':\n        return 'b'\n"
    assert_produces("branch_merge", before, 2, "def f(x):\n    if x in (1, 'bc'):\n        return 'a'\n")
    assert_absent("branch_merge", "def f(x, y):\n    if x == 1:\n        a()\n    elif y == 2:\n        b()\n", 2)


TRY = '''
def parse(x):
    try:
        return tuple(loads(x))
    except ValueError:
        return literal_eval(x)
'''


def raised_mutants(template: str, source: str, line: int, raised: dict[int, tuple[str, ...]]) -> list[str]:
    hints = Hints(raised=raised)
    return [m.source for m in mutations_at(code(source), [line], hints=hints) if m.template == template]


def test_a_handler_widens_to_the_exception_the_failing_tests_raise_through_its_try() -> None:
    assert code(TRY).replace("except ValueError:", "except (ValueError, TypeError):") in raised_mutants(
        "exception_widening", TRY, 3, {3: ("TypeError",)})
    tupled = code(TRY).replace("except ValueError:", "except (ValueError, KeyError):")
    assert code(TRY).replace("except ValueError:", "except (ValueError, KeyError, TypeError):") in raised_mutants(
        "exception_widening", tupled, 3, {3: ("TypeError",)})


def test_exception_widening_needs_an_uncaught_exception_raised_in_the_try_body() -> None:
    assert raised_mutants("exception_widening", TRY, 3, {}) == []
    assert raised_mutants("exception_widening", TRY, 3, {3: ("ValueError",)}) == []
    assert raised_mutants("exception_widening", TRY, 5, {5: ("TypeError",)}) == []


GUARD = '''
class Copy:
    def copy(self, f):
        names = ''
        if len(self.columns) > 0 or f:
            names = ','.join(self.columns)
        return names
'''


def test_a_condition_raising_on_a_missing_value_first_tests_the_value() -> None:
    found = raised_mutants("clause_guard", GUARD, 4, {4: ("TypeError",)})
    assert code(GUARD).replace("if len(self.columns) > 0 or f:", "if self.columns and (len(self.columns) > 0 or f):") in found
    assert code(GUARD).replace("if len(self.columns) > 0 or f:",
                               "if self.columns is not None and (len(self.columns) > 0 or f):") in found
    assert code(GUARD).replace("if len(self.columns) > 0 or f:", "if f and (len(self.columns) > 0 or f):") in found


def test_clause_guard_needs_a_type_or_attribute_error_at_the_condition() -> None:
    assert raised_mutants("clause_guard", GUARD, 4, {}) == []
    assert raised_mutants("clause_guard", GUARD, 4, {4: ("ValueError",)}) == []


STATUS = '''
def set_status(task, new_status):
    if new_status == DISABLED and task.running:
        return
    if task.disabled:
        if new_status == DONE:
            enable(task)
        elif task.disable_time is not None:
            return
'''


def test_a_condition_gains_a_clause_another_test_of_the_function_makes_or_its_opposite() -> None:
    assert_produces("clause_addition", STATUS, 7, STATUS.replace(
        "elif task.disable_time is not None:", "elif task.disable_time is not None and new_status != DISABLED:"))
    assert_produces("clause_addition", STATUS, 7, STATUS.replace(
        "elif task.disable_time is not None:", "elif task.disable_time is not None and task.running:"))
    assert_produces("clause_addition", STATUS, 7, STATUS.replace(
        "elif task.disable_time is not None:", "elif task.disable_time is not None and not task.running:"))


def test_clause_addition_draws_only_on_other_tests_of_the_same_function() -> None:
    assert_absent("clause_addition", STATUS, 2, STATUS.replace(
        "if new_status == DISABLED and task.running:", "if new_status == DISABLED and task.running and task.running:"))
    assert_absent("clause_addition", "def f(a):\n    if a:\n        return 1\n\ndef g(b):\n    if b:\n        return 2\n", 2)
