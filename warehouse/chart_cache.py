"""The report's charts, drawn once per distinct data.

In: a chart's kind, the report rows it draws, the image format and (optionally) the
warehouse. Out: the chart, as :mod:`warehouse.report_charts` draws it. With a
warehouse, charts are kept in ``chart_cache`` by a digest of kind, format, rows and
:data:`CHART_VERSION`: the charts are deterministic, so a report rebuilt from the
same rows (a scheduled run that found nothing new) reuses them and never imports
matplotlib, which was most of such a run's report time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from extractors.workers import in_workers
from warehouse import queries
from warehouse.db import WarehouseError, connect

ChartKind = Literal["coverage", "events"]
# Bump when warehouse/report_charts.py draws differently, so kept charts miss.
CHART_VERSION = "2026-11-29"
# Charts kept: a few seeds' reports in both formats.
KEPT_CHARTS = 64
# What a worker imports to draw (matplotlib, 0.5 s of CPU): a run that will draw has the
# fork server preload it with the extraction stack (worker_pool(preload=...)), or, where
# workers are spawned, has them import it while they would otherwise wait (warm_workers).
CHART_MODULES = ("warehouse.report_charts",)


# One chart to draw: its kind, the report rows it draws and the image format.
ChartRequest = tuple[ChartKind, list[dict[str, Any]], str]


def chart(db: Path | None, kind: ChartKind, rows: list[dict[str, Any]], fmt: str) -> str | bytes | None:
    """The chart of ``rows`` (None when there is nothing to draw), from the cache when it is there."""
    return charts(db, [(kind, rows, fmt)])[0]


def charts(db: Path | None, wanted: Sequence[ChartRequest]) -> list[str | bytes | None]:
    """Every chart of ``wanted``, in order (None for one with no rows).

    Those not in the cache are drawn together on the run's worker processes when it
    has them (:func:`extractors.workers.in_workers`), one chart a worker: the report
    is the last stage of a run and the workers are idle by then, so the charts'
    matplotlib import and drawing run side by side instead of one after the other.
    """
    digests = [_digest(request) for request in wanted]
    found: dict[str, str | bytes] = {}
    if db is not None:
        try:
            with connect(db) as con:
                for digest in set(digests):
                    row = con.execute(queries.CACHED_CHART, [digest]).fetchone()
                    if row is not None:
                        found[digest] = bytes(row[0])
        except WarehouseError:  # a read-only or missing file: draw, keep nothing
            db = None
    missing = {d: r for d, r in zip(digests, wanted, strict=True) if r[1] and d not in found}
    if missing:
        drawn = in_workers(_draw_request, list(missing.values()), inline_below=2)
        new = {}
        for digest, chart_data in zip(missing, drawn, strict=True):
            if isinstance(chart_data, BaseException):
                raise chart_data
            if chart_data is not None:
                new[digest] = chart_data.encode("utf-8") if isinstance(chart_data, str) else chart_data
        found.update(new)
        if db is not None and new:
            with connect(db) as con:
                for digest, data in new.items():
                    kind, _, fmt = missing[digest]
                    con.execute(queries.STORE_CHART, [digest, kind, fmt, data])
                con.execute(queries.PRUNE_CHARTS, [KEPT_CHARTS])
    out: list[str | bytes | None] = []
    for digest, (_, rows, fmt) in zip(digests, wanted, strict=True):
        data = found.get(digest) if rows else None
        out.append(None if data is None else data.decode("utf-8") if fmt == "svg" else data)
    return out


def _digest(request: ChartRequest) -> str:
    kind, rows, fmt = request
    return hashlib.sha256(repr((CHART_VERSION, kind, fmt, rows)).encode()).hexdigest()


def _draw_request(request: ChartRequest) -> str | bytes | None:
    return _draw(*request)


def _draw(kind: ChartKind, rows: list[dict[str, Any]], fmt: str) -> str | bytes | None:
    from warehouse import report_charts  # matplotlib: imported only when a chart is drawn

    return (report_charts.coverage_timeline if kind == "coverage" else report_charts.events_timeline)(rows, fmt)
