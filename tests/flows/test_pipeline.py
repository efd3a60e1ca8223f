"""The real flow, end to end, under Prefect's test harness, against a newsroom on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from warehouse.db import connect

VIEWS = ("seeds", "articles", "coverage", "events", "quotes", "claims")


def view_counts(db: Path) -> dict[str, int]:
    with connect(db, read_only=True) as con:
        return {v: con.execute(f"SELECT count(*) FROM {v}").fetchall()[0][0] for v in VIEWS}


def coverage_by_page(db: Path) -> dict[str, tuple[str, bool]]:
    """status and related of each judged article, keyed by host/path.html as labels.csv is."""
    with connect(db, read_only=True) as con:
        rows = con.execute("SELECT url, status, related FROM coverage").fetchall()
    # Loopback URLs look like http://127.0.0.1:PORT/<host>/<path>.
    return {urlsplit(url).path.lstrip("/"): (status, related) for url, status, related in rows}


def copy_clusters(db: Path) -> dict[str, tuple[str | None, bool]]:
    """cluster_id and is_cluster_origin of each related article that is not a seed copy, keyed like labels.csv."""
    with connect(db, read_only=True) as con:
        rows = con.execute("SELECT url, cluster_id, is_cluster_origin FROM coverage "
                           "WHERE status IN ('original', 'syndicated')").fetchall()
    return {urlsplit(url).path.lstrip("/"): (cluster, origin) for url, cluster, origin in rows}


def test_flow_loads_sample_coverage_and_rerun_adds_nothing(prefect_harness, loopback_seed, newsroom,
                                                          sample_labels, tmp_path, monkeypatch):
    from flows import pipeline
    from flows.pipeline import monitor_seed

    warmed: list[tuple[str, ...]] = []
    real_warm = pipeline.warm_workers
    monkeypatch.setattr(pipeline, "warm_workers", lambda *modules: warmed.append(modules) or real_warm(*modules))
    db = tmp_path / "w.duckdb"
    first = monitor_seed(str(loopback_seed), str(db), allow_private_network=True, report_dir=str(tmp_path))
    assert first.status == "finished" and first.loaded > 0
    # A first run starts its workers once, early, and has them import the charts' library
    # once the last batch is extracted.
    assert warmed == [pipeline.EXTRACTION_MODULES, pipeline.CHART_MODULES]

    judged = coverage_by_page(db)
    in_window = {page: row for page, row in sample_labels.items() if row["in_window"] == "yes"}
    related = {page: row for page, row in in_window.items() if row["expected_status"] != "unrelated"}
    out_of_window = {page for page, row in sample_labels.items() if row["in_window"] == "no"}
    assert not out_of_window & set(judged), "articles outside the time window were loaded"
    assert set(related) <= set(judged), f"missing: {sorted(set(related) - set(judged))}"
    # Judging agrees with the hand labels on every page it saw; the pre-filter skipped
    # only unrelated ones, and fetch_log says so.
    disagreements = {page: (judged[page][0], row["expected_status"]) for page, row in in_window.items()
                     if page in judged and judged[page][0] != row["expected_status"]}
    assert not disagreements
    # The wire story and its three carriers form one cluster whose origin is the wire (published
    # first); every other related original stands alone; seed copies point to the seed.
    clustered = copy_clusters(db)
    syndicated = {page for page, row in in_window.items() if row["expected_status"] == "syndicated"}
    [wire] = [page for page, row in in_window.items() if "origin of the syndication cluster" in row["note"]]
    assert {page for page, (cluster, _) in clustered.items() if cluster} == syndicated | {wire}
    assert len({clustered[page][0] for page in syndicated | {wire}}) == 1
    assert {page for page, (_, origin) in clustered.items() if origin} == {wire}
    with connect(db, read_only=True) as con:
        seed_copies = con.execute("SELECT DISTINCT cluster_id, is_cluster_origin FROM coverage "
                                  "WHERE status = 'seed_copy'").fetchall()
    assert seed_copies == [("seed:xi-zelensky-call", False)]
    with connect(db, read_only=True) as con:
        prefiltered = {urlsplit(u).path.lstrip("/") for (u,) in con.execute(
            "SELECT url FROM fetch_log WHERE outcome = 'skipped' AND reason LIKE 'pre-filter:%'").fetchall()}
    assert prefiltered and prefiltered == set(in_window) - set(judged)
    assert all(in_window[page]["expected_status"] == "unrelated" for page in prefiltered)
    report = (tmp_path / "xi-zelensky-call.md").read_text(encoding="utf-8")
    assert report.startswith("# Coverage of:")
    # The search query derived from the seed is stored with the run and shown in the report.
    with connect(db, read_only=True) as con:
        [(query,)] = con.execute("SELECT search_query FROM runs WHERE run_id = ?", [first.run_id]).fetchall()
    assert "zelensky" in query and "xi jinping" in query
    assert "Search query: " in report and "zelensky" in report.split("Search query: ", 1)[1].splitlines()[0]
    # The events, quotes and claims stage ran over the seed and the related articles.
    with connect(db, read_only=True) as con:
        analysed = dict(con.execute(
            "SELECT article_id LIKE 'seed:%' AS is_seed, count(DISTINCT article_id) FROM events GROUP BY ALL"
        ).fetchall())
        supported = con.execute("SELECT count(DISTINCT article_id) FROM claims WHERE verdict = 'supports'"
                                ).fetchall()[0][0]
        unrelated_read = con.execute("SELECT count(*) FROM events e JOIN coverage c USING (seed_id, article_id) "
                                     "WHERE NOT c.related").fetchall()[0][0]
    assert analysed.get(True) == 1 and analysed.get(False, 0) >= 5
    assert supported >= 5 and unrelated_read == 0
    # The run published its summary and outlets table as Prefect artifacts.
    import json as _json

    from prefect.artifacts import Artifact

    table = Artifact.get("outlets-xi-zelensky-call")
    summary = Artifact.get("coverage-xi-zelensky-call")
    with connect(db, read_only=True) as con:
        outlets = con.execute("SELECT count(DISTINCT outlet) FROM coverage WHERE related").fetchall()[0][0]
    rows = _json.loads(table.data) if isinstance(table.data, str) else table.data
    assert table.type == "table" and len(rows) == outlets
    assert summary.type == "markdown" and f"from {outlets} outlets" in summary.data

    counts = view_counts(db)
    requests_before = len(newsroom.article_requests())
    second = monitor_seed(str(loopback_seed), str(db), allow_private_network=True, report_dir=str(tmp_path))
    assert second.loaded == 0 and second.fetched == 0
    assert len(warmed) == 2, "a run with nothing to fetch started the extraction workers"
    assert view_counts(db) == counts
    assert copy_clusters(db) == clustered, "cluster ids or origins changed on a rerun"
    assert len(newsroom.article_requests()) == requests_before, "a rerun fetched stored articles again"
    with connect(db, read_only=True) as con:
        skipped = con.execute(
            "SELECT count(*) FROM fetch_log WHERE run_id = ? AND outcome = 'skipped'", [second.run_id]
        ).fetchall()[0][0]
        runs = con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()
    assert skipped == len(in_window)  # the stored articles, and the pre-filtered entries again
    assert runs == [("finished",), ("finished",)]

    # Nothing new: judge and analyse were skipped; their rows are the first run's.
    def judged_by() -> set[str]:
        with connect(db, read_only=True) as con:
            return {r for (r,) in con.execute("SELECT DISTINCT run_id FROM coverage_judgements").fetchall()} | {
                r for (r,) in con.execute("SELECT DISTINCT run_id FROM event_rows").fetchall()}

    assert judged_by() == {first.run_id}
    # A changed [judge] section is judged again, and the copy clusters keep their ids and origins.
    toml = loopback_seed.with_suffix(".toml")
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[judge]\nrelevance_threshold = 0.26\n", encoding="utf-8")
    third = monitor_seed(str(loopback_seed), str(db), allow_private_network=True, report_dir=str(tmp_path))
    assert judged_by() == {third.run_id}
    assert copy_clusters(db) == clustered and third.statuses == first.statuses


def test_loopback_is_refused_without_the_flag(prefect_harness, loopback_seed, newsroom, tmp_path):
    from flows.pipeline import monitor_seed

    db = tmp_path / "w.duckdb"
    summary = monitor_seed(str(loopback_seed), str(db), allow_private_network=False, report_dir=None)
    assert summary.status == "finished" and summary.fetched == 0 and summary.loaded == 0
    assert newsroom.requests == [], "a request reached the loopback server"
    with connect(db, read_only=True) as con:
        reasons = con.execute("SELECT DISTINCT outcome, reason FROM fetch_log").fetchall()
    assert reasons and all(outcome == "skipped" and "loopback" in reason for outcome, reason in reasons)


def test_killed_run_then_rerun_leaves_no_duplicates_and_nothing_missing(
    prefect_harness, newsroom, make_loopback_seed, tmp_path
):
    seed = make_loopback_seed(tmp_path, newsroom, batch_size=3)
    db = tmp_path / "w.duckdb"
    newsroom.delay = 0.4
    env = {**os.environ, "PREFECT_API_URL": prefect_harness, "PREFECT_LOGGING_LEVEL": "WARNING"}
    cmd = [sys.executable, "-m", "flows.cli", "run", str(seed), "--db", str(db), "--allow-private-network",
           "--report-dir", str(tmp_path)]
    proc = subprocess.Popen(cmd, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while len(newsroom.article_requests()) < 8 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed:\n" + proc.stdout.read().decode()
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    newsroom.delay = 0.0
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr

    clean_db = tmp_path / "clean.duckdb"
    clean = subprocess.run([*cmd[:6], str(clean_db), *cmd[7:]], env=env, capture_output=True, text=True,
                           timeout=300)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    with connect(db, read_only=True) as con:
        urls = [r[0] for r in con.execute("SELECT url FROM articles").fetchall()]
        statuses = [r[0] for r in con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()]
        covered = con.execute("SELECT count(*) FROM coverage").fetchall()[0][0]
    with connect(clean_db, read_only=True) as con:
        clean_urls = {r[0] for r in con.execute("SELECT url FROM articles").fetchall()}
    assert len(urls) == len(set(urls)), "duplicate articles after the rerun"
    assert set(urls) == clean_urls, "the killed-and-rerun warehouse differs from a clean run"
    assert covered == len(clean_urls)
    assert statuses == ["abandoned", "finished"]


def test_all_seeds_flow_runs_the_good_seed_and_survives_a_bad_one(prefect_harness, newsroom, make_loopback_seed,
                                                                   tmp_path):
    from flows.pipeline import monitor_all_seeds

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    make_loopback_seed(seeds, newsroom)
    (seeds / "broken.txt").write_text("no date line\n" + "word " * 40, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    summaries = monitor_all_seeds(str(seeds), str(db), allow_private_network=True, report_dir=None)
    assert [s.seed_id for s in summaries] == ["xi-zelensky-call"]
    assert summaries[0].loaded > 0
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT seed_id FROM seeds").fetchall() == [("xi-zelensky-call",)]


def test_robots_txt_keeps_the_run_off_disallowed_paths(prefect_harness, newsroom, loopback_seed, tmp_path):
    from flows.pipeline import monitor_seed

    newsroom.robots = "User-agent: *\nDisallow: /kyiv-ledger.example/\n"
    db = tmp_path / "w.duckdb"
    summary = monitor_seed(str(loopback_seed), str(db), allow_private_network=True, report_dir=None)
    assert summary.status == "finished" and summary.loaded > 0
    assert not [p for p in newsroom.article_requests() if p.startswith("/kyiv-ledger.example/")]
    with connect(db, read_only=True) as con:
        barred = con.execute("SELECT count(*) FROM fetch_log WHERE reason = 'disallowed by robots.txt'").fetchall()
        loaded = con.execute("SELECT count(*) FROM articles WHERE url LIKE '%/kyiv-ledger.example/%'").fetchall()
    assert barred[0][0] > 0 and loaded[0][0] == 0


def test_batches_have_short_edges_and_keep_every_item_once_in_order():
    from flows.pipeline import batches

    items = list(range(2000))
    made = list(batches(items, 200))
    assert [len(b) for b in made] == [50] + [200] * 9 + [100, 50]
    assert [x for b in made for x in b] == items
    assert [len(b) for b in batches(items[:230], 200)] == [50, 130, 50]
    assert [len(b) for b in batches(items[:200], 200)] == [200]  # one batch needs no edges
    assert [len(b) for b in batches(items[:5], 2)] == [1, 2, 1, 1]
    assert list(batches([], 200)) == []


def test_flow_parameters_that_are_json_already_skip_prefects_encoder_and_others_still_take_it(monkeypatch):
    import datetime as dt

    from flows.pipeline import monitor_seed

    plain = {"seed_path": "seeds/x.txt", "db_path": "w.duckdb", "allow_private_network": True, "record": None,
             "batch": 3, "share": 0.5}
    with monkeypatch.context() as patched:
        # Prefect's encoder made unimportable: it would store each value as "<str>" and the like.
        patched.setitem(sys.modules, "fastapi.encoders", None)
        assert monitor_seed.serialize_parameters(plain) == plain
    # A value JSON cannot hold as it is goes through Prefect's encoding, as before.
    assert monitor_seed.serialize_parameters({"day": dt.date(2023, 4, 26)}) == {"day": "2023-04-26"}
