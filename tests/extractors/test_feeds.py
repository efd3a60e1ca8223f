"""Feed parsing on saved RSS 2.0, RSS 1.0, Atom and JSON Feed files, broken and hostile ones included."""

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extractors import feeds
from extractors.feeds import MAX_FEED_ENTRIES, parse_feed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def reasons(problems) -> list[str]:
    return [p.reason for p in problems]


def test_rss2_with_cdata_html_and_unusable_links():
    source = "https://www.kyiv-ledger.example/rss.xml"
    found, problems = parse_feed(read("rss2_cdata.xml"), source, "application/rss+xml; charset=utf-8")
    assert [c.canonical_url for c in found] == [
        "https://www.kyiv-ledger.example/world/2023/04/26/xi-zelensky-call.html",
        "https://www.kyiv-ledger.example/world/2023/04/27/china-envoy-li-hui.html",
        "https://www.kyiv-ledger.example/analysis/2023/04/28/call-counteroffensive.html",
        "https://www.kyiv-ledger.example/wires/xi-zelensky-reuters.html",
    ]
    first = found[0]
    # url is the link as found; only the canonical form loses the tracking parameters
    assert first.url.endswith("xi-zelensky-call.html?utm_source=rss&utm_medium=feed&utm_campaign=world")
    assert (first.source_url, first.source_kind) == (source, "feed")
    assert first.title == "Xi and Zelensky hold first call since Russia's invasion"
    # HTML stripped (script dropped), entities decoded, whitespace collapsed, description not content:encoded
    assert first.summary == (
        "Chinese President Xi Jinping spoke with Ukrainian President Volodymyr Zelensky by phone on "
        "Wednesday, the first contact since the war began. Kyiv called the hour-long call \u201cmeaningful\u201d."
    )
    assert first.published_at == datetime(2023, 4, 26, 15, 5, tzinfo=UTC)  # +0300 in the feed
    # a relative link resolves against the feed URL
    assert found[1].url == "https://www.kyiv-ledger.example/world/2023/04/27/china-envoy-li-hui.html#comments"
    assert found[1].summary == (
        "China will send Li Hui, its special representative for Eurasian affairs, to Ukraine & other countries."
    )
    # a permalink guid stands in for a missing <link>; escaped HTML is stripped too
    assert found[2].summary == "Escaped HTML in a plain description."
    assert found[3].published_at is None and found[3].summary is None
    # javascript:, data: and file: links are dropped and counted
    assert reasons(problems) == ["3 entries without a usable http(s) link dropped"]
    for c in found:
        assert c.published_at is None or c.published_at.tzinfo is UTC


def test_rss1_rdf_with_dc_date():
    found, problems = parse_feed(read("rss1_rdf.rdf"), "https://eastern-courier.example/index.rdf")
    assert problems == []
    assert [(c.url, c.published_at) for c in found] == [
        ("https://eastern-courier.example/news/2023/04/26/zelensky-xi-phone.html",
         datetime(2023, 4, 26, 18, 40, tzinfo=UTC)),
        ("https://eastern-courier.example/news/2023/04/20/grain-deal.html",
         datetime(2023, 4, 20, 10, 15, tzinfo=UTC)),
    ]
    assert found[0].title == 'Zelensky: "long and meaningful" call with Xi'


def test_atom_relative_links_and_xml_base():
    found, problems = parse_feed(read("atom_xmlbase.xml"), "https://continental-wire.example/atom.xml")
    assert [c.url for c in found] == [
        "https://continental-wire.example/europe/2023/04/26/xi-calls-zelensky",  # feed-level xml:base
        "https://continental-wire.example/briefings/morning-2023-04-27.html",  # entry-level xml:base
    ]
    assert found[0].title == "Xi finally calls Zelensky"  # type="html" title reduced to text
    assert found[0].summary == "The leaders spoke for about an hour."
    assert found[0].published_at == datetime(2023, 4, 26, 12, 20, tzinfo=UTC)  # published wins over updated
    assert found[1].published_at == datetime(2023, 4, 27, 4, 30, tzinfo=UTC)  # only updated given
    assert found[1].summary == "Kyiv, Beijing and Moscow react."  # xhtml content
    assert reasons(problems) == ["1 entry without a usable http(s) link dropped"]


def test_atom_without_xml_base_resolves_against_the_feed_url():
    body = read("atom_xmlbase.xml").replace(b' xml:base="https://continental-wire.example/europe/"', b"")
    found, _ = parse_feed(body, "https://continental-wire.example/feeds/atom.xml")
    assert found[0].url == "https://continental-wire.example/feeds/2023/04/26/xi-calls-zelensky"


def test_json_feed():
    source = "https://harbor-gazette.example/feeds/world.json"
    found, problems = parse_feed(read("jsonfeed.json"), source, "application/feed+json")
    assert [(c.url, c.canonical_url) for c in found] == [
        ("https://harbor-gazette.example/world/2023/04/26/xi-zelensky.html?fbclid=IwAR0abc&page=2",
         "https://harbor-gazette.example/world/2023/04/26/xi-zelensky.html?page=2"),
        ("https://harbor-gazette.example/world/2023/04/27/envoy.html",
         "https://harbor-gazette.example/world/2023/04/27/envoy.html"),
        ("https://other-outlet.example/story/123", "https://other-outlet.example/story/123"),
    ]
    assert found[0].summary == "China's leader and Ukraine's president spoke for the first time since the invasion."
    assert found[0].published_at == datetime(2023, 4, 26, 23, 2, 11, tzinfo=UTC)  # published, not modified
    assert found[1].summary == "Li Hui will travel to Kyiv."
    assert found[1].published_at == datetime(2023, 4, 27, 14, 0, tzinfo=UTC)  # RFC 822 date_modified
    assert found[2].title is None and found[2].published_at is None
    assert reasons(problems) == ["2 entries without a usable http(s) link dropped"]


def test_json_feed_is_recognised_without_a_content_type():
    found, _ = parse_feed(read("jsonfeed.json"), "https://harbor-gazette.example/feeds/world.json")
    assert len(found) == 3


@pytest.mark.parametrize(
    "body",
    [b'{"title": "no version"}', b"[1, 2, 3]", b"{not json", b"[" * 100_000 + b"]" * 100_000],
)
def test_json_that_is_not_a_json_feed(body):
    found, problems = parse_feed(body, "https://news.example/feed.json", "application/json")
    assert found == []
    assert reasons(problems)[0].startswith("not a feed")


def test_malformed_feed_is_salvaged_with_a_reason():
    found, problems = parse_feed(read("malformed_unclosed.xml"), "https://newsroundup.example/feed.xml", "text/xml")
    assert [c.url for c in found] == [f"https://newsroundup.example/r/{i}" for i in (1, 2, 3)]
    assert reasons(problems) == ["malformed feed: mismatched tag at line 10; salvaged 3 entries"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (read("not_a_feed.html"), "text/html; charset=utf-8"),
        (b"User-agent: *\nDisallow: /private/\n", "text/plain"),
        (b"", None),
        (b"\n  \n", "application/rss+xml"),
    ],
)
def test_not_a_feed(body, content_type):
    found, problems = parse_feed(body, "https://news.example/rss.xml", content_type)
    assert found == []
    assert len(problems) == 1 and problems[0].reason.startswith("not a feed")
    assert problems[0].source_url == "https://news.example/rss.xml"


def test_empty_feed_is_not_a_problem():
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    assert parse_feed(body, "https://news.example/rss.xml") == ([], [])


def test_a_body_that_looks_like_a_path_is_never_opened():
    # feedparser.parse(bytes) first tries bytes as a file name; we hand it a stream instead.
    found, problems = parse_feed(str(FIXTURES / "rss1_rdf.rdf").encode(), "https://news.example/rss.xml")
    assert found == []
    assert reasons(problems)[0].startswith("not a feed")


def test_billion_laughs_is_refused_quickly():
    started = time.perf_counter()
    found, problems = parse_feed(read("billion_laughs.xml"), "https://evil.example/feed", "application/rss+xml")
    assert time.perf_counter() - started < 1.0
    assert found == []
    assert reasons(problems) == ["refused: feed declares XML entities"]


def quadratic_bomb(encoding: str) -> str:
    """One large entity used many times: feedparser's own filter passes it and its loose parser expands it."""
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f'<!DOCTYPE rss [\n<!ENTITY a "{"x" * 2000}">\n]>\n'
        '<rss version="2.0"><channel><title>t</title><item>'
        f'<title>{"&a;" * 2000}</title><link>https://evil.example/1</link></item></channel></rss>'
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_entity_declarations_are_refused_in_any_encoding(encoding):
    body = quadratic_bomb(encoding).encode(encoding)
    found, problems = parse_feed(body, "https://evil.example/feed", "application/xml")
    assert (found, reasons(problems)) == ([], ["refused: feed declares XML entities"])


def test_entity_declarations_hidden_in_utf7_are_refused():
    # "<!" written as UTF-7 "+ADwAIQ-" hides the declaration from a check on the raw bytes,
    # but feedparser honours the declared encoding and would expand the entity.
    body = quadratic_bomb("utf-7").replace("<!ENTITY", "+ADwAIQ-ENTITY").replace("&a;", "+ACY-a;").encode("ascii")
    assert b"<!ENTITY" not in body
    found, problems = parse_feed(body, "https://evil.example/feed")
    assert (found, reasons(problems)) == ([], ["refused: feed declares XML entities"])


def test_external_entities_are_refused():
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "file:///etc/hostname">\n]>\n'
        b'<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title>'
        b"<link>https://evil.example/1</link></item></channel></rss>"
    )
    found, problems = parse_feed(body, "https://evil.example/feed")
    assert (found, reasons(problems)) == ([], ["refused: feed declares XML entities"])


def test_huge_feed_is_cut_to_the_cap_in_bounded_time():
    items = "".join(
        f"<item><title>Story {i}</title><link>https://news.example/2023/04/26/story-{i}.html</link>"
        f"<description>&lt;p&gt;Summary {i}&lt;/p&gt;</description>"
        "<pubDate>Wed, 26 Apr 2023 10:00:00 GMT</pubDate></item>"
        for i in range(50_000)
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()
    started = time.perf_counter()
    found, problems = parse_feed(body, "https://news.example/rss.xml", "application/rss+xml")
    elapsed = time.perf_counter() - started
    assert len(found) == MAX_FEED_ENTRIES
    assert found[-1].url == f"https://news.example/2023/04/26/story-{MAX_FEED_ENTRIES - 1}.html"
    dropped = 50_000 - MAX_FEED_ENTRIES
    assert reasons(problems) == [
        f"feed has 50000 entries; took the first {MAX_FEED_ENTRIES}, dropped {dropped}"
    ]
    # Parsing all 50,000 takes feedparser over 25 s; the cut keeps it to a couple of seconds.
    assert elapsed < 15


def test_huge_json_feed_is_cut_to_the_cap():
    items = [{"id": str(i), "url": f"https://news.example/{i}"} for i in range(MAX_FEED_ENTRIES + 7)]
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    found, problems = parse_feed(body, "https://news.example/feed.json")
    assert len(found) == MAX_FEED_ENTRIES
    total = MAX_FEED_ENTRIES + 7
    assert reasons(problems) == [f"feed has {total} entries; took the first {MAX_FEED_ENTRIES}, dropped 7"]


def test_summary_is_capped_at_a_word():
    words = " ".join(["counteroffensive"] * 200)
    body = (
        '<rss version="2.0"><channel><title>t</title><item><title>Long</title>'
        f"<link>https://news.example/a</link><description>{words}</description></item></channel></rss>"
    ).encode()
    (entry,), _ = parse_feed(body, "https://news.example/rss.xml")
    assert len(entry.summary) <= feeds.MAX_SUMMARY_CHARS
    assert entry.summary.endswith("counteroffensive…")


def test_latin1_feed_without_charset_header():
    body = (
        '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>Kyiv caf\xe9 reopens</title><link>https://news.example/a</link></item></channel></rss>"
    ).encode("iso-8859-1")
    (entry,), problems = parse_feed(body, "https://news.example/rss.xml")
    assert entry.title == "Kyiv caf\xe9 reopens"
    assert problems == []
