"""Tarpit addresses: addresses a repository's tests connect to expecting a *timeout* (requests'
``TARPIT = "http://10.255.255.1"``), which on a machine with network are routed but never answer.

A sandbox has no network, so such a connect fails at once ("network unreachable") and the test
fails for a reason the harness never saw. For an image that names its tarpits
(TARPIT_ADDRESSES_LABEL), the sandbox's network namespace gets a route for each of them to the
loopback device, where the packets are dropped: the connect hangs until the test's timeout.
The route is set by a one-off helper container that joins the namespace with CAP_NET_ADMIN and
exits before anything else runs there; the sandbox's processes get no capability, no interface
and no route anywhere else (tests/test_batch_tarpit.py checks that a service on the host stays
out of reach).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from swebot.errors import BadInput, SandboxError

if TYPE_CHECKING:
    import docker
    import docker.models.containers

HELPER = "the helper container that routes the sandbox's tarpit addresses"


def checked_addresses(addresses: Sequence[str]) -> tuple[str, ...]:
    """``addresses`` as IPv4 text, refusing anything else and loopback addresses (BadInput)."""
    checked = []
    for text in addresses:
        try:
            address = ipaddress.IPv4Address(text)
        except ValueError:
            raise BadInput(f"tarpit address {text!r} is not an IPv4 address") from None
        if address.is_loopback or address.is_unspecified:
            raise BadInput(f"tarpit address {text} is a loopback or unspecified address")
        checked.append(str(address))
    return tuple(checked)


def route_tarpits(client: "docker.DockerClient", container: "docker.models.containers.Container", image: str,
                  addresses: Sequence[str]) -> None:
    """Route ``addresses`` to ``lo`` inside ``container``'s network namespace (see the module).
    SandboxError with the helper's output when it fails."""
    import docker.errors

    from swebot.sandbox.images import KIND_LABEL, LABEL

    wanted = checked_addresses(addresses)
    if not wanted:
        return
    source = Path(__file__).with_name("tarpit_inside.py").read_text(encoding="utf-8")
    try:
        output = client.containers.run(
            image, entrypoint=["python3", "-c", source], command=list(wanted), user="0:0",
            network_mode=f"container:{container.id}", cap_drop=["ALL"], cap_add=["NET_ADMIN"],
            security_opt=["no-new-privileges"], mem_limit="128m", pids_limit=16, remove=True,
            stdout=True, stderr=True, labels={LABEL: "1", KIND_LABEL: "tarpit-helper"})
    except docker.errors.ContainerError as exc:
        detail = exc.stderr.decode(errors="replace").strip() if isinstance(exc.stderr, bytes) else str(exc)
        raise SandboxError(f"{HELPER} failed: {detail}") from None
    except docker.errors.DockerException as exc:
        raise SandboxError(f"{HELPER} could not run: {exc}") from None
    text = output.decode(errors="replace") if isinstance(output, bytes) else str(output)
    routed = {line.split()[1] for line in text.splitlines() if line.startswith("routed ")}
    if routed != set(wanted):
        raise SandboxError(f"{HELPER} routed {sorted(routed)} of {list(wanted)}: {text.strip()}")
