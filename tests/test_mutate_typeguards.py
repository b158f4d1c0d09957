"""Type-aware edits and guards returning an empty value (youtube-dl single-hunk fixes, the
bench's dev set): a lambda's callable called, a None test widened to a type test, bytes decoded
before a text test, ``if param is None: return []``."""

from __future__ import annotations

from tests.mutate_tables import assert_absent, assert_produces, produced

LAMBDA = '''
def build(ops, m):
    str_op = ops[m.group('op')]
    op = lambda attr, value: not str_op
    return op
'''


def test_a_callable_read_in_a_lambda_is_called_with_the_lambdas_arguments() -> None:
    assert_produces("call_completion", LAMBDA, 3, '''
    def build(ops, m):
        str_op = ops[m.group('op')]
        op = lambda attr, value: not str_op(attr, value)
        return op
    ''')


def test_call_completion_leaves_calls_parameters_and_plain_functions_alone() -> None:
    assert_absent("call_completion", "f = lambda a: g(a)\n", 1)
    assert_absent("call_completion", "f = lambda a: a\n", 1)
    assert_absent("call_completion", "f = lambda: x\n", 1)
    assert_absent("call_completion", "def f(a):\n    return not g\n", 2)
    assert_absent("call_completion", "f = lambda a: a.strip\n", 1, "f = lambda a: a.strip(a)\n")


NONE_GUARD = '''
def str_to_int(int_str):
    if int_str is None:
        return None
    if isinstance(int_str, compat_str):
        pass
    return int(int_str)
'''


def test_a_none_test_before_an_early_return_widens_to_a_type_test() -> None:
    assert_produces("type_check", NONE_GUARD, 2, '''
    def str_to_int(int_str):
        if not isinstance(int_str, compat_str):
            return int_str
        if isinstance(int_str, compat_str):
            pass
        return int(int_str)
    ''')
    assert_produces("type_check", NONE_GUARD, 2, '''
    def str_to_int(int_str):
        if not isinstance(int_str, str):
            return None
        if isinstance(int_str, compat_str):
            pass
        return int(int_str)
    ''')


def test_type_check_needs_a_none_test_and_a_lone_return() -> None:
    assert_absent("type_check", "def f(x):\n    if x == 0:\n        return None\n    return x\n", 2)
    assert_absent("type_check", "def f(x):\n    if x is None:\n        x = 1\n    return x\n", 2)
    assert_absent("type_check", "def f(x):\n    if x is None:\n        return\n    else:\n        return 1\n", 2)


URLJOIN = '''
def urljoin(base, path):
    if not isinstance(path, compat_str) or not path:
        return None
    return base + path
'''


def test_bytes_are_decoded_before_a_parameter_is_tested_for_text() -> None:
    assert_produces("decode_bytes", URLJOIN, 2, '''
    def urljoin(base, path):
        if isinstance(path, bytes):
            path = path.decode('utf-8')
        if not isinstance(path, compat_str) or not path:
            return None
        return base + path
    ''')
    assert len(produced("decode_bytes", URLJOIN, 2)) == 1


def test_decode_bytes_needs_a_text_test_of_a_parameter() -> None:
    assert_absent("decode_bytes", "def f(x):\n    if isinstance(x, int):\n        return x\n", 2)
    assert_absent("decode_bytes", "def f(x):\n    y = x\n    if isinstance(y, str):\n        return y\n", 3)


BOOL_OPTION = '''
def cli_bool_option(params, option, param):
    param = params.get(param)
    assert isinstance(param, bool)
    return [option, 'true' if param else 'false']
'''


def test_a_guard_returns_the_empty_value_of_what_the_function_returns() -> None:
    assert_produces("guard", BOOL_OPTION, 3, '''
    def cli_bool_option(params, option, param):
        param = params.get(param)
        if param is None:
            return []
        assert isinstance(param, bool)
        return [option, 'true' if param else 'false']
    ''')


def test_the_empty_value_follows_the_kind_of_value_returned() -> None:
    names = "def f(d, k):\n    v = d.get(k)\n    return v.upper() + '!' if v else {'a': 1}\n"
    descriptions = [m.description for m in produced("guard", names, 3)]
    assert any("return {}" in d for d in descriptions)
    assert not any("return []" in d for d in descriptions)
    scalar = "def f(d, k):\n    v = d.get(k)\n    return v + 1\n"
    assert not any("return []" in m.description or "return {}" in m.description for m in produced("guard", scalar, 3))


FINAL_RETURN = '''
def unified_strdate(date_str):
    upload_date = parse(date_str)
    return compat_str(upload_date)
'''


def test_a_final_return_runs_only_when_its_value_exists() -> None:
    assert_produces("return_wrap", FINAL_RETURN, 3, '''
    def unified_strdate(date_str):
        upload_date = parse(date_str)
        if upload_date is not None:
            return compat_str(upload_date)
    ''')


def test_return_wrap_is_for_the_last_statement_of_a_function_only() -> None:
    assert_absent("return_wrap", "def f(x):\n    if x:\n        return g(x)\n    return 1\n", 3)
    assert_absent("return_wrap", "def f(x):\n    return g(x)\n    y = 1\n", 2)
    assert_absent("return_wrap", "def f(x):\n    return x\n", 2)  # nothing computed from it
    assert_absent("return_wrap", "return_value = g(x)\n", 1)
