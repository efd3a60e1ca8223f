"""Progress of a run's long stages, for whoever is watching: the command line draws bars, a
scheduled run under Prefect reports nothing.

The pipeline calls :func:`stage` when a stage starts (with its total, when known)
and :func:`advance` as it goes; the command line installs a :class:`Bars`
reporter for the duration of a run with :func:`reporting`. With no reporter
installed both calls do nothing, so flows stay free of any UI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Reporter(Protocol):
    def stage(self, name: str, total: int | None) -> None: ...
    def advance(self, name: str, amount: int) -> None: ...
    def close(self) -> None: ...


_reporter: Reporter | None = None


def stage(name: str, total: int | None = None) -> None:
    if _reporter is not None:
        _reporter.stage(name, total)


def advance(name: str, amount: int = 1) -> None:
    if _reporter is not None:
        _reporter.advance(name, amount)


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    global _reporter
    previous, _reporter = _reporter, reporter
    try:
        yield reporter
    finally:
        _reporter = previous
        reporter.close()


class Bars:
    """rich progress bars on stderr, one per stage; a stage without a total shows a spinner."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description:<28}"), BarColumn(),
                                  MofNCompleteColumn(), TimeElapsedColumn(), console=Console(stderr=True),
                                  transient=False)
        self._tasks: dict[str, int] = {}
        self._progress.start()

    def stage(self, name: str, total: int | None) -> None:
        self._finish(keep=name)  # a stage is done when the next one starts
        if name in self._tasks:
            self._progress.update(self._tasks[name], total=total)
        else:
            self._tasks[name] = self._progress.add_task(name, total=total)

    def advance(self, name: str, amount: int) -> None:
        if name in self._tasks:
            self._progress.advance(self._tasks[name], amount)

    def close(self) -> None:
        self._finish()
        self._progress.stop()

    def _finish(self, keep: str | None = None) -> None:
        for name, task in self._tasks.items():
            current = next(t for t in self._progress.tasks if t.id == task)
            if name != keep and not current.finished:
                done = int(current.total or current.completed or 1)
                self._progress.update(task, total=done, completed=done)
