"""The guarded transport: httpx connecting only to addresses the guard allows.

In: FetchSettings (limits, host pins, the private-network switch). Out: an
``httpx.AsyncHTTPTransport`` whose every TCP connection goes through
:class:`GuardedBackend`. The backend resolves the host itself, vets every
address it gets with :func:`flows.fetch.guard.refusal_for_address`, and then
connects to the vetted IP, so the address checked is the address used: a DNS
answer that changes between check and connect (DNS rebinding) cannot slip in.
Pinned hosts skip DNS and the check: the program started those servers itself.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import logging
import os
import select
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any

import httpcore
import httpx

from extractors.settings import FetchSettings
from flows.fetch.guard import AddressRefused, IPAddress, Pins, normalise_host, refusal_for_address

logger = logging.getLogger(__name__)

# (host, port) -> addresses, in the order to try them.
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

# How long an idle kept-alive connection is reused: httpx's own default.
KEEPALIVE_EXPIRY = 5.0
# getaddrinfo answers meaning "this name does not exist": retrying will not help.
_NO_SUCH_NAME = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


class UnresolvableHost(Exception):
    """The host name does not exist in DNS; a final failure, not worth a retry."""


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every TCP address ``host`` resolves to, in the resolver's preferred order."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        message = f"cannot resolve {host!r} ({exc.strerror})"
        if exc.errno in _NO_SUCH_NAME:
            raise UnresolvableHost(message) from None
        raise httpcore.ConnectError(message) from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    return list(dict.fromkeys(addresses))  # one entry per address, order kept


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to vetted (or pinned) addresses.

    TLS is untouched: httpcore calls ``start_tls`` on the returned stream with
    the URL's host name as ``server_hostname``, so certificates are checked
    against the name, not the IP connected to.
    """

    def __init__(
        self, pins: Pins, allow_private: bool, resolver: Resolver = resolve,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._pins = pins
        self._allow_private = allow_private
        self._resolve = resolver
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        pin = self._pins.get(normalise_host(host))
        if pin is not None:
            logger.debug("pinned %s:%s -> %s:%s", host, port, pin.ip, pin.port or port)
            pinned = ipaddress.ip_address(pin.ip)
            return await self._open([pinned], pin.port or port, timeout, local_address, socket_options)
        try:
            async with asyncio.timeout(timeout):
                addresses = await self._resolve(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host!r} timed out") from None
        if not addresses:
            raise httpcore.ConnectError(f"{host!r} resolved to no address")
        if not self._allow_private:
            # Every answer, not just the first: a name resolving to a public and a
            # private address is either misconfigured or an attack.
            for address in addresses:
                refusal = refusal_for_address(address, name=host)
                if refusal is not None:
                    raise AddressRefused(refusal)
        return await self._open(addresses, port, timeout, local_address, socket_options)

    async def _open(
        self, addresses: list[IPAddress], port: int, timeout: float | None, local_address: str | None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None,
    ) -> httpcore.AsyncNetworkStream:
        """A connection to the first of ``addresses`` that answers."""
        failures = []
        for address in addresses:
            try:
                # An IP literal: anyio connects to exactly this address, no second lookup.
                return CachedSocketStream(
                    await self._inner.connect_tcp(str(address), port, timeout, local_address, socket_options))
            except httpcore.ConnectError as exc:
                failures.append(f"{_os_reason(exc)} ({_host_port(address, port)})")
                logger.debug("connect failed: %s", failures[-1])
        raise httpcore.ConnectError("; ".join(failures))

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused(f"refused: unix socket {path!r} is not a network address")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class CachedSocketStream(httpcore.AsyncNetworkStream):
    """A network stream that answers the pool's "is this idle connection still open?"
    from the socket it keeps, instead of asking anyio.

    httpcore asks that of every idle connection each time it hands out or takes back
    a connection; anyio answers by building the socket's whole attribute table
    (getpeername, enum conversions) each time: about a third of the fetch's CPU per
    page at 16 connections. The answer is the same poll httpcore makes.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return CachedSocketStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "socket":
            return self._socket
        if info == "is_readable":
            return self._socket is None or _readable(self._socket)
        return self._inner.get_extra_info(info)


def _readable(sock: socket.socket) -> bool:
    """Data (or the end of the stream) is waiting to be read; httpcore's own test."""
    if sock.fileno() < 0:
        return True
    poll = select.poll()
    poll.register(sock.fileno(), select.POLLIN)
    return bool(poll.poll(0))


def _host_port(address: IPAddress, port: int) -> str:
    return f"[{address}]:{port}" if address.version == 6 else f"{address}:{port}"


def _os_reason(exc: BaseException) -> str:
    """The innermost OS error's words ("Connection refused"), not anyio's "All connection attempts failed"."""
    reasons = [os.strerror(e.errno) for e in causes(exc) if isinstance(e, OSError) and e.errno]
    return reasons[-1] if reasons else str(exc)


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and the exceptions it was raised from, outermost first (httpx wraps httpcore wraps OSError)."""
    seen: BaseException | None = exc
    for _ in range(8):  # bounded: an exception chain can, rarely, loop
        if seen is None:
            return
        yield seen
        seen = seen.__cause__ or seen.__context__


def _ssl_context() -> ssl.SSLContext:
    """Verified, honouring SSL_CERT_FILE / SSL_CERT_DIR as they are now."""
    return _ssl_context_for(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.cache
def _ssl_context_for(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    # One per CA setting and process: loading the CA bundle costs ~60 ms, which every
    # batch's fetch used to pay. The variables are read by httpx, not passed.
    return httpx.create_ssl_context()


def build_transport(settings: FetchSettings, pins: Pins, resolver: Resolver = resolve) -> httpx.AsyncHTTPTransport:
    """An httpx transport for one fetch_all call, connecting through :class:`GuardedBackend`."""
    limit = max(1, settings.max_connections)
    ssl_context = _ssl_context()
    transport = httpx.AsyncHTTPTransport(verify=ssl_context, trust_env=False)
    # httpx offers no public way to choose httpcore's network backend, so the pool
    # it built (never opened: no sockets yet) is swapped for one with the guarded
    # backend and the options httpx would have passed. pyproject pins httpx < 1.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=ssl_context,
        max_connections=limit,
        max_keepalive_connections=limit,
        keepalive_expiry=KEEPALIVE_EXPIRY,
        http1=True,
        http2=False,
        network_backend=GuardedBackend(pins, settings.allow_private_network, resolver),
    )
    return transport
