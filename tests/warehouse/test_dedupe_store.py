"""The copy index across runs: persisted signatures, history found through the bucket join,
cluster ids that survive reruns, growth and merges, and origins by publication time."""

import hashlib
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from wordfreq import top_n_list

from extractors.dedupe import CopyRule, Scheme, cluster_id_for
from extractors.records import Article, Candidate
from extractors.seed import load_seed
from warehouse import dedupe_store, load
from warehouse.db import connect

ROOT = Path(__file__).resolve().parents[2]
SEED = load_seed(ROOT / "seeds" / "xi-zelensky-call.txt")
SCHEME = Scheme()
RULE = CopyRule(near_duplicate_jaccard=0.5, copy_containment=0.8)
T0 = datetime(2023, 4, 26, 12, tzinfo=UTC)
VOCABULARY = top_n_list("en", 3000)


def prose(seed: int, words: int = 300) -> str:
    return " ".join(random.Random(seed).choices(VOCABULARY, k=words))


WIRE, COUNCIL, MARKETS = prose(1), prose(2), prose(3)


def article(name: str, text: str, hours: float | None) -> Article:
    url = f"http://{name}.example/a.html"
    return Article(
        article_id=hashlib.sha1(name.encode()).hexdigest()[:16], url=url, final_url=url, canonical_url=url,
        outlet=f"{name}.example", outlet_name=None, title=name, author=None,
        published_at=None if hours is None else T0 + timedelta(hours=hours), language="en", text=text,
        word_count=len(text.split()), content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )


def copy_of(text: str, note: str) -> str:
    words = text.split()
    return " ".join(words[:150] + [note] + words[150:280]) + f" (Reporting by {note})"


def store(db: Path, run_id: str, *articles: Article) -> dedupe_store.IndexCounts:
    """Load articles for the seed the way a fetch batch does, then run the judge's indexing step."""
    candidates = [Candidate(a.url, a.url, "http://feed.example/rss.xml", "feed") for a in articles]
    load.load_batch(db, SEED.seed_id, run_id, candidates, [], list(articles))
    return dedupe_store.index_articles(db, run_id, load.seed_articles(db, SEED.seed_id), SCHEME, RULE)


def clusters(db: Path) -> dict[str, str]:
    with connect(db, read_only=True) as con:
        return dict(con.execute("SELECT article_id, cluster_id FROM article_clusters").fetchall())


def test_signatures_persist_and_a_rerun_indexes_nothing(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    wire, carrier, council = article("wire", WIRE, 0), article("carrier", copy_of(WIRE, "x"), 1), article(
        "council", COUNCIL, 0)
    first = store(db, "r1", wire, carrier, council)
    assert first.indexed == 3 and first.created == 1
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM article_signatures").fetchall() == [(3,)]
        assert con.execute("SELECT count(*) FROM lsh_buckets").fetchall() == [(3 * SCHEME.bands,)]
    before = clusters(db)
    assert before == {wire.article_id: cluster_id_for(min(wire.article_id, carrier.article_id)),
                      carrier.article_id: cluster_id_for(min(wire.article_id, carrier.article_id))}

    again = store(db, "r2")
    assert again.indexed == 0 and clusters(db) == before


def test_a_later_copy_is_found_through_the_bucket_join_and_keeps_the_cluster_id(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    wire, carrier = article("wire", WIRE, 2), article("carrier", copy_of(WIRE, "x"), 3)
    store(db, "r1", wire, carrier, article("council", COUNCIL, 0))
    [cluster] = set(clusters(db).values())

    # An earlier publication of the same story arrives alone in the next run: it joins the
    # stored cluster (it is compared with the history only through lsh_buckets), the id
    # stays, and it becomes the origin.
    early = article("early", copy_of(WIRE, "y"), 0)
    counts = store(db, "r2", early)
    assert counts.indexed == 1 and counts.created == 0 and counts.links >= 2
    assert clusters(db) == {a.article_id: cluster for a in (wire, carrier, early)}
    members = dedupe_store.seed_memberships(db, SEED.seed_id)
    assert {a for a, m in members.items() if m.is_origin} == {early.article_id}
    assert {m.cluster_id for m in members.values()} == {cluster}


def test_exact_duplicates_and_partial_copies_join_too(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    wire = article("wire", WIRE, 0)
    store(db, "r1", wire)
    assert clusters(db) == {}
    # The same text at another URL, and a longer piece that carries the whole story.
    mirror = article("mirror", WIRE, 1)
    embed = article("analysis", prose(10, 250) + " " + WIRE + " " + prose(11, 250), 2)
    store(db, "r2", mirror, embed)
    assert len(set(clusters(db).values())) == 1
    assert set(clusters(db)) == {wire.article_id, mirror.article_id, embed.article_id}


def test_a_bridging_copy_merges_two_clusters_into_the_older_one(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    store(db, "r1", article("wire", WIRE, 0), article("carrier", copy_of(WIRE, "x"), 1))
    [older] = set(clusters(db).values())
    store(db, "r2", article("markets", MARKETS, 0), article("markets-copy", copy_of(MARKETS, "y"), 1))
    assert len(set(clusters(db).values())) == 2
    # A roundup carrying both stories links the two clusters: they become the older one.
    store(db, "r3", article("roundup", WIRE + " " + MARKETS, 5))
    assert set(clusters(db).values()) == {older} and len(clusters(db)) == 5
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT cluster_id FROM clusters").fetchall() == [(older,)]


def test_undated_members_are_never_the_origin_before_dated_ones(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    undated, dated = article("undated", WIRE, None), article("dated", copy_of(WIRE, "x"), 30)
    store(db, "r1", undated, dated)
    members = dedupe_store.seed_memberships(db, SEED.seed_id)
    assert members[dated.article_id].is_origin and not members[undated.article_id].is_origin


def test_signatures_made_by_the_batches_are_indexed_once_and_only_for_the_text_stored(tmp_path):
    from dataclasses import replace as _replace

    from extractors.features import article_features, seed_profile

    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    profile = seed_profile(SEED, SCHEME)
    wire, carrier = article("wire", WIRE, 0), article("carrier", copy_of(WIRE, "x"), 1)
    candidates = [Candidate(a.url, a.url, "http://feed.example/rss.xml", "feed") for a in (wire, carrier)]
    load.load_batch(db, SEED.seed_id, "r1", candidates, [], [wire, carrier])
    # A signature of another text under the carrier's id (an article stored earlier with
    # other words): it must not go into the index.
    other = article_features(_replace(carrier, text=COUNCIL, content_hash="other"), profile).signature
    signatures = [article_features(wire, profile).signature, other]
    first = dedupe_store.index_new_signatures(db, "r1", signatures, SCHEME, RULE)
    assert first.indexed == 1
    again = dedupe_store.index_new_signatures(db, "r1", signatures, SCHEME, RULE)
    assert again.indexed == 0
    # The judge's pass signs what the batches did not (the carrier) and finds the copy.
    rest = dedupe_store.index_articles(db, "r2", load.seed_articles(db, SEED.seed_id), SCHEME, RULE)
    assert rest.indexed == 1 and rest.links == 1
    assert clusters(db)[wire.article_id] == clusters(db)[carrier.article_id]
