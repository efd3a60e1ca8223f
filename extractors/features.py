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
from dataclasses import dataclass
from functools import partial

import numpy as np

from extractors.dedupe import Scheme, Signature, minhash, shingle_sets, token_shingle_sets
from extractors.records import Article, Seed
from extractors.terms import KeyTerm, key_terms, present_terms, tokens
from extractors.workers import in_workers


@dataclass(frozen=True)
class SeedProfile:
    """The seed as every article is scored against it; small enough to send to each worker."""

    seed_id: str
    terms: tuple[KeyTerm, ...]
    shingles: np.ndarray  # the seed text's distinct shingle hashes, sorted
    scheme: Scheme


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


def relevance(terms: Sequence[KeyTerm], found: set[str] | frozenset[str]) -> float:
    total = sum(t.weight for t in terms)
    if total == 0:
        return 0.0
    return sum(t.weight for t in terms if t.match_key in found) / total


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
        relevance=relevance(profile.terms, present_terms(tokens(article.title or "") + words,
                                                         [t.match_key for t in profile.terms])),
        similarity=common / union,
        containment=common / (len(profile.shingles) or 1),
    )
    return ArticleFeatures(article.article_id, article.content_hash, signature, scores)


def features_of(articles: Sequence[Article], profile: SeedProfile) -> dict[str, ArticleFeatures]:
    """:func:`article_features` of each article by id, on the run's extraction workers when it
    has them. An article whose features failed is left out: the judge computes them again."""
    done = in_workers(partial(article_features, profile=profile), list(articles))
    return {f.article_id: f for f in done if isinstance(f, ArticleFeatures)}
