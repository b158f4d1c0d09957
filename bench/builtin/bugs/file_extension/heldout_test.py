from filetypes import extension


def test_dotfile_with_suffix():
    assert extension(".config.json") == ".json"
    assert extension("photos/IMG.1.JPG") == ".jpg"
