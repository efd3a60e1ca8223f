"""A loopback HTTP server for the throughput benchmark: static files with a set latency.

In: a folder (the corpus: ``p/NNNNNN.html`` and ``feeds/NNN.xml``) and a latency in
seconds. Out: a running server on 127.0.0.1 that waits that long before every
response, answers ``If-None-Match`` with 304 (so a rerun sees unchanged feeds the way a
real site would show them), keeps connections alive (HTTP/1.1), and counts requests per
top-level folder.

The sites a run reads are on other machines; this one shares the measured cores with
what is measured, so it serves as cheaply as a web server does: one asyncio event loop
(no thread per connection), only the request line and the one header it needs parsed,
an ETag from size and modification time (as nginx makes it), and the body by
sendfile(2), never read into Python. http.server's thread per connection and its
email-package header parsing cost 1.0 s of CPU in a 2,000-page run; this loop costs 0.75 s
(0.53 s user, 0.22 s system, which is mostly sending 350 MB over loopback).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from pathlib import Path

# Far above the pipeline's 16 connections and trafilatura's 16 threads, so the
# listen backlog never turns the test into a connect-timeout test.
REQUEST_QUEUE_SIZE = 128
MAX_HEAD = 16 * 1024  # a request head longer than this is refused
SEND_BUFFER = 1 << 20  # bytes; the corpus's pages are 40-700 kB

_CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/rss+xml; charset=utf-8"}
_REASONS = {200: "OK", 304: "Not Modified", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}


class CorpusServer:
    def __init__(self, root: Path, latency: float, port: int = 0) -> None:
        self.root = root.resolve()
        self.latency = latency
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._connections: set[asyncio.Task[None]] = set()
        self._loop = asyncio.new_event_loop()
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", port, backlog=REQUEST_QUEUE_SIZE, limit=MAX_HEAD))
        self._thread = threading.Thread(target=self._loop.run_forever, name="corpus-server", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def port(self) -> int:
        return self._server.sockets[0].getsockname()[1]

    def count(self, key: str) -> None:
        with self._lock:
            self.counts[key] += 1

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.counts)

    def shutdown(self) -> None:
        async def close() -> None:
            self._server.close()
            for task in self._connections:  # idle keep-alive connections would wait forever
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)
            await self._server.wait_closed()

        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        # Room for a whole page: sendfile then sends it in one call, not a call per wakeup.
        writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                keep_alive = await self._answer(head, writer)
                await writer.drain()
                if not keep_alive:
                    return
        except asyncio.CancelledError:  # shut down: ending here, rather than cancelled, keeps asyncio quiet
            return
        except ConnectionError:  # the client went away mid-answer
            return
        finally:
            self._connections.discard(task)
            writer.close()

    async def _answer(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; whether the connection stays open for the next."""
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            self._head(writer, 400, None, 0)
            return False
        method, target, version = parts
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        keep_alive = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        await asyncio.sleep(self.latency)
        if method != "GET":
            self._head(writer, 405, None, 0)
            return keep_alive
        path = target.split("?", 1)[0].lstrip("/")
        self.count(path.split("/", 1)[0] if "/" in path else path)
        file = (self.root / path).resolve()
        if self.root not in file.parents or not file.is_file():
            self._head(writer, 404, "text/plain", 9)
            writer.write(b"not found")
            return keep_alive
        stat = file.stat()
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        if headers.get("if-none-match") == etag:
            self._head(writer, 304, None, 0, etag)
            return keep_alive
        self._head(writer, 200, _CONTENT_TYPES.get(file.suffix, "application/octet-stream"), stat.st_size, etag)
        await writer.drain()
        with file.open("rb") as body:
            await asyncio.get_running_loop().sendfile(writer.transport, body)
        return keep_alive

    @staticmethod
    def _head(writer: asyncio.StreamWriter, status: int, content_type: str | None, length: int,
              etag: str | None = None) -> None:
        lines = [f"HTTP/1.1 {status} {_REASONS[status]}", f"Content-Length: {length}"]
        if content_type:
            lines.append(f"Content-Type: {content_type}")
        if etag:
            lines.append(f"ETag: {etag}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))


def start_server(root: Path, latency: float, port: int = 0) -> CorpusServer:
    server = CorpusServer(root, latency, port)
    server.start()
    return server
