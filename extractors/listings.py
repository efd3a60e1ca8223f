"""One fetched feed or sitemap read into what it lists: the unit of work discovery
hands to the run's worker processes.

In: a :class:`Listing` (the kind of source, the body, the URL it came from, its
declared type). Out: a :class:`~extractors.sitemaps.SitemapPage` of candidates,
child sitemaps (a feed has none) and problems.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.feeds import parse_feed
from extractors.sitemaps import SitemapPage, parse_sitemap


@dataclass(frozen=True)
class Listing:
    kind: str  # "feed" or "sitemap"
    body: bytes
    url: str  # where the fetch ended: relative links resolve against it
    content_type: str | None = None


def read_listing(listing: Listing) -> SitemapPage:
    if listing.kind == "feed":
        candidates, problems = parse_feed(listing.body, listing.url, listing.content_type)
        return SitemapPage(tuple(candidates), (), tuple(problems))
    return parse_sitemap(listing.body, listing.url)
