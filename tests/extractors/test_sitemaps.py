"""Sitemap parsing on saved urlsets, indexes and gzip files, broken and hostile ones included."""

import gzip
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extractors.sitemaps import MAX_SITEMAP_BYTES, MAX_SITEMAP_URLS, SitemapPage, parse_sitemap

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
SOURCE = "https://www.daily-meridian.example/sitemaps/news.xml"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def reasons(page: SitemapPage) -> list[str]:
    return [p.reason for p in page.problems]


def test_google_news_sitemap():
    page = parse_sitemap(read("news_sitemap.xml"), SOURCE)
    assert page.child_sitemaps == ()
    got = [(c.canonical_url, c.title, c.published_at) for c in page.candidates]
    assert got == [
        ("https://www.daily-meridian.example/world/asia/2023/04/26/xi-zelensky-phone-call",
         "Xi Jinping and Volodymyr Zelensky speak for the first time since the invasion",
         datetime(2023, 4, 26, 14, 45, tzinfo=UTC)),  # news:publication_date beats lastmod
        ("https://www.daily-meridian.example/world/europe/2023/04/27/li-hui-envoy",
         "China's envoy Li Hui heads to Kyiv",  # whitespace collapsed, &apos; decoded
         datetime(2023, 4, 27, tzinfo=UTC)),  # a date-only publication_date
        ("https://www.daily-meridian.example/opinion/2023/04/28/what-beijing-wants", None,
         datetime(2023, 4, 28, tzinfo=UTC)),  # no news block: lastmod
        ("https://www.daily-meridian.example/about", None, None),
    ]
    envoy = page.candidates[1]
    assert envoy.url.endswith("li-hui-envoy?utm_source=sitemap&ref=gn")  # as found, &amp; decoded
    assert {(c.source_url, c.source_kind) for c in page.candidates} == {(SOURCE, "sitemap")}
    assert reasons(page) == ["1 sitemap entry without a usable http(s) loc dropped"]  # the javascript: loc


def test_sitemap_index_lists_canonical_http_children_once():
    page = parse_sitemap(read("sitemap_index.xml"), "https://www.daily-meridian.example/sitemap.xml")
    assert page.candidates == ()
    assert page.child_sitemaps == (
        "https://www.daily-meridian.example/sitemaps/news.xml",
        "https://www.daily-meridian.example/sitemaps/2023-04.xml.gz",
        "https://www.daily-meridian.example/sitemaps/sections.xml",  # relative loc resolved
    )
    assert reasons(page) == ["1 sitemap entry without a usable http(s) loc dropped"]  # the ftp: one


def test_gzipped_sitemap():
    body = read("sitemap_plain.xml.gz")
    assert body[:2] == b"\x1f\x8b"
    page = parse_sitemap(body, "https://harbor-gazette.example/sitemap.xml.gz")
    assert page.problems == ()
    assert [(c.url, c.published_at) for c in page.candidates] == [
        ("https://harbor-gazette.example/world/2023/04/26/xi-zelensky.html",
         datetime(2023, 4, 26, 23, 2, 11, tzinfo=UTC)),
        ("https://harbor-gazette.example/world/2023/04/27/envoy.html",
         datetime(2023, 4, 27, 14, 0, tzinfo=UTC)),
    ]


def test_gzip_bomb_is_refused():
    body = gzip.compress(b"<" + b" " * (MAX_SITEMAP_BYTES + 10), compresslevel=9)
    assert len(body) < 100_000
    page = parse_sitemap(body, SOURCE)
    assert page.candidates == () and page.child_sitemaps == ()
    assert reasons(page) == ["refused: gzip sitemap inflates past the protocol's 50 MB"]


def test_corrupt_and_truncated_gzip():
    whole = read("sitemap_plain.xml.gz")
    page = parse_sitemap(b"\x1f\x8b\x08\x00garbage-not-deflate", SOURCE)
    assert page.candidates == () and reasons(page)[0].startswith("not a sitemap: corrupt gzip")
    page = parse_sitemap(whole[: len(whole) - 60], SOURCE)
    assert reasons(page)[0] == "truncated gzip sitemap; read what arrived"


def test_malformed_sitemap_is_recovered():
    page = parse_sitemap(read("sitemap_malformed.xml"), "https://eastern-courier.example/sitemap.xml")
    assert [c.url for c in page.candidates] == [
        "https://eastern-courier.example/news/2023/04/26/zelensky-xi-phone.html",
        "https://eastern-courier.example/news/2023/04/27/ambassador.html",
        "https://eastern-courier.example/news/2023/04/28/reaction.html",
    ]
    (reason,) = reasons(page)
    assert reason.startswith("malformed sitemap: ") and reason.endswith("; salvaged 3 URLs")
    assert "line 10" in reason


@pytest.mark.parametrize("name", ["sitemap_billion_laughs.xml", "sitemap_xxe.xml"])
def test_entity_bomb_and_external_entity_are_refused(name):
    started = time.perf_counter()
    page = parse_sitemap(read(name), SOURCE)
    assert time.perf_counter() - started < 1.0
    assert page.candidates == () and page.child_sitemaps == ()
    assert reasons(page) == ["refused: sitemap declares XML entities"]


def test_quadratic_blowup_in_utf16_is_refused():
    doc = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE urlset [<!ENTITY a "' + "x" * 50_000 + '">]>'
        '<urlset><url><loc>https://evil.example/' + "&a;" * 50_000 + "</loc></url></urlset>"
    )
    started = time.perf_counter()
    page = parse_sitemap(doc.encode("utf-16"), SOURCE)
    assert time.perf_counter() - started < 2.0
    assert reasons(page) == ["refused: sitemap declares XML entities"]


@pytest.mark.parametrize(
    ("body", "start"),
    [
        (b"", "not a sitemap: empty body"),
        (b"   \n", "not a sitemap: empty body"),
        (b"https://news.example/a\nhttps://news.example/b\n", "not a sitemap"),
        (read("not_a_feed.html"), "not a sitemap: root element is <html>"),
        (read("rss2_cdata.xml"), 'not a sitemap: root element is <rss>, not <urlset> or <sitemapindex> (a feed?'),
    ],
)
def test_not_a_sitemap(body, start):
    page = parse_sitemap(body, SOURCE)
    assert page.candidates == () and page.child_sitemaps == ()
    assert len(page.problems) == 1 and page.problems[0].reason.startswith(start)


def test_urls_beyond_the_protocol_cap_are_dropped():
    extra = 25
    urls = "".join(f"<url><loc>https://news.example/{i}</loc></url>" for i in range(MAX_SITEMAP_URLS + extra))
    body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
    started = time.perf_counter()
    page = parse_sitemap(body, SOURCE)
    assert time.perf_counter() - started < 15
    assert len(page.candidates) == MAX_SITEMAP_URLS
    assert reasons(page) == [f"sitemap lists more than {MAX_SITEMAP_URLS} entries; dropped {extra}"]


def test_namespace_mistakes_are_tolerated():
    body = (b"<urlset><url><loc> https://news.example/a </loc>"
            b"<lastmod>2023-04-26T08:00:00+02:00</lastmod></url></urlset>")
    (only,) = parse_sitemap(body, SOURCE).candidates
    assert (only.url, only.published_at) == ("https://news.example/a", datetime(2023, 4, 26, 6, tzinfo=UTC))
