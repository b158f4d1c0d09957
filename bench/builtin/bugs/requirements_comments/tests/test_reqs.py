from reqs import Requirement, parse_requirements, strip_comment


def test_plain():
    assert parse_requirements("Flask\nnumpy >= 1.20, <2\n") == [
        Requirement("flask"), Requirement("numpy", ">=1.20,<2")]


def test_full_line_comment_and_options():
    text = "# deps\n-r base.txt\n\nattrs==23.1\n"
    assert parse_requirements(text) == [Requirement("attrs", "==23.1")]


def test_strip_comment_without_comment():
    assert strip_comment("  six  ") == "six"


def test_inline_comment():
    assert parse_requirements("requests>=2.0  # http client\n") == [Requirement("requests", ">=2.0")]
