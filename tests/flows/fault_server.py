"""A misbehaving HTTP server on a loopback port, for the fetcher's tests.

Each path is one behaviour (see ``Handler.do_GET``): redirects, flaky and rate
limiting statuses, big, compressed and gzip-bomb bodies, a drip of one byte a
second, a hang, a slow page that counts concurrent requests. The server records
every TCP connection accepted and every request seen, so a test can assert that
a refused fetch sent nothing at all.
"""

from __future__ import annotations

import gzip
import json
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TEXT = b"<html><head><title>ok</title></head><body><p>Story text.</p></body></html>"


def gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes, gzipped (about 1000:1), built without holding them all in memory."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1 << 20)
    out = [packer.compress(block) for _ in range(size // len(block))]
    out.append(packer.compress(bytes(size % len(block))))
    out.append(packer.flush())
    return b"".join(out)


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


@dataclass
class FaultState:
    bomb: bytes = b""
    connections: int = 0
    requests: list[Seen] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def count(self, key: str) -> int:
        """How many times ``key`` was seen before this one."""
        with self.lock:
            n = self.counters.get(key, 0)
            self.counters[key] = n + 1
            return n


@dataclass
class FaultServer:
    host: str
    port: int
    state: FaultState

    def url(self, path: str) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def connections(self) -> int:
        with self.state.lock:
            return self.state.connections

    @property
    def requests(self) -> list[Seen]:
        with self.state.lock:
            return list(self.state.requests)


def _handler(state: FaultState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request per connection, and a body may end at close.
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            with state.lock:
                state.requests.append(Seen(parts.path, {k.lower(): v for k, v in self.headers.items()}))
            segments = parts.path.strip("/").split("/")
            route = getattr(self, "route_" + segments[0], None)
            try:
                if route is None:
                    self.send_error(404)
                else:
                    route(segments[1:], query)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up on us, as it should

        def reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
                  length: bool = True) -> None:
            self.send_response(status)
            for name, value in (headers or {"Content-Type": "text/html; charset=utf-8"}).items():
                self.send_header(name, value)
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def route_ok(self, args: list[str], query: dict[str, str]) -> None:
            self.reply(200, TEXT, {"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"',
                                   "Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT"})

        def route_echo(self, args: list[str], query: dict[str, str]) -> None:
            self.reply(200, json.dumps(dict(self.headers.items())).encode(), {"Content-Type": "application/json"})

        def route_hops(self, args: list[str], query: dict[str, str]) -> None:
            n = int(args[0])
            if n == 0:
                self.route_ok(args, query)
            else:
                self.reply(302, headers={"Location": f"/hops/{n - 1}"})

        def route_loop(self, args: list[str], query: dict[str, str]) -> None:
            self.reply(301, headers={"Location": "/loop"})

        def route_to(self, args: list[str], query: dict[str, str]) -> None:
            self.reply(302, headers={"Location": query["location"]})

        def route_status(self, args: list[str], query: dict[str, str]) -> None:
            self.reply(int(args[0]), b"status")

        def route_flaky(self, args: list[str], query: dict[str, str]) -> None:
            if state.count("flaky/" + args[0]) < int(query.get("fail", "2")):
                self.reply(int(query.get("status", "503")), b"try later")
            else:
                self.route_ok(args, query)

        def route_limited(self, args: list[str], query: dict[str, str]) -> None:
            if state.count("limited/" + args[0]) == 0:
                self.reply(429, b"slow down", {"Retry-After": query["after"]})
            else:
                self.route_ok(args, query)

        def route_big(self, args: list[str], query: dict[str, str]) -> None:
            self.reply(200, b"a" * int(query["size"]), length=query.get("length", "1") == "1")

        def route_packed(self, args: list[str], query: dict[str, str]) -> None:
            kind = args[0]
            if kind == "gzip":
                body = gzip.compress(TEXT)
            elif kind == "deflate":
                body = zlib.compress(TEXT)
            else:  # raw deflate, sent as "deflate" by some servers
                packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
                body = packer.compress(TEXT) + packer.flush()
            coding = "gzip" if kind == "gzip" else "deflate"
            self.reply(200, body, {"Content-Type": "text/html", "Content-Encoding": coding})

        def route_bomb(self, args: list[str], query: dict[str, str]) -> None:
            self.reply(200, state.bomb, {"Content-Type": "text/html", "Content-Encoding": "gzip"})

        def route_drip(self, args: list[str], query: dict[str, str]) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x")
                if state.stop.wait(1.0):
                    return

        def route_hang(self, args: list[str], query: dict[str, str]) -> None:
            state.stop.wait(30)

        def route_slow(self, args: list[str], query: dict[str, str]) -> None:
            with state.lock:
                state.in_flight += 1
                state.max_in_flight = max(state.max_in_flight, state.in_flight)
            time.sleep(float(query.get("delay", "0.3")))
            with state.lock:
                state.in_flight -= 1
            self.route_ok(args, query)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the http.server API)
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: FaultState

    def verify_request(self, request: object, client_address: object) -> bool:
        with self.state.lock:
            self.state.connections += 1
        return True


class _Server6(_Server):
    address_family = socket.AF_INET6


@contextmanager
def serve_faults(
    host: str = "127.0.0.1", bomb: bytes = b"", tls: ssl.SSLContext | None = None
) -> Iterator[FaultServer]:
    """A fault server on ``host`` (127.0.0.1 or ::1) and an ephemeral port, for the block; HTTPS with ``tls``."""
    state = FaultState(bomb=bomb)
    server = (_Server6 if ":" in host else _Server)((host, 0), _handler(state))
    server.state = state
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield FaultServer(host, server.server_address[1], state)
    finally:
        state.stop.set()
        server.shutdown()
        server.server_close()


@contextmanager
def silent_listener() -> Iterator[int]:
    """A port that completes the TCP handshake (the kernel's backlog) and never says a word."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ipv6_loopback_available() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


def self_signed_certificate(host: str) -> tuple[bytes, bytes]:
    """(certificate PEM, key PEM) for ``host``, its own CA: trust it through SSL_CERT_FILE."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem
