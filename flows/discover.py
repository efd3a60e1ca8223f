"""Discovery: a seed's sources in, candidate article URLs out.

In: the ``[[sources]]`` of a seed's settings. Out: a :class:`Discovery` with
every candidate found (not yet window-filtered), each source fetch result and
every problem met. Feeds and sitemaps are fetched through the same guarded
fetcher as articles; sitemap indexes are followed level by level, each URL at
most once, so an index that points to itself ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.feeds import parse_feed
from extractors.records import Candidate, DiscoveryProblem, FetchResult
from extractors.settings import FetchSettings, SourceSpec
from extractors.sitemaps import parse_sitemap
from flows.fetch import FetchRequest, fetch_all

# Sitemap index -> index -> urlset is the deepest nesting seen on news sites;
# one level more tolerates an odd publisher, and bounds a hostile one.
MAX_SITEMAP_DEPTH = 4
# A news site lists a handful of child sitemaps; more is a crawl, not discovery.
MAX_CHILD_SITEMAPS = 50


@dataclass(frozen=True)
class Discovery:
    candidates: tuple[Candidate, ...]
    source_results: tuple[FetchResult, ...]
    problems: tuple[DiscoveryProblem, ...]


async def discover_candidates_async(sources: Sequence[SourceSpec], settings: FetchSettings) -> Discovery:
    candidates: list[Candidate] = []
    results: list[FetchResult] = []
    problems: list[DiscoveryProblem] = []
    visited: set[str] = set()
    level = [(s.url, s.kind) for s in sources]
    for depth in range(MAX_SITEMAP_DEPTH + 1):
        todo = [(url, kind) for url, kind in dict.fromkeys(level) if url not in visited]
        if not todo:
            break
        visited.update(url for url, _ in todo)
        fetched = await fetch_all([FetchRequest(url=url, purpose=kind) for url, kind in todo], settings)
        level = []
        for (url, kind), result in zip(todo, fetched, strict=True):
            results.append(result)
            if not result.ok:
                continue
            base = result.final_url or url
            if kind == "feed":
                found, trouble = parse_feed(result.body, base, result.content_type)
                candidates.extend(found)
                problems.extend(trouble)
                continue
            page = parse_sitemap(result.body, base)
            candidates.extend(page.candidates)
            problems.extend(page.problems)
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
    return Discovery(tuple(candidates), tuple(results), tuple(problems))


def discover_candidates(sources: Sequence[SourceSpec], settings: FetchSettings) -> Discovery:
    return asyncio.run(discover_candidates_async(sources, settings))
