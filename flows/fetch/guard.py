"""The fetch policy: which URLs and which addresses may be fetched at all.

In: a URL (before any I/O) or an IP address (once resolved, right before the
connect), plus the host pins and the private-network switch from settings.
Out: ``None`` when allowed, or the reason for refusing ("refused: ...").
Pure: no DNS, no sockets. :mod:`flows.fetch.transport` enforces
:func:`refusal_for_address` on the address actually connected to; the URL check
here only turns away the obvious cases early, with no DNS lookup.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

HINT = "use --allow-private-network to allow"
SCHEMES = ("http", "https")
# Shared address space (RFC 6598): carrier NAT, not the internet; Python 3.11's
# ipaddress calls it neither private nor global.
_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
# NAT64's well-known prefix (RFC 6052) carries an IPv4 address in its last 32 bits.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class AddressRefused(Exception):
    """Raised inside the network backend for an address the guard refuses.

    Converted to a ``skipped`` FetchResult at the edge of the fetcher; it is an
    exception only because it has to cross httpx and httpcore to get there.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Pin:
    """Where connections for a pinned host go (like ``curl --resolve``)."""

    ip: str
    port: int | None  # None: the URL's port


Pins = Mapping[str, Pin]


def parse_pins(pairs: tuple[tuple[str, str], ...]) -> dict[str, Pin]:
    """``(("news.example", "127.0.0.1:8080"), ...)`` -> host -> Pin; bad pins raise ValueError.

    A bad pin is a programming or configuration error (the program writes them),
    so it stops the run instead of becoming a per-URL failure.
    """
    pins: dict[str, Pin] = {}
    for host, target in pairs:
        try:
            # The ASCII (IDNA) form: what httpcore hands the network backend.
            name = httpx.URL(scheme="http", host=normalise_host(host)).raw_host.decode("ascii")
        except httpx.InvalidURL:
            raise ValueError(f"pinned host {host!r} is not a host name") from None
        pins[name] = _parse_pin(host, target)
    return pins


def _parse_pin(host: str, target: str) -> Pin:
    text = target.strip()
    ip_text, port_text = text, ""
    if text.startswith("["):  # "[::1]:8080"
        ip_text, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif text.count(":") == 1:  # "127.0.0.1:8080"; a bare IPv6 has several colons
        ip_text, port_text = text.split(":")
    try:
        ip = ipaddress.ip_address(ip_text)
        port = int(port_text) if port_text else None
    except ValueError:
        raise ValueError(f"pinned host {host!r}: {target!r} is not ip:port") from None
    if port is not None and not 0 < port < 65536:
        raise ValueError(f"pinned host {host!r}: port {port} is out of range")
    return Pin(ip=str(ip), port=port)


def url_host(url: httpx.URL) -> str:
    """The URL's host as the backend will see it: ASCII (IDNA), lower case, no trailing dot."""
    return normalise_host(url.raw_host.decode("ascii"))


def normalise_host(host: str) -> str:
    """Lower case, without the trailing dot of a fully qualified name."""
    return host.strip().lower().rstrip(".")


def refusal_for_url(url: httpx.URL, pins: Pins, allow_private: bool) -> str | None:
    """Why ``url`` must not be fetched, judged from its text alone; None if it may be tried."""
    scheme = url.scheme.lower()
    if not scheme:
        return "refused: not an absolute http(s) URL"
    if scheme not in SCHEMES:
        return f"refused: scheme {scheme!r} is not http(s)"
    host = url_host(url)
    if not host:
        return "refused: the URL has no host"
    port = url.port
    if port is not None and not 0 < port < 65536:
        return f"refused: port {port} is out of range"
    if host in pins or allow_private:
        return None
    if host == "localhost" or host.endswith(".localhost"):  # RFC 6761: always loopback
        return f"refused: {host} is a loopback name ({HINT})"
    address = literal_address(host)
    return None if address is None else refusal_for_address(address, name=host)


def literal_address(host: str) -> IPAddress | None:
    """The address a host written as an IP literal stands for, in any spelling the resolver accepts.

    ``127.1``, ``0x7f000001`` and ``2130706433`` all mean 127.0.0.1 to
    getaddrinfo (inet_aton's legacy forms), so they are read the same way here.
    """
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):  # inet_aton: OSError for "not an address"
        return None


def refusal_for_address(address: IPAddress, name: str | None = None) -> str | None:
    """Why connecting to ``address`` (which ``name`` stands for) is refused; None if it is public.

    Only public unicast addresses are allowed: loopback, private, link-local,
    unspecified, multicast, reserved and shared (CGNAT) ones reach this machine,
    its network or the cloud metadata service, not a news site.
    """
    kind = address_kind(address)
    if kind is None:
        return None
    article = "an" if kind[0] in "aeiouAEIOU" else "a"
    if name is None or normalise_host(name) == str(address):
        return f"refused: {address} is {article} {kind} address ({HINT})"
    return f"refused: {name} is {address}, {article} {kind} address ({HINT})"


def address_kind(address: IPAddress) -> str | None:
    """What kind of non-public address this is ("loopback", "private", ...), or None when public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            how, ipv4 = embedded
            inner = address_kind(ipv4)
            return None if inner is None else f"{how} {inner}"
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if isinstance(address, ipaddress.IPv4Address) and address in _CGNAT:
        return "shared (CGNAT)"
    if address.is_reserved:  # before "private": Python counts 240.0.0.0/4 as both
        return "reserved"
    if address.is_private:
        return "private"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "site-local"
    if not address.is_global:
        return "non-public"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4), judged in its place.

    ``::ffff:127.0.0.1`` reaches the loopback interface on a dual-stack socket,
    so it is judged as 127.0.0.1; and ``::ffff:8.8.8.8`` is public although
    Python files the whole ``::/8`` block under "reserved".
    """
    if address.ipv4_mapped is not None:
        return "IPv4-mapped", address.ipv4_mapped
    if address in _NAT64:
        return "IPv4-embedded", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return "IPv4-embedded", address.sixtofour
    return None
