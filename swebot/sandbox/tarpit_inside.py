"""Run inside a one-off helper container that shares a sandbox's network namespace (and holds
CAP_NET_ADMIN there, which the sandbox's own processes never get): route each address given on
the command line to the loopback device, where a packet for an address that is not local is
dropped. A connect to such an address then hangs until the caller's timeout, as a connect to an
unrouted "tarpit" address does on a machine with network, instead of failing at once with
"network unreachable". Nothing gains a way out: the route leads to ``lo`` only.

Standalone (the sandbox images' Python, 3.9 and up); rtnetlink by hand, since the images have no
``ip`` command. Prints ``routed ADDRESS`` per address; exit 1 with the kernel's error otherwise.
"""

import ipaddress
import os
import socket
import struct
import sys

RTM_NEWROUTE = 24
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
NLMSG_ERROR = 2
RT_TABLE_MAIN, RTPROT_STATIC, RT_SCOPE_LINK, RTN_UNICAST = 254, 4, 253, 1
RTA_DST, RTA_OIF = 1, 4


def _attr(kind: int, payload: bytes) -> bytes:
    size = 4 + len(payload)
    return struct.pack("HH", size, kind) + payload + b"\0" * (-size % 4)


def route_message(address: str, ifindex: int, seq: int) -> bytes:
    """An RTM_NEWROUTE request: ``address``/32 by way of interface ``ifindex``."""
    packed = ipaddress.IPv4Address(address).packed
    body = struct.pack("BBBBBBBBI", socket.AF_INET, 32, 0, 0, RT_TABLE_MAIN, RTPROT_STATIC, RT_SCOPE_LINK,
                       RTN_UNICAST, 0)
    body += _attr(RTA_DST, packed) + _attr(RTA_OIF, struct.pack("I", ifindex))
    flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE
    return struct.pack("IHHII", 16 + len(body), RTM_NEWROUTE, flags, seq, 0) + body


def route_to_loopback(address: str, seq: int) -> None:
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as sock:
        sock.bind((0, 0))
        sock.send(route_message(address, socket.if_nametoindex("lo"), seq))
        reply = sock.recv(65536)
    kind = struct.unpack_from("H", reply, 4)[0]
    error = struct.unpack_from("i", reply, 16)[0] if kind == NLMSG_ERROR else 0
    if error:
        raise OSError(-error, f"{os.strerror(-error)} (routing {address})")


def main(addresses: list[str]) -> int:
    for seq, address in enumerate(addresses, 1):
        try:
            if ipaddress.IPv4Address(address).is_loopback:
                raise ValueError(f"{address} is a loopback address")
            route_to_loopback(address, seq)
        except (OSError, ValueError) as exc:
            print(f"cannot route {address}: {exc}", file=sys.stderr)
            return 1
        print(f"routed {address}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
