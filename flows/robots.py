"""robots.txt: which article URLs the sites let storywatch fetch.

In: candidate article URLs and the fetch settings (whose User-Agent names the
project and its contact). Out: a :class:`RobotsVerdict` per host, and the
URLs split into allowed and disallowed. robots.txt is fetched once per host per
run through the same guarded fetcher as everything else, and read with
Protego (the parser Scrapy uses). Following RFC 9309: a 4xx means no rules;
a 5xx or an unreachable server means "disallow all" for this run, because a
site that is down is not one to crawl; a 200 is parsed. Hosts pinned to a
server of our own (the offline sample) are not asked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from urllib.parse import urlsplit

from protego import Protego

from extractors.records import FetchResult
from extractors.settings import FetchSettings
from flows.fetch import FetchRequest, fetch_all

# Google reads the first 500 KiB of a robots.txt; the rest is ignored, so capping
# the body there loses no rule that matters.
ROBOTS_MAX_BYTES = 500 * 1024


@dataclass(frozen=True)
class RobotsVerdict:
    origin: str  # scheme://host[:port]
    rules: str | None  # the robots.txt text when it was read
    allow_all: bool  # no rules apply (4xx, or a pinned host)
    deny_all: bool  # unreachable or 5xx: nothing is fetched from this host this run
    crawl_delay: float | None
    reason: str | None  # why deny_all

    def allows(self, url: str, user_agent: str) -> bool:
        if self.deny_all:
            return False
        if self.allow_all or self.parsed is None:
            return True
        return self.parsed.can_fetch(url, user_agent)

    @cached_property
    def parsed(self) -> Protego | None:
        """Parsed once per host, however many of its URLs are asked about."""
        return Protego.parse(self.rules) if self.rules is not None else None


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _verdict(origin: str, result: FetchResult, user_agent: str) -> RobotsVerdict:
    if result.ok:
        text = (result.body or b"").decode("utf-8", errors="replace")
        delay = Protego.parse(text).crawl_delay(user_agent)
        return RobotsVerdict(origin, text, False, False, float(delay) if delay else None, None)
    status = result.http_status
    # A refused robots.txt (scheme or address policy) decides nothing: the article
    # fetch is refused by the same policy and says why itself.
    if result.outcome == "skipped" or (status is not None and 400 <= status < 500):
        return RobotsVerdict(origin, None, True, False, None, None)
    why = result.reason or f"HTTP {status}"
    return RobotsVerdict(origin, None, False, True, None, f"robots.txt unreachable ({why})")


async def read_robots_async(
    urls: Sequence[str], settings: FetchSettings
) -> tuple[dict[str, RobotsVerdict], list[FetchResult]]:
    """A verdict per origin of ``urls``, and the robots.txt fetches (for fetch_log)."""
    pinned = {host for host, _ in settings.pinned_hosts}
    origins = sorted({origin_of(u) for u in urls})
    verdicts = {
        o: RobotsVerdict(o, None, True, False, None, None) for o in origins if urlsplit(o).hostname in pinned
    }
    todo = [o for o in origins if o not in verdicts]
    capped = replace(settings, max_bytes=min(settings.max_bytes, ROBOTS_MAX_BYTES))
    results = await fetch_all([FetchRequest(f"{o}/robots.txt", "robots") for o in todo], capped)
    for origin, result in zip(todo, results, strict=True):
        verdicts[origin] = _verdict(origin, result, settings.agent)
    return verdicts, results


def read_robots(urls: Sequence[str], settings: FetchSettings) -> tuple[dict[str, RobotsVerdict], list[FetchResult]]:
    return asyncio.run(read_robots_async(urls, settings))


def robots_reason(verdict: RobotsVerdict) -> str:
    return verdict.reason if verdict.deny_all and verdict.reason else "disallowed by robots.txt"


def robots_refusals(urls: Sequence[str], verdicts: Mapping[str, RobotsVerdict], user_agent: str) -> dict[str, str]:
    """url -> why robots.txt bars it, for the URLs of ``urls`` their origin's verdict does not allow."""
    refusals = {}
    for url in urls:
        verdict = verdicts[origin_of(url)]
        if not verdict.allows(url, user_agent):
            refusals[url] = robots_reason(verdict)
    return refusals


def crawl_delays(verdicts: Mapping[str, RobotsVerdict]) -> tuple[tuple[str, float], ...]:
    """(host, seconds) for each origin whose robots.txt sets a Crawl-delay."""
    return tuple((urlsplit(v.origin).hostname or "", v.crawl_delay) for v in verdicts.values() if v.crawl_delay)
