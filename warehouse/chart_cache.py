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
from pathlib import Path
from typing import Any, Literal

from warehouse import queries
from warehouse.db import WarehouseError, connect

ChartKind = Literal["coverage", "events"]
# Bump when warehouse/report_charts.py draws differently, so kept charts miss.
CHART_VERSION = "2026-11-29"
# Charts kept: a few seeds' reports in both formats.
KEPT_CHARTS = 64


def chart(db: Path | None, kind: ChartKind, rows: list[dict[str, Any]], fmt: str) -> str | bytes | None:
    """The chart of ``rows`` (None when there is nothing to draw), from the cache when it is there."""
    if not rows:
        return None
    digest = hashlib.sha256(repr((CHART_VERSION, kind, fmt, rows)).encode()).hexdigest()
    if db is not None:
        try:
            with connect(db) as con:
                row = con.execute(queries.CACHED_CHART, [digest]).fetchone()
        except WarehouseError:  # a read-only or missing file: draw, keep nothing
            db = None
        else:
            if row is not None:
                return bytes(row[0]).decode("utf-8") if fmt == "svg" else bytes(row[0])
    drawn = _draw(kind, rows, fmt)
    if db is not None and drawn is not None:
        data = drawn.encode("utf-8") if isinstance(drawn, str) else drawn
        with connect(db) as con:
            con.execute(queries.STORE_CHART, [digest, kind, fmt, data])
            con.execute(queries.PRUNE_CHARTS, [KEPT_CHARTS])
    return drawn


def _draw(kind: ChartKind, rows: list[dict[str, Any]], fmt: str) -> str | bytes | None:
    from warehouse import report_charts  # matplotlib: imported only when a chart is drawn

    return (report_charts.coverage_timeline if kind == "coverage" else report_charts.events_timeline)(rows, fmt)
