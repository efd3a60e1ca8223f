"""The run's worker pool: where work runs."""

from __future__ import annotations

import os

from extractors.workers import in_workers, warm_workers, worker_pool


def where(_: object) -> int:
    return os.getpid()


def test_started_only_work_waits_for_workers_something_else_started():
    with worker_pool(2):
        assert set(in_workers(where, list(range(8)), started_only=True)) == {os.getpid()}
        warm_workers()
        pids = set(in_workers(where, list(range(8)), started_only=True))
    assert pids and os.getpid() not in pids


def test_work_without_started_only_starts_the_workers():
    with worker_pool(2):
        pids = set(in_workers(where, list(range(8))))
    assert pids and os.getpid() not in pids
