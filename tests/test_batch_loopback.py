"""Internet services the tests of a repository call by name, answered inside the sandbox on loopback.

requests' tests call https://httpbin.org and http://www.google.co.uk literally. The environment
serves them itself (gunicorn on ports 80 and 443, TLS with a CA made at build time and thrown
away) and the sandbox resolves the names to 127.0.0.1 and lets its processes listen on low ports
(a setting of its own network namespace; no capability).
"""

from __future__ import annotations

import http.server
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from swebot.batch import harness
from swebot.batch.specenv import context_files, dockerfile, setup_script
from swebot.sandbox.images import LOOPBACK_HOSTS_LABEL
from tests.docker_support import require_docker


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"{self.headers['Host']} {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A TLS server with the certificate the environment build makes."""
    tls = tmp_path / "tls"
    made = subprocess.run(["sh", "-c", harness.certificate_commands(str(tls), ("httpbin.org", "www.google.co.uk"))],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls / "cert.pem", tls / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tls, int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def _get_over_tls(context: ssl.SSLContext, port: int, name: str, path: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=name) as conn:
            conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
    return data


def test_the_certificate_passes_for_the_names_only_with_the_built_ca(served) -> None:
    tls, port = served
    assert sorted(p.name for p in tls.iterdir()) == ["ca.pem", "cert.pem", "key.pem"]  # the CA's key is gone
    trusting = ssl.create_default_context(cafile=str(tls / "ca.pem"))
    for name in ("httpbin.org", "www.google.co.uk"):
        reply = _get_over_tls(trusting, port, name, "/status/301")
        assert reply.startswith(b"HTTP/1.0 200") and reply.endswith(f"{name} /status/301".encode())
    with pytest.raises(ssl.SSLCertVerificationError):
        _get_over_tls(trusting, port, "example.org", "/")  # a name the certificate does not carry
    with pytest.raises(ssl.SSLCertVerificationError):  # nor is it trusted without the CA
        _get_over_tls(ssl.create_default_context(), port, "httpbin.org", "/")


def test_the_requests_environment_serves_the_names_and_says_so() -> None:
    spec = harness.spec_for("psf/requests", "2.3")
    assert f'LABEL {LOOPBACK_HOSTS_LABEL}="httpbin.org www.google.co.uk"' in dockerfile(spec)
    script = setup_script(spec, [])
    assert "httpbin==0.10.4 gunicorn==" in script and "-keyout ca.key" in script and "rm -f ca.key" in script
    start = harness.LOCAL_SERVICES["psf/requests"].start
    assert "-b 127.0.0.1:443 --certfile /opt/httpbin/tls/cert.pem" in start
    assert "export HTTPBIN_URL=http://httpbin.org/ REQUESTS_CA_BUNDLE=/opt/httpbin/tls/ca.pem" in start
    assert "export HTTPBIN_URL=http://127.0.0.1:8765/" in start  # where the names are not served
    flask = harness.spec_for("pallets/flask", "2.0")
    assert LOOPBACK_HOSTS_LABEL not in dockerfile(flask) and context_files(spec) == {}


@pytest.mark.docker
def test_a_sandbox_resolves_its_image_s_names_to_loopback_and_may_serve_low_ports(tmp_path: Path) -> None:
    require_docker()
    from swebot.sandbox.docker import DockerSandbox, connect
    from swebot.sandbox.images import BASE_IMAGE

    probe = ("getent hosts httpbin.org; python3 -c 'import socket; s = socket.socket(); "
             "s.bind((\"127.0.0.1\", 443)); print(\"bound 443\")'; python3 -c 'import socket; "
             "socket.create_connection((\"1.1.1.1\", 80), timeout=3)' 2>&1 | tail -1")
    client = connect()
    served = DockerSandbox(client, BASE_IMAGE, uid=0, loopback_hosts=("httpbin.org",))
    try:
        out = served.execute(probe, timeout=60).stdout
        assert "127.0.0.1       httpbin.org" in out and "bound 443" in out, out
        assert "Network is unreachable" in out, out  # still no way out
        twin = served.clone()
        try:
            assert "bound 443" in twin.execute(probe, timeout=60).stdout
        finally:
            twin.close()
    finally:
        served.close()
    plain = DockerSandbox(client, BASE_IMAGE, uid=0)
    try:
        out = plain.execute(probe, timeout=60).stdout
        assert "httpbin.org" not in out, out
    finally:
        plain.close()


def test_certifi_s_bundle_in_the_environment_trusts_the_loopback_ca_after_the_build(served, tmp_path: Path) -> None:
    """requests >= 2.4 verifies against certifi's bundle (Session.send ignores REQUESTS_CA_BUNDLE):
    the build step appends the loopback CA to it. Run here with a stand-in certifi package whose
    bundle starts with one unrelated certificate, and the TLS folder the fixture made."""
    tls, port = served
    install = harness.LOCAL_SERVICES["psf/requests"].install
    step = next(s for s in install if "certifi" in s)
    assert install.index(step) > next(i for i, s in enumerate(install) if "-keyout ca.key" in s)
    fake = tmp_path / "site" / "certifi"
    fake.mkdir(parents=True)
    bundle = fake / "cacert.pem"
    other = tmp_path / "other"
    made = subprocess.run(["sh", "-c", harness.certificate_commands(str(other), ("example.org",))],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    bundle.write_text((other / "ca.pem").read_text())
    (fake / "__init__.py").write_text(f"def where():\n    return {str(bundle)!r}\n")
    with pytest.raises(ssl.SSLCertVerificationError):  # before the step
        _get_over_tls(ssl.create_default_context(cafile=str(bundle)), port, "httpbin.org", "/get")
    appended = step.split(" && ", 1)[1].replace("/opt/httpbin/tls", str(tls))  # the pip install needs PyPI
    bin_dir = tmp_path / "bin"  # `python` is the environment's
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    subprocess.run(["bash", "-c", appended], check=True, env={"PATH": f"{bin_dir}:/usr/bin:/bin",
                                                            "PYTHONPATH": str(tmp_path / "site")})
    trusting = ssl.create_default_context(cafile=str(bundle))
    assert _get_over_tls(trusting, port, "httpbin.org", "/get").endswith(b"httpbin.org /get")
    assert (other / "ca.pem").read_text() in bundle.read_text()  # what was there stays
