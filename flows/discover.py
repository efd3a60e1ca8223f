"""Discovery: a seed's sources in, candidate article URLs out.

In: the ``[[sources]]`` of a seed's settings. Out: a :class:`Discovery` with
every candidate found (not yet window-filtered), each source fetch result and
every problem met. Feeds and sitemaps are fetched through the same guarded
fetcher as articles; sitemap indexes are followed level by level, each URL at
most once, so an index that points to itself ends.

Search sources (``google_news``, ``gdelt``) need a :class:`SearchContext`: the
query and the time window. Google News links point at news.google.com; each is
fetched (redirects followed) and replaced by the publisher's URL when the
redirect leads off Google. One that cannot be resolved is kept, but dropped
when another candidate has the same publisher host and normalised title, so
one article is not counted twice.

WARC sources (``warc``) are local files: their HTML pages become candidates
read by :func:`flows.warc.read_warc_candidates`, with no network at all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import CancelledError, Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from urllib.parse import urlsplit

from extractors.listings import Listing, read_listing
from extractors.records import Candidate, Discovery, DiscoveryProblem, FetchResult, Seed
from extractors.search import (
    build_query,
    gdelt_url,
    google_news_url,
    is_google_link,
    parse_gdelt,
    parse_google_news,
    title_key,
)
from extractors.settings import ARCHIVE_KINDS, SEARCH_KINDS, FetchSettings, MonitorSettings, SearchSettings, SourceSpec
from extractors.sitemaps import SitemapPage
from extractors.terms import KeyTerm
from extractors.urls import canonicalize_url
from extractors.window import window_bounds
from extractors.workers import in_workers, soon
from flows.fetch import FetchRequest, fetch_all
from flows.warc import read_warc_candidates

logger = logging.getLogger(__name__)

# Sitemap index -> index -> urlset is the deepest nesting seen on news sites;
# one level more tolerates an odd publisher, and bounds a hostile one.
MAX_SITEMAP_DEPTH = 4
# A news site lists a handful of child sitemaps; more is a crawl, not discovery.
MAX_CHILD_SITEMAPS = 50


@dataclass(frozen=True)
class SearchContext:
    """What search sources need from the run: the query, the window [start, end) in UTC, the endpoints."""

    query: str
    window_start: datetime
    window_end: datetime
    settings: SearchSettings = SearchSettings()


async def discover_candidates_async(
    sources: Sequence[SourceSpec],
    settings: FetchSettings,
    search: SearchContext | None = None,
    validators: Mapping[str, tuple[str | None, str | None]] | None = None,
) -> Discovery:
    """``validators``: url -> (etag, last_modified) from earlier runs, for conditional GETs of feeds."""
    candidates: list[Candidate] = []
    results: list[FetchResult] = []
    problems: list[DiscoveryProblem] = []
    searches = [s for s in sources if s.kind in SEARCH_KINDS]
    if searches and search is None:
        raise ValueError("search sources need a SearchContext")
    if searches and search is not None:
        found, fetched, trouble = await _search(searches, settings, search)
        candidates.extend(found)
        results.extend(fetched)
        problems.extend(trouble)
    for archive in dict.fromkeys(s.url for s in sources if s.kind in ARCHIVE_KINDS):
        found, trouble = await asyncio.to_thread(read_warc_candidates, archive)
        candidates.extend(found)
        problems.extend(trouble)
    visited: set[str] = set()
    level = [(s.url, s.kind) for s in sources if s.kind not in SEARCH_KINDS + ARCHIVE_KINDS]
    for depth in range(MAX_SITEMAP_DEPTH + 1):
        todo = [(url, kind) for url, kind in dict.fromkeys(level) if url not in visited]
        if not todo:
            break
        visited.update(url for url, _ in todo)
        # Reading 40 feeds of 50 items is most of a second of CPU. A first run's workers
        # are started by now and idle until the first pages arrive: they read each one as
        # it arrives, while the rest are still being fetched. A rerun's are not started,
        # and are not started for this: it reads what it fetched here, once all is in.
        reading: dict[int, Future[SitemapPage]] = {}
        fetched = await fetch_all([_request(url, kind, validators or {}) for url, kind in todo], settings,
                                  on_result=partial(_read_soon, todo, reading))
        results.extend(fetched)
        read = [(index, url, kind, result) for index, ((url, kind), result) in enumerate(zip(todo, fetched,
                                                                                          strict=True))
                if result.ok]
        pages = await _pages(read, reading)
        level = []
        for (_, url, kind, _), page in zip(read, pages, strict=True):
            if isinstance(page, BaseException):
                problems.append(DiscoveryProblem(url, f"could not read the {kind}: {type(page).__name__}: {page}"))
                continue
            candidates.extend(page.candidates)
            problems.extend(page.problems)
            if kind == "feed":
                continue
            children = list(page.child_sitemaps)
            if len(children) > MAX_CHILD_SITEMAPS:
                problems.append(
                    DiscoveryProblem(url, f"sitemap index lists {len(children)} sitemaps; read the first "
                                          f"{MAX_CHILD_SITEMAPS}")
                )
                children = children[:MAX_CHILD_SITEMAPS]
            if depth == MAX_SITEMAP_DEPTH and children:
                problems.append(DiscoveryProblem(url, f"sitemap nesting deeper than {MAX_SITEMAP_DEPTH}; stopped"))
            level.extend((child, "sitemap") for child in children)
    candidates = _drop_unresolved_twins(candidates)
    return Discovery(tuple(candidates), tuple(results), tuple(problems),
                     query=search.query if searches and search is not None else None)


def _read_soon(todo: Sequence[tuple[str, str]], reading: dict[int, Future[SitemapPage]], index: int,
               result: FetchResult) -> None:
    """Hand the listing just fetched to the run's started workers, if it has them."""
    if result.ok and (future := soon(read_listing, _listing(todo[index], result))) is not None:
        reading[index] = future


def _listing(source: tuple[str, str], result: FetchResult) -> Listing:
    url, kind = source
    return Listing(kind, result.body or b"", result.final_url or url, result.content_type)


async def _pages(read: list[tuple[int, str, str, FetchResult]],
                 reading: Mapping[int, Future[SitemapPage]]) -> list[SitemapPage | BaseException]:
    """Each fetched listing read: what the workers read as it arrived, the rest here (or on
    the workers, item by item, if a worker died while reading: the item at fault is found)."""
    pages: list[SitemapPage | BaseException] = [BrokenProcessPool()] * len(read)  # each replaced below
    todo = []
    for position, (index, *_) in enumerate(read):
        future = reading.get(index)
        if future is None:
            todo.append(position)
            continue
        try:
            pages[position] = await asyncio.wrap_future(future)
        except (BrokenProcessPool, CancelledError):  # the pool broke under this read: read again below
            todo.append(position)
        except Exception as exc:
            pages[position] = exc
    if todo:
        again = await asyncio.to_thread(
            in_workers, read_listing, [_listing((read[p][1], read[p][2]), read[p][3]) for p in todo],
            started_only=True)
        for position, page in zip(todo, again, strict=True):
            pages[position] = page
    return pages


def discover_seed(settings: MonitorSettings, seed: Seed, validators: Mapping[str, tuple[str | None, str | None]] | None,
                  terms: list[KeyTerm] | None) -> Discovery:
    """Every candidate of the seed's sources. The query is derived on every run, search
    sources or not, so the report can show what a search would ask for this seed
    (``terms``: the seed's key terms, if known)."""
    query = build_query(seed.text, settings.search.query or None, terms)
    search = None
    if any(s.kind in SEARCH_KINDS for s in settings.sources):
        start, end = window_bounds(seed.seed_date, settings.window)
        search = SearchContext(query=query, window_start=start, window_end=end, settings=settings.search)
    return replace(discover_candidates(settings.sources, settings.fetch, search, validators), query=query)


def discover_candidates(
    sources: Sequence[SourceSpec],
    settings: FetchSettings,
    search: SearchContext | None = None,
    validators: Mapping[str, tuple[str | None, str | None]] | None = None,
) -> Discovery:
    return asyncio.run(discover_candidates_async(sources, settings, search, validators))


def _request(url: str, kind: str, validators: Mapping[str, tuple[str | None, str | None]]) -> FetchRequest:
    """Feeds are asked conditionally. Sitemaps are not: an unchanged index can list a
    child sitemap that did change, and a 304 on the index would hide it."""
    if kind != "feed" or url not in validators:
        return FetchRequest(url=url, purpose=kind)
    etag, modified = validators[url]
    return FetchRequest(url=url, purpose=kind, etag=etag, last_modified=modified)


def search_url(source: SourceSpec, search: SearchContext) -> str:
    """The request URL of one search source for this run."""
    if source.kind == "google_news":
        return google_news_url(search.settings.google_news_base, search.query, search.window_start,
                               search.window_end, source.language, source.region)
    return gdelt_url(search.settings.gdelt_base, search.query, search.window_start, search.window_end,
                     search.settings.maxrecords)


async def _search(
    sources: Sequence[SourceSpec], settings: FetchSettings, search: SearchContext
) -> tuple[list[Candidate], list[FetchResult], list[DiscoveryProblem]]:
    candidates: list[Candidate] = []
    problems: list[DiscoveryProblem] = []
    if not search.query.strip():
        return [], [], [DiscoveryProblem(s.kind, "no search query: the seed gave no key terms") for s in sources]
    logger.info("search query: %s", search.query)
    urls = list(dict.fromkeys(search_url(s, search) for s in sources))
    kinds = {search_url(s, search): s.kind for s in sources}
    results = list(await fetch_all([FetchRequest(url=url, purpose="feed") for url in urls], settings))
    for url, result in zip(urls, results, strict=True):
        if not result.ok:
            continue
        if kinds[url] == "gdelt":
            found, trouble = parse_gdelt(result.body, url)
        else:
            found, trouble = parse_google_news(result.body, url, result.content_type)
        candidates.extend(found)
        problems.extend(trouble)
    resolved, redirects = await _resolve_google_links(candidates, settings)
    return resolved, results + redirects, problems


async def _resolve_google_links(
    candidates: list[Candidate], settings: FetchSettings
) -> tuple[list[Candidate], list[FetchResult]]:
    """Google News links replaced by the publisher URL their redirect leads to, where it does."""
    links = list(dict.fromkeys(c.url for c in candidates if is_google_link(c.url)))
    if not links:
        return candidates, []
    results = await fetch_all([FetchRequest(url=link, purpose="feed") for link in links], settings)
    targets: dict[str, str] = {}
    for link, result in zip(links, results, strict=True):
        final = result.final_url
        # A publisher that answers bots with 403 still told us where the article is.
        if final and not is_google_link(final):
            targets[link] = final
    resolved: list[Candidate] = []
    for candidate in candidates:
        target = targets.get(candidate.url)
        canonical = canonicalize_url(target, candidate.url) if target else None
        if target is None or canonical is None:
            resolved.append(candidate)
            continue
        resolved.append(replace(candidate, url=target, canonical_url=canonical))
    return resolved, list(results)


def _drop_unresolved_twins(candidates: list[Candidate]) -> list[Candidate]:
    """Unresolved Google News items dropped when another candidate is the same publisher's same title."""
    google = [is_google_link(c.url) for c in candidates]
    if not any(google):  # the usual case without search sources: no title keys to make
        return candidates
    known = {
        key for c, is_google in zip(candidates, google, strict=True) if not is_google
        if (key := title_key(c.source_site or urlsplit(c.url).hostname, c.title)) is not None
    }
    kept = []
    for candidate, is_google in zip(candidates, google, strict=True):
        if is_google and title_key(candidate.source_site, candidate.title) in known:
            logger.debug("dropped %s: same source and title as another candidate", candidate.url)
            continue
        kept.append(candidate)
    return kept
