"""The warehouse: migrations, the public views' columns, idempotent atomic loads."""

import gzip
import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from extractors.records import Article, Candidate, ExtractionFailure, FetchAttempt, FetchResult, Judgement
from extractors.seed import load_seed
from warehouse import load
from warehouse.db import WarehouseError, connect, migrations

ROOT = Path(__file__).resolve().parents[2]
SEED = load_seed(ROOT / "seeds" / "xi-zelensky-call.txt")

# The public contract of ARCHITECTURE.md: these columns, at least, in these views.
CONTRACT = {
    "seeds": "seed_id, seed_date, title, path, word_count",
    "runs": "run_id, seed_id, started_at, finished_at, status, discovered, fetched, failed, loaded",
    "fetch_log": "run_id, url, final_url, outcome, reason, http_status, bytes, elapsed_ms, fetched_at",
    "articles": "article_id, url, canonical_url, outlet, title, author, published_at, language, text, "
    "word_count, content_hash, first_seen_at",
    "coverage": "seed_id, article_id, url, canonical_url, outlet, title, published_at, related, relevance, "
    "similarity_to_seed, containment_of_seed, status, cluster_id, is_cluster_origin, lag_hours",
    "events": "seed_id, article_id, url, event_date, actor, event_type, mode, target, location, sentence, in_seed",
    "quotes": "seed_id, article_id, url, speaker, quote, in_seed",
    "claims": "seed_id, claim_id, claim, article_id, url, outlet, verdict, evidence",
}


def columns(con, view):
    return [row[0] for row in con.execute(f"DESCRIBE {view}").fetchall()]


def test_every_contract_column_exists(tmp_path):
    with connect(tmp_path / "w.duckdb") as con:
        for view, wanted in CONTRACT.items():
            missing = set(wanted.split(", ")) - set(columns(con, view))
            assert not missing, f"{view} lacks {missing}"


def test_migrations_apply_once(tmp_path):
    db = tmp_path / "w.duckdb"
    with connect(db):
        pass
    with connect(db) as con:
        versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
    assert versions == [v for v, _, _ in migrations()]


def test_views_are_remade_when_their_sql_changes_not_on_every_open(tmp_path, monkeypatch):
    import shutil

    from warehouse import db as warehouse_db

    sql = tmp_path / "sql"
    shutil.copytree(warehouse_db._sql_dir(), sql)
    monkeypatch.setattr(warehouse_db, "_sql_dir", lambda: sql)
    path = tmp_path / "w.duckdb"
    with connect(path) as con:
        con.execute("DROP VIEW claims")
    with connect(path) as con:  # views.sql unchanged: not run again
        assert "claims" not in {r[0] for r in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
    (sql / "views.sql").write_text((sql / "views.sql").read_text() + "\n-- changed\n")
    with connect(path) as con:
        assert columns(con, "claims")[:3] == ["seed_id", "claim_id", "claim"]
        assert con.execute("SELECT count(*) FROM views_digest").fetchall() == [(1,)]


def test_read_only_connection_refuses_writes_and_missing_files(tmp_path):
    db = tmp_path / "w.duckdb"
    with pytest.raises(WarehouseError, match="no warehouse file"):
        with connect(db, read_only=True):
            pass
    load.load_seed(db, SEED)
    with connect(db, read_only=True) as con:
        with pytest.raises(duckdb.Error):
            con.execute("DELETE FROM seed_docs")
        assert con.execute("SELECT count(*) FROM seeds").fetchall() == [(1,)]


def make_batch(n: int, run: str, start: int = 0):
    now = datetime.now(UTC)
    candidates, results, articles = [], [], []
    for i in range(start, start + n):
        url = f"http://outlet{i}.example/story.html"
        candidates.append(Candidate(url, url, "http://feed.example/rss", "feed", f"Title {i}"))
        attempt = FetchAttempt(url, url, "ok", None, 200, 100, 5, now, 1, "article", True)
        results.append(FetchResult(url, "article", "ok", None, url, 200, "text/html", b"<html>x</html>",
                                   attempts=(attempt,)))
        articles.append(Article(hashlib.sha1(url.encode()).hexdigest()[:16], url, url, url, f"outlet{i}.example",
                                None, f"Title {i}", None, now, "en", f"text {i}", 2, f"h{i}"))
    return candidates, results, articles


def counts(db):
    with connect(db, read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                for t in ("articles", "pages", "seed_links", "problems")}


def test_batch_load_is_idempotent(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    c, r, a = make_batch(5, "r1")
    first = load.load_batch(db, SEED.seed_id, "r1", c, r, a, [ExtractionFailure("http://x.example/", "empty")])
    assert first.loaded == 5
    before = counts(db)
    again = load.load_batch(db, SEED.seed_id, "r2", c, r, a, [ExtractionFailure("http://x.example/", "empty")])
    assert again.loaded == 0
    after = counts(db)
    assert {k: v for k, v in after.items() if k != "problems"} == {k: v for k, v in before.items() if k != "problems"}
    assert after["articles"] == 5 and len(load.seed_articles(db, SEED.seed_id)) == 5


def _stored(tmp_path: Path, n: int) -> tuple[Path, list[Article]]:
    """A warehouse holding one batch of ``n`` of the seed's articles, and those articles as read back."""
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    c, r, a = make_batch(n, "r1")
    load.load_batch(db, SEED.seed_id, "r1", c, r, a, [])
    return db, load.seed_articles(db, SEED.seed_id)


def test_seed_articles_among_given_ids(tmp_path):
    db, stored = _stored(tmp_path, 5)
    wanted = {stored[3].article_id, stored[1].article_id, "no-such-id"}
    assert load.seed_articles(db, SEED.seed_id, among=wanted) == [stored[1], stored[3]]
    assert load.seed_articles(db, SEED.seed_id, among=[]) == []
    assert load.seed_articles(db, "another-seed", among=wanted) == []


def test_seed_articles_without_their_texts(tmp_path):
    db, stored = _stored(tmp_path, 3)
    unread = load.seed_articles(db, SEED.seed_id, text=False)
    assert all(x.text for x in stored) and all(x.text == "" for x in unread)
    assert unread == [replace(x, text="") for x in stored]


def test_a_seed_has_articles_once_a_batch_of_its_own_is_stored(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    assert not load.seed_has_articles(db, SEED.seed_id)
    c, r, a = make_batch(1, "r1")
    load.load_batch(db, SEED.seed_id, "r1", c, r, a, [])
    assert load.seed_has_articles(db, SEED.seed_id, read_only=True)
    assert not load.seed_has_articles(db, "another-seed")


def test_a_failing_batch_leaves_nothing_behind(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    c, r, a = make_batch(3, "r1")
    # A NOT NULL text column violated mid-transaction: pages and links written before it must roll back.
    broken = a[:2] + [Article(**{**a[2].__dict__, "text": None})]
    with pytest.raises(duckdb.Error):
        load.load_batch(db, SEED.seed_id, "r1", c, r, broken)
    assert counts(db) == {"articles": 0, "pages": 0, "seed_links": 0, "problems": 0}


def test_coverage_is_replaced_not_appended(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    c, r, a = make_batch(2, "r1")
    load.load_batch(db, SEED.seed_id, "r1", c, r, a)
    judged = [Judgement(SEED.seed_id, x.article_id, True, 0.5, 0.1, 0.1, "original", None, False) for x in a]
    load.load_coverage(db, SEED.seed_id, "r1", judged)
    load.load_coverage(db, SEED.seed_id, "r2", judged)
    with connect(db, read_only=True) as con:
        rows = con.execute("SELECT outlet, lag_hours FROM coverage ORDER BY outlet").fetchall()
    assert len(rows) == 2 and all(lag is not None for _, lag in rows)


def test_stale_running_runs_are_marked_abandoned(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    load.start_run(db, "killed", SEED.seed_id)
    load.start_run(db, "next", SEED.seed_id)
    with connect(db, read_only=True) as con:
        status = dict(con.execute("SELECT run_id, status FROM runs").fetchall())
    assert status == {"killed": "abandoned", "next": "running"}


def test_source_validators_round_trip_and_update(tmp_path):
    db = tmp_path / "w.duckdb"
    now = datetime.now(UTC)

    def feed(outcome, etag, modified):
        attempt = FetchAttempt("http://f.example/rss", None, outcome, None, 200, 0, 1, now, 1, "feed", True)
        return FetchResult("http://f.example/rss", "feed", outcome, None, etag=etag, last_modified=modified,
                           attempts=(attempt,))

    load.load_attempts(db, "r1", [feed("ok", '"a"', "Wed, 26 Apr 2023 12:00:00 GMT"), feed("failed", '"x"', None)])
    assert load.source_validators(db) == {"http://f.example/rss": ('"a"', "Wed, 26 Apr 2023 12:00:00 GMT")}
    load.load_attempts(db, "r2", [feed("not_modified", '"b"', None)])
    assert load.source_validators(db) == {"http://f.example/rss": ('"b"', None)}


def test_page_bodies_are_kept_in_a_warc_beside_the_warehouse_and_read_back_as_fetched(tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    from warehouse.page_store import store_dir

    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    c, r, a = make_batch(3, "r1")
    page = b"<html><body>" + b"<p>Kyiv and Beijing spoke.</p>" * 400 + b"</body></html>"
    r[0] = FetchResult(r[0].url, "article", "ok", None, r[0].url, 200, "text/html", page, attempts=r[0].attempts)
    load.load_batch(db, SEED.seed_id, "r1", c, r, a)
    c2, r2, a2 = make_batch(2, "r1", start=10)  # a second batch of the run appends to the same file
    load.load_batch(db, SEED.seed_id, "r1", c2, r2, a2)
    with connect(db, read_only=True) as con:
        rows = con.execute("SELECT url, body, body_encoding, body_size, warc_file, warc_offset FROM pages "
                           "ORDER BY warc_offset").fetchall()
    assert {row[2] for row in rows} == {"warc"} and all(row[1] == b"" for row in rows)
    assert {row[4] for row in rows} == {"w.pages/r1.warc.gz"} and len({row[5] for row in rows}) == len(rows)
    assert dict((row[0], row[3]) for row in rows)[r[0].url] == len(page)
    with (store_dir(db) / "r1.warc.gz").open("rb") as stream:  # a WARC any tool reads
        records = [(rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI")) for rec in ArchiveIterator(stream)]
    assert records[0][0] == "warcinfo" and [u for _, u in records[1:]] == [row[0] for row in rows]
    assert load.page_body(db, r[0].url) == page
    assert all(load.page_body(db, x.url) == x.body for x in r + r2 if x.ok)
    assert load.page_body(db, "http://never.example/") is None


def test_bodies_stored_before_compression_still_read_back(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    with connect(db) as con:  # a row as migration 0001-0007 wrote it
        con.execute("INSERT INTO pages (url, final_url, content_type, http_status, body, fetched_at, run_id) "
                    "VALUES ('http://old.example/', 'http://old.example/', 'text/html', 200, '<p>old</p>'::BLOB, "
                    "now(), 'r0')")
        con.execute("UPDATE pages SET body_encoding = NULL")  # as if the column had just been added
    with connect(db) as con:
        con.execute("DELETE FROM schema_migrations WHERE version = 8")
        con.execute("ALTER TABLE pages DROP COLUMN body_encoding")
    load.load_seed(db, SEED)  # reopening migrates again
    assert load.page_body(db, "http://old.example/") == b"<p>old</p>"
    with connect(db) as con:  # a row as migration 0008 wrote it: gzip, no size
        con.execute("INSERT INTO pages (url, final_url, content_type, http_status, body, body_encoding, fetched_at, "
                    "run_id) VALUES ('http://gz.example/', 'http://gz.example/', 'text/html', 200, ?, 'gzip', now(), "
                    "'r0')", [gzip.compress(b"<p>gzipped</p>")])
    assert load.page_body(db, "http://gz.example/") == b"<p>gzipped</p>"
    import pyarrow as pa

    with connect(db) as con:  # a row as migration 0009 wrote it: zstd with its size
        con.execute("INSERT INTO pages (url, final_url, content_type, http_status, body, body_encoding, body_size, "
                    "fetched_at, run_id) VALUES ('http://zs.example/', 'http://zs.example/', 'text/html', 200, ?, "
                    "'zstd', 12, now(), 'r0')", [pa.Codec("zstd").compress(b"<p>zstd</p>\n", asbytes=True)])
    assert load.page_body(db, "http://zs.example/") == b"<p>zstd</p>\n"


def test_a_held_warehouse_is_migrated_once_and_checkpointed_when_released(tmp_path, monkeypatch):
    from warehouse import db as db_module

    db = tmp_path / "w.duckdb"
    calls = []
    real = db_module.migrate
    monkeypatch.setattr(db_module, "migrate", lambda con: calls.append(1) or real(con))
    with db_module.held_open(db):
        load.load_seed(db, SEED)
        c, r, a = make_batch(4, "r1")
        load.load_batch(db, SEED.seed_id, "r1", c, r, a)
        assert counts(db)["articles"] == 4  # read-only readers see the held file
        assert Path(str(db) + ".wal").exists()  # short connections closing did not checkpoint
    assert calls == [1]
    assert not Path(str(db) + ".wal").exists() or Path(str(db) + ".wal").stat().st_size == 0
    assert counts(db)["articles"] == 4
