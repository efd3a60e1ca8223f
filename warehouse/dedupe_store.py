"""The copy-detection index in the warehouse: signatures, LSH buckets, clusters.

In: signatures of articles not indexed yet (``extractors.dedupe``). Out: their
rows in ``article_signatures`` and ``lsh_buckets``, the copies they have among
themselves and in the history, and cluster memberships with stable ids, all
written in one transaction. The history is reached through one hash join of
the new articles' band keys against ``lsh_buckets`` (and of their content
hashes against ``article_signatures``): the work per run grows with the new
articles and the candidates they share a bucket with, never with pairs of
stored articles.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from extractors.dedupe import (
    ClusterMember,
    CopyRule,
    Scheme,
    Signature,
    assign_clusters,
    band_keys,
    compare,
    estimated_jaccards,
    link_batch,
    sign_texts,
    signature_matrix,
)
from extractors.records import Article
from warehouse import queries
from warehouse.db import connect
from warehouse.staging import Staged, now, readable, schema, stage, transaction, write

if TYPE_CHECKING:
    import pyarrow as pa

SIGNATURE_SCHEMA = schema(
    ("article_id", "VARCHAR"), ("scheme", "VARCHAR"), ("content_hash", "VARCHAR"), ("shingle_count", "INTEGER"),
    ("hashvalues", "BLOB"), ("run_id", "VARCHAR"),
)
BUCKET_SCHEMA = schema(("bucket", "BIGINT"), ("article_id", "VARCHAR"))
CLUSTER_SCHEMA = schema(("cluster_id", "VARCHAR"), ("created_at", "TIMESTAMPTZ"), ("run_id", "VARCHAR"))
MEMBER_SCHEMA = schema(
    ("cluster_id", "VARCHAR"), ("article_id", "VARCHAR"), ("joined_at", "TIMESTAMPTZ"), ("run_id", "VARCHAR"),
)
MERGE_SCHEMA = schema(("retired", "VARCHAR"), ("kept", "VARCHAR"))
ID_SCHEMA = schema(("article_id", "VARCHAR"))
TEXT_SCHEMA = schema(("article_id", "VARCHAR"), ("content_hash", "VARCHAR"))


@dataclass(frozen=True)
class IndexCounts:
    indexed: int  # new signatures stored
    links: int  # copy links found (new-new and new-history)
    created: int  # clusters created
    merged: int  # clusters retired into an older one


def signed_article_ids(db: Path, article_ids: Iterable[str], scheme: Scheme) -> set[str]:
    """The given articles that already have a signature made under ``scheme``."""
    with connect(db) as con:
        return _signed_ids(con, article_ids, scheme)


def _signed_ids(con: duckdb.DuckDBPyConnection, article_ids: Iterable[str], scheme: Scheme) -> set[str]:
    return _staged_ids(con, queries.SIGNED_UNDER_SCHEME, stage([{"article_id": a} for a in article_ids], ID_SCHEMA),
                       scheme)


def index_new_signatures(
    db: Path, run_id: str, signatures: Sequence[Signature], scheme: Scheme, rule: CopyRule
) -> IndexCounts:
    """Index signatures made elsewhere (the pipeline's workers, batch by batch): only those of
    articles stored with the text they were made from and not in the index yet."""
    if not signatures:
        return IndexCounts(0, 0, 0, 0)
    # One connection for the lookup and the write: the pipeline calls this after every batch.
    with connect(db) as con:
        wanted = _staged_ids(con, queries.STORED_UNSIGNED, stage(
            [{"article_id": s.article_id, "content_hash": s.content_hash} for s in signatures], TEXT_SCHEMA), scheme)
        return _index_signatures(con, run_id, [s for s in signatures if s.article_id in wanted], scheme, rule)


def _staged_ids(con: duckdb.DuckDBPyConnection, statement: str, staged: Staged, scheme: Scheme) -> set[str]:
    """The article ids ``statement`` picks out of the ``staged`` rows under ``scheme``."""
    if staged.num_rows == 0:
        return set()
    with readable(con, staged):
        return {row[0] for row in con.execute(statement, [scheme.name]).fetchall()}


def index_articles(db: Path, run_id: str, articles: Sequence[Article], scheme: Scheme, rule: CopyRule) -> IndexCounts:
    """Sign and index those of ``articles`` not in the index yet (under ``scheme``); the rest cost one lookup."""
    if not articles:
        return IndexCounts(0, 0, 0, 0)
    with connect(db) as con:
        signed = _signed_ids(con, [a.article_id for a in articles], scheme)
        new = [(a.article_id, a.content_hash, a.text) for a in articles if a.article_id not in signed]
        return _index_signatures(con, run_id, sign_texts(new, scheme), scheme, rule)


def index_signatures(
    db: Path, run_id: str, signatures: Sequence[Signature], scheme: Scheme, rule: CopyRule
) -> IndexCounts:
    """Store new articles' signatures and band keys, link them to their copies and update clusters."""
    if not signatures:
        return IndexCounts(0, 0, 0, 0)
    with connect(db) as con:
        return _index_signatures(con, run_id, signatures, scheme, rule)


def _index_signatures(
    con: duckdb.DuckDBPyConnection, run_id: str, signatures: Sequence[Signature], scheme: Scheme, rule: CopyRule
) -> IndexCounts:
    if not signatures:
        return IndexCounts(0, 0, 0, 0)
    matrix = signature_matrix(signatures, scheme.num_perm)
    keys = band_keys(matrix, scheme)
    import pyarrow as pa  # the band keys go to DuckDB as the array they are made in

    buckets = pa.table(
        {"bucket": pa.array(keys.reshape(-1), pa.int64()),
         "article_id": pa.array([s.article_id for s in signatures for _ in range(scheme.bands)], pa.string())},
        schema=BUCKET_SCHEMA.arrow,
    )
    signature_rows = stage(
        [{"article_id": s.article_id, "scheme": scheme.name, "content_hash": s.content_hash,
          "shingle_count": s.shingle_count, "hashvalues": s.hashvalues, "run_id": run_id} for s in signatures],
        SIGNATURE_SCHEMA,
    )
    stamp = now()
    with transaction(con):
        if _count(con, queries.COUNT_SIGNED, signature_rows):  # signed under another scheme: made again
            write(con, queries.DELETE_STALE_BUCKETS, signature_rows)
            write(con, queries.DELETE_STALE_SIGNATURES, signature_rows)
        history, existing, ages = _candidates(con, buckets, signature_rows, scheme)
        links = link_batch(signatures, scheme, rule)
        if history:
            row_of = {s.article_id: i for i, s in enumerate(signatures)}
            rows = [row_of[new_id] for new_id, _ in history]
            jaccards = estimated_jaccards(matrix[rows], signature_matrix([old for _, old in history],
                                                                          scheme.num_perm)).tolist()
            for row, (_, old), jaccard in zip(rows, history, jaccards, strict=True):
                link = compare(signatures[row], old, rule, jaccard)
                if link is not None:
                    links.append(link)
        update = assign_clusters(links, existing, ages)
        members = [{"cluster_id": c, "article_id": a, "joined_at": stamp, "run_id": run_id}
                   for a, c in update.assignments.items() if a not in existing]
        write(con, queries.INSERT_SIGNATURES, signature_rows)
        write(con, queries.INSERT_BUCKETS, buckets)
        write(con, queries.INSERT_CLUSTERS,
               stage([{"cluster_id": c, "created_at": stamp, "run_id": run_id} for c in update.created],
                      CLUSTER_SCHEMA))
        merges = stage([{"retired": r, "kept": k} for r, k in update.merged.items()], MERGE_SCHEMA)
        write(con, queries.MERGE_CLUSTERS, merges)
        write(con, queries.RETIRE_CLUSTERS, merges)
        write(con, queries.INSERT_CLUSTER_MEMBERS, stage(members, MEMBER_SCHEMA))
    return IndexCounts(indexed=len(signatures), links=len(links), created=len(update.created),
                       merged=len(update.merged))


def _count(con: duckdb.DuckDBPyConnection, statement: str, staged: Staged) -> int:
    with readable(con, staged):
        return con.execute(statement).fetchall()[0][0]


def _candidates(
    con: duckdb.DuckDBPyConnection, buckets: pa.Table, signature_rows: Staged, scheme: Scheme
) -> tuple[list[tuple[str, Signature]], dict[str, str], dict[str, object]]:
    """(new article, stored signature) candidate pairs, and the clusters of the stored ones."""
    with (readable(con, buckets, "staged_buckets"),
          readable(con, signature_rows.table.select(["article_id", "content_hash"]), "staged_signatures")):
        # Fetched as columns: fetchall() made a row of Python objects per pair (a zone-aware
        # datetime each), which cost more than the join itself.
        found = con.execute(queries.COPY_CANDIDATES, [scheme.name]).fetchnumpy()
    # A masked (NULL) value becomes None; timestamps come back naive, in UTC.
    columns = [found[name].tolist() for name in ("new_id", "article_id", "content_hash", "shingle_count",
                                                 "hashvalues", "cluster_id", "created_at")]
    pairs: list[tuple[str, Signature]] = []
    existing: dict[str, str] = {}
    ages: dict[str, object] = {}
    stored: dict[str, Signature] = {}
    for new_id, old_id, content_hash, shingle_count, hashvalues, cluster_id, created_at in zip(*columns, strict=True):
        old = stored.get(old_id)
        if old is None:
            old = stored[old_id] = Signature(old_id, content_hash, shingle_count, bytes(hashvalues))
        pairs.append((new_id, old))
        if cluster_id is not None:
            existing[old_id] = cluster_id
            if cluster_id not in ages:
                ages[cluster_id] = created_at.replace(tzinfo=UTC) if created_at is not None else None
    return pairs, existing, ages


def seed_memberships(db: Path, seed_id: str) -> dict[str, ClusterMember]:
    """article_id -> cluster and origin flag, for every member of a cluster one of the seed's articles is in."""
    with connect(db) as con:
        rows = con.execute(queries.SEED_CLUSTER_MEMBERS, [seed_id]).fetchall()
    return {article_id: ClusterMember(cluster_id, bool(origin)) for article_id, cluster_id, origin in rows}
