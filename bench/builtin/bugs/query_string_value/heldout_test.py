from querystring import parse_query


def test_keep_blank_and_semicolons():
    assert parse_query("a=;b=2", keep_blank=True) == {"a": [""], "b": ["2"]}


def test_equals_in_value():
    assert parse_query("expr=a%3Db=c") == {"expr": ["a=b=c"]}
