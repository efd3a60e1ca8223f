"""Worker processes for a run: one pool of spawned interpreters that extraction, the
judge's features and the analysis all send their per-item work to.

In: a function and a list of items (each picklable). Out: ``function(item)`` for
every item, in input order, computed in spawned processes (the caller runs in
Prefect's threads, where fork is unsafe). A run opens :func:`worker_pool` once, so
each batch does not pay for starting interpreters; without one, work runs in a
pool of its own (:func:`run_in_processes`) or inline (:func:`in_workers`). An item
whose work raises, or kills its worker, gets the exception in place of its result;
every other item keeps its own.
"""

from __future__ import annotations

import gc
import importlib
import logging
import math
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any, TypeVar

LOGGER = logging.getLogger(__name__)

# Below this many items work runs in the calling process: starting a spawned worker
# (a fresh interpreter importing trafilatura) costs about as much as extracting three
# or four pages.
INLINE_BELOW = 4
# Chunks per worker: big enough to keep inter-process traffic low, small enough
# that one slow page does not leave the other cores idle at the end of a batch.
CHUNKS_PER_WORKER = 4

# What a run's workers import before their first batch: the extraction stack, and the
# feed and sitemap readers a first run's discovery hands them before that.
EXTRACTION_MODULES = ("extractors.article", "extractors.features", "extractors.analysis", "extractors.listings")

T = TypeVar("T")
R = TypeVar("R")


def in_workers(work: Callable[[T], R], items: list[T], inline_below: int = INLINE_BELOW,
               started_only: bool = False) -> list[R | BaseException]:
    """``work(item)`` for every item on the run's worker pool (:func:`worker_pool`); in this
    process without one, or for fewer than ``inline_below`` items (work heavier than a
    page's extraction may set it lower), or, with ``started_only``, when the pool's
    workers have not been started yet (work not worth starting them for). An item whose
    work raised gets the exception in place of its result."""
    pool = _SHARED.pool
    if pool is None or len(items) < inline_below or (started_only and not pool.started):
        return [_attempt(work, item) for item in items]
    return run_in_processes(work, items, pool.workers)


def _attempt(work: Callable[[T], R], item: T) -> R | BaseException:
    try:
        return work(item)
    except Exception as exc:
        LOGGER.exception("worker task failed")
        return exc


def run_in_processes(work: Callable[[T], R], items: list[T], workers: int) -> list[R | BaseException]:
    """``work(item)`` for every item in spawned processes, in input order.

    Items go out in chunks. When a chunk fails (its worker died, or ``work``
    raised), its items are run again one at a time in a single-worker pool, so
    the item at fault is known: it gets the exception in place of a result and
    every other item still gets its own result. Raises RuntimeError when worker
    processes cannot start at all (then no item is to blame).
    """
    context = multiprocessing.get_context("spawn")
    shared = _SHARED.pool
    workers = shared.workers if shared is not None else workers
    size = max(1, math.ceil(len(items) / (workers * CHUNKS_PER_WORKER)))
    starts = range(0, len(items), size)
    results: list[Any] = [None] * len(items)
    retry: list[int] = []
    if shared is not None:
        shared.started = True
    with nullcontext(shared.executor) if shared is not None else ProcessPoolExecutor(
            max_workers=workers, mp_context=context) as executor:
        # Several batches can be in flight on the run's pool (see flows/pipeline.py).
        futures: list[Future[list[R]]] = [executor.submit(_apply_all, work, items[s:s + size]) for s in starts]
        for start, future in zip(starts, futures, strict=True):
            try:
                results[start:start + size] = future.result()
            except Exception as exc:  # BrokenProcessPool, or work raised: find the culprit below
                LOGGER.warning("worker chunk failed (%s); retrying its items one by one", type(exc).__name__)
                retry.extend(range(start, min(start + size, len(items))))
    if shared is not None and any(isinstance(f.exception(), BrokenProcessPool) for f in futures):
        shared.renew(executor)  # a worker died: the run's pool is broken for every later batch too
    pool = None
    try:
        for index in retry:
            pool = pool or _started_pool(context)
            try:
                results[index] = pool.submit(work, items[index]).result()
            except BrokenProcessPool as exc:  # this item killed the worker: a clean pool for the next one
                results[index] = exc
                pool.shutdown()
                pool = None
            except Exception as exc:  # work raised: the pool is still fine
                results[index] = exc
    finally:
        if pool is not None:
            pool.shutdown()
    return results


@dataclass
class _WorkerPool:
    """Spawned workers kept for a whole run: each batch would otherwise pay for starting
    interpreters that import trafilatura (about a second of CPU each)."""

    workers: int
    executor: ProcessPoolExecutor
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: bool = False  # work or a warm-up has been sent: the processes exist

    def renew(self, broken: ProcessPoolExecutor) -> None:
        """Replace ``broken``, unless another batch in flight has replaced it already."""
        with self.lock:
            if self.executor is not broken:
                return
            broken.shutdown(cancel_futures=True)
            self.executor = ProcessPoolExecutor(max_workers=self.workers,
                                                mp_context=multiprocessing.get_context("spawn"))


class _Shared:
    """The open run-wide pool, if any. Process-wide, not per thread: Prefect may run a
    flow's tasks on worker threads, and an executor takes work from any thread."""

    pool: _WorkerPool | None = None


_SHARED = _Shared()


@contextmanager
def worker_pool(workers: int | None = None) -> Iterator[None]:
    """Keep one pool of workers for all the work sent in the block (every batch's
    extraction, features and analysis), instead of one pool per batch. Inside a block
    that has one open already (the command line opens it for several runs), that one
    serves, unless a number of workers is asked for."""
    if _SHARED.pool is not None and workers is None:
        yield
        return
    count = max(1, workers or os.cpu_count() or 1)
    pool = _WorkerPool(count, ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn")))
    previous, _SHARED.pool = _SHARED.pool, pool
    try:
        yield
    finally:
        _SHARED.pool = previous
        pool.executor.shutdown()


def pool_workers() -> int | None:
    """How many workers the open run-wide pool has; None outside :func:`worker_pool`."""
    shared = _SHARED.pool
    return shared.workers if shared is not None else None


def warm_workers(*modules: str) -> None:
    """Start the run's workers now and have each import ``modules``, so the first batch
    does not wait ~1.5 s for them; nothing waits for this."""
    shared = _SHARED.pool
    if shared is None:
        return
    shared.started = True
    for _ in range(shared.workers):
        shared.executor.submit(_import_all, modules)


def _import_all(modules: tuple[str, ...]) -> None:
    for name in modules:
        importlib.import_module(name)
    # What the imports made lives as long as the worker: kept out of its later full
    # collections, and out of the one at its exit, which the end of a run waits for
    # (0.45 -> 0.28 s to stop two workers that had extracted 200 pages).
    gc.collect()
    gc.freeze()


def _started_pool(context: multiprocessing.context.BaseContext) -> ProcessPoolExecutor:
    """A one-worker pool known to start: if even an empty call breaks it, no item is at fault."""
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
    try:
        pool.submit(int).result()
    except BrokenProcessPool:
        pool.shutdown()
        raise RuntimeError(
            "worker processes cannot start (spawn needs an importable __main__ module)"
        ) from None
    return pool


def _apply_all(work: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [work(item) for item in chunk]
