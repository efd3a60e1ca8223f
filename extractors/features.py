"""What judging needs of each article, computed once, where the article is extracted.

In: an :class:`~extractors.records.Article` and a :class:`SeedProfile` (the seed's
key terms and word shingles, and the copy-detection scheme). Out:
:class:`ArticleFeatures`: the article's MinHash signature (for the copy index) and
its three scores against the seed (relevance, similarity, containment).

The pipeline computes them on the extraction workers batch by batch, so the judge
stage after the last batch reads them instead of shingling every article again in
one process. Shingles are compared as the 64-bit hashes the signatures are made
from (``extractors.dedupe.shingle_sets``): the similarity and containment are the
exact set measures, bar a 2**-64 chance of two shingles sharing a hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from extractors.dedupe import Scheme, Signature, minhash, shingle_sets, token_shingle_sets
from extractors.records import Article, Seed
from extractors.terms import KeyTerm, fold, key_terms, present_terms, relevance, tokens
from extractors.workers import in_workers


@dataclass(frozen=True)
class SeedProfile:
    """The seed as every article is scored against it; small enough to send to each worker."""

    seed_id: str
    terms: tuple[KeyTerm, ...]
    shingles: np.ndarray  # the seed text's distinct shingle hashes, sorted
    scheme: Scheme
    # Derived from ``terms`` once, not for every article: each term's match key, and the
    # folded words a term starts with (a one-word term, or a pair's first word).
    match_keys: tuple[str, ...] = field(init=False, repr=False, compare=False)
    first_words: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = tuple(t.match_key for t in self.terms)
        object.__setattr__(self, "match_keys", keys)
        object.__setattr__(self, "first_words", frozenset(k.split(" ", 1)[0] for k in keys))


@dataclass(frozen=True)
class SeedScores:
    relevance: float  # weighted share of the seed's key terms the article contains
    similarity: float  # Jaccard of the seed's and the article's word shingles
    containment: float  # share of the seed's shingles found in the article


@dataclass(frozen=True)
class ArticleFeatures:
    article_id: str
    content_hash: str  # the text these were computed from: stale if the stored text differs
    signature: Signature
    scores: SeedScores


def seed_profile(seed: Seed, scheme: Scheme) -> SeedProfile:
    return SeedProfile(seed_id=seed.seed_id, terms=tuple(key_terms(seed.text)),
                       shingles=shingle_sets([seed.text], scheme.shingle_words)[0], scheme=scheme)


def _term_candidates(words: list[str], first_words: frozenset[str]) -> list[str]:
    """The words :func:`present_terms` can match in ``words``, each followed by the word after it.

    It reads every word in Python, and most of an article's words start no key term. Each
    kept pair is closed by '', which is neither a content word nor a term, so no pair is
    formed across the gaps: the terms found are those of ``words``.
    """
    starts = {w for w in set(words) if fold(w) in first_words}
    if not starts:
        return []
    return [x for w, after in zip(words, words[1:] + [""], strict=True) if w in starts for x in (w, after, "")]


def article_features(article: Article, profile: SeedProfile) -> ArticleFeatures:
    scheme = profile.scheme
    words = tokens(article.text)
    shingles = token_shingle_sets([words], scheme.shingle_words)[0]
    values = minhash([shingles], scheme.num_perm)[0]
    signature = Signature(article_id=article.article_id, content_hash=article.content_hash,
                          shingle_count=len(shingles), hashvalues=values.astype("<u4").tobytes())
    common = np.intersect1d(profile.shingles, shingles, assume_unique=True).size
    union = len(profile.shingles) + len(shingles) - common or 1
    scores = SeedScores(
        relevance=relevance(profile.terms, present_terms(
            _term_candidates(tokens(article.title or "") + words, profile.first_words), profile.match_keys),
            profile.match_keys),
        similarity=common / union,
        containment=common / (len(profile.shingles) or 1),
    )
    return ArticleFeatures(article.article_id, article.content_hash, signature, scores)


def features_of(articles: Sequence[Article], profile: SeedProfile) -> dict[str, ArticleFeatures]:
    """:func:`article_features` of each article by id, on the run's extraction workers when it
    has them. An article whose features failed is left out: the judge computes them again."""
    done = in_workers(partial(article_features, profile=profile), list(articles))
    return {f.article_id: f for f in done if isinstance(f, ArticleFeatures)}
