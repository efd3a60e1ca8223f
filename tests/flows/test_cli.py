"""The command line: one-line errors before any network work, read-only sql, extract, report."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extractors.records import Article, Candidate, FetchAttempt, FetchResult, Judgement
from extractors.seed import load_seed
from flows.cli import main
from warehouse import load

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '<script>alert(1)</script> | [click](javascript:alert(2)) **bold** # heading'


@pytest.mark.parametrize(
    ("seed_text", "toml", "message"),
    [
        ("no date line here\n" + "word " * 30, None, "first line must be 'date YYYY-MM-DD'"),
        ("date 2023-02-31\n" + "word " * 30, None, "impossible date"),
        ("date 2023-04-26\n", None, "no article text"),
        ("date 2023-04-26\n" + "word " * 30, "surprise = 1\n", "unknown key 'surprise'"),
        ("date 2023-04-26\n" + "word " * 30, "[window]\ndays_after = 'x'\n", "window.days_after must be int"),
    ],
)
def test_broken_seed_stops_with_one_line_before_network(tmp_path, newsroom, capsys, seed_text, toml, message):
    seed = tmp_path / "bad.txt"
    seed.write_text(seed_text, encoding="utf-8")
    sources = "".join(f'[[sources]]\nkind = "{k}"\nurl = "{u}"\n' for k, u in newsroom.feed_sources())
    seed.with_suffix(".toml").write_text((toml or "") + sources, encoding="utf-8")
    code = main(["run", str(seed), "--db", str(tmp_path / "w.duckdb"), "--allow-private-network"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    named = str(seed.with_suffix(".toml")) if toml else str(seed)
    assert err.count("\n") == 0 and err.startswith("storywatch: error: ") and message in err and named in err
    assert newsroom.requests == []
    assert not (tmp_path / "w.duckdb").exists()


def test_missing_seed_file_is_an_error(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.txt"), "--db", str(tmp_path / "w.duckdb")]) == 2
    assert "seed file not found" in capsys.readouterr().err


def hostile_warehouse(db: Path) -> str:
    seed = load_seed(ROOT / "seeds" / "xi-zelensky-call.txt")
    load.load_seed(db, seed)
    url = "http://evil.example/a.html"
    now = datetime(2023, 4, 26, 9, tzinfo=UTC)
    aid = hashlib.sha1(url.encode()).hexdigest()[:16]
    art = Article(aid, url, url, url, "evil.example", None, HOSTILE, None, now, "en", "x " * 60, 60, "h")
    attempt = FetchAttempt(url, url, "ok", None, 200, 10, 1, now, 1, "article", True)
    load.start_run(db, "r1", seed.seed_id)
    load.load_batch(db, seed.seed_id, "r1", [Candidate(url, url, "http://evil.example/rss", "feed")],
                    [FetchResult(url, "article", "ok", None, url, 200, "text/html", b"x", attempts=(attempt,))],
                    [art])
    load.load_coverage(db, seed.seed_id, "r1",
                       [Judgement(seed.seed_id, aid, True, 0.9, 0.1, 0.1, "original", None, False)])
    load.finish_run(db, "r1", "finished", load.RunCounts(1, 1, 0, 1))
    return seed.seed_id


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_report_escapes_what_came_from_the_web(tmp_path, fmt):
    db = tmp_path / "w.duckdb"
    seed_id = hostile_warehouse(db)
    out = tmp_path / f"r.{fmt}"
    # By seed_id and by seed path: both name the same seed.
    assert main(["report", seed_id, "--db", str(db), "--format", fmt, "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(text)["coverage"][0]["title"] == HOSTILE
        return
    assert "<script>" not in text
    if fmt == "html":
        assert "&lt;script&gt;" in text and 'href="javascript' not in text
    if fmt == "md":
        assert "](javascript:" not in text
        row = next(line for line in text.splitlines() if line.startswith("| 2023-04-26"))
        # An unescaped "|" in the title would add a column to the 8 of the coverage table.
        assert len(re.split(r"(?<!\\)\|", row)) == 8 + 2


def test_report_by_seed_path_and_unknown_seed(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    hostile_warehouse(db)
    assert main(["report", str(ROOT / "seeds" / "xi-zelensky-call.txt"), "--db", str(db)]) == 0
    assert "Key terms:" in capsys.readouterr().out
    assert main(["report", "no-such-seed", "--db", str(db)]) == 2
    assert "not in the warehouse" in capsys.readouterr().err


def test_sql_is_read_only(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    hostile_warehouse(db)
    assert main(["sql", "SELECT count(*) AS n FROM coverage", "--db", str(db)]) == 0
    assert "1" in capsys.readouterr().out
    assert main(["sql", "DELETE FROM article_docs", "--db", str(db)]) == 2
    assert "read-only" in capsys.readouterr().err.lower()
    assert main(["sql", "SELECT count(*) FROM articles", "--db", str(db)]) == 0
    assert "1" in capsys.readouterr().out


def test_extract_jsonl(tmp_path):
    pages = sorted((ROOT / "seeds" / "sample" / "sites").glob("*/**/*.html"))[:3]
    done = subprocess.run([sys.executable, "-m", "flows.cli", "extract", *map(str, pages), "--jsonl"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["path"] for r in records] == [str(p) for p in pages]
    for r in records:
        assert {"path", "url", "title", "author", "published", "language", "text"} <= set(r)
        assert r["title"] and len(r["text"].split()) > 50



def test_run_starts_flows_without_heartbeats_unless_the_user_set_them():
    # The engine joins the heartbeat thread at the end of every flow run: up to 1 s.
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings

    from flows.pipeline import foreground_settings

    before = get_current_settings()
    with foreground_settings():
        now = get_current_settings()
        assert now.flows.heartbeat_frequency is None
        assert now.api.url == before.api.url and now.logging.level == before.logging.level  # the rest stands
    assert get_current_settings() is before
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 60}), foreground_settings():
        assert get_current_settings().flows.heartbeat_frequency == 60


def test_imports_pause_the_collector_then_freeze_what_they_made():
    import gc

    from flows.cli import _collector_paused

    enabled = gc.isenabled()
    try:
        gc.enable()
        with _collector_paused():
            assert not gc.isenabled()
            made = [[] for _ in range(100)]
        assert gc.isenabled() and gc.get_freeze_count() >= len(made)
    finally:
        gc.unfreeze()
        if not enabled:
            gc.disable()


def test_workers_start_before_prefect_only_for_a_seed_with_nothing_stored(tmp_path):
    from flows.cli import _first_run_among

    seed = ROOT / "seeds" / "xi-zelensky-call.txt"
    db = tmp_path / "w.duckdb"
    assert _first_run_among(db, [seed])  # no warehouse yet
    hostile_warehouse(db)  # an article stored for this seed
    assert not _first_run_among(db, [seed])
    other = tmp_path / "other.txt"  # another seed (its id is its file name), nothing stored
    other.write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    assert _first_run_among(db, [seed, other])  # one seed's first run is enough
    (tmp_path / "broken.txt").write_text("no date line\n", encoding="utf-8")
    assert not _first_run_among(db, [tmp_path / "broken.txt"])  # the run itself reports the bad seed


def test_a_run_inside_an_open_worker_pool_uses_it():
    from extractors import workers

    with workers.worker_pool(1):
        outer = workers._SHARED.pool
        with workers.worker_pool():
            assert workers._SHARED.pool is outer
        with workers.worker_pool(2):  # a size asked for: a pool of its own, for the block
            assert workers._SHARED.pool is not outer and workers.pool_workers() == 2
        assert workers._SHARED.pool is outer
    assert workers._SHARED.pool is None
