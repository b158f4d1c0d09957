from dotenv import load_dotenv_text


def test_mixed_case_unquoted():
    assert load_dotenv_text("URL=https://Example.com/Path") == {"URL": "https://Example.com/Path"}
