from accesslog import bytes_served, error_summary, parse_line

LOG = [
    '1.2.3.4 - - [10/Oct/2023:13:55:36 +0000] "GET /index.html HTTP/1.1" 200 2326',
    '1.2.3.4 - - [10/Oct/2023:13:55:37 +0000] "GET /missing HTTP/1.1" 404 -',
    '5.6.7.8 - - [10/Oct/2023:13:55:38 +0000] "POST /api HTTP/1.1" 503 12',
    '5.6.7.8 - - [10/Oct/2023:13:55:39 +0000] "GET /missing HTTP/1.1" 404 0',
]


def test_parse_line():
    hit = parse_line(LOG[0])
    assert (hit.ip, hit.method, hit.path, hit.status, hit.size) == ("1.2.3.4", "GET", "/index.html", 200, 2326)


def test_bytes():
    assert bytes_served(LOG) == 2338


def test_summary():
    s = error_summary(LOG)
    assert s["client"] == {"/missing": 2}
    assert s["server"] == {"/api": 1}


def test_blank_lines_and_500():
    log = LOG + ["", '9.9.9.9 - - [10/Oct/2023:14:00:00 +0000] "GET /api HTTP/1.1" 500 0', "   "]
    assert error_summary(log)["server"] == {"/api": 2}
