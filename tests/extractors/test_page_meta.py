"""Page metadata on real cached news pages (the extraction benchmark's), and on small pages for the fallbacks.

Expected values were read by hand from each page's HTML: its JSON-LD, meta tags and byline.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from trafilatura.utils import load_html

from extractors.article import extract_article
from extractors.byline import clean_authors
from extractors.json_ld import StructuredData
from extractors.page_meta import _published_candidates, parse_page_time, read_authors, read_canonical_url, read_language
from extractors.records import Article

BENCHMARK = Path(__file__).resolve().parents[1] / "fixtures" / "extraction-benchmark"
TRUTH = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))


def real_page(url_part: str) -> Article:
    key, item = next((k, v) for k, v in TRUTH.items() if url_part in v["url"])
    html = gzip.decompress((BENCHMARK / "html" / f"{key}.html.gz").read_bytes())
    result = extract_article(html, item["url"], content_type="text/html")
    assert isinstance(result, Article), result
    return result


# The structured-data path: JSON-LD NewsArticle fields --------------------------------------


def test_json_ld_gives_title_authors_and_exact_times():
    wired = real_page("wired.com/story/the-future-of-banking")
    assert wired.title == "The Future of Banking Is … You're Broke"
    # JSON-LD names Molly Wood; trafilatura's byline heuristics add the publisher ("Condé Nast; Molly Wood").
    assert wired.authors == ("Molly Wood",) and wired.author == "Molly Wood"
    assert wired.published_at == datetime(2019, 11, 14, 14, 0, tzinfo=UTC)
    assert wired.modified_at == datetime(2019, 11, 14, 17, 41, 38, 984000, tzinfo=UTC)
    assert wired.outlet_name == "Wired" and wired.language == "en"
    assert wired.canonical_url == "https://www.wired.com/story/the-future-of-banking-is-youre-broke/"


def test_json_ld_author_keeps_the_name_not_the_job_title():
    nbc = real_page("nbcnews.com/news/us-news/new-york-man-pleads-guilty")
    assert nbc.authors == ("Phil Helsel",)  # JSON-LD also says jobTitle "Reporter and news editor"
    assert nbc.published_at == datetime(2019, 11, 19, 8, 41, tzinfo=UTC)
    assert nbc.modified_at == datetime(2019, 11, 19, 17, 42, 12, tzinfo=UTC)
    assert nbc.outlet_name == "NBC News"


def test_times_with_an_offset_are_converted_to_utc_and_entities_in_titles_decoded():
    page = real_page("inexhibit.com/marker/54885")
    assert page.title == "‘The Medium is the Message’: the 7th Amsterdam Light Festival"  # &#8216; in og:title
    assert page.modified_at == datetime(2018, 9, 16, 8, 22, 22, tzinfo=UTC)  # "2018-09-16T10:22:22+02:00"
    assert page.modified_at.tzinfo is not None and page.published_at.tzinfo is not None
    assert page.authors == ()  # the only credit is the CMS user "admin", not a name


# The fallback path: meta tags, byline markup, <title> ---------------------------------------


def test_byline_markup_when_structured_data_names_no_author():
    cbs = real_page("cbssports.com/nfl/news/browns-player")
    assert cbs.authors == ("Bryan DeArdo",)  # byline reads "Bryan DeArdo @BryanDeArdo Nov 18, 2019"


def test_labelled_byline_in_another_language():
    wday = real_page("wday.ru/articles/mastera-vkusa")
    assert wday.authors[0] == "Венера Ерофеева"  # the byline reads "Текст: Венера Ерофеева"
    assert wday.language == "ru"
    # the page names its canonical on the same site under another path: that is its identity
    assert wday.url == wday.canonical_url != wday.discovered_url


BODY = "".join(f"<p>Paragraph {i} of a story about harbour closures and the storm that caused them all week.</p>"
               for i in range(8))


def page(head: str, body: str = BODY) -> bytes:
    html = f"<!DOCTYPE html><html lang='en-GB'><head>{head}</head><body><article>{body}</article></body></html>"
    return html.encode()


def test_meta_tags_stand_in_for_missing_json_ld():
    html = page(
        "<title>Storm shuts ports | Harbour Gazette</title>"
        "<meta property='og:site_name' content='Harbour Gazette'>"
        "<meta name='author' content='By Maria Keller and Tom Ash, Staff Writers'>"
        "<meta property='article:published_time' content='2024-03-05T14:30:00+01:00'>"
        "<meta property='article:modified_time' content='2024-03-05T18:00:00+01:00'>"
    )
    article = extract_article(html, "https://gazette.example/storm")
    assert isinstance(article, Article)
    assert article.title == "Storm shuts ports"  # the site's name cut from <title>
    assert article.authors == ("Maria Keller", "Tom Ash")
    assert article.outlet_name == "Harbour Gazette" and article.language == "en"
    assert article.published_at == datetime(2024, 3, 5, 13, 30, tzinfo=UTC)
    assert article.modified_at == datetime(2024, 3, 5, 17, 0, tzinfo=UTC)


def test_a_modified_time_equal_to_publication_is_no_update_and_a_bare_page_has_no_metadata():
    same = page("<meta property='article:published_time' content='2024-03-05T14:30:00Z'>"
                "<meta property='article:modified_time' content='2024-03-05T14:30:00Z'>")
    article = extract_article(same, "https://gazette.example/a")
    assert article.published_at == datetime(2024, 3, 5, 14, 30, tzinfo=UTC) and article.modified_at is None
    bare = extract_article(page("<title>Harbour closures</title>"), "https://gazette.example/b")
    assert bare.authors == () and bare.author is None and bare.outlet_name is None
    assert bare.title == "Harbour closures"


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        (["By Jane Doe"], ["Jane Doe"]),
        (["Jane Doe and John Roe"], ["Jane Doe", "John Roe"]),
        (["Jane Doe, CNN"], ["Jane Doe"]),
        (["Jane Doe | Senior Political Correspondent"], ["Jane Doe"]),
        (["Jane Doe, a staff writer"], ["Jane Doe"]),
        (["Text: Jane Doe"], ["Jane Doe"]),
        (["@janedoe"], []),
        (["https://news.example/authors/jane-doe/"], ["Jane Doe"]),
        (["Jane Doe", "jane doe"], ["Jane Doe"]),
        (["jane.doe@news.example"], []),
        (["Staff Reporter"], []),
    ],
)
def test_clean_authors(raw, names):
    assert clean_authors(raw) == names


# The markup paths, for pages without JSON-LD or meta tags to answer ----------------------------


def test_byline_and_date_markup_when_structured_data_is_silent():
    tree = load_html(
        "<html><head><meta property='og:url' content='/og'><link rel='Canonical' href='/story#top'>"
        "<meta itemprop='datePublished'><meta property='og:locale' content='de_DE'></head><body>"
        "<form><label class='author'>Your name</label></form>"
        "<p class='byline'>By <a rel='author' href='/staff/ann-lee'>Ann Lee</a></p>"
        "<time pubdate datetime='2024-03-05T09:00:00Z'>5 March</time>"
        "<span itemprop='datePublished' content='2024-03-05'></span><p itemprop='datePublished'>no value</p>"
        "</body></html>"
    )
    empty = StructuredData()
    # rel=author first, then byline classes; the comment form's "author" label is no byline
    assert read_authors(tree, empty, {}) == ["Ann Lee"]
    assert list(_published_candidates(tree, empty)) == ["2024-03-05T09:00:00Z", "2024-03-05"]
    assert read_canonical_url(tree, "https://news.example/a") == "https://news.example/story"  # link before og:url
    assert read_language(tree) == "de"


def test_a_time_before_year_one_in_utc_is_no_time_and_does_not_cost_the_page():
    assert parse_page_time("0001-01-01T00:00:00+01:00") is None
    html = ('<html><head><meta property="article:published_time" content="0001-01-01T00:00:00+01:00">'
            '<meta itemprop="datePublished" content="2023-04-26T15:00:00+02:00"></head><body>'
            + "".join(f"<p>Paragraph {i} of a story about a phone call between two presidents today.</p>"
                      for i in range(12)) + "</body></html>")
    result = extract_article(html.encode(), "https://example.com/news/a.html")
    assert isinstance(result, Article), result
    assert result.published_at == datetime(2023, 4, 26, 13, 0, tzinfo=UTC)
