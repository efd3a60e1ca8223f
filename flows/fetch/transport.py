"""The guarded transport: httpx requests carried by aiohttp, to addresses the guard allows.

In: FetchSettings (limits, host pins, the private-network switch). Out: an httpx
transport (:class:`GuardedTransport`) whose connections are made by an aiohttp
connector resolving names through :class:`GuardedResolver`. The resolver looks
the host up itself, vets every address it gets with
:func:`flows.fetch.guard.refusal_for_address`, and hands the connector only
vetted IPs, so the address checked is the address used: a DNS answer that
changes between check and connect (DNS rebinding) cannot slip in. Pinned hosts
skip DNS and the check: the program started those servers itself. A host
written as an IP literal is never resolved; :func:`flows.fetch.guard.refusal_for_url`
judges it, for every URL and every redirect hop, before the request is sent.

Why aiohttp under httpx: httpx's own connection pool (httpcore on anyio) spends
3.3 ms of CPU on a 180 kB page at 16 connections; through this transport the
same fetch costs 1.8 ms, and the client code (redirects by hand, the body cap,
WARC recording and replay) keeps httpx's request and response types.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import logging
import os
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult

from extractors.settings import FetchSettings
from flows.fetch.guard import AddressRefused, IPAddress, Pins, literal_address, normalise_host, refusal_for_address

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
        raise httpx.ConnectError(message) from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    return list(dict.fromkeys(addresses))  # one entry per address, order kept


class GuardedResolver(AbstractResolver):
    """An aiohttp resolver that answers only with vetted (or pinned) addresses.

    What it raises (AddressRefused, UnresolvableHost, httpx errors) is not an
    OSError, so aiohttp passes it through to the caller unwrapped. TLS is
    untouched: aiohttp checks the certificate against the URL's host name, not
    the IP connected to.
    """

    def __init__(self, pins: Pins, allow_private: bool, resolver: Resolver = resolve,
                 timeout: float | None = None) -> None:
        self._pins = pins
        self._allow_private = allow_private
        self._resolve = resolver
        self._timeout = timeout

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[ResolveResult]:
        pin = self._pins.get(normalise_host(host))
        if pin is not None:
            logger.debug("pinned %s:%s -> %s:%s", host, port, pin.ip, pin.port or port)
            return [_result(host, ipaddress.ip_address(pin.ip), pin.port or port)]
        try:
            async with asyncio.timeout(self._timeout):
                addresses = await self._resolve(host, port)
        except TimeoutError:
            raise httpx.ConnectTimeout(f"resolving {host!r} timed out") from None
        if not addresses:
            raise httpx.ConnectError(f"{host!r} resolved to no address")
        if not self._allow_private:
            # Every answer, not just the first: a name resolving to a public and a
            # private address is either misconfigured or an attack.
            for address in addresses:
                refusal = refusal_for_address(address, name=host)
                if refusal is not None:
                    raise AddressRefused(refusal)
        return [_result(host, address, port) for address in addresses]

    async def close(self) -> None:
        pass


def _result(host: str, address: IPAddress, port: int) -> ResolveResult:
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    return {"hostname": host, "host": str(address), "port": port, "family": family, "proto": 0,
            "flags": socket.AI_NUMERICHOST}


class GuardedTransport(httpx.AsyncBaseTransport):
    """httpx's transport interface over one aiohttp session and its guarded connector.

    The session is made on the first request (it must be made inside the running
    event loop) and closed with the transport. Bodies are handed over raw
    (``auto_decompress=False``): :mod:`flows.fetch.body` decodes them under the size
    cap. aiohttp's errors are turned into httpx's, which is what the client handles.
    """

    def __init__(self, settings: FetchSettings, pins: Pins, resolver: Resolver = resolve) -> None:
        self._limit = max(1, settings.max_connections)
        self._resolver = GuardedResolver(pins, settings.allow_private_network, resolver,
                                         timeout=settings.connect_timeout)
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        # No TLS context here: each https request brings httpx's (see handle_async_request).
        connector = aiohttp.TCPConnector(
            limit=self._limit, limit_per_host=0, keepalive_timeout=KEEPALIVE_EXPIRY, resolver=self._resolver,
        )
        # No cookie jar and no proxy from the environment: httpx keeps the cookies,
        # and an HTTP_PROXY would connect through the proxy, around the guard.
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(), trust_env=False,
                                     auto_decompress=False)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._session is None:
            self._session = self._open()
        timeouts = request.extensions.get("timeout", {})
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=timeouts.get("connect"),
                                        sock_read=timeouts.get("read"))
        # The verified context is made on the first https request: loading the CA bundle
        # (25-50 ms) is wasted on a run that only reads plain-http feeds and pages.
        tls = _ssl_context() if request.url.scheme == "https" else True
        with _as_httpx_errors(reading=False):
            response = await self._session.request(
                request.method, _connectable(request.url), headers=_raw_headers(request),
                data=request.content or None, allow_redirects=False, timeout=timeout, ssl=tls,
            )
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode("latin-1", "replace")
        return httpx.Response(status_code=response.status, headers=response.raw_headers,
                              stream=_ResponseBody(response), request=request, extensions=extensions)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _connectable(url: httpx.URL) -> str:
    """``url`` with an IPv4 literal in a legacy spelling (``127.1``, ``0x7f000001``) written out.

    Browsers read those spellings as the address (the WHATWG URL standard does);
    aiohttp refuses them. The guard has judged the address they stand for already.
    """
    host = url.host
    if host[:1].isdigit():
        address = literal_address(host)
        if address is not None and address.version == 4 and str(address) != host:
            return str(url.copy_with(host=str(address)))
    return str(url)


def _raw_headers(request: httpx.Request) -> list[tuple[str, str]]:
    """The request's headers as httpx would send them: names in their own case, in order."""
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]


class _ResponseBody(httpx.AsyncByteStream):
    """The response's raw bytes as aiohttp receives them."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        received = 0
        with _as_httpx_errors(reading=True, received=lambda: received, expected=self._response.content_length):
            async for chunk in self._response.content.iter_any():
                received += len(chunk)
                yield chunk

    async def aclose(self) -> None:
        # Back to the pool when the body was read to its end; closed when it was not.
        self._response.release()


@contextmanager
def _as_httpx_errors(reading: bool, received: Callable[[], int] = lambda: 0,
                     expected: int | None = None) -> Iterator[None]:
    """Raise aiohttp's (and the socket's) errors as the httpx errors the client understands."""
    try:
        yield
    except (httpx.HTTPError, AddressRefused, UnresolvableHost):
        raise
    except Exception as exc:
        translated = _translate(exc, reading, received(), expected)
        raise translated from translated.__cause__ or exc


def _translate(exc: Exception, reading: bool, received: int, expected: int | None) -> Exception:
    """The httpx error for an aiohttp error; its words say what happened, not which library saw it."""
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        # Chained to the ssl error itself, which the client looks for to name the problem.
        error = httpx.ConnectError(f"certificate verify failed: {exc.certificate_error}")
        error.__cause__ = exc.certificate_error
        return error
    if isinstance(exc, aiohttp.ClientConnectorError):
        address = _host_port(exc.host, exc.port)
        return httpx.ConnectError(f"{_os_reason(exc.os_error)} ({address})")
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(str(exc) or "connect timed out")
    if isinstance(exc, (aiohttp.SocketTimeoutError, TimeoutError)):
        return httpx.ReadTimeout(str(exc) or "no data before the read timeout")
    if isinstance(exc, aiohttp.ClientPayloadError):
        if expected is not None and received < expected:
            return httpx.RemoteProtocolError(
                f"peer closed connection without sending complete message body: "
                f"received {received} bytes, expected {expected}")
        return httpx.RemoteProtocolError(_innermost(exc))
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return httpx.RemoteProtocolError("server disconnected without sending a complete response"
                                         if not reading else "server disconnected during the body")
    if isinstance(exc, aiohttp.ClientResponseError):  # a status line or headers aiohttp cannot parse
        return httpx.RemoteProtocolError(exc.message or str(exc))
    if isinstance(exc, (aiohttp.ClientOSError, OSError)):
        return (httpx.ReadError if reading else httpx.NetworkError)(_os_reason(exc))
    if isinstance(exc, aiohttp.InvalidURL):
        return httpx.UnsupportedProtocol(str(exc))
    return httpx.TransportError(f"{type(exc).__name__}: {exc}")


def _innermost(exc: BaseException) -> str:
    last = exc
    for cause in causes(exc):
        last = cause
    return str(last) or str(exc)


def _host_port(host: str, port: int | None) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _os_reason(exc: BaseException) -> str:
    """The innermost OS error's words ("Connection refused"), not a wrapper's."""
    reasons = [os.strerror(e.errno) for e in causes(exc) if isinstance(e, OSError) and e.errno]
    return reasons[-1] if reasons else str(exc)


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and the exceptions it was raised from, outermost first (httpx wraps aiohttp wraps OSError)."""
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


def build_transport(settings: FetchSettings, pins: Pins, resolver: Resolver = resolve) -> GuardedTransport:
    """The transport for one fetch_all call: aiohttp connections through :class:`GuardedResolver`."""
    return GuardedTransport(settings, pins, resolver)
