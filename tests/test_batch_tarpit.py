"""Tarpit addresses: a connect the tests expect to time out hangs in the sandbox, which still
reaches nothing (requests' test_connect_timeout connects to 10.255.255.1)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from swebot.batch import harness
from swebot.batch.specenv import dockerfile
from swebot.errors import BadInput
from swebot.sandbox.images import TARPIT_ADDRESSES_LABEL
from swebot.sandbox.tarpit import checked_addresses
from tests.docker_support import require_docker

# Connects to every address given, 2 s timeout each; prints "ADDRESS KIND SECONDS" per address.
PROBE = r"""
import socket, sys, time
for spec in sys.argv[1:]:
    host, port = spec.rsplit(":", 1)
    started = time.monotonic()
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
        kind = "connected"
    except socket.timeout:
        kind = "timeout"
    except OSError as exc:
        kind = "errno%d" % exc.errno
    print(spec, kind, round(time.monotonic() - started, 1))
"""


def _probe(sandbox, *targets: str) -> dict[str, tuple[str, float]]:
    out = sandbox.execute(f"python3 -c '{PROBE}' {' '.join(targets)}", timeout=120).stdout
    rows = {}
    for line in out.splitlines():
        spec, kind, seconds = line.split()
        rows[spec] = (kind, float(seconds))
    assert set(rows) == set(targets), out
    return rows


def test_only_ipv4_addresses_off_loopback_can_be_tarpits() -> None:
    assert checked_addresses(["10.255.255.1", "192.0.2.7"]) == ("10.255.255.1", "192.0.2.7")
    for bad in ("127.0.0.1", "127.8.8.8", "0.0.0.0", "::1", "httpbin.org", "10.255.255.1/8"):
        with pytest.raises(BadInput):
            checked_addresses([bad])


def test_the_requests_environment_names_its_tarpit_and_others_none() -> None:
    assert f'LABEL {TARPIT_ADDRESSES_LABEL}="10.255.255.1"' in dockerfile(harness.spec_for("psf/requests", "2.7"))
    assert TARPIT_ADDRESSES_LABEL not in dockerfile(harness.spec_for("pallets/flask", "2.0"))


@pytest.fixture
def host_service() -> Iterator[int]:
    """A TCP service on every address of the host: whoever connects gets 'hello'."""
    server = socket.create_server(("0.0.0.0", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.sendall(b"hello")
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield port
    finally:
        server.close()


def _host_addresses(client) -> list[str]:
    """The host's IPv4 addresses a container could try: the docker bridge's gateway and the
    addresses the host's name resolves to."""
    gateways = [c.get("Gateway") for c in client.networks.get("bridge").attrs["IPAM"]["Config"]]
    named = socket.gethostbyname_ex(socket.gethostname())[2]
    return sorted({a for a in [*gateways, *named] if a and not a.startswith("127.")})


@pytest.mark.docker
def test_a_tarpit_connect_times_out_while_the_host_and_other_containers_stay_out_of_reach(host_service) -> None:
    require_docker()
    from swebot.sandbox.docker import DockerSandbox, connect
    from swebot.sandbox.images import BASE_IMAGE

    client = connect()
    host_addresses = _host_addresses(client)
    assert host_addresses
    reachable = socket.create_connection((host_addresses[0], host_service), timeout=5)  # it does serve
    assert reachable.recv(5) == b"hello"
    reachable.close()
    # Another container on Docker's default bridge, serving too.
    neighbour = client.containers.run(BASE_IMAGE, ["python3", "-m", "http.server", "8000"], detach=True,
                                      network_mode="bridge", labels={"swebot": "1"})
    try:
        neighbour.reload()
        neighbour_ip = neighbour.attrs["NetworkSettings"]["IPAddress"]
        assert neighbour_ip
        sandbox = DockerSandbox(client, BASE_IMAGE, uid=0, tarpits=("10.255.255.1",))
        try:
            targets = ["10.255.255.1:80", f"{neighbour_ip}:8000",
                       *(f"{address}:{host_service}" for address in host_addresses)]
            rows = _probe(sandbox, *targets)
            kind, seconds = rows.pop("10.255.255.1:80")
            assert kind == "timeout" and seconds >= 1.9
            for target, (kind, seconds) in rows.items():  # ENETUNREACH, at once
                assert (kind, seconds < 1) == ("errno101", True), (target, kind, seconds)
            routes = sandbox.execute("cat /proc/net/route; grep CapEff /proc/self/status", timeout=30).stdout
            assert {line.split()[0] for line in routes.splitlines()[1:] if not line.startswith("CapEff")} == {"lo"}
            assert "CapEff:\t0000000000000000" in routes
            # Root inside, without the capability, cannot add a route of its own.
            source = (Path(__file__).resolve().parent.parent / "swebot" / "sandbox" / "tarpit_inside.py").read_text()
            tried = sandbox.execute(f"python3 - 192.0.2.9 <<'EOF'\n{source}\nEOF", timeout=30)
            assert tried.exit_code == 1 and "Operation not permitted" in tried.stdout + tried.stderr
            twin = sandbox.clone()
            try:
                assert _probe(twin, "10.255.255.1:80")["10.255.255.1:80"][0] == "timeout"
            finally:
                twin.close()
        finally:
            sandbox.close()
        plain = DockerSandbox(client, BASE_IMAGE, uid=0)
        try:
            assert _probe(plain, "10.255.255.1:80")["10.255.255.1:80"][0] == "errno101"
        finally:
            plain.close()
    finally:
        neighbour.remove(force=True)
