"""The offline sample's web: a static server on 127.0.0.1 for the sample's hosts.

In: a sample directory laid out as ``sites/<host>/<path>``. Out: a running
server and the host pins that send fetches for those hosts to it. The pipeline
fetches ``http://kyiv-ledger.example/rss.xml`` exactly as it would a live URL;
only the address it connects to differs, so the sample exercises the same
fetch, extract and judge code as live sources.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".rdf": "application/rdf+xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/feed+json",
}


@dataclass(frozen=True)
class SampleServer:
    address: str  # "127.0.0.1:PORT"
    hosts: tuple[str, ...]

    @property
    def pins(self) -> tuple[tuple[str, str], ...]:
        return tuple((host, self.address) for host in self.hosts)


def _handler(sites: Path) -> type[BaseHTTPRequestHandler]:
    root = sites.resolve()

    class Handler(BaseHTTPRequestHandler):
        server_version = "storywatch-sample/1"

        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            path = unquote(urlsplit(self.path).path)
            target = (root / host / path.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            # The host and path come from the request: never serve outside the sample.
            if not host or root not in target.parents or not target.is_file():
                self.send_error(404)
                return
            body = target.read_bytes()
            # A content hash as ETag lets reruns exercise conditional GET as on live sites.
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            ctype = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the http.server API)
            logger.debug("sample server: " + format, *args)

    return Handler


def sample_hosts(directory: Path) -> tuple[str, ...]:
    """The host names the sample in ``directory`` serves (one folder each under ``sites``)."""
    return tuple(sorted(p.name for p in (directory / "sites").iterdir() if p.is_dir()))


@contextmanager
def serve_sample(directory: Path) -> Iterator[SampleServer]:
    """Serve ``directory/sites`` on an ephemeral loopback port for the duration of the block."""
    sites = directory / "sites"
    hosts = sample_hosts(directory)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(sites))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="storywatch-sample", daemon=True)
    thread.start()
    try:
        yield SampleServer(address=f"127.0.0.1:{server.server_address[1]}", hosts=hosts)
    finally:
        server.shutdown()
        server.server_close()
