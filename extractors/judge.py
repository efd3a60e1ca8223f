"""Judging: how each article relates to the seed and to the other articles.

In: the seed, every article linked to it so far, and :class:`JudgeSettings`.
Out: one :class:`Judgement` per article (a row of ``coverage``).

Method (thresholds and reasons in README, "Judging"):
1. relevance: the weighted share of the seed's key terms the article contains;
2. similarity_to_seed (Jaccard) and containment_of_seed (the share of the
   seed's word 5-shingles found in the article), computed exactly;
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
from dataclasses import dataclass
from datetime import UTC, datetime

from extractors.dedupe import ClusterMember, CopyRule, Scheme, assign_clusters, link_batch, sign_texts
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


def dedupe_scheme(settings: JudgeSettings) -> Scheme:
    return Scheme(shingle_words=settings.shingle_words, num_perm=settings.minhash_permutations,
                  bands=settings.lsh_bands, rows=settings.lsh_rows)


def copy_rule(settings: JudgeSettings) -> CopyRule:
    return CopyRule(near_duplicate_jaccard=settings.near_duplicate_jaccard, copy_containment=settings.copy_containment)


def judge_coverage(
    seed: Seed,
    articles: Sequence[Article],
    settings: JudgeSettings,
    clusters: Mapping[str, ClusterMember] | None = None,
) -> list[Judgement]:
    """Judge every article against the seed; the result follows the input order.

    ``clusters`` maps article ids to their copy cluster (the warehouse's, kept
    across runs); None clusters the given articles among themselves.
    """
    seed_terms = key_terms(seed.text)
    seed_shingles = shingles(tokens(seed.text), settings.shingle_words)

    # One article's shingles at a time: kept for all of them, they grew memory with the
    # size of the story (about 150 kB an article).
    scores: dict[str, tuple[float, float, float]] = {}
    for article in articles:
        f = _features(article, settings)
        common = len(seed_shingles & f.shingles)
        union = len(seed_shingles) + len(f.shingles) - common or 1
        containment = common / (len(seed_shingles) or 1)
        scores[article.article_id] = (relevance(seed_terms, f.terms), common / union, containment)

    def is_seed_copy(article_id: str) -> bool:
        # A near-duplicate of the seed, or a piece that carries most of it.
        _, similarity, contained = scores[article_id]
        return similarity >= settings.near_duplicate_jaccard or contained >= settings.seed_copy_containment

    def is_related(article_id: str) -> bool:
        return is_seed_copy(article_id) or scores[article_id][0] >= settings.relevance_threshold

    if clusters is None:
        clusters = cluster_articles(articles, settings)

    judgements = []
    for article in articles:
        aid = article.article_id
        rel, sim, cont = scores[aid]
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


def _features(article: Article, settings: JudgeSettings) -> _Features:
    words = tokens(f"{article.title or ''}\n{article.text}")
    body_words = tokens(article.text)
    return _Features(
        article=article,
        shingles=frozenset(shingles(body_words, settings.shingle_words)),
        terms=frozenset(term_set(words)),
    )


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
