"""The HTML report of the bundled sample, opened in headless Chromium.

The warehouse is built from the sample's real pages through the real stages
(extract, load, judge, analyse) plus one hostile article whose title carries a
script and an image with an onerror handler. The page must load with no console
error and no request leaving the file, show both charts, and run nothing it was
handed. Chromium is Debian's (``/usr/bin/chromium``; ``.ci/run`` installs it); without
it the test is skipped, unless ``STORYWATCH_REQUIRE_BROWSER=1`` says it must run.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from extractors.analysis import analyse_story
from extractors.article import PageInput, extract_articles
from extractors.judge import judge_coverage
from extractors.records import Article, Candidate, FetchAttempt, FetchResult
from extractors.seed import load_seed
from extractors.settings import JudgeSettings
from warehouse import analysis_store, load
from warehouse.report import build_report, render
from warehouse.report_html import render_html

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "seeds" / "sample"
SEED = load_seed(ROOT / "seeds" / "xi-zelensky-call.txt")
HOSTILE_TITLE = ('Xi and Zelensky <script>document.title="pwned";console.error("xss ran")</script>'
                 '<img src=x onerror="document.body.dataset.pwned=1">')
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _fetched(url: str, body: bytes) -> tuple[Candidate, FetchResult]:
    now = datetime.now(UTC)
    attempt = FetchAttempt(url, url, "ok", None, 200, len(body), 1, now, 1, "article", True)
    return (Candidate(url, url, f"http://{urlsplit(url).hostname}/rss.xml", "feed"),
            FetchResult(url, "article", "ok", None, url, 200, "text/html; charset=utf-8", body, attempts=(attempt,)))


@pytest.fixture(scope="module")
def sample_warehouse(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("report") / "w.duckdb"
    with (SAMPLE / "labels.csv").open(encoding="utf-8") as f:
        urls = [row["url"] for row in csv.DictReader(f) if row["in_window"] == "yes"]
    pages = {u: (SAMPLE / "sites" / (urlsplit(u).hostname + urlsplit(u).path)).read_bytes() for u in urls}
    fetched = [_fetched(u, body) for u, body in pages.items()]
    articles = [a for a in extract_articles([PageInput(u, u, b, "text/html", None) for u, b in pages.items()])
                if isinstance(a, Article)]
    evil = "http://evil.example/2023/04/26/xi-zelensky.html"
    text = "\n\n".join([SEED.text.split("\n\n")[0], "Xi Jinping spoke with Volodymyr Zelensky on Wednesday."] * 3)
    articles.append(Article(hashlib.sha1(evil.encode()).hexdigest()[:16], evil, evil, evil, "evil.example",
                            "<b>Evil</b>", HOSTILE_TITLE, "<i>x</i>", datetime(2023, 4, 26, 20, tzinfo=UTC), "en",
                            text, len(text.split()), "evil"))
    fetched.append(_fetched(evil, b"<html></html>"))
    load.load_seed(db, SEED)
    load.start_run(db, "r1", SEED.seed_id)
    load.load_batch(db, SEED.seed_id, "r1", [c for c, _ in fetched], [r for _, r in fetched], articles)
    judgements = judge_coverage(SEED, load.seed_articles(db, SEED.seed_id), JudgeSettings())
    load.load_coverage(db, SEED.seed_id, "r1", judgements)
    related = {j.article_id for j in judgements if j.related}
    stored = [a for a in load.seed_articles(db, SEED.seed_id) if a.article_id in related]
    analysis_store.load_analysis(db, "r1", analyse_story(SEED, stored))
    load.finish_run(db, "r1", "finished", load.RunCounts(len(fetched), len(fetched), 0, len(articles)))
    return db


def test_every_section_is_in_both_renderings_and_web_text_is_inert(sample_warehouse):
    report = build_report(sample_warehouse, SEED.seed_id)
    html, markdown = render_html(report), render(report, "md")
    for heading in ("Summary", "Outlets", "Who copied whom", "Claims: the seed against each outlet",
                    "What each outlet added first", "Quotes by speaker", "Events timeline"):
        assert heading in html and f"## {heading}" in markdown
    assert html.count("<svg") == 2 and markdown.count("data:image/png;base64,") == 2
    assert "<script" not in html.lower() and "<img src=x" not in html and 'onerror="' not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=" in html
    assert "<script>" not in markdown and "\\<script\\>" in markdown
    # the claims matrix speaks: some outlet supports the seed's call
    assert "✔ supports" in markdown


def test_the_report_opens_in_headless_chromium_and_runs_nothing_it_was_handed(sample_warehouse, tmp_path):
    if CHROMIUM is None:
        if os.environ.get("STORYWATCH_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required here (STORYWATCH_REQUIRE_BROWSER=1) but is not installed")
        pytest.skip("Chromium not installed (Debian package 'chromium'; .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(build_report(sample_warehouse, SEED.seed_id)), encoding="utf-8")
    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri(), wait_until="load")
        title = page.title()
        pwned = page.evaluate("document.body.dataset.pwned")
        charts = page.evaluate("document.querySelectorAll('figure.chart svg').length")
        scripts = page.evaluate("document.scripts.length")
        cells = page.evaluate("document.querySelectorAll('table.matrix td.v').length")
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert problems == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert title.startswith("Coverage: ") and "pwned" not in title
    assert pwned is None and scripts == 0
    assert charts == 2 and cells > 0
    assert (tmp_path / "report.png").stat().st_size > 50_000


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_round_trips_every_view(sample_warehouse, tmp_path, fmt):
    import pyarrow.csv
    import pyarrow.parquet

    from flows.cli import main
    from warehouse.db import connect
    from warehouse.export import VIEWS

    assert main(["export", "--db", str(sample_warehouse), "--format", fmt, "--out", str(tmp_path)]) == 0
    with connect(sample_warehouse, read_only=True) as con:
        expected = {v: con.execute(f"SELECT count(*) FROM {v}").fetchall()[0][0] for v in VIEWS}
        columns = {v: [r[0] for r in con.execute(f"DESCRIBE {v}").fetchall()] for v in VIEWS}
    read = pyarrow.parquet.read_table if fmt == "parquet" else pyarrow.csv.read_csv
    for view in VIEWS:
        table = read(tmp_path / f"{view}.{fmt}")
        assert table.num_rows == expected[view], view
        assert table.column_names == columns[view], view
    assert expected["events"] > 0 and expected["claims"] > 0 and expected["coverage"] > 0


def test_charts_are_drawn_once_per_distinct_rows_and_kept_in_the_warehouse(tmp_path, monkeypatch):
    from warehouse import chart_cache
    from warehouse.db import connect as open_db

    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    rows = [{"day": datetime(2023, 4, 26, tzinfo=UTC).date(), "status": "original", "articles": 3}]
    drawn: list[str] = []
    real = chart_cache._draw
    monkeypatch.setattr(chart_cache, "_draw", lambda kind, r, fmt: drawn.append(kind) or real(kind, r, fmt))
    first = chart_cache.chart(db, "coverage", rows, "png")
    again = chart_cache.chart(db, "coverage", rows, "png")
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and again == first and drawn == ["coverage"]
    svg = chart_cache.chart(db, "coverage", rows, "svg")
    assert svg.startswith("<?xml") and chart_cache.chart(db, "coverage", rows, "svg") == svg
    changed = chart_cache.chart(db, "coverage", [{**rows[0], "articles": 4}], "png")
    assert changed != first and drawn == ["coverage", "coverage", "coverage"]
    with open_db(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM chart_cache").fetchall() == [(3,)]
    assert chart_cache.chart(db, "events", [], "png") is None
    # Without a warehouse the chart is drawn every time, the same bytes.
    assert chart_cache.chart(None, "coverage", rows, "png") == first and len(drawn) == 4


def test_charts_missing_from_the_cache_are_drawn_side_by_side_on_the_run_workers(tmp_path, monkeypatch):
    from extractors import workers
    from warehouse import chart_cache

    db = tmp_path / "w.duckdb"
    load.load_seed(db, SEED)
    day = datetime(2023, 4, 26, tzinfo=UTC).date()
    coverage = [{"day": day, "status": "original", "articles": 3}]
    events = [{"event_date": day, "event_type": "CONSULT", "actor": "China", "reported_by": 2}]
    wanted = [("coverage", coverage, "png"), ("events", events, "png"), ("events", [], "png")]
    inline = chart_cache.charts(None, wanted)
    sent: list[int] = []
    real = workers.run_in_processes
    monkeypatch.setattr(workers, "run_in_processes",
                        lambda work, items, n: sent.append(len(items)) or real(work, items, n))
    with workers.worker_pool(2):
        on_workers = chart_cache.charts(db, wanted)
        cached = chart_cache.charts(db, wanted)
    # Both missing charts went out together, once; the same images as drawn here; then kept.
    assert sent == [2]
    assert on_workers == inline == cached and inline[2] is None and inline[0] != inline[1]
