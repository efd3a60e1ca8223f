"""Worker processes for a run: one pool of interpreters that extraction, the
judge's features and the analysis all send their per-item work to.

In: a function and a list of items (each picklable). Out: ``function(item)`` for
every item, in input order, computed in worker processes. A run opens
:func:`worker_pool` once, so each batch does not pay for starting interpreters;
without one, work runs in a pool of its own (:func:`run_in_processes`) or inline
(:func:`in_workers`). An item whose work raises, or kills its worker, gets the
exception in place of its result; every other item keeps its own.

Workers are never forked from the caller, which runs in Prefect's threads where fork
is unsafe. Where the platform has one (POSIX), they are forked from multiprocessing's
fork server: a fresh single-threaded interpreter that imports the run's modules
(``worker_pool(preload=...)``) once, so each worker starts with them instead of
importing them itself. Elsewhere each worker is a spawned interpreter.

Work sent from inside :func:`worker_rank` goes out by rank, lowest first, then in the
order it was sent: the pipeline ranks each batch by its number, so a batch's later
steps (features and readings, sent once its pages are extracted) run before the pages
of the batches behind it, and the batch is done as soon as its own work is.
"""

from __future__ import annotations

import gc
import heapq
import importlib
import itertools
import logging
import math
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

LOGGER = logging.getLogger(__name__)

# Below this many items work runs in the calling process: starting a worker (an
# interpreter importing trafilatura) costs about as much as extracting three or four pages.
INLINE_BELOW = 4
# Chunks per worker: big enough to keep inter-process traffic low, small enough
# that one slow page does not leave the other cores idle at the end of a batch.
CHUNKS_PER_WORKER = 4

# The workers run below the process that feeds them. On two cores the run's own process
# (fetching, loading, handing out batches), its Prefect API and the workers compete; when
# the feeder waits for a core, the workers soon wait for work, and at the start its
# import of Prefect is what the first batch waits on. Yielding to it took 0.6 s off a
# 2,000-page run (21.7 -> 21.1 s, mean of 7 alternating pairs; the CPU spent is the same).
WORKER_NICENESS = 5

# What a run's workers import before their first batch: the extraction stack, and the
# feed and sitemap readers a first run's discovery hands them before that. A run preloads
# them (and what its report draws charts with) in the fork server: two workers importing
# them for themselves spent 1.5 s of CPU, the fork server spends 1.0 s, at the start of a
# run when the process that feeds them is importing Prefect on the same two cores.
EXTRACTION_MODULES = ("extractors.article", "extractors.features", "extractors.analysis", "extractors.listings")

T = TypeVar("T")
R = TypeVar("R")

# The rank of the work this context sends to the run's pool (see worker_rank).
_RANK: ContextVar[int] = ContextVar("storywatch_worker_rank", default=0)
# Warm-ups go before any work: the work would wait for the imports anyway.
_WARM_UP_RANK = -1


@contextmanager
def worker_rank(rank: int) -> Iterator[None]:
    """Work sent to the run's pool inside this block is served before work of a higher
    rank sent earlier (equal ranks: first sent, first served)."""
    token = _RANK.set(rank)
    try:
        yield
    finally:
        _RANK.reset(token)


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
    """``work(item)`` for every item in worker processes, in input order.

    Items go out in chunks. When a chunk fails (its worker died, or ``work``
    raised), its items are run again one at a time in a single-worker pool, so
    the item at fault is known: it gets the exception in place of a result and
    every other item still gets its own result. Raises RuntimeError when worker
    processes cannot start at all (then no item is to blame).
    """
    shared = _SHARED.pool
    workers = shared.workers if shared is not None else workers
    size = max(1, math.ceil(len(items) / (workers * CHUNKS_PER_WORKER)))
    starts = range(0, len(items), size)
    results: list[Any] = [None] * len(items)
    retry: list[int] = []
    if shared is not None:
        shared.started = True
    with nullcontext(shared) if shared is not None else _executor(workers) as executor:
        # Several batches can be in flight on the run's pool (see flows/pipeline.py).
        futures: list[Future[list[R]]] = [executor.submit(_apply_all, work, items[s:s + size]) for s in starts]
        for start, future in zip(starts, futures, strict=True):
            try:
                results[start:start + size] = future.result()
            except Exception as exc:  # BrokenProcessPool, or work raised: find the culprit below
                LOGGER.warning("worker chunk failed (%s); retrying its items one by one", type(exc).__name__)
                retry.extend(range(start, min(start + size, len(items))))
    pool = None
    try:
        for index in retry:
            pool = pool or _started_pool()
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
    """Workers kept for a whole run: each batch would otherwise pay for starting
    interpreters that import trafilatura (about a second of CPU each).

    Work waits here, by rank, and goes to the executor only as workers can take it: one
    call per worker and one spare (so a worker never waits for the next call to reach
    it). Handed over all at once, as the executor's own queue takes it, a batch's features
    waited behind the pages of the two batches after it, and each batch was done only
    when the third was (0.9 s of idle workers every third batch)."""

    workers: int
    # Made when the first work is sent: making one starts multiprocessing's resource
    # tracker (a Python process), and a run with nothing to extract needs no processes.
    executor: ProcessPoolExecutor | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: bool = False  # work or a warm-up has been sent: the processes exist
    waiting: list[tuple[int, int, Callable[..., Any], tuple[Any, ...], Future[Any]]] = field(default_factory=list)
    running: int = 0
    sending: bool = False  # a thread is handing work to the executor
    tickets: Iterator[int] = field(default_factory=itertools.count)

    def submit(self, fn: Callable[..., R], *args: Any, rank: int | None = None, send: bool = True) -> Future[R]:
        """``fn(*args)`` on a worker once the work ranked before it has gone; ``send=False``:
        queued only, for a later :meth:`send_soon` or submit to send."""
        future: Future[R] = Future()
        with self.lock:
            heapq.heappush(self.waiting, (_RANK.get() if rank is None else rank, next(self.tickets), fn, args, future))
        if send:
            self._send()
        return future

    def send_soon(self) -> None:
        """Send what waits from a thread of its own. The first call to reach the executor
        starts the worker processes, and with a fork server that waits for its imports
        (a second or so): the caller goes on meanwhile, and calls of other threads are
        queued behind it instead of waiting for it (one thread sends at a time)."""
        threading.Thread(target=self._send, name="storywatch-workers-start", daemon=True).start()

    def _send(self) -> None:
        with self.lock:
            if self.sending:  # the thread sending now sends this work too
                return
            self.sending = True
        while True:
            with self.lock:
                if self.running > self.workers or not self.waiting:
                    self.sending = False
                    return
                _, _, fn, args, future = heapq.heappop(self.waiting)
                self.running += 1
                if self.executor is None:
                    self.executor = _executor(self.workers)
                executor = self.executor
            try:
                sent = executor.submit(fn, *args)
            except Exception as exc:  # BrokenProcessPool: the failure reaches the caller's retry
                self._finished(future, executor, None, exc)
                continue
            sent.add_done_callback(partial(self._done, future, executor))

    def _done(self, future: Future[Any], executor: ProcessPoolExecutor, sent: Future[Any]) -> None:
        # Cancelled: it was still queued in an executor that broke (see renew).
        self._finished(future, executor, sent, CancelledError() if sent.cancelled() else sent.exception())

    def _finished(self, future: Future[Any], executor: ProcessPoolExecutor, sent: Future[Any] | None,
                  error: BaseException | None) -> None:
        with self.lock:
            self.running -= 1
        if isinstance(error, BrokenProcessPool):
            self.renew(executor)  # a worker died: the pool is broken for every later batch too
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(sent.result() if sent is not None else None)
        self._send()

    def renew(self, broken: ProcessPoolExecutor) -> None:
        """Replace ``broken``, unless the work of another batch has replaced it already."""
        with self.lock:
            if self.executor is not broken:
                return
            self.executor = _executor(self.workers)
        # Not waited for: this may run on the broken executor's own management thread.
        broken.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        with self.lock:
            waiting, self.waiting = self.waiting, []
        for *_, future in waiting:  # nobody is left to wait for them
            future.cancel()
        if self.executor is not None:
            self.executor.shutdown()


class _Shared:
    """The open run-wide pool, if any. Process-wide, not per thread: Prefect may run a
    flow's tasks on worker threads, and an executor takes work from any thread."""

    pool: _WorkerPool | None = None


_SHARED = _Shared()


@contextmanager
def worker_pool(workers: int | None = None, preload: tuple[str, ...] = ()) -> Iterator[None]:
    """Keep one pool of workers for all the work sent in the block (every batch's
    extraction, features and analysis), instead of one pool per batch. Inside a block
    that has one open already (the command line opens it for several runs), that one
    serves, unless a number of workers is asked for.

    ``preload``: modules the fork server imports before it forks its first worker (see
    the module's docstring); once it runs, or without one, the modules a worker needs it
    imports itself (:func:`warm_workers` has it do so early)."""
    _preload(preload)
    if _SHARED.pool is not None and workers is None:
        yield
        return
    count = max(1, workers or os.cpu_count() or 1)
    pool = _WorkerPool(count)
    previous, _SHARED.pool = _SHARED.pool, pool
    try:
        yield
    finally:
        _SHARED.pool = previous
        pool.shutdown()


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
    first = not shared.started
    shared.started = True
    for _ in range(shared.workers):
        shared.submit(_import_all, modules, rank=_WARM_UP_RANK, send=not first)
    if first:
        shared.send_soon()


def workers_started() -> bool:
    """Whether the run has a pool whose workers were started (by a warm-up or by work)."""
    shared = _SHARED.pool
    return shared is not None and shared.started


def soon(work: Callable[..., R], *args: Any) -> Future[R] | None:
    """``work(*args)`` on the run's workers, sent now, ahead of any other work, and not
    waited for; None when the run has no started workers (the caller does it itself)."""
    shared = _SHARED.pool
    if shared is None or not shared.started:
        return None
    return shared.submit(work, *args, rank=_WARM_UP_RANK)


def _import_all(modules: tuple[str, ...]) -> None:
    for name in modules:
        importlib.import_module(name)
    # What the imports made lives as long as the worker: kept out of its later full
    # collections, and out of the one at its exit, which the end of a run waits for
    # (0.45 -> 0.28 s to stop two workers that had extracted 200 pages).
    gc.collect()
    gc.freeze()


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


_CONTEXT = _context()


def _preload(modules: tuple[str, ...]) -> None:
    """Have the fork server import ``modules`` when it starts; no effect once it has
    (it serves the whole process), or where workers are spawned."""
    if modules and _CONTEXT.get_start_method() == "forkserver":
        # "__main__": the script that started this process, which each worker would
        # otherwise import again (the command line's: 0.1 s each).
        _CONTEXT.set_forkserver_preload(["__main__", *modules])


def _executor(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=_CONTEXT, initializer=_lower_priority)


def _lower_priority() -> None:
    """Each worker runs at :data:`WORKER_NICENESS` (POSIX; elsewhere at the caller's priority)."""
    if hasattr(os, "nice"):
        try:
            os.nice(WORKER_NICENESS)
        except OSError:  # not allowed here: the default priority does too
            pass


def _started_pool() -> ProcessPoolExecutor:
    """A one-worker pool known to start: if even an empty call breaks it, no item is at fault."""
    pool = _executor(1)
    try:
        pool.submit(int).result()
    except BrokenProcessPool:
        pool.shutdown()
        raise RuntimeError(
            "worker processes cannot start (each imports the __main__ module: it must be importable)"
        ) from None
    return pool


def _apply_all(work: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [work(item) for item in chunk]
