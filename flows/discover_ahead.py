"""Discovery begun ahead of its flow run: by the command line, before the run's discover task.

In: a seed's discovery inputs (settings, seed, feed validators, key terms), given by
:func:`begin_discovery`. Out: the :class:`~extractors.records.Discovery` the discover
task takes with :meth:`Ahead.take`, only when its own inputs are the same; otherwise
(or when the discovery ahead failed) the task discovers itself.

Where it runs depends on the run:

- A run whose workers are started (a seed's first run) discovers on a thread of this
  process: its feeds are read on those workers as they arrive, which a child process
  could not do.
- Any other run (a rerun) discovers in a child process (``python -m flows.discover_ahead``),
  started before this process imports Prefect. The child imports the fetch and feed
  stack (aiohttp, feedparser, courlan: 0.2 s) on the other core while this one imports
  Prefect (1 s), then fetches while this one creates the flow run; a rerun with nothing
  new never imports that stack here at all. On a thread, all of it took this process's
  core: the GIL let it overlap only the network waits.

The child is sent its inputs and answers with the discovery and the log records its
modules made, which the task logs here as if made in this process. Pickles cross only
the pipes between this process and the child it started.

This module does not import Prefect, nor the fetch stack: the command line imports it first.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import IO, Any, Protocol

from extractors.records import Discovery, Seed
from extractors.seed import load_seed
from extractors.settings import MonitorSettings, SettingsError, load_settings, seed_toml
from extractors.terms import KeyTerm
from extractors.workers import workers_started
from warehouse import load, term_cache

Validators = Mapping[str, tuple[str | None, str | None]]
Inputs = tuple[MonitorSettings, Seed, Validators | None, list[KeyTerm] | None]

# Log records of the child's modules at this level and above are sent back (a rerun's
# fetch logs a few a feed at most; DEBUG would be one per request and redirect).
CHILD_LOG_LEVEL = logging.INFO

logger = logging.getLogger(__name__)


class AheadFailed(Exception):
    """The discovery begun ahead did not finish; the message says why."""


class _Begun(Protocol):
    def result(self) -> Discovery: ...

    def close(self) -> None: ...


class _OnThread:
    """A discovery on a thread of this process (a run with started workers)."""

    def __init__(self, inputs: Inputs) -> None:
        self._future: Future[Discovery] = Future()
        threading.Thread(target=self._work, args=(inputs,), name="storywatch-discover-ahead", daemon=True).start()

    def _work(self, inputs: Inputs) -> None:
        from flows.discover import discover_seed

        try:
            self._future.set_result(discover_seed(*inputs))
        except BaseException as exc:  # handed to the task, which then discovers itself
            self._future.set_exception(exc)

    def result(self) -> Discovery:
        try:
            return self._future.result()
        except Exception as exc:
            raise AheadFailed(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        pass  # a daemon thread: it ends with its fetches, or with the process


class _InChild:
    """A discovery in a child process, started (importing) before its inputs are known."""

    def __init__(self) -> None:
        self._process = subprocess.Popen([sys.executable, "-m", "flows.discover_ahead"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def send(self, inputs: Inputs) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            pickle.dump(inputs, stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:  # the child is gone: result() says so
            pass
        except Exception:  # inputs that do not pickle: no answer will come, and result() says so
            self._process.kill()
        finally:
            try:
                stdin.close()
            except OSError:
                pass

    def result(self) -> Discovery:
        stdout = self._process.stdout
        assert stdout is not None
        try:
            answer = pickle.load(stdout)
        except (EOFError, pickle.UnpicklingError, OSError) as exc:
            code = self._process.wait()
            raise AheadFailed(f"the discovery process ended without an answer (exit status {code})") from exc
        finally:
            stdout.close()
        self._process.wait()
        outcome, value, records = answer
        _replay(records)
        if outcome != "ok":
            raise AheadFailed(value)
        return value

    def close(self) -> None:
        """End a child whose answer no one will read (waiting for it would wait for its fetches)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None and not stream.closed:
                stream.close()


class Ahead:
    """Discoveries begun ahead, each with the inputs it was begun from, and at most one
    idle child process waiting for a seed's inputs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._begun: list[tuple[Inputs, _Begun]] = []
        self._idle: _InChild | None = None

    def prepare(self) -> None:
        """Start a child process now, for the next :meth:`begin` of a run without started workers."""
        with self._lock:
            if self._idle is None and not workers_started():
                self._idle = _spawned()

    def begin(self, inputs: Inputs) -> None:
        """Begin discovering from ``inputs``; nothing is begun when no child process can be
        started (the task then discovers itself)."""
        if workers_started():
            begun: _Begun = _OnThread(inputs)
        else:
            with self._lock:
                child, self._idle = self._idle or _spawned(), None
            if child is None:
                return
            child.send(inputs)
            begun = child
        with self._lock:
            self._begun.append((inputs, begun))

    def take(self, inputs: Inputs) -> Discovery | None:
        """The discovery begun from ``inputs``, if one was (raises :class:`AheadFailed`
        when it failed); any other begun for the same seed is ended, as no run will take it now."""
        seed_id = inputs[1].seed_id
        with self._lock:
            same_seed = [(begun, handle) for begun, handle in self._begun if begun[1].seed_id == seed_id]
            self._begun = [entry for entry in self._begun if entry[0][1].seed_id != seed_id]
        taken = next((handle for begun, handle in same_seed if begun == inputs), None)
        for _, handle in same_seed:
            if handle is not taken:
                handle.close()
        return None if taken is None else taken.result()

    def close(self) -> None:
        with self._lock:
            handles = [handle for _, handle in self._begun] + ([self._idle] if self._idle else [])
            self._begun, self._idle = [], None
        for handle in handles:
            handle.close()


def _spawned() -> _InChild | None:
    try:
        return _InChild()
    except OSError as exc:  # no interpreter to start (an embedded one, a full process table)
        logger.warning("cannot start a process to discover in (%s); the run discovers itself", exc)
        return None


AHEAD = Ahead()
atexit.register(AHEAD.close)


def prepare_discovery(seed_path: Path) -> None:
    """Start now the child process a rerun's :func:`begin_discovery` of ``seed_path`` will
    send its inputs to, so that it imports while this process does something else (imports
    Prefect, runs the seed before). None for a seed whose run serves the offline sample."""
    try:
        if load_settings(seed_toml(seed_path)).offline_sample is not None:
            return
    except (SettingsError, OSError):  # only a head start: the seed's own run says what is wrong
        return
    AHEAD.prepare()


def begin_discovery(seed_path: Path, db: Path, allow_private_network: bool) -> None:
    """Begin the discovery :func:`flows.pipeline.monitor_seed` of ``seed_path`` would start
    with, so that it runs while the flow run is created; its discover task then takes the
    result. Nothing is begun for a seed whose run serves the offline sample (the run starts
    that server itself) or records or replays a WARC (see the command line): those discover
    in the task, as does any run whose inputs differ by then (a discovery begun and not
    taken has cost only its fetches)."""
    seed = load_seed(seed_path)
    settings = load_settings(seed_toml(seed_path)).with_private_network(allow_private_network)
    if settings.offline_sample is not None:
        return
    AHEAD.begin((settings, seed, load.source_validators(db), term_cache.seed_terms(db, seed.text)))


# ---------------------------------------------------------------- the child's side


class _Collector(logging.Handler):
    """Keeps every record, made plain enough to pickle (arguments merged, exceptions as text)."""

    def __init__(self) -> None:
        super().__init__(CHILD_LOG_LEVEL)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args, record.exc_info = record.getMessage(), None, None
        self.records.append(record)


def serve(reader: IO[bytes], writer: IO[bytes]) -> None:
    """The child: read the inputs, discover, write ``(outcome, discovery or reason, records)``.
    Ends quietly when no inputs come (the run took another way)."""
    from flows.discover import discover_seed

    try:
        inputs = pickle.load(reader)
    except EOFError:
        return
    collector, root = _Collector(), logging.getLogger()
    level = root.level
    root.addHandler(collector)
    root.setLevel(CHILD_LOG_LEVEL)
    answer: tuple[str, Any, list[logging.LogRecord]]
    try:
        answer = ("ok", discover_seed(*inputs), collector.records)
    except Exception as exc:
        answer = ("failed", f"{type(exc).__name__}: {exc}", collector.records)
    finally:
        root.removeHandler(collector)
        root.setLevel(level)
    pickle.dump(answer, writer, protocol=pickle.HIGHEST_PROTOCOL)
    writer.flush()


def _replay(records: list[logging.LogRecord]) -> None:
    """The child's log records, handled by this process's loggers as their own would be."""
    for record in records:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)


if __name__ == "__main__":
    # The answer goes out on a copy of stdout; stdout itself is pointed at stderr, so that
    # nothing a library prints can land inside the pickle.
    answer_to = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    serve(sys.stdin.buffer, answer_to)
