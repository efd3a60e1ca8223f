"""Search discovery: the seed's query, search URLs, and search responses parsed into candidates.

In: the seed's text (or an override query), the time window, and the bytes a
search engine returned. Out: the query string, the Google News RSS and GDELT
DOC 2.0 request URLs, and :class:`Candidate` records plus
:class:`DiscoveryProblem` records. Pure: the fetching (and the following of
Google's redirect links) is done by ``flows.discover``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import quote_plus, urlencode, urlsplit

from extractors.feeds import parse_feed
from extractors.records import Candidate, DiscoveryProblem
from extractors.terms import KeyTerm, key_terms
from extractors.urls import canonicalize_url

# Search engines AND every term; four or five names and phrases pin a story
# down, and each one more loses the coverage that phrases it differently.
MAX_QUERY_TERMS = 4
# Wire-agency credits rank high in a seed (rare words, repeated) but say
# nothing about the story.
_CREDITS = frozenset({"afp", "ap", "reuters", "xinhua", "tass", "dpa", "efe", "ansa", "upi"})
# Words folded to this many letters to spot one term repeating another
# (ukraine / ukrainian, zelensky / zelenskyy).
_STEM_LETTERS = 5
GOOGLE_NEWS_HOST = "news.google.com"
_GDELT_SEEN = "%Y%m%dT%H%M%SZ"


def build_query(seed_text: str, override: str | None, terms: Sequence[KeyTerm] | None = None) -> str:
    """The search query for a seed: ``override`` when given, else its top key terms
    (``terms``, when they are known already), phrases quoted."""
    if override and override.strip():
        return " ".join(override.split())
    terms = [t.term for t in (key_terms(seed_text) if terms is None else terms)]
    # Names (people, places, organisations) first: they pin a story down best.
    names = _capitalised(seed_text)
    ranked = [t for t in terms if all(w in names for w in t.split(" "))]
    ranked += [t for t in terms if t not in ranked]
    chosen: list[str] = []
    stems: set[str] = set()
    for term in ranked:
        words = term.split(" ")
        if any(w in _CREDITS for w in words):
            continue
        folded = {w[:_STEM_LETTERS] for w in words}
        # A term sharing a word with one already chosen adds nothing under AND.
        if folded & stems:
            continue
        stems |= folded
        chosen.append(f'"{term}"' if len(words) > 1 else term)
        if len(chosen) == MAX_QUERY_TERMS:
            break
    return " ".join(chosen)


def _capitalised(text: str) -> set[str]:
    """Casefolded words the text writes capitalised more often than not (names, mostly)."""
    upper: dict[str, int] = {}
    lower: dict[str, int] = {}
    for word in re.findall(r"\w+", text):
        counts = upper if word[:1].isupper() else lower
        key = word.casefold()
        counts[key] = counts.get(key, 0) + 1
    return {w for w, n in upper.items() if n > lower.get(w, 0)}


def google_news_url(base: str, query: str, start: datetime, end: datetime, language: str, region: str) -> str:
    """Google News RSS search for ``query`` published in [start, end) (whole days, after:/before:)."""
    # after: excludes its own day; before: excludes its day, and ``end`` is an exclusive midnight.
    after = (start - timedelta(days=1)).date().isoformat()
    before = end.date().isoformat()
    q = quote_plus(f"{query} after:{after} before:{before}")
    edition = urlencode({"hl": f"{language}-{region}", "gl": region, "ceid": f"{region}:{language}"})
    return f"{base.rstrip('/')}/rss/search?q={q}&{edition}"


def gdelt_url(base: str, query: str, start: datetime, end: datetime, maxrecords: int) -> str:
    """GDELT DOC 2.0 ArtList for ``query`` seen in [start, end)."""
    params = {
        "query": query,
        "mode": "ArtList",
        "format": "json",
        "startdatetime": f"{start.astimezone(UTC):%Y%m%d%H%M%S}",
        "enddatetime": f"{end.astimezone(UTC):%Y%m%d%H%M%S}",
        "maxrecords": str(maxrecords),
        "sort": "DateDesc",
    }
    return f"{base.rstrip('/')}/api/v2/doc/doc?{urlencode(params)}"


def parse_google_news(
    body: bytes, source_url: str, content_type: str | None = None
) -> tuple[list[Candidate], list[DiscoveryProblem]]:
    """Google News RSS items as candidates, each with the publisher host from its ``<source url>``."""
    found, problems = parse_feed(body, source_url, content_type)
    sites = _source_sites(body)
    candidates = []
    for i, candidate in enumerate(found):
        site = sites[i] if i < len(sites) and len(sites) == len(found) else None
        candidates.append(_as_search(candidate, "google_news", site))
    return candidates, problems


def parse_gdelt(body: bytes, source_url: str) -> tuple[list[Candidate], list[DiscoveryProblem]]:
    """GDELT DOC 2.0 ArtList JSON as candidates (published_at from seendate, UTC)."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:
        return [], [DiscoveryProblem(source_url, f"not a GDELT response: invalid JSON ({type(exc).__name__})")]
    articles = document.get("articles") if isinstance(document, dict) else None
    if not isinstance(articles, list):
        return [], [DiscoveryProblem(source_url, "GDELT response without articles")]
    candidates: list[Candidate] = []
    unusable = 0
    for article in articles:
        article = article if isinstance(article, dict) else {}
        url = article.get("url")
        canonical = canonicalize_url(url, source_url) if isinstance(url, str) else None
        if canonical is None:
            unusable += 1
            continue
        title = article.get("title")
        domain = article.get("domain")
        candidates.append(Candidate(
            url=url.strip(),
            canonical_url=canonical,
            source_url=source_url,
            source_kind="gdelt",
            title=" ".join(title.split()) or None if isinstance(title, str) else None,
            published_at=_seendate(article.get("seendate")),
            source_site=_site(domain) if isinstance(domain, str) else _site(urlsplit(url).hostname or ""),
        ))
    problems = [DiscoveryProblem(source_url, f"{unusable} GDELT articles without a usable URL dropped")] if unusable \
        else []
    return candidates, problems


def is_google_link(url: str) -> bool:
    """True for news.google.com links (redirects to the publisher)."""
    host = (urlsplit(url).hostname or "").lower()
    return host == GOOGLE_NEWS_HOST or host.endswith("." + GOOGLE_NEWS_HOST)


def title_key(site: str | None, title: str | None) -> tuple[str, str] | None:
    """One article's identity by publisher host and normalised title, for items whose URL is unknown."""
    if not site or not title:
        return None
    return _site(site) or "", " ".join(re.findall(r"\w+", title.casefold()))


def _as_search(candidate: Candidate, kind: str, site: str | None) -> Candidate:
    title = candidate.title
    if title and " - " in title:
        title = title.rsplit(" - ", 1)[0].strip() or title
    return Candidate(
        url=candidate.url, canonical_url=candidate.canonical_url, source_url=candidate.source_url,
        source_kind=kind,  # type: ignore[arg-type]
        title=title, summary=candidate.summary, published_at=candidate.published_at, source_site=site,
    )


_SOURCE_TAG = re.compile(rb"<source\b([^>]*)>", re.IGNORECASE)
_ITEM = re.compile(rb"<item\b.*?</item\s*>", re.IGNORECASE | re.DOTALL)
_URL_ATTR = re.compile(rb"""\burl\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def _source_sites(body: bytes) -> list[str | None]:
    """The host of each item's ``<source url>``, in item order (feedparser keeps only the last)."""
    sites: list[str | None] = []
    for item in _ITEM.finditer(body):
        tag = _SOURCE_TAG.search(item.group(0))
        url = _URL_ATTR.search(tag.group(1)) if tag else None
        host = urlsplit(url.group(1).decode("utf-8", "replace")).hostname if url else None
        sites.append(_site(host) if host else None)
    return sites


def _site(host: str) -> str | None:
    host = host.strip().lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host or None


def _seendate(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip(), _GDELT_SEEN).replace(tzinfo=UTC)
    except ValueError:
        return None
