from accesslog import error_summary


def test_only_500():
    log = ['1.1.1.1 - - [x] "GET /a HTTP/1.1" 500 1', '1.1.1.1 - - [x] "GET /b HTTP/1.1" 499 1']
    s = error_summary(log)
    assert s["server"] == {"/a": 1} and s["client"] == {"/b": 1}


def test_garbage_only():
    assert error_summary(["", "garbage"]) == {"client": {}, "server": {}}
