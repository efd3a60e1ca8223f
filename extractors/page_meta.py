"""Page metadata: what a parsed HTML page declares about itself in its markup.

In: an lxml tree of the whole page (and the URL it was fetched from), and its
JSON-LD read once (:mod:`extractors.json_ld`). Out: title, authors, site name,
canonical link, declared language, publication time as a :class:`PageTime` that
says how precise it is, and modification time.

Structured data comes first (JSON-LD of the article, then Open Graph, Dublin
Core and the other meta tags, then microdata and byline markup), because that
is what the publisher states on purpose; trafilatura's own metadata pass is not
used, which saves about 40% of its CPU per page. Notes:

- the canonical link is read here because trafilatura prefers ``og:url`` and
  falls back to the URL it was given, so its answer cannot say whether the page
  declared one;
- the language is the declared one (trafilatura only detects it);
- the publication time: every structured source is read and the most precise
  value wins (htmldate, trafilatura's date reader, returns the first date it
  trusts: on the benchmark TechCrunch's naive Pacific time from
  ``sailthru.date`` and NYT's bare day from ``pdate``, although both pages carry
  an exact UTC ``datePublished``); htmldate is the caller's fallback for pages
  that state no date in markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Literal
from urllib.parse import urljoin, urlsplit

from dateutil import parser as dateutil_parser
from lxml import etree
from lxml.html import HtmlElement

from extractors.byline import author_from_url, clean_authors
from extractors.json_ld import StructuredData, read_json_ld, type_names

Precision = Literal["exact", "local", "day"]  # offset given / time without offset / date only

# Meta names and properties that state when the piece was first published (lowercase).
# Modification dates are left out on purpose: a story updated a week later is still
# coverage from the day it first ran.
_PUBLISHED_META = frozenset({
    "article:published_time", "article:published", "og:article:published_time", "og:published_time",
    "datepublished", "published_time", "publish_date", "publish-date", "publishdate", "pubdate",
    "publication_date", "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued",
    "dcterms.created", "dc.date", "date", "article.published", "pdate",
})
_HAS_TIME = re.compile(r"\d:\d\d")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRAILING_UTC = re.compile(r"\s*(?:UTC|GMT)$", re.IGNORECASE)
# Zone abbreviations news sites print after a time; ambiguous ones (IST, CST in
# China) are left out, so such a time counts as one without an offset.
_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6,
    "PST": -8, "PDT": -7, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "JST": 9,
}
# Anything earlier is a parsing accident, not a news page's publication date.
_EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
# A publication time a day past "now" is a template or clock error, not a scoop.
_FUTURE_SLACK = timedelta(days=1)
_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")

# Walking the tree is most of this module's cost, and in libxml2 a predicate on every
# element (``.//*[@a or @b]``) costs two to three times a walk that tests names: the
# element walks below go through the attribute axis (``.//*/@a/..``) or lxml's
# tag-filtered iterators, and Python sorts the few elements they return.
_DATE_SOURCES = etree.XPath(".//meta[@content] | .//*/@itemprop/.. | .//*/@pubdate/..")
_BYLINE_SOURCES = etree.XPath(
    ".//*/@rel[. = 'author']/.. | .//*/@itemprop[contains(concat(' ', ., ' '), ' author ')]/.."
    " | .//*/@class[contains(., 'byline') or contains(., 'author')]/..")
# Byline-classed elements read at most: past the first few they are comment or related-story credits.
_MAX_BYLINE_CLASSED = 6


@dataclass(frozen=True)
class PageTime:
    """A publication time read from the page, in UTC, with how much the page said."""

    value: datetime  # timezone-aware UTC; midnight for a bare day, taken as UTC when no offset
    precision: Precision


def read_canonical_url(tree: HtmlElement, base_url: str) -> str | None:
    """The page's ``<link rel=canonical>`` (else ``og:url``) as an absolute http(s) URL."""
    links, og_urls = [], []
    for el in tree.iterdescendants("link", "meta"):  # one walk for both
        if el.tag == "link":
            if el.get("href") is not None and "canonical" in (el.get("rel") or "").lower().split():
                links.append(el.get("href"))
        elif el.get("property") == "og:url" and el.get("content") is not None:
            og_urls.append(el.get("content"))
    hrefs = links + og_urls
    for href in hrefs:
        href = (href or "").strip()
        if not href:
            continue
        try:
            absolute = urljoin(base_url, href).split("#", 1)[0]
            parts = urlsplit(absolute)
        except ValueError:  # e.g. a malformed IPv6 host
            continue
        if parts.scheme in ("http", "https") and parts.hostname:
            return absolute
    return None


def read_language(tree: HtmlElement) -> str | None:
    """The declared language: ``<html lang>``, then ``og:locale``, then content-language meta."""
    # the HTML parser keeps XHTML's xml:lang as a plain attribute name
    html_lang = [tree.get("lang"), tree.get("xml:lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for value in html_lang:  # most pages declare it here: no need to walk their meta tags
        if code := normalize_language(value):
            return code
    locales, metas = [], []
    for el in tree.iterfind(".//meta[@content]"):
        key = (el.get("property") or el.get("name") or el.get("http-equiv") or "").lower()
        if key == "og:locale":
            locales.append(el.get("content"))
        elif key in ("content-language", "language", "dc.language", "dcterms.language"):
            metas.append(el.get("content"))
    for value in locales + metas:
        if code := normalize_language(value):
            return code
    return None


def normalize_language(value: str | None) -> str | None:
    """``en-US``, ``en_GB``, ``EN`` -> ``en``; anything that is not a two-letter code -> None."""
    if not value:
        return None
    primary = re.split(r"[-_\s,;]", value.strip().lower(), maxsplit=1)[0]
    return primary if _LANGUAGE_CODE.match(primary) else None


def read_published_at(tree: HtmlElement, now: datetime | None = None,
                      data: StructuredData | None = None) -> PageTime | None:
    """The most precise publication time the page's structured markup states."""
    latest = (now or datetime.now(UTC)) + _FUTURE_SLACK
    found: list[PageTime] = []
    for raw in _published_candidates(tree, data):
        if (stated := parse_page_time(raw)) is None or stated.value > latest:
            continue
        if stated.precision == "exact":
            # Sources come most trustworthy first: the first exact time wins, and the page's
            # markup is not searched when its article's JSON-LD states one (half the pages).
            return stated
        found.append(stated)
    for precision in ("local", "day"):
        for candidate in found:
            if candidate.precision == precision:
                return candidate
    return None


def parse_page_time(raw: str | None) -> PageTime | None:
    """Parse one date string (ISO 8601 first, then free forms such as ``Nov 19, 2019, 07:47 PM EST``)."""
    text = _TRAILING_UTC.sub("+00:00", (raw or "").strip())
    if not text or len(text) > 64 or not re.search(r"\d{4}", text):
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = dateutil_parser.parse(text, tzinfos=_zone)
        except (ValueError, OverflowError, TypeError):
            return None
    if not _HAS_TIME.search(text) or _ISO_DAY.match(text):
        value, precision = parsed.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=UTC), "day"
    elif parsed.tzinfo is None or parsed.utcoffset() is None:
        value, precision = parsed.replace(tzinfo=UTC), "local"
    else:
        try:
            value, precision = parsed.astimezone(UTC), "exact"
        except OverflowError:  # "0001-01-01T00:00:00+01:00" falls before year 1 in UTC
            return None
    if value < _EARLIEST:
        return None
    return PageTime(value=value, precision=precision)


def _zone(name: str | None, offset: int | None) -> timezone | None:
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    hours = _ZONES.get((name or "").upper())
    return None if hours is None else timezone(timedelta(hours=hours))


def _published_candidates(tree: HtmlElement, data: StructuredData | None = None) -> Iterator[str]:
    """Raw publication-date strings, the most trustworthy sources first; the tree is
    searched only when the article's JSON-LD dates have all been taken."""
    data = data if data is not None else read_json_ld(tree)
    yield from (i["datePublished"] for i in data.articles if isinstance(i.get("datePublished"), str))
    metas, marked = [], []
    for el in _DATE_SOURCES(tree):
        if el.tag == "meta":
            if el.get("content") is None:  # reached through its itemprop
                continue
            keys = {(el.get(attr) or "").lower() for attr in ("property", "name")}
            keys |= set((el.get("itemprop") or "").lower().split())
            if keys & _PUBLISHED_META:
                metas.append(el.get("content"))
        elif (el.get("datetime") is not None or el.get("content") is not None) and (
                "datepublished" in (el.get("itemprop") or "").lower() or el.get("pubdate") is not None):
            marked.append(el.get("datetime") or el.get("content"))
    yield from metas
    yield from marked
    yield from (i["datePublished"] for i in data.others if isinstance(i.get("datePublished"), str))


def read_modified_at(tree: HtmlElement, data: StructuredData, tags: dict[str, str],
                     now: datetime | None = None) -> datetime | None:
    """When the page says it was last updated (UTC), if it says so."""
    latest = (now or datetime.now(UTC)) + _FUTURE_SLACK
    raw = [i["dateModified"] for i in data.articles if isinstance(i.get("dateModified"), str)]
    raw += [tags.get(key) for key in _MODIFIED_META]
    raw += [el.get("datetime") for el in tree.iterfind(".//time[@itemprop='dateModified']")]
    raw += [i["dateModified"] for i in data.others if isinstance(i.get("dateModified"), str)]
    found = [t for value in raw if (t := parse_page_time(value)) and t.value <= latest]
    for precision in ("exact", "local", "day"):  # the most precise statement wins, as for publication
        for candidate in found:
            if candidate.precision == precision:
                return candidate.value
    return None


def read_title(tree: HtmlElement, data: StructuredData, tags: dict[str, str]) -> str | None:
    """The headline: the article's JSON-LD, then Open Graph and Twitter cards, then the
    page's only ``<h1>``, then ``<title>`` without the site's name."""
    site = read_site_name(data, tags)
    for value in (data.first("headline", articles_only=True), tags.get("og:title"),
                  tags.get("twitter:title")):
        if title := _clean_title(value, site):
            return title
    h1s = [" ".join(h.text_content().split()) for h in tree.iterfind(".//h1")]
    h1s = [h for h in h1s if h]
    if len(h1s) == 1 and len(h1s[0].split()) >= 3:
        return h1s[0]
    element = tree.find(".//title")
    return _clean_title(element.text_content() if element is not None else None, site, guess_site=True)


def read_authors(tree: HtmlElement, data: StructuredData, tags: dict[str, str]) -> list[str]:
    """The article's authors: JSON-LD ``author``, then meta tags, then byline markup."""
    ld = [a for item in data.articles for a in _ld_names(item.get("author"), people_only=True)]
    if names := clean_authors(ld):
        return names
    metas = [v for key in _AUTHOR_META if (v := tags.get(key))]
    if names := clean_authors(metas):
        return names
    credited, classed = [], []  # rel/itemprop "author" first, then the first byline-looking classes
    for el in _BYLINE_SOURCES(tree):
        if el.get("rel") == "author" or " author " in f" {el.get('itemprop') or ''} ":
            credited.append(el)
        cls = el.get("class") or ""
        if len(classed) < _MAX_BYLINE_CLASSED and ("byline" in cls or "author" in cls) and not _in_form(el):
            classed.append(el)
    marked = [" ".join(el.text_content().split()) for el in credited + classed]
    return clean_authors(m for m in marked if 0 < len(m) <= 120)


def _in_form(el: HtmlElement) -> bool:
    """A comment or sign-up form's "author" field is no byline."""
    return next(el.iterancestors("form"), None) is not None


def read_site_name(data: StructuredData, tags: dict[str, str]) -> str | None:
    """The publisher's name: Open Graph, the article's publisher, the site's WebSite or Organization."""
    publisher = data.first("publisher", articles_only=True)
    candidates = [tags.get("og:site_name"), _ld_name(publisher), tags.get("application-name")]
    candidates += [_ld_name(item) for item in data.of_type(r"^(?:WebSite|NewsMediaOrganization|Organization)$")]
    for value in candidates:
        if value and (name := " ".join(value.split())) and len(name) <= 80:
            return name
    return None


# Meta names and properties that state when the piece was last changed (lowercase).
_MODIFIED_META = ("article:modified_time", "og:updated_time", "article:modified", "datemodified",
                  "last-modified", "dcterms.modified", "parsely-modified-date")
_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "dcterms.creator",
                "byl")
_TITLE_SEPARATORS = re.compile(r"\s+[|–—:\-•·]\s+")


def read_meta_tags(tree: HtmlElement) -> dict[str, str]:
    """Every ``<meta>`` by lower-cased property, name and itemprop: the first non-empty content of each."""
    tags: dict[str, str] = {}
    for el in tree.iterfind(".//meta[@content]"):
        value = (el.get("content") or "").strip()
        if not value:
            continue
        for attr in ("property", "name", "itemprop"):
            if key := (el.get(attr) or "").lower():
                tags.setdefault(key, value)
    return tags


def _clean_title(value: object, site: str | None, *, guess_site: bool = False) -> str | None:
    """A title without the site's name before or after a separator ("Story | Site", "Site - Story").

    ``guess_site``: also drop a short last part when the site's name is unknown, as in a
    ``<title>`` ("Story - NYT"); never done to headlines, where "Story - the results" is whole.
    """
    if not isinstance(value, str):
        return None
    title = " ".join(html.unescape(value).split())
    separators = list(_TITLE_SEPARATORS.finditer(title))
    if separators:
        site_key = (site or "").casefold()
        last, first = title[separators[-1].end():], title[: separators[0].start()]
        if site_key and last.casefold() == site_key or (not site_key and guess_site and len(last.split()) <= 3):
            title = title[: separators[-1].start()]
        elif site_key and first.casefold() == site_key:
            title = title[separators[0].end():]
    return title.strip() or None


def _ld_name(value: object) -> str | None:
    if isinstance(value, dict):
        name = value.get("name")
        return name if isinstance(name, str) else None
    return value if isinstance(value, str) else None


def _ld_names(value: object, *, people_only: bool = False) -> list[str]:
    """Author names from JSON-LD: a string, a Person, a list of either, or an author page URL.
    ``people_only`` skips Organization authors (a site crediting itself names no writer)."""
    values = value if isinstance(value, list) else [value]
    names = []
    for item in values:
        if people_only and isinstance(item, dict) and "Organization" in type_names(item):
            continue
        name = _ld_name(item)
        if name is None and isinstance(item, dict) and isinstance(item.get("url"), str):
            name = author_from_url(item["url"])
        if name:
            names.append(name)
    return names
