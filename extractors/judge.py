"""Judging: how each article relates to the seed and to the other articles.

In: the seed, every article linked to it so far, and :class:`JudgeSettings`.
Out: one :class:`Judgement` per article (a row of ``coverage``).

Method (thresholds and reasons in README, "Judging"):
1. relevance: the weighted share of the seed's key terms the article contains;
2. similarity_to_seed (Jaccard) and containment_of_seed (the share of the
   seed's word 5-shingles found in the article), computed exactly;
3. near-duplicates between articles: MinHash signatures of the same shingles,
   candidate pairs from LSH, kept when the estimated Jaccard clears the bar;
   connected pairs form clusters whose earliest article is the origin;
4. status: ``seed_copy`` when the article carries enough of the seed,
   ``unrelated`` when relevance is under the bar, ``syndicated`` for a
   cluster member that is not its origin, ``original`` otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from datasketch import MinHash, MinHashLSH

from extractors.records import Article, CoverageStatus, Judgement, Seed
from extractors.settings import JudgeSettings
from extractors.terms import KeyTerm, key_terms, shingles, term_set, tokens

_LATEST = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class _Features:
    article: Article
    shingles: frozenset[str]
    terms: frozenset[str]


def relevance(terms: Sequence[KeyTerm], found: set[str] | frozenset[str]) -> float:
    total = sum(t.weight for t in terms)
    if total == 0:
        return 0.0
    return sum(t.weight for t in terms if t.match_key in found) / total


def judge_coverage(seed: Seed, articles: Sequence[Article], settings: JudgeSettings) -> list[Judgement]:
    """Judge every article against the seed; the result follows the input order."""
    seed_terms = key_terms(seed.text)
    seed_shingles = shingles(tokens(seed.text), settings.shingle_words)
    features = [_features(a, settings) for a in articles]

    scores: dict[str, tuple[float, float, float]] = {}
    for f in features:
        common = len(seed_shingles & f.shingles)
        union = len(seed_shingles | f.shingles) or 1
        containment = common / (len(seed_shingles) or 1)
        scores[f.article.article_id] = (relevance(seed_terms, f.terms), common / union, containment)

    def is_seed_copy(article_id: str) -> bool:
        return scores[article_id][2] >= settings.seed_copy_containment

    def is_related(article_id: str) -> bool:
        return is_seed_copy(article_id) or scores[article_id][0] >= settings.relevance_threshold

    # Syndication is looked for among related articles that are not seed copies:
    # seed copies already have their origin, the seed itself.
    pool = [f for f in features if is_related(f.article.article_id) and not is_seed_copy(f.article.article_id)]
    clusters = _near_duplicate_clusters(pool, settings)

    judgements = []
    for f in features:
        aid = f.article.article_id
        rel, sim, cont = scores[aid]
        cluster_id: str | None = None
        origin = False
        status: CoverageStatus
        if is_seed_copy(aid):
            status, cluster_id = "seed_copy", f"seed:{seed.seed_id}"
        elif not is_related(aid):
            status = "unrelated"
        elif aid in clusters:
            cluster_id, origin_id = clusters[aid]
            origin = aid == origin_id
            status = "original" if origin else "syndicated"
        else:
            status = "original"
        judgements.append(
            Judgement(
                seed_id=seed.seed_id,
                article_id=aid,
                related=is_related(aid),
                relevance=round(rel, 4),
                similarity_to_seed=round(sim, 4),
                containment_of_seed=round(cont, 4),
                status=status,
                cluster_id=cluster_id,
                is_cluster_origin=origin,
            )
        )
    return judgements


def _features(article: Article, settings: JudgeSettings) -> _Features:
    words = tokens(f"{article.title or ''}\n{article.text}")
    body_words = tokens(article.text)
    return _Features(
        article=article,
        shingles=frozenset(shingles(body_words, settings.shingle_words)),
        terms=frozenset(term_set(words)),
    )


def _near_duplicate_clusters(pool: Sequence[_Features], settings: JudgeSettings) -> dict[str, tuple[str, str]]:
    """article_id -> (cluster_id, origin article_id) for articles with a near-duplicate."""
    if len(pool) < 2:
        return {}
    lsh = MinHashLSH(threshold=settings.near_duplicate_jaccard, num_perm=settings.minhash_permutations)
    signatures: dict[str, MinHash] = {}
    for f in pool:
        sig = MinHash(num_perm=settings.minhash_permutations, seed=1)
        sig.update_batch([s.encode("utf-8") for s in f.shingles])
        signatures[f.article.article_id] = sig
        lsh.insert(f.article.article_id, sig)

    parent = {aid: aid for aid in signatures}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for aid, sig in signatures.items():
        for other in lsh.query(sig):
            # LSH proposes candidates; the estimate decides, so the threshold holds.
            if other != aid and sig.jaccard(signatures[other]) >= settings.near_duplicate_jaccard:
                parent[find(other)] = find(aid)

    members: dict[str, list[Article]] = {}
    for f in pool:
        members.setdefault(find(f.article.article_id), []).append(f.article)
    result: dict[str, tuple[str, str]] = {}
    for group in members.values():
        if len(group) < 2:
            continue
        origin = min(group, key=lambda a: (a.published_at or _LATEST, a.article_id))
        cluster_id = "c" + hashlib.sha1(origin.article_id.encode()).hexdigest()[:12]
        for a in group:
            result[a.article_id] = (cluster_id, origin.article_id)
    return result
