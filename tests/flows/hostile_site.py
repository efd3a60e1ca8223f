"""A hostile newsroom on 127.0.0.1, for whole-run tests of the pipeline against a bad web.

One server answers for every host a test pins to it (the way the offline sample
is served): requests for a sample outlet (``kyiv-ledger.example``, ...) get that
outlet's real page from ``seeds/sample/sites``; every other host
(``hostile.example``, and the loopback disguises ``127.1``, ``0x7f000001``, ...)
is routed by path to one behaviour each (see ``FAULTS`` and ``_Handler``). Feeds
and sitemaps list good articles next to one entry per fault; some feeds are
faults themselves (malformed, an entity bomb, 50,000 items, a sitemap index that
lists itself). The server records every request as (host, path), so a test can
assert that a refused URL was never connected to, and that a sitemap was read once.
"""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from tests.flows.fault_server import gzip_bomb, ipv6_loopback_available

SITES = Path(__file__).resolve().parents[2] / "seeds" / "sample" / "sites"
HOST = "hostile.example"
SAMPLE_HOSTS = tuple(sorted(p.name for p in SITES.iterdir() if p.is_dir()))
# In the seed's time window (the seed is dated 2023-04-26).
IN_WINDOW = "Wed, 26 Apr 2023 12:00:00 GMT"
# Entries of the 50,000-item feed are dated years before the story: the window drops
# them all, so the test sees the feed's cost without fetching thousands of pages.
LONG_AGO = "Mon, 01 Jan 2018 00:00:00 GMT"
BULK_ITEMS = 50_000
# The body cap the tests' seed sets ([fetch] max_bytes): over the 50,000-item feed
# (about 4.6 MB), under the big bodies below.
MAX_BYTES = 6_000_000


def page(path: str) -> bytes:
    """A sample outlet's page: ``host/path.html``."""
    return (SITES / path).read_bytes()


# Real related articles from the sample, listed at their own URLs (served by host name).
FEED_GOOD = (
    "continental-wire.example/article/world/china-ukraine-xi-zelensky-first-call-envoy-2023-04-26.html",
    "kyiv-ledger.example/news/2023/04/26/zelensky-xi-first-call-riabikin-ambassador.html",
    "pacific-herald.example/asia/china/article/3218811/beijing-readout-xi-zelensky-call-li-hui.html",
)
SITEMAP_GOOD = (
    "harbor-gazette.example/world/2023/04/26/white-house-kirby-welcomes-xi-zelensky-call.html",
    "alpine-times.example/business/explainer-xi-zelensky-call-diplomacy-markets.html",
)
# Listed in the malformed feed before the damage: salvaged, it must still load.
SALVAGED_GOOD = "harbor-gazette.example/world/2023/04/26/xi-zelensky-speak-china-envoy.html"
# What the disguised loopback links serve when they are fetched at all.
PROBE_PAGE = "eastern-courier.example/world/asia/xi-zelensky-phone-call-special-envoy-20230426.html"


@dataclass(frozen=True)
class Fault:
    """One fault entry in the main feed: ``hostile.example/faults/<name>``."""

    name: str
    loads: bool  # whether the run should end with this URL's article stored
    page: str | None = None  # the sample page it serves when it serves one


FAULTS = (
    Fault("hang", loads=False),  # accepts, reads the request, never answers
    Fault("drip", loads=False),  # headers, then a byte a second
    Fault("flaky", loads=True, page="continental-wire.example/article/world/"
                                    "china-envoy-li-hui-ukraine-trip-2023-05-05.html"),  # 503, 503, 200
    Fault("limited", loads=True, page="daily-meridian.example/news/world/"
                                      "analysis-can-china-be-peacemaker-ukraine-a1042588.html"),  # 429 Retry-After 1
    Fault("down", loads=False),  # 503 every time
    Fault("limited-long", loads=False),  # 429 asking for an hour
    Fault("loop", loads=False),  # redirects to itself
    Fault("chain", loads=False),  # ten redirects, each to the next
    # A pinned (allowed) host redirecting to loopback: each hop is vetted, the last one
    # by its text (127.1), the other only once resolved, on the address connected to.
    Fault("redirect-to-loopback", loads=False),
    Fault("redirect-to-name", loads=False),
    Fault("big", loads=False),  # a body past the cap, Content-Length says so
    Fault("big-unannounced", loads=False),  # a body past the cap, no Content-Length
    Fault("bomb", loads=False),  # gzip inflating to 100 MB
    Fault("pdf", loads=False),
    Fault("image", loads=False),  # a real PNG signature, sent as image/png
    Fault("html-as-png", loads=False, page="pacific-herald.example/world/article/3218830/"
                                           "xi-jinping-phones-zelensky-promises-peace-envoy.html"),
    # UTF-8 bytes under a Latin-1 header (the server's default, not the page's)
    Fault("charset-latin1-header", loads=True, page="metro-post.example/2023/04/27/xi-zelensky-first-phone-call.html"),
    # windows-1252 bytes under a UTF-8 header
    Fault("charset-utf8-header", loads=True, page="daily-meridian.example/news/world/"
                                                  "elysee-backs-all-dialogue-macron-china-a1042310.html"),
    # windows-1252 bytes, no charset anywhere (header nor <meta>)
    Fault("charset-missing", loads=True, page="le-quotidien.example/international/2023/04/27/"
                                              "xi-jinping-et-volodymyr-zelensky-se-parlent-enfin_4512.html"),
    Fault("empty", loads=False),  # 200, no body
    Fault("cut", loads=False),  # 1,000 bytes of a promised 5,000, then the connection closes
)
# A relative entry link: it resolves against the feed's URL to hostile.example/rel/story.
RELATIVE_PAGE = "eastern-courier.example/world/europe/moscow-reacts-xi-zelensky-call-20230427.html"
UNFETCHABLE_LINKS = ("javascript:alert(document.cookie)", "data:text/html,<h1>Xi Zelensky call</h1>",
                     "file:///etc/passwd")


def fault_url(name: str) -> str:
    return f"http://{HOST}/faults/{name}"


def sample_url(path: str) -> str:
    return f"http://{path}"


def _without_meta_charset(html: str) -> str:
    import re

    return re.sub(r"<meta[^>]*charset[^>]*>", "", html, flags=re.IGNORECASE)


def _item(link: str, date: str | None = IN_WINDOW) -> str:
    when = f"<pubDate>{date}</pubDate>" if date else ""
    return f"<item><link>{link}</link>{when}</item>"


def _rss(items: list[str], title: str = "Hostile Times") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://{HOST}/</link>" + "".join(items) + "</channel></rss>").encode()


@dataclass
class HostileSite:
    """The running server: its loopback port(s), the request log, and the documents it serves."""

    port: int
    port6: int | None = None  # the same site on [::1], when the machine has IPv6 loopback
    requests: list[tuple[str, str]] = field(default_factory=list)  # (host, path)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    counters: Counter[str] = field(default_factory=Counter)
    documents: dict[str, tuple[bytes, dict[str, str]]] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def hosts(self) -> tuple[str, ...]:
        return (HOST, *SAMPLE_HOSTS)

    def hits(self, path: str, host: str | None = None) -> int:
        with self.lock:
            return sum(1 for h, p in self.requests if p == path and (host is None or h == host))

    def loopback_links(self) -> dict[str, str]:
        """Disguised loopback URLs of this server, by disguise: none may be fetched without the flag."""
        port, port6 = self.port, self.port6 or self.port
        links = {
            "127.1": f"http://127.1:{port}/probe/short",
            "0x7f000001": f"http://0x7f000001:{port}/probe/hex",
            "2130706433": f"http://2130706433:{port}/probe/decimal",
            "[::1]": f"http://[::1]:{port6}/probe/ipv6",
            "localhost": f"http://localhost:{port}/probe/localhost",
            "[::ffff:127.0.0.1]": f"http://[::ffff:127.0.0.1]:{port}/probe/mapped",
        }
        name = private_name()
        if name is not None:  # resolves to loopback: only the connection layer can tell
            links["name"] = f"http://{name}:{port}/probe/name"
        return links

    def build(self) -> None:
        """The feeds, sitemaps and fault bodies, built once before serving."""
        docs = self.documents
        xml = {"Content-Type": "application/rss+xml"}
        main = [_item(sample_url(p)) for p in FEED_GOOD]
        main += [_item(fault_url(f.name), None) for f in FAULTS]
        main += ["<item><link>/rel/story</link></item>"]
        main += [f"<item><link>{link.replace('&', '&amp;').replace('<', '&lt;')}</link></item>"
                 for link in UNFETCHABLE_LINKS]
        docs["/feeds/main.xml"] = (_rss(main), xml)
        docs["/feeds/loopback.xml"] = (_rss([_item(u, None) for u in self.loopback_links().values()]), xml)
        # Malformed: one good entry, then a bare ampersand, an unclosed element and no end.
        docs["/feeds/malformed.xml"] = (
            (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Broken</title>'
             f"{_item(sample_url(SALVAGED_GOOD))}<item><title>Fish & chips <b>bold</title>").encode(),
            xml,
        )
        laughs = "".join(f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, 10))
        docs["/feeds/bomb.xml"] = (
            (f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY l0 "lol">{laughs}]>\n'
             f'<rss version="2.0"><channel><title>&l9;</title>'
             f"{_item(f'http://{HOST}/never-bomb')}</channel></rss>").encode(),
            xml,
        )
        docs["/feeds/bulk.xml"] = (
            _rss([_item(f"http://{HOST}/bulk/{i}", LONG_AGO) for i in range(BULK_ITEMS)], "Bulk"), xml,
        )
        sm = {"Content-Type": "application/xml"}
        docs["/sitemaps/index.xml"] = (
            (f'<?xml version="1.0" encoding="UTF-8"?>\n'
             f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<sitemap><loc>http://{HOST}/sitemaps/index.xml</loc></sitemap>"
             f"<sitemap><loc>http://{HOST}/sitemaps/news.xml</loc></sitemap></sitemapindex>").encode(),
            sm,
        )
        urls = "".join(f"<url><loc>{sample_url(p)}</loc><lastmod>2023-04-26</lastmod></url>" for p in SITEMAP_GOOD)
        docs["/sitemaps/news.xml"] = (
            (f'<?xml version="1.0" encoding="UTF-8"?>\n'
             f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode(),
            sm,
        )
        html = {"Content-Type": "text/html; charset=utf-8"}
        pages = {f.name: f.page for f in FAULTS if f.page}
        docs["/faults/flaky"] = (page(pages["flaky"]), html)
        docs["/faults/limited"] = (page(pages["limited"]), html)
        docs["/faults/big"] = (b"<html><body><p>" + b"a" * (MAX_BYTES + 1_000_000) + b"</p></body></html>", html)
        docs["/faults/big-unannounced"] = docs["/faults/big"]
        docs["/faults/bomb"] = (gzip_bomb(100_000_000), {**html, "Content-Encoding": "gzip"})
        docs["/faults/pdf"] = (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" * 40,
                               {"Content-Type": "application/pdf"})
        docs["/faults/image"] = (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, {"Content-Type": "image/png"})
        docs["/faults/html-as-png"] = (page(pages["html-as-png"]), {"Content-Type": "image/png"})
        docs["/faults/charset-latin1-header"] = (page(pages["charset-latin1-header"]),
                                                 {"Content-Type": "text/html; charset=iso-8859-1"})
        text = _without_meta_charset(page(pages["charset-utf8-header"]).decode("utf-8"))
        docs["/faults/charset-utf8-header"] = (text.encode("cp1252"), html)
        text = _without_meta_charset(page(pages["charset-missing"]).decode("utf-8"))
        docs["/faults/charset-missing"] = (text.encode("cp1252"), {"Content-Type": "text/html"})
        docs["/faults/empty"] = (b"", html)
        docs["/rel/story"] = (page(RELATIVE_PAGE), html)
        for name in ("short", "hex", "decimal", "ipv6", "localhost", "name", "mapped", "redirected", "redirected-name"):
            docs[f"/probe/{name}"] = (page(PROBE_PAGE), html)


def private_name() -> str | None:
    """A name from /etc/hosts that resolves to loopback or a private address only, or None.

    Taken from /etc/hosts, not asked of DNS, so the test sends no query off the machine;
    the run then resolves it the ordinary way, and only the connection layer, on the
    address it resolved to, can tell it is not a public site.
    """
    import ipaddress

    try:
        lines = Path("/etc/hosts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split("#", 1)[0].split()
        for name in fields[1:]:
            if name.lower() == "localhost" or name.lower().endswith(".localhost") or ":" in name:
                continue
            try:
                infos = socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)
            except OSError:
                continue
            addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
            if addresses and all(a.is_loopback or a.is_private for a in addresses):
                return name
    return None


def _handler(site: HostileSite) -> type[BaseHTTPRequestHandler]:
    sites = SITES.resolve()

    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request per connection; a body without Content-Length ends at close.
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
            path = urlsplit(self.path).path
            with site.lock:
                site.requests.append((host, path))
                seen = site.counters[path]
                site.counters[path] += 1
            try:
                if host in SAMPLE_HOSTS:
                    self.sample(host, path)
                else:
                    self.route(path, seen)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up on us, as it should

        def sample(self, host: str, path: str) -> None:
            target = (sites / host / path.lstrip("/")).resolve()
            if sites not in target.parents or not target.is_file():
                self.send_error(404)
                return
            self.reply(200, target.read_bytes(), {"Content-Type": "text/html; charset=utf-8"})

        def route(self, path: str, seen: int) -> None:
            if path == "/faults/hang":
                site.stop.wait(30)
            elif path == "/faults/drip":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", "100")
                self.end_headers()
                for _ in range(100):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    if site.stop.wait(1.0):
                        return
            elif path == "/faults/flaky" and seen < 2:
                self.reply(503, b"busy", {"Content-Type": "text/plain"})
            elif path == "/faults/limited" and seen < 1:
                self.reply(429, b"slow down", {"Content-Type": "text/plain", "Retry-After": "1"})
            elif path == "/faults/down":
                self.reply(503, b"down", {"Content-Type": "text/plain"})
            elif path == "/faults/limited-long":
                self.reply(429, b"come back later", {"Content-Type": "text/plain", "Retry-After": "3600"})
            elif path == "/faults/loop":
                self.reply(301, b"", {"Location": "/faults/loop"})
            elif path.startswith("/faults/chain"):
                n = int(path.removeprefix("/faults/chain").strip("/") or 10)
                self.reply(302, b"", {"Location": f"/faults/chain/{n - 1}"} if n > 0 else {})
            elif path == "/faults/redirect-to-loopback":
                self.reply(302, b"", {"Location": f"http://127.1:{site.port}/probe/redirected"})
            elif path == "/faults/redirect-to-name":
                name = private_name() or "127.1"
                self.reply(302, b"", {"Location": f"http://{name}:{site.port}/probe/redirected-name"})
            elif path == "/faults/big-unannounced":
                body, headers = site.documents[path]
                self.reply(200, body, headers, length=False)
            elif path == "/faults/cut":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", "5000")
                self.end_headers()
                self.wfile.write(b"<html><body><p>" + b"cut " * 246 + b"\n")
            elif path in site.documents:
                body, headers = site.documents[path]
                self.reply(200, body, headers)
            else:
                self.send_error(404)

        def reply(self, status: int, body: bytes, headers: dict[str, str], length: bool = True) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the http.server API)
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The run opens up to 16 connections at once; the default backlog of 5 would drop
    # SYNs and turn good pages into connect timeouts.
    request_queue_size = 128


class _Server6(_Server):
    address_family = socket.AF_INET6


@contextmanager
def serve_hostile_site() -> Iterator[HostileSite]:
    """The hostile newsroom on an ephemeral 127.0.0.1 port (and [::1] when available), for the block."""
    servers: list[ThreadingHTTPServer] = []
    site = HostileSite(port=0)
    handler = _handler(site)
    servers.append(_Server(("127.0.0.1", 0), handler))
    site.port = servers[0].server_address[1]
    if ipv6_loopback_available():
        servers.append(_Server6(("::1", 0), handler))
        site.port6 = servers[1].server_address[1]
    site.build()
    threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
               for s in servers]
    for thread in threads:
        thread.start()
    try:
        yield site
    finally:
        site.stop.set()
        for server in servers:
            server.shutdown()
            server.server_close()
