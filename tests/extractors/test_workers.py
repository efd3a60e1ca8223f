"""The run's worker pool: where work runs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from extractors.workers import in_workers, run_in_processes, warm_workers, worker_pool, worker_rank

ROOT = Path(__file__).resolve().parents[2]


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


def test_a_pool_given_no_work_starts_no_process():
    # Not even multiprocessing's resource tracker, which making an executor starts: a rerun
    # with nothing to extract opens the run's pool and never uses it.
    probe = ("from multiprocessing import resource_tracker\n"
             "from extractors.workers import worker_pool\n"
             "with worker_pool(2):\n    pass\n"
             "print(resource_tracker._resource_tracker._pid)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "None"


def stamp(seconds: float) -> int:
    time.sleep(seconds)
    return time.monotonic_ns()


def _ranked(rank: int, items: list[float]) -> list[int]:
    with worker_rank(rank):
        return run_in_processes(stamp, items, workers=1)


def test_work_of_a_lower_rank_overtakes_work_sent_before_it():
    with worker_pool(1), ThreadPoolExecutor(3) as threads:
        run_in_processes(stamp, [0.0], workers=1)  # the worker is up
        busy = threads.submit(_ranked, 0, [0.6])  # holds the one worker
        time.sleep(0.15)
        # One call per worker and one spare go to the executor; the rest wait by rank.
        late = threads.submit(_ranked, 5, [0.0] * 4)  # its first chunk takes the spare
        time.sleep(0.15)
        early = threads.submit(_ranked, 1, [0.0] * 4)
        busy.result()
        late_stamps, early_stamps = late.result(), early.result()
    assert max(early_stamps) < min(late_stamps[1:])
    assert late_stamps[0] < min(early_stamps)  # handed over before the early work came


def test_equal_ranks_are_served_in_the_order_sent():
    with worker_pool(1), ThreadPoolExecutor(2) as threads:
        run_in_processes(stamp, [0.0], workers=1)
        first = threads.submit(_ranked, 3, [0.2] * 4)
        time.sleep(0.1)
        second = threads.submit(_ranked, 3, [0.0] * 4)
        assert max(first.result()) < min(second.result())


def test_workers_run_below_the_process_that_feeds_them():
    from extractors.workers import WORKER_NICENESS

    ours = os.nice(0)
    with worker_pool(2):
        theirs = set(in_workers(os.nice, [0] * 8))
    assert theirs == {min(19, ours + WORKER_NICENESS)}
    assert set(run_in_processes(os.nice, [0, 0], workers=2)) == theirs  # a pool of its own too
