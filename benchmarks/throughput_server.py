"""A loopback HTTP server for the throughput benchmark: static files with a set latency.

In: a folder (the corpus: ``p/NNNNNN.html`` and ``feeds/NNN.xml``) and a latency in
seconds. Out: a running ``ThreadingHTTPServer`` on 127.0.0.1 that sleeps that long
before every response, answers ``If-None-Match`` with 304 (so a rerun sees unchanged
feeds the way a real site would show them), and counts requests per top-level folder.
"""

from __future__ import annotations

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
            self._head(404, "text/plain", 9)
            self.wfile.write(b"not found")
            return
        # The server shares the machine with what is measured, so it serves as cheaply as
        # a web server does: an ETag from size and modification time (as nginx makes it),
        # and the body by sendfile(2), never read into Python (it was 0.7 ms of CPU a page).
        stat = target.stat()
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        if self.headers.get("If-None-Match") == etag:
            self._head(304, None, 0, etag)
            return
        self._head(200, _CONTENT_TYPES.get(target.suffix, "application/octet-stream"), stat.st_size, etag)
        with target.open("rb") as body:
            self.connection.sendfile(body)

    def _head(self, status: int, content_type: str | None, length: int, etag: str | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        pass


def start_server(root: Path, latency: float) -> CorpusServer:
    server = CorpusServer(root, latency)
    threading.Thread(target=server.serve_forever, name="corpus-server", daemon=True).start()
    return server
