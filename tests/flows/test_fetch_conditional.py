"""Conditional GET: validators from the last fetch turn an unchanged resource into a 304."""

from __future__ import annotations

import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from extractors.settings import FetchSettings
from flows.fetch import FetchRequest, fetch_pages

FEED = b"<rss version='2.0'><channel><title>t</title></channel></rss>"
ETAG = '"v1"'
LAST_MODIFIED = "Wed, 26 Apr 2023 12:00:00 GMT"


@pytest.fixture
def feed_server():
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(dict(self.headers))
            if self.headers.get("If-None-Match") == ETAG or self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", ETAG)
            self.send_header("Last-Modified", LAST_MODIFIED)
            self.send_header("Content-Length", str(len(FEED)))
            self.end_headers()
            self.wfile.write(FEED)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/rss.xml", seen
    server.shutdown()
    server.server_close()


SETTINGS = replace(FetchSettings(), allow_private_network=True, retries=0, min_host_interval=0.0)


def test_first_fetch_keeps_validators_and_the_second_is_not_modified(feed_server):
    url, seen = feed_server
    [first] = fetch_pages([FetchRequest(url, "feed")], SETTINGS)
    assert first.outcome == "ok" and first.body == FEED
    assert (first.etag, first.last_modified) == (ETAG, LAST_MODIFIED)

    [second] = fetch_pages([FetchRequest(url, "feed", etag=first.etag, last_modified=first.last_modified)], SETTINGS)
    assert second.outcome == "not_modified" and second.body is None and second.http_status == 304
    assert (second.etag, second.last_modified) == (ETAG, LAST_MODIFIED)
    assert second.attempts[-1].outcome == "not_modified" and second.attempts[-1].final
    assert seen[1]["If-None-Match"] == ETAG and seen[1]["If-Modified-Since"] == LAST_MODIFIED
    assert "If-None-Match" not in seen[0]


def test_a_changed_resource_comes_back_whole(feed_server):
    url, _ = feed_server
    [result] = fetch_pages([FetchRequest(url, "feed", etag='"v0"')], SETTINGS)
    assert result.outcome == "ok" and result.body == FEED and result.etag == ETAG
