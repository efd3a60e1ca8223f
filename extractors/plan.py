"""Fetch planning: which in-window candidates a run fetches, and why it passes over the rest.

In: the run's in-window candidates, the URLs the warehouse already holds an
article for, the seed's text and the pre-filter settings. Out: a
:class:`FetchPlan` naming the candidates to fetch, the ones already stored (to
link, not fetch), and the ones passed over with a reason. Decisions that need
I/O (robots.txt) are made elsewhere and applied with :meth:`FetchPlan.bar`.
Every candidate not fetched becomes a ``skipped`` fetch_log row via
:func:`skipped_results`, so a user can see why a URL was not fetched.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from extractors.prefilter import prefilter_terms, screen_candidates
from extractors.records import Candidate, FetchAttempt, FetchResult
from extractors.settings import PrefilterSettings

ALREADY_FETCHED = "already fetched"
PREFILTERED = "pre-filter: title and summary unrelated to the seed"


@dataclass(frozen=True)
class FetchPlan:
    fetch: tuple[Candidate, ...]
    known: tuple[Candidate, ...]  # an article is stored for these already: link them, do not fetch
    passed_over: tuple[tuple[Candidate, str], ...] = ()  # not fetched, with the reason

    @property
    def prefiltered(self) -> int:
        return sum(1 for _, reason in self.passed_over if reason == PREFILTERED)

    def bar(self, reasons: Mapping[str, str]) -> FetchPlan:
        """The plan with the candidates whose canonical URL is in ``reasons`` passed over for that reason."""
        barred = tuple((c, reasons[c.canonical_url]) for c in self.fetch if c.canonical_url in reasons)
        if not barred:
            return self
        kept = tuple(c for c in self.fetch if c.canonical_url not in reasons)
        return replace(self, fetch=kept, passed_over=self.passed_over + barred)


def plan_fetches(
    candidates: Sequence[Candidate],
    stored_urls: Collection[str],
    seed_text: str,
    prefilter: PrefilterSettings,
) -> FetchPlan:
    known = tuple(c for c in candidates if c.canonical_url in stored_urls)
    new = [c for c in candidates if c.canonical_url not in stored_urls]
    if not prefilter.enabled or not new:
        return FetchPlan(fetch=tuple(new), known=known)
    screened = screen_candidates(prefilter_terms(seed_text), new, prefilter.threshold)
    return FetchPlan(
        fetch=tuple(s.candidate for s in screened if s.fetch),
        known=known,
        passed_over=tuple((s.candidate, PREFILTERED) for s in screened if not s.fetch),
    )


def skipped_result(candidate: Candidate, reason: str = ALREADY_FETCHED) -> FetchResult:
    """A fetch_log record for a URL deliberately not fetched."""
    attempt = FetchAttempt(
        url=candidate.canonical_url, final_url=None, outcome="skipped", reason=reason,
        http_status=None, bytes=0, elapsed_ms=0, fetched_at=datetime.now(UTC), attempt=1,
        purpose="article", final=True,
    )
    return FetchResult(url=candidate.canonical_url, purpose="article", outcome="skipped",
                       reason=reason, attempts=(attempt,))


def skipped_results(plan: FetchPlan) -> list[FetchResult]:
    """fetch_log records for every candidate the plan does not fetch."""
    return [skipped_result(c) for c in plan.known] + [skipped_result(c, why) for c, why in plan.passed_over]
