"""Per-host pacing: request starts to one host are spaced; pinned own servers are not paced."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from extractors.settings import FetchSettings
from flows.fetch import FetchRequest, fetch_pages


@pytest.fixture
def clock_server():
    starts: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            starts.append(time.monotonic())
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], starts
    server.shutdown()
    server.server_close()


BASE = replace(FetchSettings(), allow_private_network=True, retries=0, max_per_host=4)


def gaps(starts: list[float]) -> list[float]:
    ordered = sorted(starts)
    return [b - a for a, b in zip(ordered, ordered[1:], strict=False)]


def test_requests_to_one_host_are_spaced(clock_server):
    port, starts = clock_server
    settings = replace(BASE, min_host_interval=0.3)
    results = fetch_pages([FetchRequest(f"http://127.0.0.1:{port}/{i}", "article") for i in range(4)], settings)
    assert [r.outcome for r in results] == ["ok"] * 4
    assert min(gaps(starts)) >= 0.25


def test_crawl_delay_raises_the_interval_for_its_host(clock_server):
    port, starts = clock_server
    settings = replace(BASE, min_host_interval=0.0, host_delays=(("127.0.0.1", 0.3),))
    fetch_pages([FetchRequest(f"http://127.0.0.1:{port}/{i}", "article") for i in range(3)], settings)
    assert min(gaps(starts)) >= 0.25


def test_pinned_hosts_are_not_paced(clock_server):
    port, starts = clock_server
    settings = replace(BASE, allow_private_network=False, min_host_interval=5.0,
                       pinned_hosts=(("own.example", f"127.0.0.1:{port}"),))
    began = time.monotonic()
    results = fetch_pages([FetchRequest(f"http://own.example/{i}", "article") for i in range(4)], settings)
    assert [r.outcome for r in results] == ["ok"] * 4
    assert time.monotonic() - began < 3.0
