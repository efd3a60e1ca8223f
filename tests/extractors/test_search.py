"""Search discovery: the seed's query, Google News and GDELT URLs, and their responses parsed."""

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from extractors.search import (
    build_query,
    gdelt_url,
    google_news_url,
    is_google_link,
    parse_gdelt,
    parse_google_news,
    title_key,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "search"
SEED_TEXT = (ROOT / "seeds" / "xi-zelensky-call.txt").read_text(encoding="utf-8")
START = datetime(2023, 4, 25, tzinfo=UTC)
END = datetime(2023, 5, 11, tzinfo=UTC)


def test_bundled_seed_query_names_xi_jinping_and_zelensky():
    query = build_query(SEED_TEXT, None)
    assert '"xi jinping"' in query and "zelensky" in query
    # Short enough for a search engine, and no term repeating another.
    terms = query.replace('"', "").split()
    assert len(query.split('"')) <= 9 and terms.count("zelensky") == 1
    assert "afp" not in terms and 2 <= len(build_query_terms(query)) <= 6


def build_query_terms(query: str) -> list[str]:
    parts = query.split('"')
    quoted = [p for i, p in enumerate(parts) if i % 2 == 1]
    bare = [w for i, p in enumerate(parts) if i % 2 == 0 for w in p.split()]
    return quoted + bare


def test_override_query_wins_and_is_tidied():
    assert build_query(SEED_TEXT, '  "phone call"   envoy ') == '"phone call" envoy'
    assert build_query(SEED_TEXT, "   ") == build_query(SEED_TEXT, None)


def test_google_news_url_carries_query_edition_and_window_operators():
    url = google_news_url("https://news.google.com/", '"xi jinping" zelensky', START, END, "fr", "FR")
    parts = urlsplit(url)
    assert (parts.scheme, parts.hostname, parts.path) == ("https", "news.google.com", "/rss/search")
    params = parse_qs(parts.query)
    assert params["q"] == ['"xi jinping" zelensky after:2023-04-24 before:2023-05-11']
    assert (params["hl"], params["gl"], params["ceid"]) == (["fr-FR"], ["FR"], ["FR:fr"])


def test_gdelt_url_carries_query_and_window_datetimes():
    url = gdelt_url("https://api.gdeltproject.org", '"xi jinping" zelensky', START, END, 100)
    parts = urlsplit(url)
    assert parts.path == "/api/v2/doc/doc"
    params = parse_qs(parts.query)
    assert params["query"] == ['"xi jinping" zelensky']
    assert (params["mode"], params["format"], params["sort"]) == (["ArtList"], ["json"], ["DateDesc"])
    assert (params["startdatetime"], params["enddatetime"]) == (["20230425000000"], ["20230511000000"])
    assert params["maxrecords"] == ["100"]


def test_google_news_items_keep_google_links_and_name_the_publisher():
    source = "https://news.google.com/rss/search?q=x"
    candidates, problems = parse_google_news((FIXTURES / "google_news.xml").read_bytes(), source, "application/xml")
    assert problems == []
    assert len(candidates) == 2
    first, second = candidates
    assert all(is_google_link(c.url) and c.source_kind == "google_news" for c in candidates)
    assert first.source_site == "kyiv-ledger.example" and second.source_site == "continental-wire.example"
    # Google's " - Publisher" suffix is dropped from the title.
    assert first.title == "Xi Jinping holds first call with Volodymyr Zelensky since invasion"
    assert first.published_at == datetime(2023, 4, 26, 16, 5, tzinfo=UTC)
    assert title_key(first.source_site, first.title) == title_key(
        "www.kyiv-ledger.example", "Xi Jinping holds first call with Volodymyr Zelensky since invasion!"
    )


def test_gdelt_artlist_becomes_candidates_dated_by_seendate():
    source = "https://api.gdeltproject.org/api/v2/doc/doc?query=x"
    candidates, problems = parse_gdelt((FIXTURES / "gdelt_artlist.json").read_bytes(), source)
    assert [c.url for c in candidates] == [
        "https://harbor-gazette.example/world/2023/04/26/xi-zelensky-call",
        "https://eastern-courier.example/politics/china-envoy",
    ]
    assert candidates[0].published_at == datetime(2023, 4, 26, 17, 15, tzinfo=UTC)
    assert candidates[0].source_site == "harbor-gazette.example" and candidates[0].source_kind == "gdelt"
    assert candidates[1].title == "China names special envoy for Ukraine talks"
    assert [p.reason for p in problems] == ["1 GDELT articles without a usable URL dropped"]


def test_bad_gdelt_responses_give_a_problem_and_no_candidates():
    for body in (b"<html>rate limited</html>", b"{}", b"[]", b'{"articles": "none"}'):
        candidates, problems = parse_gdelt(body, "https://api.gdeltproject.org/x")
        assert candidates == [] and len(problems) == 1
