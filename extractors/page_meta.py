"""Page metadata: what a parsed HTML page declares about itself in its markup.

In: an lxml tree of the whole page (and the URL it was fetched from). Out: the
page's canonical link, its declared language as a two-letter code, and its
publication time as a :class:`PageTime` that says how precise it is.

trafilatura reads most metadata well, but three things the pipeline relies on
are read here directly from the markup:

- the canonical link, because trafilatura prefers ``og:url`` and falls back to
  the URL it was given, so its answer cannot say whether the page declared one;
- the language, because trafilatura only detects it (and only when py3langid
  is installed), never reports the declared one;
- the publication time, because htmldate (trafilatura's date reader) returns
  the first date it trusts even when the page states the same moment with an
  offset elsewhere: on the benchmark it gave TechCrunch's naive Pacific time
  from ``sailthru.date`` and NYT's bare day from ``pdate``, although both pages
  carry an exact UTC ``datePublished``. Here every structured source is read and
  the most precise value wins; htmldate's answer is the caller's fallback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Literal
from urllib.parse import urljoin, urlsplit

from dateutil import parser as dateutil_parser
from lxml.html import HtmlElement

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
# JSON-LD types whose datePublished is the article's own (not a related item's or the site's).
_ARTICLE_TYPE = re.compile(r"Article|Posting|Report|Story|NewsArticle", re.IGNORECASE)
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


@dataclass(frozen=True)
class PageTime:
    """A publication time read from the page, in UTC, with how much the page said."""

    value: datetime  # timezone-aware UTC; midnight for a bare day, taken as UTC when no offset
    precision: Precision


def read_canonical_url(tree: HtmlElement, base_url: str) -> str | None:
    """The page's ``<link rel=canonical>`` (else ``og:url``) as an absolute http(s) URL."""
    hrefs = [
        el.get("href") for el in tree.iterfind(".//link[@href]")
        if "canonical" in (el.get("rel") or "").lower().split()
    ]
    hrefs += [el.get("content") for el in tree.iterfind(".//meta[@property='og:url'][@content]")]
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
    locales, metas = [], []
    for el in tree.iterfind(".//meta[@content]"):
        key = (el.get("property") or el.get("name") or el.get("http-equiv") or "").lower()
        if key == "og:locale":
            locales.append(el.get("content"))
        elif key in ("content-language", "language", "dc.language", "dcterms.language"):
            metas.append(el.get("content"))
    # the HTML parser keeps XHTML's xml:lang as a plain attribute name
    html_lang = [tree.get("lang"), tree.get("xml:lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for value in html_lang + locales + metas:
        if code := normalize_language(value):
            return code
    return None


def normalize_language(value: str | None) -> str | None:
    """``en-US``, ``en_GB``, ``EN`` -> ``en``; anything that is not a two-letter code -> None."""
    if not value:
        return None
    primary = re.split(r"[-_\s,;]", value.strip().lower(), maxsplit=1)[0]
    return primary if _LANGUAGE_CODE.match(primary) else None


def read_published_at(tree: HtmlElement, now: datetime | None = None) -> PageTime | None:
    """The most precise publication time the page's structured markup states."""
    latest = (now or datetime.now(UTC)) + _FUTURE_SLACK
    found = [t for raw in _published_candidates(tree) if (t := parse_page_time(raw)) and t.value <= latest]
    for precision in ("exact", "local", "day"):
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
        value, precision = parsed.astimezone(UTC), "exact"
    if value < _EARLIEST:
        return None
    return PageTime(value=value, precision=precision)


def _zone(name: str | None, offset: int | None) -> timezone | None:
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    hours = _ZONES.get((name or "").upper())
    return None if hours is None else timezone(timedelta(hours=hours))


def _published_candidates(tree: HtmlElement) -> list[str]:
    """Raw publication-date strings, the most trustworthy sources first."""
    article_ld, other_ld = _json_ld_dates(tree)
    metas = []
    for el in tree.iterfind(".//meta[@content]"):
        keys = {(el.get(attr) or "").lower() for attr in ("property", "name")}
        keys |= set((el.get("itemprop") or "").lower().split())
        if keys & _PUBLISHED_META:
            metas.append(el.get("content"))
    marked = [
        el.get("datetime") or el.get("content")
        for el in tree.xpath(".//*[@datetime or @content][@itemprop or @pubdate]")
        if el.tag != "meta" and ("datepublished" in (el.get("itemprop") or "").lower() or el.get("pubdate") is not None)
    ]
    return article_ld + metas + marked + other_ld


def _json_ld_dates(tree: HtmlElement) -> tuple[list[str], list[str]]:
    """``datePublished`` of JSON-LD objects: (article-typed ones, the others)."""
    article, other = [], []
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        items = data if isinstance(data, list) else [data]
        items = [i for i in items if isinstance(i, dict)]
        items += [g for i in items if isinstance(i.get("@graph"), list) for g in i["@graph"] if isinstance(g, dict)]
        for item in items:
            value = item.get("datePublished")
            if not isinstance(value, str):
                continue
            kinds = item.get("@type")
            kinds = " ".join(k for k in kinds if isinstance(k, str)) if isinstance(kinds, list) else str(kinds or "")
            (article if _ARTICLE_TYPE.search(kinds) else other).append(value)
    return article, other
