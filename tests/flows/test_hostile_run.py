"""The hostile web, as whole runs: every fault next to good articles, in one real monitor-seed run.

A hostile newsroom (``tests/flows/hostile_site.py``) is served on 127.0.0.1 and its
host names are pinned to it the way the offline sample's are, so the run needs no
``--allow-private-network`` to reach it, and the literal loopback addresses stay
refused. One run without the flag covers every fault; a second, with the flag,
fetches only the disguised loopback links, to show the flag is what decides. Each
test then asserts (a) what the run did about its fault, from ``fetch_log``,
``problems``, ``articles`` and the server's own request log, and (b) that nothing
else was lost: the run finished and every good article is stored exactly once.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.sample_server import SampleServer
from tests.flows.hostile_site import (
    FAULTS,
    FEED_GOOD,
    HOST,
    MAX_BYTES,
    SALVAGED_GOOD,
    SITEMAP_GOOD,
    UNFETCHABLE_LINKS,
    HostileSite,
    fault_url,
    private_name,
    sample_url,
    serve_hostile_site,
)
from warehouse.db import connect

SEED = Path(__file__).resolve().parents[2] / "seeds" / "xi-zelensky-call.txt"
# Small timeouts keep the module fast; each is still well above what a loopback
# answer takes, so only the faults trip them.
FETCH = {
    "connect_timeout": 1.0,
    "read_timeout": 2.0,  # over the drip's one-second gap: only the total deadline stops it
    "total_timeout": 3.5,
    "retries": 2,
    "backoff_base": 0.05,
    "max_retry_after": 5.0,
    "max_redirects": 3,
    "max_bytes": MAX_BYTES,
    "max_per_host": 8,  # the faults share one host: do not queue the good ones behind the hangs
    "min_host_interval": 0.0,
    "obey_robots": False,
}
MAIN_SOURCES = (
    ("feed", f"http://{HOST}/feeds/main.xml"),
    ("feed", f"http://{HOST}/feeds/malformed.xml"),
    ("feed", f"http://{HOST}/feeds/bomb.xml"),
    ("feed", f"http://{HOST}/feeds/bulk.xml"),
    ("feed", f"http://{HOST}/feeds/loopback.xml"),
    ("sitemap", f"http://{HOST}/sitemaps/index.xml"),
)
RELATIVE = f"http://{HOST}/rel/story"
GOOD = (
    *(sample_url(p) for p in (*FEED_GOOD, *SITEMAP_GOOD, SALVAGED_GOOD)),
    *(fault_url(f.name) for f in FAULTS if f.loads),
    RELATIVE,
)


@dataclass(frozen=True)
class Run:
    db: Path
    run_id: str
    status: str
    seconds: float
    requests: tuple[tuple[str, str], ...]  # (host, path) the server saw during this run
    peak_growth: int  # bytes the test process's peak memory grew by during the run

    def hits(self, path: str) -> int:
        return sum(1 for _, p in self.requests if p == path)

    def rows(self, sql: str, *params: object) -> list[tuple]:
        with connect(self.db, read_only=True) as con:
            return con.execute(sql, list(params)).fetchall()

    def attempts(self, url: str) -> list[tuple[int, str, str | None, bool, int, int | None]]:
        """(attempt, outcome, reason, final, bytes, http_status) of every fetch of ``url``, in order."""
        return self.rows("SELECT attempt, outcome, reason, final, bytes, http_status FROM fetch_log "
                         "WHERE run_id = ? AND url = ? ORDER BY attempt", self.run_id, url)

    def problems(self, url: str, stage: str) -> list[str]:
        return [r for (r,) in self.rows("SELECT reason FROM problems WHERE run_id = ? AND url = ? AND stage = ?",
                                        self.run_id, url, stage)]

    def stored(self, url: str) -> int:
        return self.rows("SELECT count(*) FROM articles WHERE url = ?", url)[0][0]

    def text(self, url: str) -> str:
        [(text,)] = self.rows("SELECT text FROM articles WHERE url = ?", url)
        return text


@dataclass(frozen=True)
class Runs:
    site: HostileSite
    plain: Run  # without --allow-private-network: every fault
    allowed: Run  # with it: only the disguised loopback links


def _write_seed(folder: Path, sources: tuple[tuple[str, str], ...]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site").mkdir(exist_ok=True)  # [offline_sample] wants a folder; the test serves the site
    seed = folder / SEED.name
    seed.write_bytes(SEED.read_bytes())
    fetch = "\n".join(f"{k} = {str(v).lower() if isinstance(v, bool) else v}" for k, v in FETCH.items())
    lines = ["[fetch]\n" + fetch + "\n", '[offline_sample]\ndirectory = "site"\n']
    lines += [f'[[sources]]\nkind = "{kind}"\nurl = "{url}"\n' for kind, url in sources]
    seed.with_suffix(".toml").write_text("\n".join(lines), encoding="utf-8")
    return seed


def _run(site: HostileSite, folder: Path, sources: tuple[tuple[str, str], ...], allow: bool) -> Run:
    from flows.pipeline import monitor_seed

    seed, db = _write_seed(folder, sources), folder / "w.duckdb"
    with site.lock:
        before = len(site.requests)
    peak, started = _peak_rss(), time.monotonic()
    summary = monitor_seed(str(seed), str(db), allow_private_network=allow, report_dir=str(folder))
    seconds = time.monotonic() - started
    with site.lock:
        seen = tuple(site.requests[before:])
    return Run(db, summary.run_id, summary.status, seconds, seen, _peak_rss() - peak)


def _peak_rss() -> int:
    """The peak resident memory of this process so far, in bytes (Linux reports KiB, macOS bytes)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


@pytest.fixture(scope="module")
def runs(prefect_harness, tmp_path_factory) -> Iterator[Runs]:
    folder = tmp_path_factory.mktemp("hostile")
    with serve_hostile_site() as site, pytest.MonkeyPatch.context() as patch:
        # The run serves its [offline_sample] and pins the sample's hosts to it; here the
        # hostile site is served instead, so its names are pinned to it the same way.
        served = SampleServer(address=site.address, hosts=site.hosts)
        patch.setattr("flows.pipeline.serve_sample", lambda directory: nullcontext(served))
        plain = _run(site, folder / "plain", MAIN_SOURCES, allow=False)
        allowed = _run(site, folder / "allowed", (("feed", f"http://{HOST}/feeds/loopback.xml"),), allow=True)
        yield Runs(site, plain, allowed)


def assert_nothing_lost(run: Run) -> None:
    """The run finished, and each good article is stored exactly once, with nothing else stored."""
    assert run.rows("SELECT status FROM runs WHERE run_id = ?", run.run_id) == [("finished",)]
    stored = [u for (u,) in run.rows("SELECT url FROM articles")]
    counts = {url: stored.count(url) for url in GOOD}
    assert counts == dict.fromkeys(GOOD, 1), f"lost or duplicated: { {u: n for u, n in counts.items() if n != 1} }"
    assert sorted(set(stored) - set(GOOD)) == [], "stored an article no good page should have given"
    judged = dict(run.rows("SELECT url, related FROM coverage"))
    assert judged == dict.fromkeys(GOOD, True), "a good article was not judged related to the seed"


def final(attempts: list[tuple]) -> tuple:
    finals = [a for a in attempts if a[3]]
    assert len(finals) == 1, attempts
    assert finals[0] == attempts[-1]
    return finals[0]


# -- faults fetched as articles ------------------------------------------------------------


def test_the_whole_run_stays_fast(runs):
    # The slowest faults (the hang, three tries of 2 s; the drip, a 3.5 s deadline) run
    # side by side with everything else, so the run is bounded by them, not by their sum.
    run = runs.plain
    assert run.seconds < 45, run.seconds
    # The run's own counts agree with what fetch_log and articles hold.
    [(fetched, failed, loaded)] = run.rows("SELECT fetched, failed, loaded FROM runs WHERE run_id = ?", run.run_id)
    outcomes = dict(run.rows("SELECT outcome, count(*) FROM fetch_log WHERE run_id = ? AND final "
                             "AND purpose = 'article' GROUP BY outcome", run.run_id))
    assert (fetched, failed, loaded) == (outcomes["ok"], outcomes["failed"], len(GOOD))
    assert_nothing_lost(run)


def test_a_server_that_never_answers_is_timed_out_and_retried(runs):
    run = runs.plain
    attempts = run.attempts(fault_url("hang"))
    assert [a[0] for a in attempts] == [1, 2, 3]  # retries = 2
    assert all(a[1] == "failed" and a[2].startswith("read timeout (no data for 2s)") for a in attempts)
    assert [a[2].endswith(", retrying") for a in attempts] == [True, True, False]
    assert run.hits("/faults/hang") == 3
    assert_nothing_lost(run)


def test_a_dripping_server_is_cut_off_by_the_total_deadline_and_not_retried(runs):
    run = runs.plain
    attempts = run.attempts(fault_url("drip"))
    assert len(attempts) == 1, "a hit of the total deadline must not be retried"
    _, outcome, reason, _, _, _ = final(attempts)
    assert outcome == "failed" and reason == "timed out after 3.5s (total deadline)"
    assert run.hits("/faults/drip") == 1
    assert_nothing_lost(run)


def test_503_twice_then_200_loads_the_article(runs):
    run = runs.plain
    attempts = run.attempts(fault_url("flaky"))
    assert [(a[1], a[2], a[5]) for a in attempts] == [
        ("failed", "HTTP 503, retrying", 503), ("failed", "HTTP 503, retrying", 503), ("ok", None, 200),
    ]
    assert final(attempts)[0] == 3
    assert run.stored(fault_url("flaky")) == 1
    assert_nothing_lost(run)


def test_429_with_retry_after_waits_then_loads_the_article(runs):
    run = runs.plain
    url = fault_url("limited")
    attempts = run.attempts(url)
    assert [(a[1], a[2], a[5]) for a in attempts] == [("failed", "HTTP 429, retrying", 429), ("ok", None, 200)]
    first, second = (t for (t,) in run.rows(
        "SELECT fetched_at FROM fetch_log WHERE run_id = ? AND url = ? ORDER BY attempt", run.run_id, url))
    assert (second - first).total_seconds() >= 1.0, "did not wait for Retry-After: 1"
    assert run.stored(url) == 1
    assert_nothing_lost(run)


def test_a_server_down_for_good_fails_after_the_retries(runs):
    run = runs.plain
    attempts = run.attempts(fault_url("down"))
    assert [(a[1], a[2], a[5]) for a in attempts] == [
        ("failed", "HTTP 503, retrying", 503), ("failed", "HTTP 503, retrying", 503), ("failed", "HTTP 503", 503),
    ]
    assert run.hits("/faults/down") == 3
    assert_nothing_lost(run)


def test_a_retry_after_past_the_limit_fails_the_url_instead_of_stalling_the_run(runs):
    run = runs.plain
    attempts = run.attempts(fault_url("limited-long"))
    assert len(attempts) == 1 and run.hits("/faults/limited-long") == 1
    _, outcome, reason, _, _, status = final(attempts)
    assert outcome == "failed" and status == 429
    assert reason == "HTTP 429, Retry-After 3600s is over the 5s limit: not retrying"
    assert_nothing_lost(run)


@pytest.mark.parametrize("name", ["loop", "chain"])
def test_redirect_loops_and_long_chains_stop_at_the_limit(runs, name):
    run = runs.plain
    attempts = run.attempts(fault_url(name))
    assert len(attempts) == 1, "a redirect loop is not worth a retry"
    _, outcome, reason, _, _, status = final(attempts)
    assert outcome == "failed" and reason == "too many redirects (more than 3)" and status in (301, 302)
    hops = sum(1 for _, p in run.requests if p.startswith(f"/faults/{name}"))
    assert hops == 4  # the first request and three redirects followed
    assert_nothing_lost(run)


@pytest.mark.parametrize("name", ["redirect-to-loopback", "redirect-to-name"])
def test_a_redirect_to_loopback_is_refused_at_the_hop(runs, name):
    run = runs.plain
    attempts = run.attempts(fault_url(name))
    assert len(attempts) == 1
    _, outcome, reason, _, _, status = final(attempts)
    assert outcome == "skipped" and reason.startswith("refused: ") and "loopback" in reason
    if name == "redirect-to-loopback":  # refused by its text, before connecting
        assert status == 302 and reason.endswith(f"[redirect to http://127.1:{runs.site.port}/probe/redirected]")
    elif private_name() is not None:  # refused once resolved, on the address it would connect to
        assert f"refused: {private_name()} is 127.0.0.1" in reason
    assert run.hits("/probe/redirected") == 0 and run.hits("/probe/redirected-name") == 0
    assert_nothing_lost(run)


def test_a_redirect_refused_at_connect_says_it_was_a_redirect(runs):
    # The guard refuses the hop to a name that resolves to loopback, but fetch_log then
    # names a host that is not in the URL, with no status and no hint of the redirect;
    # the hop refused by its text says "[redirect to ...]" and keeps the 302.
    if private_name() is None:
        pytest.skip("this machine's host name does not resolve to a loopback or private address")
    _, _, reason, _, _, status = final(runs.plain.attempts(fault_url("redirect-to-name")))
    assert status == 302 and "[redirect to http://" in reason


def test_a_body_announced_past_the_cap_is_not_read(runs):
    run = runs.plain
    _, outcome, reason, _, size, status = final(run.attempts(fault_url("big")))
    body = len(runs.site.documents["/faults/big"][0])
    assert outcome == "failed" and status == 200 and size == 0
    assert reason == f"body exceeds {MAX_BYTES} bytes (Content-Length {body})"
    assert_nothing_lost(run)


def test_an_unannounced_body_past_the_cap_is_cut_at_the_cap(runs):
    run = runs.plain
    _, outcome, reason, _, size, _ = final(run.attempts(fault_url("big-unannounced")))
    body = len(runs.site.documents["/faults/big-unannounced"][0])
    assert outcome == "failed" and reason == f"body exceeds {MAX_BYTES} bytes"
    assert MAX_BYTES < size < body, "read to the end instead of stopping at the cap"
    assert_nothing_lost(run)


def test_a_gzip_bomb_stops_inflating_at_the_cap(runs):
    run = runs.plain
    _, outcome, reason, _, size, _ = final(run.attempts(fault_url("bomb")))
    assert outcome == "failed" and reason == f"body exceeds {MAX_BYTES} bytes"
    # Inflated one byte past the cap, no further (the bomb holds 100 MB).
    assert size == MAX_BYTES + 1
    assert_nothing_lost(run)


@pytest.mark.parametrize(("name", "reason"), [
    ("pdf", "not HTML: application/pdf"),
    ("image", "not HTML: image/png"),
    # A declared image type is refused without sniffing: a browser would not render
    # it as a page either, and sniffing images into HTML is how content-type
    # confusion attacks start.
    ("html-as-png", "not HTML: image/png"),
    ("empty", "empty body"),
])
def test_pages_that_are_not_articles_are_recorded_and_not_loaded(runs, name, reason):
    run = runs.plain
    url = fault_url(name)
    _, outcome, _, _, size, status = final(run.attempts(url))
    assert outcome == "ok" and status == 200  # the fetch worked; the page is what is wrong
    assert size == len(runs.site.documents[f"/faults/{name}"][0])
    assert run.problems(url, "extract") == [reason]
    assert run.stored(url) == 0
    assert_nothing_lost(run)


def test_a_body_cut_short_of_its_content_length_fails_with_the_reason(runs):
    run = runs.plain
    url = fault_url("cut")
    attempts = run.attempts(url)
    assert len(attempts) == 3  # a dropped connection is worth a retry
    _, outcome, reason, _, _, _ = final(attempts)
    assert outcome == "failed"
    assert reason.startswith("protocol error: ") and "received 1000 bytes, expected 5000" in reason
    assert run.problems(url, "extract") == [] and run.stored(url) == 0
    assert_nothing_lost(run)


MOJIBAKE = re.compile("Ã.|â€|Â|\ufffd")


@pytest.mark.parametrize("name", ["charset-latin1-header", "charset-utf8-header", "charset-missing"])
def test_a_wrong_or_missing_charset_still_gives_the_right_text(runs, name):
    from extractors.article import extract_article
    from tests.flows.hostile_site import page

    run = runs.plain
    url = fault_url(name)
    assert final(run.attempts(url))[1] == "ok"
    text = run.text(url)
    fault = next(f for f in FAULTS if f.name == name)
    # What the page says when read in its true encoding, UTF-8.
    truth = extract_article(page(fault.page).decode("utf-8"), url, url)
    assert re.search(r"[’“”éèàçô]", truth.text), "the fixture page needs non-ASCII text to prove anything"
    assert not MOJIBAKE.search(text)
    assert text == truth.text
    assert_nothing_lost(run)


def test_a_relative_entry_link_resolves_against_the_feed(runs):
    run = runs.plain
    assert final(run.attempts(RELATIVE))[1] == "ok"
    assert run.stored(RELATIVE) == 1
    assert run.rows("SELECT source_url FROM discoveries WHERE url = ?", RELATIVE) == [(f"http://{HOST}/feeds/main.xml",)]
    assert_nothing_lost(run)


def test_javascript_data_and_file_links_are_dropped_with_a_reason(runs):
    run = runs.plain
    feed = f"http://{HOST}/feeds/main.xml"
    assert f"{len(UNFETCHABLE_LINKS)} entries without a usable http(s) link dropped" in run.problems(feed, "discover")
    schemes = run.rows("SELECT url FROM fetch_log WHERE run_id = ? AND NOT regexp_matches(url, '^https?://')",
                       run.run_id)
    assert schemes == []
    assert_nothing_lost(run)


# -- faults in feeds and sitemaps ----------------------------------------------------------


def test_a_malformed_feed_is_salvaged_and_recorded(runs):
    run = runs.plain
    feed = f"http://{HOST}/feeds/malformed.xml"
    assert final(run.attempts(feed))[1] == "ok"
    [malformed] = [r for r in run.problems(feed, "discover") if r.startswith("malformed feed: ")]
    assert malformed.endswith("salvaged 2 entries")  # the good entry and the damaged one after it
    assert run.stored(sample_url(SALVAGED_GOOD)) == 1
    assert_nothing_lost(run)


def test_an_entity_bomb_feed_is_refused_without_expanding(runs):
    run = runs.plain
    feed = f"http://{HOST}/feeds/bomb.xml"
    _, outcome, _, _, size, _ = final(run.attempts(feed))
    assert outcome == "ok" and size == len(runs.site.documents["/feeds/bomb.xml"][0])
    assert run.problems(feed, "discover") == ["refused: feed declares XML entities"]
    assert run.hits("/never-bomb") == 0
    assert run.rows("SELECT count(*) FROM discoveries WHERE source_url = ?", feed) == [(0,)]
    # Expanded, its title alone would be 3 GB ("lol" times 10**9); the whole run, capped
    # bodies of 6 MB and the 5 MB feed included, stays far below that.
    assert run.peak_growth < 1_000_000_000, run.peak_growth
    assert_nothing_lost(run)


def test_a_feed_of_50000_items_is_capped(runs):
    from extractors.feeds import MAX_FEED_ENTRIES

    run = runs.plain
    feed = f"http://{HOST}/feeds/bulk.xml"
    assert final(run.attempts(feed))[1] == "ok"
    [capped] = run.problems(feed, "discover")
    assert capped == (f"feed has 50000 entries; took the first {MAX_FEED_ENTRIES}, "
                      f"dropped {50000 - MAX_FEED_ENTRIES}")
    # The run considered the capped entries and the other sources' entries, no more.
    others = run.rows("SELECT count(DISTINCT url) FROM fetch_log WHERE run_id = ? AND purpose = 'article'",
                      run.run_id)[0][0]
    [(discovered,)] = run.rows("SELECT discovered FROM runs WHERE run_id = ?", run.run_id)
    assert discovered == MAX_FEED_ENTRIES + others
    # All of them are years out of the window: none was fetched.
    assert not [p for _, p in run.requests if p.startswith("/bulk/")]
    assert_nothing_lost(run)


def test_a_sitemap_index_that_lists_itself_is_read_once(runs):
    run = runs.plain
    index = f"http://{HOST}/sitemaps/index.xml"
    assert run.hits("/sitemaps/index.xml") == 1 and run.hits("/sitemaps/news.xml") == 1
    assert [a[1] for a in run.attempts(index)] == ["ok"]
    for path in SITEMAP_GOOD:
        assert run.stored(sample_url(path)) == 1
    assert_nothing_lost(run)


# -- disguised loopback links ------------------------------------------------------------

DISGUISES = ["127.1", "0x7f000001", "2130706433", "[::1]", "[::ffff:127.0.0.1]", "localhost", "name"]


@pytest.mark.parametrize("disguise", DISGUISES)
def test_disguised_loopback_links_are_never_connected_to_without_the_flag(runs, disguise):
    links = runs.site.loopback_links()
    if disguise not in links:
        pytest.skip("this machine's host name does not resolve to a loopback or private address")
    url = links[disguise]
    path = "/" + url.split("/", 3)[3]
    run = runs.plain
    _, outcome, reason, _, _, _ = final(run.attempts(url))
    assert outcome == "skipped" and reason.startswith("refused: ") and "--allow-private-network" in reason
    assert "loopback" in reason
    if disguise == "name":  # only the connection layer, after resolving, can know this one
        assert "is 127.0.0.1" in reason or "private" in reason
    assert run.hits(path) == 0, "a refused URL reached the server"
    assert_nothing_lost(run)

    # With the flag, the same links are fetched and loaded: the flag is what decides.
    allowed = runs.allowed
    assert allowed.rows("SELECT status FROM runs WHERE run_id = ?", allowed.run_id) == [("finished",)]
    if disguise == "[::1]" and runs.site.port6 is None:
        return  # no IPv6 loopback here to connect to
    assert final(allowed.attempts(url))[1] == "ok"
    assert allowed.hits(path) == 1
    assert allowed.stored(url) == 1
