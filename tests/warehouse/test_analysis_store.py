"""The story analysis in the warehouse: the views read it, reruns replace it, users' alias rows survive."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from extractors.analysis import analyse_story
from extractors.article import extract_article
from extractors.records import Article
from extractors.seed import load_seed
from warehouse import analysis_store, load
from warehouse.db import connect

ROOT = Path(__file__).resolve().parents[2]
SEED = load_seed(ROOT / "seeds" / "xi-zelensky-call.txt")
PAGES = ROOT / "seeds" / "sample" / "sites"
KYIV = "kyiv-ledger.example/news/2023/04/26/zelensky-xi-first-call-riabikin-ambassador.html"
WIRE = "continental-wire.example/article/world/china-ukraine-xi-zelensky-first-call-envoy-2023-04-26.html"


def article(path: str) -> Article:
    result = extract_article((PAGES / path).read_bytes(), f"http://{path}")
    assert isinstance(result, Article), result
    return result


def rows(db: Path, sql: str) -> list[tuple]:
    with connect(db, read_only=True) as con:
        return con.execute(sql).fetchall()


def test_analysis_rows_load_into_the_views_and_a_rerun_replaces_them(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    articles = [article(KYIV), article(WIRE)]
    analysis = analyse_story(SEED, articles)
    counts = analysis_store.load_analysis(db, "r1", analysis)
    assert counts.events == sum(len(t.events) for t in analysis.texts) > 0
    seed_calls = rows(db, "SELECT actor, target, event_date FROM events WHERE article_id = 'seed:xi-zelensky-call' "
                          "AND event_type = 'CONSULT' AND mode = 'phone' AND date_basis <> 'published'")
    assert ("Xi Jinping", "Volodymyr Zelensky", datetime(2023, 4, 26).date()) in seed_calls
    # every article verdict names a claim the seed makes
    assert rows(db, "SELECT count(*) FROM claims c LEFT JOIN seed_claims s USING (seed_id, claim_id) "
                    "WHERE s.claim_id IS NULL") == [(0,)]
    assert rows(db, "SELECT count(*) FROM claims WHERE verdict = 'supports'")[0][0] > 0
    assert rows(db, "SELECT count(*) FROM quotes WHERE speaker = 'Volodymyr Zelensky' AND in_seed")[0][0] >= 2

    before = rows(db, "SELECT count(*) FROM events")
    analysis_store.load_analysis(db, "r2", analyse_story(SEED, articles))
    assert rows(db, "SELECT count(*) FROM events") == before  # replaced, not appended
    assert rows(db, "SELECT DISTINCT run_id FROM event_rows") == [("r2",)]


def test_a_users_alias_row_is_kept_and_used_by_the_next_run(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    analysis_store.load_analysis(db, "r1", analyse_story(SEED, []))
    assert rows(db, "SELECT canonical FROM actor_aliases WHERE alias = 'kyiv'") == [("Ukraine",)]
    with connect(db) as con:  # a user decides Kyiv stands for the Ukrainian Foreign Ministry in this story
        con.execute("UPDATE actor_aliases SET canonical = 'Ukrainian Foreign Ministry', source = 'user', "
                    "updated_at = ? WHERE alias = 'kyiv'", [datetime.now(UTC)])
    corrections = analysis_store.actor_corrections(db)
    assert corrections == {"kyiv": "Ukrainian Foreign Ministry"}
    analysis_store.load_analysis(db, "r2", analyse_story(SEED, [], corrections))
    assert rows(db, "SELECT canonical, source FROM actor_aliases WHERE alias = 'kyiv'") == [
        ("Ukrainian Foreign Ministry", "user")]
    targets = {t for (t,) in rows(db, "SELECT target FROM events WHERE event_type = 'ACCUSE' AND actor = 'Russia'")}
    assert "Ukrainian Foreign Ministry" in targets  # "lambasted Kyiv", read with the user's alias
