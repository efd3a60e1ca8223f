"""Discovery reads its feeds and sitemaps on the run's started workers exactly as in-process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from extractors.settings import FetchSettings, SourceSpec
from extractors.workers import warm_workers, worker_pool
from flows.discover import discover_candidates

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
FEED_FILES = ("atom_xmlbase.xml", "jsonfeed.json", "rss1_rdf.rdf", "rss2_cdata.xml", "malformed_unclosed.xml",
              "not_a_feed.html", "billion_laughs.xml")
SITEMAP_FILES = ("news_sitemap.xml", "sitemap_plain.xml.gz", "sitemap_malformed.xml", "sitemap_xxe.xml")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(FEEDS)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_listings_read_on_the_workers_give_the_same_discovery(port):
    base = f"http://127.0.0.1:{port}"
    sources = ([SourceSpec(kind="feed", url=f"{base}/{name}") for name in FEED_FILES]
               + [SourceSpec(kind="sitemap", url=f"{base}/{name}") for name in SITEMAP_FILES])
    settings = replace(FetchSettings(), retries=0, min_host_interval=0.0, allow_private_network=True)
    inline = discover_candidates(sources, settings)
    with worker_pool(2):
        warm_workers()
        pooled = discover_candidates(sources, settings)
    assert len(inline.candidates) > 10 and inline.problems  # the broken ones said why
    assert pooled.candidates == inline.candidates
    assert pooled.problems == inline.problems
    assert [r.url for r in pooled.source_results] == [r.url for r in inline.source_results]
