"""Judging: how each article relates to the seed and to the other articles.

In: the seed, every article linked to it so far, and :class:`JudgeSettings`.
Out: one :class:`Judgement` per article (a row of ``coverage``).

Method (thresholds and reasons in README, "Judging"):
1. relevance: the weighted share of the seed's key terms the article contains;
2. similarity_to_seed (Jaccard) and containment_of_seed (the share of the
   seed's word 5-shingles found in the article), computed exactly
   (``extractors.features``; the pipeline computes them on its workers as each
   batch is extracted and passes them in);
3. copies between articles (``extractors.dedupe``): exact duplicates, near-
   duplicates and partial copies from MinHash signatures and LSH; linked
   articles form clusters whose earliest published member is the origin. The
   pipeline keeps clusters in the warehouse across runs and seeds and passes
   them in; without them they are computed here over the given articles;
4. status: ``seed_copy`` when the article carries enough of the seed,
   ``unrelated`` when relevance is under the bar, ``syndicated`` for a
   cluster member that is not its origin, ``original`` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from extractors.dedupe import ClusterMember, CopyRule, Scheme, assign_clusters, link_batch, sign_texts
from extractors.features import ArticleFeatures, SeedProfile, SeedScores, article_features, seed_profile
from extractors.records import Article, CoverageStatus, Judgement, Seed
from extractors.settings import JudgeSettings

_LATEST = datetime.max.replace(tzinfo=UTC)


def dedupe_scheme(settings: JudgeSettings) -> Scheme:
    return Scheme(shingle_words=settings.shingle_words, num_perm=settings.minhash_permutations,
                  bands=settings.lsh_bands, rows=settings.lsh_rows)


def copy_rule(settings: JudgeSettings) -> CopyRule:
    return CopyRule(near_duplicate_jaccard=settings.near_duplicate_jaccard, copy_containment=settings.copy_containment)


def profile_for(seed: Seed, settings: JudgeSettings) -> SeedProfile:
    return seed_profile(seed, dedupe_scheme(settings))


def seed_copy(scores: SeedScores, settings: JudgeSettings) -> bool:
    """Whether an article with these scores is a copy of the seed: a near-duplicate of it,
    or a piece that carries most of it."""
    return (scores.similarity >= settings.near_duplicate_jaccard
            or scores.containment >= settings.seed_copy_containment)


def related(scores: SeedScores, settings: JudgeSettings) -> bool:
    """Whether an article with these scores is related to the seed."""
    return seed_copy(scores, settings) or scores.relevance >= settings.relevance_threshold


def judge_coverage(
    seed: Seed,
    articles: Sequence[Article],
    settings: JudgeSettings,
    clusters: Mapping[str, ClusterMember] | None = None,
    features: Mapping[str, ArticleFeatures] | None = None,
) -> list[Judgement]:
    """Judge every article against the seed; the result follows the input order.

    ``clusters`` maps article ids to their copy cluster (the warehouse's, kept
    across runs); None clusters the given articles among themselves.
    ``features``: those already computed (by the pipeline's workers) against this
    seed and settings; the others are computed here.
    """
    profile = profile_for(seed, settings)
    features = features or {}
    # One article's shingles at a time: kept for all of them, they grew memory with the
    # size of the story (about 150 kB an article).
    scores: dict[str, SeedScores] = {}
    for article in articles:
        known = features.get(article.article_id)
        if known is None or known.content_hash != article.content_hash:
            known = article_features(article, profile)
        scores[article.article_id] = known.scores

    def is_seed_copy(article_id: str) -> bool:
        return seed_copy(scores[article_id], settings)

    def is_related(article_id: str) -> bool:
        return related(scores[article_id], settings)

    if clusters is None:
        clusters = cluster_articles(articles, settings)

    judgements = []
    for article in articles:
        aid = article.article_id
        rel, sim, cont = scores[aid].relevance, scores[aid].similarity, scores[aid].containment
        cluster_id: str | None = None
        origin = False
        status: CoverageStatus
        if is_seed_copy(aid):
            status, cluster_id = "seed_copy", f"seed:{seed.seed_id}"
        elif not is_related(aid):
            status = "unrelated"
        elif aid in clusters:
            # Clusters hold every kind of copy; the seed's own copies were told apart above.
            cluster_id, origin = clusters[aid].cluster_id, clusters[aid].is_origin
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


def cluster_articles(articles: Sequence[Article], settings: JudgeSettings) -> dict[str, ClusterMember]:
    """Copy clusters among the given articles alone, origins by publication time then id."""
    scheme = dedupe_scheme(settings)
    signatures = sign_texts([(a.article_id, a.content_hash, a.text) for a in articles], scheme)
    update = assign_clusters(link_batch(signatures, scheme, copy_rule(settings)), {})
    by_id = {a.article_id: a for a in articles}
    members: dict[str, list[Article]] = {}
    for aid, cluster_id in update.assignments.items():
        members.setdefault(cluster_id, []).append(by_id[aid])
    result: dict[str, ClusterMember] = {}
    for cluster_id, group in members.items():
        origin = min(group, key=lambda a: (a.published_at or _LATEST, a.article_id))
        result.update((a.article_id, ClusterMember(cluster_id, a is origin)) for a in group)
    return result
