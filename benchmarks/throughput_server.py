"""A loopback HTTP server for the throughput benchmark: static files with a set latency.

In: a folder (the corpus: ``p/NNNNNN.html`` and ``feeds/NNN.xml``) and a latency in
seconds. Out: a running ``ThreadingHTTPServer`` on 127.0.0.1 that sleeps that long
before every response, answers ``If-None-Match`` with 304 (so a rerun sees unchanged
feeds the way a real site would show them), and counts requests per top-level folder.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# Far above the pipeline's 16 connections and trafilatura's 16 threads, so the
# listen backlog never turns the test into a connect-timeout test.
REQUEST_QUEUE_SIZE = 128

_CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/rss+xml; charset=utf-8"}


class CorpusServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = REQUEST_QUEUE_SIZE

    def __init__(self, root: Path, latency: float) -> None:
        self.root = root.resolve()
        self.latency = latency
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def count(self, key: str) -> None:
        with self._lock:
            self.counts[key] += 1

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.counts)


class _Handler(BaseHTTPRequestHandler):
    server: CorpusServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (the http.server name)
        time.sleep(self.server.latency)
        path = self.path.split("?", 1)[0].lstrip("/")
        self.server.count(path.split("/", 1)[0] if "/" in path else path)
        target = (self.server.root / path).resolve()
        if self.server.root not in target.parents or not target.is_file():
            self._send(404, b"not found", "text/plain")
            return
        body = target.read_bytes()
        etag = '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._send(200, body, _CONTENT_TYPES.get(target.suffix, "application/octet-stream"), etag)

    def _send(self, status: int, body: bytes, content_type: str, etag: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        pass


def start_server(root: Path, latency: float) -> CorpusServer:
    server = CorpusServer(root, latency)
    threading.Thread(target=server.serve_forever, name="corpus-server", daemon=True).start()
    return server
