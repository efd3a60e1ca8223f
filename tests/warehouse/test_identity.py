"""Two URLs of one article are one article: an AMP variant naming its main page merges into it."""

from datetime import UTC, datetime
from pathlib import Path

from extractors.article import extract_article
from extractors.records import Article, Candidate, FetchAttempt, FetchResult
from extractors.seed import load_seed
from warehouse import load
from warehouse.db import connect

ROOT = Path(__file__).resolve().parents[2]
SEED = load_seed(ROOT / "seeds" / "xi-zelensky-call.txt")
PAGE = ROOT / "seeds/sample/sites/kyiv-ledger.example/news/2023/04/26/zelensky-xi-first-call-riabikin-ambassador.html"
MAIN = "http://kyiv-ledger.example/news/2023/04/26/zelensky-xi-first-call-riabikin-ambassador.html"
AMP = "http://amp.kyiv-ledger.example/news/2023/04/26/zelensky-xi-first-call-riabikin-ambassador.html"
FEED = "http://kyiv-ledger.example/rss.xml"


def fetched(url: str, body: bytes) -> tuple[Candidate, FetchResult, Article]:
    attempt = FetchAttempt(url, url, "ok", None, 200, len(body), 5, datetime.now(UTC), 1, "article", True)
    result = FetchResult(url, "article", "ok", None, url, 200, "text/html; charset=utf-8", body, attempts=(attempt,))
    article = extract_article(body, url, url, content_type=result.content_type)
    assert isinstance(article, Article), article
    return Candidate(url, url, FEED, "feed", "Zelensky and Xi speak"), result, article


def table(db: Path, sql: str) -> list[tuple]:
    with connect(db, read_only=True) as con:
        return con.execute(sql).fetchall()


def test_amp_and_main_page_in_one_batch_load_as_one_article(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    body = PAGE.read_bytes()  # declares <link rel=canonical href=MAIN>
    main, amp = fetched(MAIN, body), fetched(AMP, body)
    assert amp[2].url == MAIN and amp[2].discovered_url == AMP and main[2].discovered_url is None

    counts = load.load_batch(db, SEED.seed_id, "r1", [amp[0], main[0]], [amp[1], main[1]], [amp[2], main[2]])

    assert counts.loaded == 1 and counts.fetched == 2
    assert table(db, "SELECT url FROM articles") == [(MAIN,)]
    assert table(db, "SELECT url, article_url FROM url_aliases") == [(AMP, MAIN)]
    assert table(db, "SELECT url FROM discoveries") == [(MAIN,)]
    assert load.known_article_urls(db) == {MAIN, AMP}


def test_an_amp_url_found_later_links_the_stored_article_and_is_not_fetched_again(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    amp = fetched(AMP, PAGE.read_bytes())
    load.load_batch(db, SEED.seed_id, "r1", [amp[0]], [amp[1]], [amp[2]])
    assert table(db, "SELECT url FROM articles") == [(MAIN,)]
    assert AMP in load.known_article_urls(db)

    load.load_seed(db, load_seed(ROOT / "seeds" / "xi-zelensky-call.txt"))
    other_seed = "second-seed"
    with connect(db) as con:
        con.execute("INSERT INTO seed_docs SELECT ?, seed_date, title, path, word_count, text, loaded_at "
                    "FROM seed_docs WHERE seed_id = ?", [other_seed, SEED.seed_id])
    load.link_known_articles(db, other_seed, "r2", [amp[0]])
    assert table(db, f"SELECT url FROM discoveries WHERE seed_id = '{other_seed}'") == [(MAIN,)]
    assert [a.url for a in load.seed_articles(db, other_seed)] == [MAIN]


def test_a_page_naming_another_sites_canonical_keeps_its_own_identity(tmp_path):
    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    copy = "http://harbor-gazette.example/world/2023/04/26/kyiv-ledger-copy.html"
    candidate, result, article = fetched(copy, PAGE.read_bytes())  # canonical points at kyiv-ledger.example
    assert article.url == copy and article.discovered_url is None
    load.load_batch(db, SEED.seed_id, "r1", [candidate], [result], [article])
    assert table(db, "SELECT url FROM articles") == [(copy,)]
    assert table(db, "SELECT count(*) FROM url_aliases") == [(0,)]
