import pytest

from dotenv import load_dotenv_text


def test_basic():
    assert load_dotenv_text("# c\nexport PORT=8080\nhost = db\n") == {"PORT": "8080", "host": "db"}


def test_inline_comment():
    assert load_dotenv_text("DEBUG=1 # on") == {"DEBUG": "1"}


def test_bad_line():
    with pytest.raises(ValueError):
        load_dotenv_text("just words")


def test_values_keep_case():
    assert load_dotenv_text("API_KEY=AbC123\n")["API_KEY"] == "AbC123"


def test_quoted():
    env = load_dotenv_text("GREETING=\"Hello\\nWorld\"\nNAME='Ann # x'\n")
    assert env == {"GREETING": "Hello\nWorld", "NAME": "Ann # x"}
