"""A discovery the command line begins before the flow run is the one the run uses, and
only when the run's inputs are the ones it began from: in a child process for a run
without started workers (a rerun), on a thread for one with them (a first run)."""

from __future__ import annotations

import io
import logging
import os
import pickle
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from extractors.records import Discovery
from extractors.workers import warm_workers, worker_pool, workers_started
from flows import discover_ahead
from flows.discover_ahead import AHEAD, AheadFailed, begin_discovery, prepare_discovery, serve
from warehouse.db import held_open

ROOT = Path(__file__).resolve().parents[2]
FETCH_STACK = {"aiohttp", "feedparser", "courlan", "flows.discover", "flows.fetch"}


def _feed_requests(newsroom) -> Counter[str]:
    paths = {urlsplit(url).path for _, url in newsroom.feed_sources()}
    with newsroom.lock:
        return Counter(p for p in newsroom.requests if p in paths)


def _begun_kinds() -> list[str]:
    return [type(handle).__name__ for _, handle in AHEAD._begun]


def test_a_run_without_workers_takes_the_discovery_a_child_process_made_and_fetches_each_feed_once(
        prefect_harness, loopback_seed, newsroom, tmp_path):
    from flows.pipeline import monitor_seed

    db = tmp_path / "w.duckdb"
    with held_open(db):
        prepare_discovery(loopback_seed)
        assert AHEAD._idle is not None
        begin_discovery(loopback_seed, db, allow_private_network=True)
        assert _begun_kinds() == ["_InChild"] and AHEAD._idle is None  # the prepared child took the inputs
        summary = monitor_seed(str(loopback_seed), str(db), allow_private_network=True, report_dir=None)
    assert summary.status == "finished" and summary.discovered > 0 and summary.loaded > 0
    fetched = _feed_requests(newsroom)
    assert fetched and set(fetched.values()) == {1}, fetched  # not once ahead and again in the task
    assert not AHEAD._begun and AHEAD._idle is None


def test_a_run_with_started_workers_discovers_ahead_on_a_thread(prefect_harness, loopback_seed, newsroom,
                                                                 tmp_path):
    from flows.pipeline import monitor_seed

    db = tmp_path / "w.duckdb"
    with held_open(db), worker_pool():
        warm_workers()
        assert workers_started()
        AHEAD.prepare()  # no child: the thread's discovery reads its feeds on the workers
        assert AHEAD._idle is None
        begin_discovery(loopback_seed, db, allow_private_network=True)
        assert _begun_kinds() == ["_OnThread"]
        summary = monitor_seed(str(loopback_seed), str(db), allow_private_network=True, report_dir=None)
    assert summary.discovered > 0 and summary.loaded > 0
    fetched = _feed_requests(newsroom)
    assert fetched and set(fetched.values()) == {1}, fetched


def test_a_discovery_begun_from_other_inputs_is_not_taken(prefect_harness, loopback_seed, newsroom, tmp_path):
    from flows.pipeline import monitor_seed

    db = tmp_path / "w.duckdb"
    with held_open(db):
        # Begun without the loopback permission: every feed is refused, nothing is found.
        begin_discovery(loopback_seed, db, allow_private_network=False)
        child = AHEAD._begun[0][1]
        summary = monitor_seed(str(loopback_seed), str(db), allow_private_network=True, report_dir=None)
    assert summary.discovered > 0 and summary.loaded > 0
    assert not AHEAD._begun  # the one no run took is dropped, not kept for the process's life
    assert child._process.returncode is not None  # and its process ended


def test_a_discovery_process_that_dies_leaves_the_task_to_discover(prefect_harness, loopback_seed, newsroom,
                                                                   tmp_path, caplog):
    from flows.pipeline import monitor_seed

    db = tmp_path / "w.duckdb"
    with held_open(db):
        begin_discovery(loopback_seed, db, allow_private_network=True)
        child = AHEAD._begun[0][1]
        child._process.kill()
        child._process.wait()
        with caplog.at_level(logging.WARNING):
            summary = monitor_seed(str(loopback_seed), str(db), allow_private_network=True, report_dir=None)
    assert summary.status == "finished" and summary.discovered > 0 and summary.loaded > 0
    assert "discovering again" in caplog.text and "ended without an answer" in caplog.text


def _served(inputs) -> tuple:
    answer = io.BytesIO()
    serve(io.BytesIO(pickle.dumps(inputs)), answer)
    return pickle.loads(answer.getvalue())


def test_the_child_answers_a_failed_discovery_with_its_reason_and_its_log_records(monkeypatch):
    import flows.discover

    def fails(*inputs):
        logging.getLogger("flows.fetch.client").info("fetched %d URLs", 3)
        logging.getLogger("flows.fetch.client").debug("not sent: below the level")
        raise ConnectionError("the network went away")

    monkeypatch.setattr(flows.discover, "discover_seed", fails)
    outcome, reason, records = _served(("settings", "seed", None, None))
    assert (outcome, reason) == ("failed", "ConnectionError: the network went away")
    assert [(r.name, r.levelname, r.getMessage()) for r in records] == [("flows.fetch.client", "INFO",
                                                                         "fetched 3 URLs")]
    assert logging.getLogger().level == logging.WARNING  # the test process's root logger as it was


def test_the_childs_log_records_are_logged_here_by_their_own_loggers(monkeypatch, caplog):
    import flows.discover

    found = Discovery(candidates=(), source_results=(), problems=(), query="Xi Zelensky")

    def finds(*inputs):
        logging.getLogger("flows.discover").info("search query: %s", "Xi Zelensky")
        return found

    monkeypatch.setattr(flows.discover, "discover_seed", finds)
    outcome, discovery, records = _served(("settings", "seed", None, None))
    assert outcome == "ok" and discovery == found
    caplog.clear()  # serve ran here, in this process: its own logging is not what is tested
    with caplog.at_level(logging.INFO, logger="flows.discover"):
        discover_ahead._replay(records)
    assert [(r.name, r.getMessage()) for r in caplog.records] == [("flows.discover", "search query: Xi Zelensky")]


def test_a_child_that_gets_no_inputs_ends_quietly():
    child = discover_ahead._InChild()
    child._process.stdin.close()
    with pytest.raises(AheadFailed, match="exit status 0"):
        child.result()


def test_a_rerun_command_never_imports_the_fetch_stack_in_its_own_process(prefect_harness, loopback_seed,
                                                                          newsroom, tmp_path):
    from flows.pipeline import monitor_seed

    db = tmp_path / "w.duckdb"
    monitor_seed(str(loopback_seed), str(db), allow_private_network=True, report_dir=None)  # the first run
    before = sum(_feed_requests(newsroom).values())
    probe = ("import sys\nfrom flows.cli import main\n"
             f"status = main(['run', {str(loopback_seed)!r}, '--db', {str(db)!r}, '--allow-private-network',"
             f" '--report-dir', {str(tmp_path / 'reports')!r}])\n"
             f"print(status, sorted({FETCH_STACK!r} & set(sys.modules)))")
    env = {**os.environ, "PREFECT_API_URL": prefect_harness}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "0 []", done.stdout
    assert sum(_feed_requests(newsroom).values()) - before == len(newsroom.feed_sources())  # it did discover


def test_when_no_process_can_be_started_nothing_is_begun_and_the_task_discovers(monkeypatch, caplog):
    from types import SimpleNamespace

    def refuses(*args, **kwargs):
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(discover_ahead.subprocess, "Popen", refuses)
    inputs = ("settings", SimpleNamespace(seed_id="s"), None, None)
    with caplog.at_level(logging.WARNING, logger="flows.discover_ahead"):
        AHEAD.prepare()
        AHEAD.begin(inputs)
    assert AHEAD._idle is None and not AHEAD._begun
    assert AHEAD.take(inputs) is None
    assert "cannot start a process to discover in" in caplog.text


def test_no_child_is_prepared_for_a_seed_whose_run_serves_the_offline_sample():
    prepare_discovery(ROOT / "seeds" / "xi-zelensky-call.txt")  # its run starts the sample's server itself
    assert AHEAD._idle is None


def test_inputs_that_do_not_pickle_leave_no_answer_and_no_process():
    child = discover_ahead._InChild()
    child.send(("settings", lambda: None, None, None))  # a lambda does not pickle
    with pytest.raises(AheadFailed, match="ended without an answer"):
        child.result()
    assert child._process.returncode is not None
