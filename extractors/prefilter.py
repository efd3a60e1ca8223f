"""Pre-filter: which discovered entries are worth fetching at all.

In: the seed's key terms and discovered candidates (title and summary from the
feed or sitemap). Out: the candidates to fetch and the ones to skip, each with
its score. It only skips what is plainly unrelated: an entry with no title and
no summary is always fetched, and the bar is far below the judge's, because a
headline carries a fraction of an article's terms and a missed article is
worse than a wasted fetch (recall on the sample: README, "Pre-filter").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractors.records import Candidate
from extractors.settings import PrefilterSettings
from extractors.terms import KeyTerm, key_terms, relevance, term_set, tokens

# Headlines name the story's side players (Macron, Li Hui, Kyiv) more than its
# leads, so entries are scored against a wider list of the seed's terms than the
# judge uses.
PREFILTER_KEY_TERMS = 80
DEFAULT_PREFILTER_THRESHOLD = PrefilterSettings().threshold


@dataclass(frozen=True)
class Screened:
    candidate: Candidate
    score: float | None  # None: nothing to score, fetched anyway
    fetch: bool


def prefilter_terms(seed_text: str) -> list[KeyTerm]:
    return key_terms(seed_text, limit=PREFILTER_KEY_TERMS)


def screen_candidates(
    terms: Sequence[KeyTerm], candidates: Iterable[Candidate], threshold: float = DEFAULT_PREFILTER_THRESHOLD
) -> list[Screened]:
    screened = []
    for c in candidates:
        text = " ".join(part for part in (c.title, c.summary) if part)
        if not text.strip():
            screened.append(Screened(c, None, True))
            continue
        score = relevance(terms, term_set(tokens(text)))
        screened.append(Screened(c, round(score, 4), score >= threshold))
    return screened
