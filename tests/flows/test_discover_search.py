"""Search discovery end to end on loopback: Google News redirects resolved, twins dropped, GDELT read.

One server on 127.0.0.1 plays Google News (``news.google.com`` pinned to it),
three publishers (pinned too) and the GDELT API (addressed as 127.0.0.1).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from prefect import flow

from extractors.search import build_query
from extractors.seed import load_seed
from extractors.settings import FetchSettings, MonitorSettings, SearchSettings, SourceSpec
from flows.discover import SearchContext, discover_candidates
from flows.pipeline import discover_task

START = datetime(2023, 4, 25, tzinfo=UTC)
END = datetime(2023, 5, 11, tzinfo=UTC)
QUERY = '"xi jinping" zelensky'
ENVOY = "China to send special envoy to Ukraine after Xi-Zelensky phone call"

GOOGLE_RSS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><generator>NFE/5.0</generator>
<title>search - Google News</title><link>https://news.google.com/search</link><description>Google News</description>
<item><title>Xi Jinping holds first call with Volodymyr Zelensky - The Kyiv Ledger</title>
<link>http://news.google.com/rss/articles/CBMiAAA?oc=5</link><guid isPermaLink="false">CBMiAAA</guid>
<pubDate>Wed, 26 Apr 2023 16:05:00 GMT</pubDate>
<source url="https://www.kyiv-ledger.example">The Kyiv Ledger</source></item>
<item><title>{ENVOY} - Continental Wire</title>
<link>http://news.google.com/rss/articles/CBMiBBB?oc=5</link><guid isPermaLink="false">CBMiBBB</guid>
<pubDate>Wed, 26 Apr 2023 18:40:00 GMT</pubDate>
<source url="https://continental-wire.example">Continental Wire</source></item>
<item><title>Kyiv weighs Beijing's peace overture - Eastern Courier</title>
<link>http://news.google.com/rss/articles/CBMiCCC?oc=5</link><guid isPermaLink="false">CBMiCCC</guid>
<pubDate>Thu, 27 Apr 2023 07:00:00 GMT</pubDate>
<source url="https://eastern-courier.example">Eastern Courier</source></item>
</channel></rss>"""

PUBLISHER_FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Continental Wire</title><link>http://continental-wire.example/</link>
<description>news</description>
<item><title>{ENVOY}</title><link>http://continental-wire.example/news/china-envoy.html</link>
<pubDate>Wed, 26 Apr 2023 18:30:00 GMT</pubDate></item>
</channel></rss>"""

GDELT = {"articles": [{
    "url": "https://harbor-gazette.example/world/xi-zelensky-call", "url_mobile": "",
    "title": "Xi and Zelensky speak for the first time", "seendate": "20230426T171500Z", "socialimage": "",
    "domain": "harbor-gazette.example", "language": "English", "sourcecountry": "United States",
}]}


class SearchWorld:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []  # (host, path?query)
        self.lock = threading.Lock()
        self.port = 0

    def seen(self, host: str) -> list[str]:
        with self.lock:
            return [path for h, path in self.requests if h == host]


def _handler(world: SearchWorld) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            host = (self.headers.get("Host") or "").split(":")[0]
            path = urlsplit(self.path).path
            with world.lock:
                world.requests.append((host, self.path))
            if host == "news.google.com" and path == "/rss/search":
                self._send(GOOGLE_RSS.encode(), "application/rss+xml; charset=utf-8")
            elif host == "news.google.com" and path == "/rss/articles/CBMiAAA":
                self._redirect("http://kyiv-ledger.example/world/xi-zelensky-call.html")
            elif host == "kyiv-ledger.example" and path == "/world/xi-zelensky-call.html":
                self._send(b"<html><body><p>The call.</p></body></html>", "text/html; charset=utf-8")
            elif host == "continental-wire.example" and path == "/feed.xml":
                self._send(PUBLISHER_FEED.encode(), "application/rss+xml")
            elif host == "127.0.0.1" and path == "/api/v2/doc/doc":
                self._send(json.dumps(GDELT).encode(), "application/json")
            else:  # Google links B and C do not resolve
                self.send_error(404)

        def _send(self, body: bytes, ctype: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def world() -> Iterator[SearchWorld]:
    world = SearchWorld()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(world))
    server.daemon_threads = True
    world.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield world
    server.shutdown()
    server.server_close()


def _settings(world: SearchWorld) -> FetchSettings:
    target = f"127.0.0.1:{world.port}"
    pins = tuple((host, target) for host in ("news.google.com", "kyiv-ledger.example", "continental-wire.example"))
    return replace(
        FetchSettings(), connect_timeout=2.0, read_timeout=5.0, total_timeout=10.0, retries=0,
        min_host_interval=0.0, allow_private_network=True, pinned_hosts=pins,
    )


def test_search_sources_resolve_redirects_drop_twins_and_read_gdelt(world):
    search = SearchContext(
        query=QUERY, window_start=START, window_end=END,
        settings=SearchSettings(google_news_base="http://news.google.com",
                                gdelt_base=f"http://127.0.0.1:{world.port}", maxrecords=75),
    )
    sources = [
        SourceSpec(kind="google_news"),
        SourceSpec(kind="gdelt"),
        SourceSpec(kind="feed", url="http://continental-wire.example/feed.xml"),
    ]
    discovery = discover_candidates(sources, _settings(world), search)

    assert discovery.query == QUERY
    by_kind: dict[str, list[str]] = {}
    for candidate in discovery.candidates:
        by_kind.setdefault(candidate.source_kind, []).append(candidate.url)
    # A: redirect followed to the publisher; B: unresolved, but the publisher's feed has the
    # same source and title, so it is dropped; C: unresolved and unique, kept as the Google link.
    assert by_kind["google_news"] == [
        "http://kyiv-ledger.example/world/xi-zelensky-call.html",
        "http://news.google.com/rss/articles/CBMiCCC?oc=5",
    ]
    assert by_kind["feed"] == ["http://continental-wire.example/news/china-envoy.html"]
    assert by_kind["gdelt"] == ["https://harbor-gazette.example/world/xi-zelensky-call"]
    gdelt = next(c for c in discovery.candidates if c.source_kind == "gdelt")
    assert gdelt.published_at == datetime(2023, 4, 26, 17, 15, tzinfo=UTC)
    kept_google = [c for c in discovery.candidates if c.source_kind == "google_news"]
    assert [c.source_site for c in kept_google] == ["kyiv-ledger.example", "eastern-courier.example"]

    # The requests carried the query and the window.
    [google_search] = [p for p in world.seen("news.google.com") if p.startswith("/rss/search")]
    params = parse_qs(urlsplit(google_search).query)
    assert params["q"] == [f"{QUERY} after:2023-04-24 before:2023-05-11"]
    assert (params["hl"], params["gl"], params["ceid"]) == (["en-US"], ["US"], ["US:en"])
    [gdelt_request] = world.seen("127.0.0.1")
    params = parse_qs(urlsplit(gdelt_request).query)
    assert params["query"] == [QUERY] and params["maxrecords"] == ["75"]
    assert (params["startdatetime"], params["enddatetime"]) == (["20230425000000"], ["20230511000000"])
    # Every search request and redirect lookup is in the fetch record.
    assert len(discovery.source_results) == 2 + 3 + 1


def test_search_sources_without_a_context_are_a_bug(world):
    with pytest.raises(ValueError, match="SearchContext"):
        discover_candidates([SourceSpec(kind="gdelt")], _settings(world))


def test_feeds_alone_record_no_query(world):
    sources = [SourceSpec(kind="feed", url="http://continental-wire.example/feed.xml")]
    discovery = discover_candidates(sources, _settings(world))
    assert discovery.query is None and len(discovery.candidates) == 1


def test_discover_task_derives_the_query_from_the_seed_and_searches_its_window(prefect_harness, world):
    seed = load_seed(Path(__file__).resolve().parents[2] / "seeds" / "xi-zelensky-call.txt")
    settings = MonitorSettings(
        sources=(SourceSpec(kind="gdelt"),), fetch=_settings(world),
        search=SearchSettings(gdelt_base=f"http://127.0.0.1:{world.port}"),
    )

    @flow
    def discover_only() -> object:
        return discover_task(settings, seed)

    discovery = discover_only()
    assert discovery.query == build_query(seed.text, None) and "zelensky" in discovery.query
    [gdelt_request] = world.seen("127.0.0.1")
    params = parse_qs(urlsplit(gdelt_request).query)
    assert params["query"] == [discovery.query]
    # The seed is dated 2023-04-26; the default window is one day before to fourteen after.
    assert (params["startdatetime"], params["enddatetime"]) == (["20230425000000"], ["20230511000000"])
    assert [c.url for c in discovery.candidates] == ["https://harbor-gazette.example/world/xi-zelensky-call"]
