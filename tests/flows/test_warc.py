"""Web archives: record live fetches into a WARC, replay them with the network off, read pages from a WARC.

Servers run on 127.0.0.1, started here; replayed and archived fetches must open no
socket, which a trap on the guarded backend (the only way the fetcher connects) proves.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extractors.page_head import PageHead, read_page_head
from extractors.records import ArchivedCopy
from extractors.settings import FetchSettings, SettingsError, WindowSettings, load_settings
from extractors.window import dedupe_candidates, filter_window
from flows.cli import main
from flows.fetch import FetchRequest, fetch_pages
from flows.warc import ReplayArchive, read_archived, read_warc_candidates
from warehouse.db import connect

ROOT = Path(__file__).resolve().parents[2]
SITES = ROOT / "seeds" / "sample" / "sites"
SEED = ROOT / "seeds" / "xi-zelensky-call.txt"

PAGE = b"<html><head><title>Page</title></head><body><p>" + b"words " * 200 + b"</p></body></html>"
ETAG = '"v1"'
LAST_MODIFIED = "Wed, 26 Apr 2023 12:00:00 GMT"
FAST = replace(FetchSettings(), connect_timeout=2.0, read_timeout=5.0, total_timeout=10.0, retries=0,
               min_host_interval=0.0, allow_private_network=True)


@pytest.fixture
def site() -> Iterator[tuple[str, list[str]]]:
    """A small site on 127.0.0.1: a page with validators, a redirect to it, a gzip-encoded copy."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.path)
            if self.path == "/old":
                self.send_response(301)
                self.send_header("Location", "/page")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path not in ("/page", "/gz"):
                self.send_error(404)
                return
            if self.headers.get("If-None-Match") == ETAG:
                self.send_response(304)
                self.send_header("ETag", ETAG)
                self.end_headers()
                return
            body = gzip.compress(PAGE) if self.path == "/gz" else PAGE
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if self.path == "/gz":
                self.send_header("Content-Encoding", "gzip")
            self.send_header("ETag", ETAG)
            self.send_header("Last-Modified", LAST_MODIFIED)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def no_sockets(monkeypatch):
    """Call it to make any connection the fetcher tries fail the test; it returns the addresses tried."""
    tried: list[str] = []

    async def refuse(addr_infos, *args, **kwargs):
        address = addr_infos[0][4]
        tried.append(f"{address[0]}:{address[1]}")
        raise AssertionError(f"a socket to {tried[-1]} was opened")

    def arm() -> list[str]:
        # The connector's one way to open a socket.
        monkeypatch.setattr("aiohttp.connector.aiohappyeyeballs.start_connection", refuse)
        return tried

    return arm


def fetch(urls: list[str], settings: FetchSettings, **request) -> list:
    return fetch_pages([FetchRequest(url=u, purpose="article", **request) for u in urls], settings)


# -- recording and replaying the fetcher ---------------------------------------------------------


def test_recorded_responses_replay_identically_with_no_socket(site, tmp_path, no_sockets):
    base, seen = site
    warc = tmp_path / "run.warc.gz"
    recorded = fetch([f"{base}/old", f"{base}/gz"], replace(FAST, record_path=str(warc)))
    assert [r.outcome for r in recorded] == ["ok", "ok"]
    assert recorded[0].final_url == f"{base}/page" and recorded[1].body == PAGE  # gzip decoded live

    # The file is a WARC: a warcinfo, then the 301, the 200 it led to and the decoded gzip page.
    with warc.open("rb") as f:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                    r.http_headers.get_statuscode() if r.http_headers else None,
                    r.http_headers.get_header("Content-Encoding") if r.http_headers else None,
                    r.content_stream().read()) for r in ArchiveIterator(f)]
    assert records[0][0] == "warcinfo"
    responses = {uri: (status, encoding, body) for kind, uri, status, encoding, body in records[1:]}
    assert responses[f"{base}/old"][0] == "301" and responses[f"{base}/page"][0] == "200"
    assert responses[f"{base}/gz"] == ("200", None, PAGE)

    tried = no_sockets()
    requests_before = len(seen)
    replayed = fetch([f"{base}/old", f"{base}/gz"], replace(FAST, replay_path=str(warc)))
    assert [(r.outcome, r.final_url, r.http_status, r.body) for r in replayed] == [
        (r.outcome, r.final_url, r.http_status, r.body) for r in recorded
    ]
    assert [a.http_status for a in replayed[0].attempts] == [200]
    assert tried == [] and len(seen) == requests_before


def test_replay_answers_matching_validators_with_304(site, tmp_path, no_sockets):
    base, _ = site
    warc = tmp_path / "run.warc.gz"
    fetch([f"{base}/page"], replace(FAST, record_path=str(warc)))
    # A later conditional run appends a 304; replay still holds the full page.
    again = fetch([f"{base}/page"], replace(FAST, record_path=str(warc)), etag=ETAG)
    assert again[0].outcome == "not_modified"
    tried = no_sockets()
    replay = replace(FAST, replay_path=str(warc))
    assert fetch([f"{base}/page"], replay, etag=ETAG)[0].outcome == "not_modified"
    assert fetch([f"{base}/page"], replay, etag='"v0"')[0].body == PAGE
    by_date = fetch([f"{base}/page"], replay, last_modified="Thu, 27 Apr 2023 00:00:00 GMT")[0]
    assert by_date.outcome == "not_modified" and by_date.etag == ETAG
    assert fetch([f"{base}/page"], replay)[0].body == PAGE
    assert tried == []


def test_url_not_in_the_archive_fails_with_the_reason(site, tmp_path, no_sockets):
    base, _ = site
    warc = tmp_path / "run.warc.gz"
    fetch([f"{base}/page"], replace(FAST, record_path=str(warc)))
    tried = no_sockets()
    [missing] = fetch([f"{base}/elsewhere"], replace(FAST, replay_path=str(warc), retries=2))
    assert missing.outcome == "failed" and missing.reason == f"not in replay archive {warc}"
    assert len(missing.attempts) == 1 and missing.http_status is None  # not retried, no invented status
    assert tried == []


def test_several_fetches_append_to_one_valid_warc(site, tmp_path):
    base, _ = site
    warc = tmp_path / "run.warc.gz"
    for _ in range(2):
        fetch([f"{base}/page"], replace(FAST, record_path=str(warc)))
    with warc.open("rb") as f:
        kinds = [r.rec_type for r in ArchiveIterator(f)]
    assert kinds == ["warcinfo", "response", "response"]
    assert len(ReplayArchive.load(warc)) == 1


# -- WARC files as a source ----------------------------------------------------------------------


def sample_page(path: str, drop: str | None = None) -> bytes:
    """A page of the bundled sample, with every ``drop`` removed."""
    html = (SITES / path).read_text(encoding="utf-8")
    return (html.replace(drop, "") if drop else html).encode("utf-8")


RELATED = [
    "kyiv-ledger.example/news/2023/04/26/zelensky-xi-first-call-riabikin-ambassador.html",
    "continental-wire.example/article/world/china-ukraine-xi-zelensky-first-call-envoy-2023-04-26.html",
    "pacific-herald.example/asia/china/article/3218811/beijing-readout-xi-zelensky-call-li-hui.html",
]
UNRELATED = "metro-post.example/2023/05/02/bus-tram-drivers-strike-pay-talks-collapse.html"
DATED_BEFORE = "eastern-courier.example/world/asia/china-12-point-ukraine-paper-analysis-20230302.html"
CRAWLED_BEFORE = "harbor-gazette.example/world/2023/04/26/white-house-kirby-welcomes-xi-zelensky-call.html"


def write_warc(path: Path, records: list[tuple[str, int, str, bytes, str]]) -> None:
    """(uri, status, content type, body, WARC-Date) -> response records, one gzip member each."""
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        for uri, status, ctype, body, date in records:
            headers = StatusAndHeaders(f"{status} X", [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=BytesIO(body), length=len(body),
                                                          http_headers=headers,
                                                          warc_headers_dict={"WARC-Date": date}))


@pytest.fixture
def news_warc(tmp_path) -> Path:
    html = "text/html; charset=utf-8"
    crawled = "2023-04-27T08:00:00Z"
    records = [(f"http://{p}?utm_source=cc", 200, html, sample_page(p), crawled) for p in RELATED]
    records += [
        (f"http://{UNRELATED}", 200, html, sample_page(UNRELATED), "2023-05-02T12:00:00Z"),
        (f"http://{DATED_BEFORE}", 200, html, sample_page(DATED_BEFORE), "2023-04-27T08:00:00Z"),
        # Undated, but crawled before the window opened: it cannot be coverage of the call.
        (f"http://{CRAWLED_BEFORE}", 200, html,
         sample_page(CRAWLED_BEFORE, drop="2023-04-26T18:50:00-04:00"),
         "2023-03-01T00:00:00Z"),
        ("http://kyiv-ledger.example/logo.png", 200, "image/png", b"\x89PNG\r\n", crawled),
        ("http://kyiv-ledger.example/gone.html", 404, html, b"<html>gone</html>", crawled),
    ]
    path = tmp_path / "news.warc.gz"
    write_warc(path, records)
    return path


def test_warc_reader_yields_html_pages_with_their_head(news_warc):
    candidates, problems = read_warc_candidates(str(news_warc))
    assert problems == []
    by_url = {c.canonical_url: c for c in candidates}
    assert set(by_url) == {f"http://{p}" for p in [*RELATED, UNRELATED, DATED_BEFORE, CRAWLED_BEFORE]}
    first = by_url[f"http://{RELATED[0]}"]
    assert first.source_kind == "warc" and first.source_url == str(news_warc)
    assert first.title.startswith("Zelensky speaks to Xi") and first.summary.startswith("After almost an hour")
    assert first.published_at == datetime(2023, 4, 26, 13, 20, tzinfo=UTC)
    assert by_url[f"http://{CRAWLED_BEFORE}"].published_at is None
    page = read_archived(first.archived, 10_000_000)
    assert page.body == sample_page(RELATED[0]) and page.url.endswith("?utm_source=cc")
    assert read_archived(first.archived, 100).startswith("body exceeds 100 bytes")
    # An offset inside a record: its bytes (a random record id among them) are either not a
    # WARC at all or a WARC holding no record, about 1 time in 75; each way the reason, never a page.
    misplaced = read_archived(replace(first.archived, offset=1), 10_000_000)
    assert isinstance(misplaced, str) and str(news_warc) in misplaced
    assert misplaced.startswith(("cannot read WARC", "no response record at offset 1 of WARC")), misplaced


def test_damaged_warc_is_a_problem_not_a_crash(tmp_path, news_warc):
    (tmp_path / "not.warc").write_bytes(b"hello, not a WARC\r\n\r\n")
    candidates, problems = read_warc_candidates(str(tmp_path / "not.warc"))
    assert candidates == [] and len(problems) == 1 and "cannot read WARC" in problems[0].reason
    # A truncated download keeps the pages before the cut.
    data = news_warc.read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(data[: len(data) // 2])
    candidates, _ = read_warc_candidates(str(tmp_path / "cut.warc.gz"))
    assert 1 <= len(candidates) < 6


def test_archived_fetch_reads_the_file_not_the_network(news_warc, no_sockets):
    tried = no_sockets()
    candidates, _ = read_warc_candidates(str(news_warc))
    copy = candidates[0].archived
    [result] = fetch([candidates[0].canonical_url], FetchSettings(), archived=copy)
    assert result.ok and result.body == sample_page(RELATED[0])
    assert result.attempts[0].reason == f"read from WARC {news_warc}" and result.http_status == 200
    [lost] = fetch([candidates[0].canonical_url], FetchSettings(),
                   archived=ArchivedCopy(str(news_warc) + ".gone", 0, copy.crawled_at))
    assert lost.outcome == "failed" and "cannot read WARC" in lost.reason
    assert tried == []


def test_page_head_is_read_from_the_first_bytes_only():
    head = read_page_head(b"<html><head><meta name='description' content=' a  b '><title>T</title></head>"
                          + b"<body>" + b"x" * 100_000 + b"<meta property='og:title' content='late'></body>")
    assert (head.title, head.summary, head.published_at) == ("T", "a b", None)
    assert read_page_head(b"") == read_page_head(b"\x00\xff") == PageHead(None, None, None)


def test_window_drops_pages_crawled_before_it_opened(news_warc):
    candidates, _ = read_warc_candidates(str(news_warc))
    kept, dropped = filter_window(candidates, date(2023, 4, 26), WindowSettings())
    assert dropped == 2 and {c.canonical_url for c in kept} == {f"http://{p}" for p in [*RELATED, UNRELATED]}
    # Merged with the same URL found in a feed, the archived copy is kept: it is read, not fetched.
    first = candidates[0]
    feed = replace(first, source_kind="feed", archived=None)
    [merged] = dedupe_candidates([feed, first])
    assert merged.source_kind == "feed" and merged.archived == first.archived


def test_warc_source_settings(tmp_path, news_warc):
    toml = tmp_path / "s.toml"
    toml.write_text('[[sources]]\nkind = "warc"\nurl = "news.warc.gz"\n', encoding="utf-8")
    [source] = load_settings(toml).sources
    assert source.kind == "warc" and source.url == str(news_warc.resolve())
    for url, message in (("missing.warc.gz", "not found"), ("https://x.example/a.warc.gz", "local WARC file")):
        toml.write_text(f'[[sources]]\nkind = "warc"\nurl = "{url}"\n', encoding="utf-8")
        with pytest.raises(SettingsError, match=message):
            load_settings(toml)
    toml.write_text('[fetch]\nreplay_path = "x.warc.gz"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="unknown key fetch.replay_path"):
        load_settings(toml)


# -- whole runs ----------------------------------------------------------------------------------


def loaded_rows(db: Path) -> tuple[list[tuple], list[tuple]]:
    """The articles and their coverage, as comparable rows."""
    with connect(db, read_only=True) as con:
        articles = con.execute("SELECT url, final_url, title, content_hash, word_count, published_at FROM articles "
                               "ORDER BY url").fetchall()
        coverage = con.execute("SELECT url, status, related, round(relevance, 6) FROM coverage ORDER BY url").fetchall()
    return articles, coverage


def failures(db: Path) -> list[tuple]:
    with connect(db, read_only=True) as con:
        return con.execute("SELECT url, reason FROM fetch_log WHERE final AND outcome = 'failed'").fetchall()


def test_record_then_replay_with_the_network_off_loads_the_same_rows(prefect_harness, loopback_seed, newsroom,
                                                                     tmp_path, no_sockets):
    from flows.pipeline import monitor_seed

    warc, live, replayed = tmp_path / "run.warc.gz", tmp_path / "live.duckdb", tmp_path / "replayed.duckdb"
    first = monitor_seed(str(loopback_seed), str(live), allow_private_network=True, report_dir=None,
                         record=str(warc))
    assert first.status == "finished" and first.loaded > 0 and warc.stat().st_size > 0

    tried, requests_before = no_sockets(), len(newsroom.requests)
    second = monitor_seed(str(loopback_seed), str(replayed), allow_private_network=True, report_dir=None,
                          replay=str(warc))
    assert second.status == "finished"
    assert tried == [] and len(newsroom.requests) == requests_before, "the replayed run used the network"
    assert loaded_rows(replayed) == loaded_rows(live)
    assert (second.discovered, second.in_window, second.prefiltered, second.fetched) == (
        first.discovered, first.in_window, first.prefiltered, first.fetched)
    assert failures(replayed) == failures(live)  # robots.txt answered 404 in both, nothing else


def test_offline_sample_replays_without_its_server(prefect_harness, tmp_path, no_sockets):
    from flows.pipeline import monitor_seed

    warc, live, replayed = tmp_path / "run.warc.gz", tmp_path / "live.duckdb", tmp_path / "replayed.duckdb"
    first = monitor_seed(str(SEED), str(live), report_dir=None, record=str(warc))
    assert first.loaded > 0
    tried = no_sockets()  # the sample server is pinned through the guarded backend: it is not reached
    monitor_seed(str(SEED), str(replayed), report_dir=None, replay=str(warc))
    assert tried == []
    assert loaded_rows(replayed) == loaded_rows(live)


def test_warc_source_loads_related_pages_from_the_file(prefect_harness, tmp_path, news_warc, no_sockets):
    from flows.pipeline import monitor_seed

    seed = tmp_path / "xi-zelensky-call.txt"
    seed.write_bytes(SEED.read_bytes())
    seed.with_suffix(".toml").write_text(f'[[sources]]\nkind = "warc"\nurl = "{news_warc.name}"\n',
                                         encoding="utf-8")
    db = tmp_path / "w.duckdb"
    tried = no_sockets()
    summary = monitor_seed(str(seed), str(db), report_dir=None)
    assert summary.status == "finished" and tried == [], "a socket was opened for an archived page"
    assert summary.discovered == 6 and summary.in_window == 4  # dated and crawled before the window: dropped

    with connect(db, read_only=True) as con:
        found = dict(con.execute("SELECT url, source_kind FROM discoveries").fetchall())
        judged = dict(con.execute("SELECT url, status FROM coverage").fetchall())
        log = dict(con.execute("SELECT url, reason FROM fetch_log WHERE final").fetchall())
    related = {f"http://{p}" for p in RELATED}
    assert set(found) >= related and set(found.values()) == {"warc"}
    assert {url for url, status in judged.items() if status != "unrelated"} == related
    unrelated = f"http://{UNRELATED}"
    assert log[unrelated].startswith("pre-filter:") or judged[unrelated] == "unrelated"
    assert not {f"http://{DATED_BEFORE}", f"http://{CRAWLED_BEFORE}"} & (set(judged) | set(log))
    assert not [url for url in log if url.endswith(("logo.png", "gone.html"))]
    assert {log[url] for url in related} == {f"read from WARC {news_warc.resolve()}"}


def test_cli_record_and_replay_flags(tmp_path, capsys):
    seed = tmp_path / "s.txt"
    seed.write_bytes(SEED.read_bytes())
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(seed), "--record", str(tmp_path / "a.warc.gz"), "--replay", str(tmp_path / "b.warc.gz")])
    assert exit_.value.code == 2 and "not allowed with argument" in capsys.readouterr().err
    missing = tmp_path / "missing.warc.gz"
    assert main(["run", str(seed), "--db", str(tmp_path / "w.duckdb"), "--replay", str(missing)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("storywatch: error: ") and str(missing) in err
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"not a web archive\r\n\r\n")
    assert main(["run", str(seed), "--db", str(tmp_path / "w.duckdb"), "--replay", str(junk)]) == 2
    assert "cannot replay, not a readable WARC file" in capsys.readouterr().err
    nowhere = tmp_path / "no-such-dir" / "run.warc.gz"
    assert main(["run", str(seed), "--db", str(tmp_path / "w.duckdb"), "--record", str(nowhere)]) == 2
    assert str(nowhere.parent) in capsys.readouterr().err
    assert not (tmp_path / "w.duckdb").exists()
