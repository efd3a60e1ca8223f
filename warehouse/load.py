"""Loading: typed records in, rows in the warehouse out, set-based and atomic.

Each function opens its own short connection, stages the records as Arrow
tables and writes every table it touches in one transaction, so a crash
leaves either the whole batch or none of it. Inserts ignore rows whose key
is already there, which makes a rerun (or a rerun after a crash) add nothing
twice.
"""

from __future__ import annotations

import dataclasses
import gzip
import logging
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractors.records import (
    Article,
    Candidate,
    DiscoveryProblem,
    ExtractionFailure,
    FetchResult,
    Judgement,
    Seed,
)
from warehouse import page_store, queries
from warehouse.db import connect
from warehouse.staging import now, schema, stage, transaction, write

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchCounts:
    fetched: int  # article pages fetched with an ok outcome
    failed: int  # article URLs whose final attempt failed
    loaded: int  # new article rows

    def __add__(self, other: BatchCounts) -> BatchCounts:
        return BatchCounts(self.fetched + other.fetched, self.failed + other.failed, self.loaded + other.loaded)


@dataclass(frozen=True)
class RunCounts:
    discovered: int
    fetched: int
    failed: int
    loaded: int


SEED_SCHEMA = schema(
    ("seed_id", "VARCHAR"), ("seed_date", "DATE"), ("title", "VARCHAR"), ("path", "VARCHAR"),
    ("word_count", "INTEGER"), ("text", "VARCHAR"), ("loaded_at", "TIMESTAMPTZ"),
)
ATTEMPT_SCHEMA = schema(
    ("run_id", "VARCHAR"), ("url", "VARCHAR"), ("final_url", "VARCHAR"), ("outcome", "VARCHAR"),
    ("reason", "VARCHAR"), ("http_status", "INTEGER"), ("bytes", "BIGINT"), ("elapsed_ms", "INTEGER"),
    ("fetched_at", "TIMESTAMPTZ"), ("attempt", "INTEGER"), ("purpose", "VARCHAR"), ("final", "BOOLEAN"),
)
PROBLEM_SCHEMA = schema(("run_id", "VARCHAR"), ("stage", "VARCHAR"), ("url", "VARCHAR"), ("reason", "VARCHAR"))
PAGE_SCHEMA = schema(
    ("url", "VARCHAR"), ("final_url", "VARCHAR"), ("content_type", "VARCHAR"), ("http_status", "INTEGER"),
    ("body", "BLOB"), ("body_encoding", "VARCHAR"), ("body_size", "BIGINT"), ("warc_file", "VARCHAR"),
    ("warc_offset", "BIGINT"), ("fetched_at", "TIMESTAMPTZ"), ("run_id", "VARCHAR"),
)
ARTICLE_SCHEMA = schema(
    ("article_id", "VARCHAR"), ("url", "VARCHAR"), ("final_url", "VARCHAR"), ("canonical_url", "VARCHAR"),
    ("outlet", "VARCHAR"), ("outlet_name", "VARCHAR"), ("title", "VARCHAR"), ("author", "VARCHAR"),
    ("published_at", "TIMESTAMPTZ"), ("language", "VARCHAR"), ("text", "VARCHAR"), ("word_count", "INTEGER"),
    ("content_hash", "VARCHAR"), ("first_seen_at", "TIMESTAMPTZ"), ("run_id", "VARCHAR"), ("authors", "VARCHAR[]"),
    ("modified_at", "TIMESTAMPTZ"),
)
LINK_SCHEMA = schema(
    ("seed_id", "VARCHAR"), ("url", "VARCHAR"), ("source_url", "VARCHAR"), ("source_kind", "VARCHAR"),
    ("feed_title", "VARCHAR"), ("feed_published_at", "TIMESTAMPTZ"), ("first_run_id", "VARCHAR"),
    ("source_site", "VARCHAR"),
)
ALIAS_SCHEMA = schema(("url", "VARCHAR"), ("article_url", "VARCHAR"), ("run_id", "VARCHAR"))
VALIDATOR_SCHEMA = schema(
    ("url", "VARCHAR"), ("etag", "VARCHAR"), ("last_modified", "VARCHAR"), ("updated_at", "TIMESTAMPTZ"),
    ("run_id", "VARCHAR"),
)
COVERAGE_SCHEMA = schema(
    ("seed_id", "VARCHAR"), ("article_id", "VARCHAR"), ("related", "BOOLEAN"), ("relevance", "DOUBLE"),
    ("similarity_to_seed", "DOUBLE"), ("containment_of_seed", "DOUBLE"), ("status", "VARCHAR"),
    ("cluster_id", "VARCHAR"), ("is_cluster_origin", "BOOLEAN"), ("run_id", "VARCHAR"),
)


def fields_of(record: object) -> dict[str, Any]:
    """A flat record's fields as a row: ``dataclasses.asdict`` without its deep copy of every
    value, which cost 0.1-0.2 ms an article (the records' fields are plain values and tuples)."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def attempt_rows(run_id: str, results: Iterable[FetchResult]) -> list[dict]:
    return [{"run_id": run_id, **fields_of(a)} for r in results for a in r.attempts]


def problem_rows(run_id: str, stage: str, problems: Iterable[DiscoveryProblem | ExtractionFailure]) -> list[dict]:
    return [
        {"run_id": run_id, "stage": stage, "url": getattr(p, "source_url", None) or getattr(p, "url", ""),
         "reason": p.reason}
        for p in problems
    ]


def load_seed(db: Path, seed: Seed) -> None:
    row = {**fields_of(seed), "loaded_at": now()}
    with connect(db) as con, transaction(con):
        write(con, queries.UPSERT_SEED, stage([row], SEED_SCHEMA))


def start_run(db: Path, run_id: str, seed_id: str) -> None:
    with connect(db) as con, transaction(con):
        con.execute(queries.ABANDON_STALE_RUNS, [seed_id])
        con.execute(queries.START_RUN, [run_id, seed_id, now()])


def record_search_query(db: Path, run_id: str, query: str) -> None:
    with connect(db) as con:
        con.execute(queries.RECORD_SEARCH_QUERY, [query, run_id])


def judged_with(db: Path, seed_id: str) -> str | None:
    """The fingerprint the seed's last finished, judged run recorded (None before any)."""
    with connect(db) as con:
        rows = con.execute(queries.LAST_JUDGED_WITH, [seed_id]).fetchall()
    return rows[0][0] if rows else None


def record_judged_with(db: Path, run_id: str, fingerprint: str) -> None:
    with connect(db) as con:
        con.execute(queries.RECORD_JUDGED_WITH, [fingerprint, run_id])


def seed_article_ids(db: Path, seed_id: str) -> list[str]:
    with connect(db) as con:
        return [row[0] for row in con.execute(queries.SEED_ARTICLE_IDS, [seed_id]).fetchall()]


def seed_has_articles(db: Path, seed_id: str, read_only: bool = False) -> bool:
    """Whether any article of the seed is stored (what a first run lacks)."""
    with connect(db, read_only=read_only) as con:
        return con.execute(queries.SEED_HAS_ARTICLES, [seed_id]).fetchall()[0][0]


def seed_cluster_state(db: Path, seed_id: str) -> str:
    with connect(db) as con:
        return con.execute(queries.SEED_CLUSTER_STATE, [seed_id]).fetchall()[0][0]


def coverage_status_counts(db: Path, seed_id: str) -> dict[str, int]:
    with connect(db) as con:
        return dict(con.execute(queries.COVERAGE_STATUS_COUNTS, [seed_id]).fetchall())


def finish_run(db: Path, run_id: str, status: str, counts: RunCounts, note: str | None = None) -> None:
    with connect(db) as con, transaction(con):
        con.execute(
            queries.FINISH_RUN,
            [now(), status, counts.discovered, counts.fetched, counts.failed, counts.loaded, note, run_id],
        )


def load_attempts(
    db: Path, run_id: str, results: Sequence[FetchResult], problems: Sequence[DiscoveryProblem] = ()
) -> None:
    """Fetch attempts that bring no article (feeds, sitemaps, skips), discovery problems, and
    the validators of sources that answered, for the next run's conditional GET."""
    validators = [
        {"url": r.url, "etag": r.etag, "last_modified": r.last_modified, "updated_at": now(), "run_id": run_id}
        for r in results
        if r.purpose != "article" and r.outcome in ("ok", "not_modified") and (r.etag or r.last_modified)
    ]
    with connect(db) as con, transaction(con):
        write(con, queries.INSERT_FETCH_ATTEMPTS, stage(attempt_rows(run_id, results), ATTEMPT_SCHEMA))
        write(con, queries.UPSERT_SOURCE_VALIDATORS, stage(validators, VALIDATOR_SCHEMA))
        write(con, queries.INSERT_PROBLEMS, stage(problem_rows(run_id, "discover", problems), PROBLEM_SCHEMA))


def source_validators(db: Path) -> dict[str, tuple[str | None, str | None]]:
    """url -> (etag, last_modified) of every feed and sitemap fetched before."""
    with connect(db) as con:
        return {url: (etag, modified) for url, etag, modified in con.execute(queries.SOURCE_VALIDATORS).fetchall()}


def known_article_urls(db: Path) -> set[str]:
    with connect(db) as con:
        return {row[0] for row in con.execute(queries.STORED_ARTICLE_URLS).fetchall()}


def link_rows(seed_id: str, run_id: str, candidates: Iterable[tuple[Candidate, str | None]]) -> list[dict]:
    """seed_links rows: each candidate with the article URL it is linked to (None: its own URL)."""
    return [
        {"seed_id": seed_id, "url": url or c.canonical_url, "source_url": c.source_url,
         "source_kind": c.source_kind, "source_site": c.source_site, "feed_title": c.title,
         "feed_published_at": c.published_at, "first_run_id": run_id}
        for c, url in candidates
    ]


def link_known_articles(db: Path, seed_id: str, run_id: str, candidates: Sequence[Candidate]) -> None:
    """Link already-stored articles that discovery found again to this seed."""
    with connect(db) as con, transaction(con):
        write(con, queries.LINK_KNOWN_ARTICLES, stage(link_rows(seed_id, run_id, [(c, None) for c in candidates]),
                                                      LINK_SCHEMA))


def load_batch(
    db: Path,
    seed_id: str,
    run_id: str,
    candidates: Sequence[Candidate],
    results: Sequence[FetchResult],
    articles: Sequence[Article],
    failures: Sequence[ExtractionFailure] = (),
) -> BatchCounts:
    """One fetch/extract batch: attempts, raw pages, articles and seed links, atomically."""
    seen_at = now()
    # Written before the transaction: if it fails, the WARC holds records no row points to.
    stored = page_store.write_bodies(db, run_id, results)
    pages = [
        {"url": r.url, "final_url": r.final_url or r.url, "content_type": r.content_type,
         "http_status": r.http_status, "body": b"", "body_encoding": "warc", "body_size": len(r.body or b""),
         "warc_file": stored[r.url].warc_file, "warc_offset": stored[r.url].offset,
         "fetched_at": r.attempts[-1].fetched_at if r.attempts else seen_at, "run_id": run_id}
        for r in results
        if r.ok
    ]
    # Each fetched URL maps to the article it turned out to be: itself, or the same-site
    # canonical page it named (so an AMP and a main URL in one batch make one article).
    identity = {a.discovered_url or a.url: a.url for a in articles}
    article_rows = [{**fields_of(a), "first_seen_at": seen_at, "run_id": run_id}
                    for a in _one_per_identity(articles)]
    aliases = [{"url": fetched, "article_url": url, "run_id": run_id}
               for fetched, url in identity.items() if fetched != url]
    links = link_rows(seed_id, run_id, [(c, identity[c.canonical_url]) for c in candidates
                                        if c.canonical_url in identity])
    with connect(db) as con, transaction(con):
        before = con.execute("SELECT count(*) FROM article_docs").fetchall()[0][0]
        write(con, queries.INSERT_FETCH_ATTEMPTS, stage(attempt_rows(run_id, results), ATTEMPT_SCHEMA))
        write(con, queries.INSERT_PAGES, stage(pages, PAGE_SCHEMA))
        write(con, queries.INSERT_ARTICLES, stage(article_rows, ARTICLE_SCHEMA))
        write(con, queries.INSERT_SEED_LINKS, stage(links, LINK_SCHEMA))
        write(con, queries.INSERT_ALIASES, stage(aliases, ALIAS_SCHEMA))
        write(con, queries.INSERT_PROBLEMS, stage(problem_rows(run_id, "extract", failures), PROBLEM_SCHEMA))
        after = con.execute("SELECT count(*) FROM article_docs").fetchall()[0][0]
    return BatchCounts(
        fetched=sum(1 for r in results if r.ok),
        failed=sum(1 for r in results if r.outcome == "failed"),
        loaded=after - before,
    )


def page_body(db: Path, url: str) -> bytes | None:
    """The raw body fetched for ``url`` as it came off the wire (decoded from storage), or None."""
    with connect(db) as con:
        row = con.execute(queries.PAGE_BODY, [url]).fetchone()
    if row is None:
        return None
    body, encoding, size, warc_file, warc_offset = row
    if encoding == "warc":
        return page_store.read_body(db, warc_file, warc_offset)
    if encoding == "zstd":
        import pyarrow as pa  # bodies stored between migrations 0009 and 0011: zstd level 1, Arrow's codec

        return pa.Codec("zstd", compression_level=1).decompress(body, decompressed_size=size, asbytes=True)
    return gzip.decompress(body) if encoding == "gzip" else bytes(body)


def _one_per_identity(articles: Sequence[Article]) -> list[Article]:
    """One article per identity URL; the page fetched under that URL itself wins over a variant."""
    chosen: dict[str, Article] = {}
    for article in sorted(articles, key=lambda a: a.discovered_url is not None):
        chosen.setdefault(article.url, article)
    return list(chosen.values())


def seed_articles(db: Path, seed_id: str, among: Collection[str] | None = None, *, text: bool = True) -> list[Article]:
    """The seed's articles, by article id; with ``among``, only those of these ids; with
    ``text=False``, all of them with their texts left empty."""
    with connect(db) as con:
        if not text:
            cursor = con.execute(queries.SEED_ARTICLES_UNREAD, [seed_id])
        elif among is None:
            cursor = con.execute(queries.SEED_ARTICLES, [seed_id])
        else:
            cursor = con.execute(queries.SEED_ARTICLES_AMONG, [seed_id, sorted(among)])
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return [Article(**{**row, "authors": tuple(row["authors"])}) for row in rows]


def load_coverage(db: Path, seed_id: str, run_id: str, judgements: Sequence[Judgement]) -> int:
    """Replace the seed's coverage with this run's judgement of all its articles."""
    rows = [{**fields_of(j), "run_id": run_id} for j in judgements]
    with connect(db) as con, transaction(con):
        con.execute(queries.DELETE_COVERAGE, [seed_id])
        write(con, queries.INSERT_COVERAGE, stage(rows, COVERAGE_SCHEMA))
    return len(rows)
