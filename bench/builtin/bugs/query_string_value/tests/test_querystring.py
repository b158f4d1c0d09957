from querystring import build_query, parse_query


def test_empty():
    assert parse_query("") == {}
    assert parse_query("?&&") == {}


def test_build():
    assert build_query({"q": "a b", "tag": ["x", "y"]}) == "q=a+b&tag=x&tag=y"


def test_blank_values_dropped():
    assert parse_query("a=&b=") == {}


def test_parse_values():
    assert parse_query("?q=hello+world&page=2") == {"q": ["hello world"], "page": ["2"]}


def test_roundtrip():
    params = {"name": "Zoë & co", "n": ["1", "2"]}
    assert parse_query(build_query(params)) == {"name": ["Zoë & co"], "n": ["1", "2"]}
