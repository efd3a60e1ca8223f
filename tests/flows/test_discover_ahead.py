"""A discovery the command line begins before the flow run is the one the run uses, and
only when the run's inputs are the ones it began from."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from warehouse.db import held_open


def _feed_requests(newsroom) -> Counter[str]:
    paths = {urlsplit(url).path for _, url in newsroom.feed_sources()}
    with newsroom.lock:
        return Counter(p for p in newsroom.requests if p in paths)


def test_the_run_takes_the_discovery_begun_ahead_and_fetches_each_feed_once(prefect_harness, loopback_seed,
                                                                             newsroom, tmp_path):
    from flows.pipeline import begin_discovery, monitor_seed

    db = tmp_path / "w.duckdb"
    with held_open(db):
        begin_discovery(loopback_seed, db, allow_private_network=True)
        summary = monitor_seed(str(loopback_seed), str(db), allow_private_network=True, report_dir=None)
    assert summary.status == "finished" and summary.discovered > 0 and summary.loaded > 0
    fetched = _feed_requests(newsroom)
    assert fetched and set(fetched.values()) == {1}, fetched  # not once ahead and again in the task


def test_a_discovery_begun_from_other_inputs_is_not_taken(prefect_harness, loopback_seed, newsroom, tmp_path):
    from flows import pipeline
    from flows.pipeline import begin_discovery, monitor_seed

    db = tmp_path / "w.duckdb"
    with held_open(db):
        # Begun without the loopback permission: every feed is refused, nothing is found.
        begin_discovery(loopback_seed, db, allow_private_network=False)
        summary = monitor_seed(str(loopback_seed), str(db), allow_private_network=True, report_dir=None)
    assert summary.discovered > 0 and summary.loaded > 0
    assert not pipeline._BEGUN._begun  # the one no run took is dropped, not kept for the process's life


def test_a_failed_discovery_ahead_leaves_the_task_to_discover(prefect_harness, loopback_seed, newsroom, tmp_path,
                                                             monkeypatch):
    from flows import pipeline

    real, calls = pipeline.discover, []

    def fails_first(*inputs):
        calls.append(inputs)
        if len(calls) == 1:
            raise ConnectionError("the network went away")
        return real(*inputs)

    monkeypatch.setattr(pipeline, "discover", fails_first)
    db = tmp_path / "w.duckdb"
    with held_open(db):
        pipeline.begin_discovery(loopback_seed, db, allow_private_network=True)
        summary = pipeline.monitor_seed(str(loopback_seed), str(db), allow_private_network=True, report_dir=None)
    assert len(calls) == 2 and summary.discovered > 0 and summary.loaded > 0
