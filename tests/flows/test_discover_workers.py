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



def test_each_listing_goes_to_the_workers_while_the_others_are_still_being_fetched(monkeypatch):
    import flows.discover as discover

    others_handed = threading.Event()
    slow_name = "rss2_cdata.xml"

    class Held(_Quiet):
        def do_GET(self) -> None:
            if self.path == f"/{slow_name}":
                self.server.held_until_others = others_handed.wait(20)  # type: ignore[attr-defined]
            super().do_GET()

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Held, directory=str(FEEDS)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    names = ("atom_xmlbase.xml", "jsonfeed.json", "rss1_rdf.rdf", slow_name)
    sources = [SourceSpec(kind="feed", url=f"{base}/{name}") for name in names]
    settings = replace(FetchSettings(), retries=0, min_host_interval=0.0, allow_private_network=True)
    handed: list[str] = []
    real_soon = discover.soon

    def soon(work, listing):
        handed.append(listing.url.rsplit("/", 1)[1])
        if len(handed) == len(names) - 1:
            others_handed.set()
        return real_soon(work, listing)

    monkeypatch.setattr(discover, "soon", soon)
    try:
        with worker_pool(2):
            warm_workers()
            found = discover_candidates(sources, settings)
        assert server.held_until_others  # the slow feed was answered only after the others were handed over
        inline = discover_candidates(sources, settings)  # no pool: read in this process
    finally:
        server.shutdown()
        server.server_close()
    assert sorted(handed[:len(names)]) == sorted(names) and handed[len(names) - 1] == slow_name
    assert len(found.candidates) > 5 and found.candidates == inline.candidates


def test_a_listing_whose_worker_died_is_read_again_and_one_that_raised_is_a_problem():
    import asyncio
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from extractors.records import FetchResult
    from extractors.sitemaps import SitemapPage
    from flows.discover import _pages

    body = (FEEDS / "rss2_cdata.xml").read_bytes()
    read = [(i, f"http://127.0.0.1/{i}.xml", "feed", FetchResult(url=f"http://127.0.0.1/{i}.xml", purpose="feed",
                                                                  outcome="ok", reason="", body=body))
            for i in range(3)]
    done, broken, raised = Future(), Future(), Future()
    done.set_result(SitemapPage((), (), ()))
    broken.set_exception(BrokenProcessPool("a worker died"))
    raised.set_exception(ValueError("bad feed"))
    pages = asyncio.run(_pages(read, {0: done, 1: broken, 2: raised}))
    assert pages[0] == SitemapPage((), (), ())
    assert isinstance(pages[1], SitemapPage) and len(pages[1].candidates) > 0  # read again, here
    assert isinstance(pages[2], ValueError)
