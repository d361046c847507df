"""Which addresses a webhook may reach: public ones only, unless an operator lists a host.

A webhook URL is chosen by a workspace admin, and voxpop's server sits inside the operator's network; so a
request to an internal address (loopback, private, link-local, carrier-grade NAT, multicast, reserved —
anything not globally routable, in any spelling: `localhost`, `[::1]`, `2130706433`, `0x7f000001`, or a name
that resolves there) would let an admin reach services that only the server can see. Such addresses are
refused when an endpoint is saved and again at each attempt, on the address actually connected to
(`delivery.transport`), so a name re-pointed after the check (DNS rebinding) gains nothing.
`WEBHOOK_ALLOWED_HOSTS` lists host names or networks (CIDR) that may be internal, for receivers on the
same machine or network.
"""

from __future__ import annotations

import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from voxpop.kit.settings import get_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_resolver = ThreadPoolExecutor(4, thread_name_prefix="voxpop-dns")


class RefusedAddress(Exception):
    """The receiver's address is internal and not allowed by `WEBHOOK_ALLOWED_HOSTS`."""


class Unresolved(Exception):
    """The receiver's host name has no address (or the lookup took too long)."""


def is_internal(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def host_name(host: str) -> str:
    """A URL's host as compared with the allowed list: lower case, no brackets, no trailing dot."""
    return host.strip("[]").rstrip(".").lower()


@dataclass(frozen=True)
class Allowed:
    names: frozenset[str]
    networks: tuple[IPNetwork, ...]

    def permits(self, host: str, address: IPAddress) -> bool:
        if not is_internal(address):
            return True
        return host_name(host) in self.names or any(address in network for network in self.networks)


def allowed() -> Allowed:
    names: set[str] = set()
    networks: list[IPNetwork] = []
    for entry in get_settings().webhook_allowed_hosts:
        try:
            networks.append(ipaddress.ip_network(host_name(entry), strict=False))
        except ValueError:
            names.add(host_name(entry))
    return Allowed(frozenset(names), tuple(networks))


def resolve(host: str, port: int, timeout: float) -> list[IPAddress]:
    """The addresses of `host` (a name or a literal address), looked up within `timeout` seconds."""
    host = host_name(host)
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    lookup = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=max(timeout, 0.001))
    except FutureTimeout:
        raise Unresolved(f"looking up {host} took over {timeout:g} s") from None
    except OSError as error:
        raise Unresolved(f"{host} has no address: {error}") from None
    # the scope id of a link-local IPv6 address ("fe80::1%eth0") is dropped: the check needs the address
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))


def permitted(host: str, port: int, timeout: float) -> list[IPAddress]:
    """The addresses of `host` a webhook may connect to; RefusedAddress if it has only internal ones."""
    policy = allowed()
    addresses = resolve(host, port, timeout)
    usable = [address for address in addresses if policy.permits(host, address)]
    if not usable:
        raise RefusedAddress(
            f"{host_name(host)} is an internal address ({addresses[0]}); "
            "list it in WEBHOOK_ALLOWED_HOSTS to allow it"
        )
    return usable


def refusal(host: str, port: int) -> str | None:
    """Why a new endpoint's host is refused, or None. A name that does not resolve (yet) is accepted:
    every attempt checks again."""
    try:
        permitted(host, port, timeout=2.0)
    except RefusedAddress as error:
        return str(error)
    except Unresolved:
        return None
    return None
