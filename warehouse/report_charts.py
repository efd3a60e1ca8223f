"""The report's charts, drawn with matplotlib: coverage over time by status, and the events timeline.

In: report rows. Out: an SVG document as text (for the HTML report, inline) or a
PNG as bytes (for Markdown, as a data URI). matplotlib's SVG writer escapes every
label it draws, so outlet names and actor names from the web stay text. The
output is deterministic (fixed hash salt, no dates in metadata) so a report
rebuilt from the same data is byte-identical.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import matplotlib
import matplotlib.dates as mdates
from matplotlib.figure import Figure

STATUS_COLOURS = {"original": "#0b6b2f", "syndicated": "#7a1fa2", "seed_copy": "#c98a00", "unrelated": "#9a9a9a"}
_TYPE_MARKERS = "osD^v<>pPX*h"

# Figures are made without pyplot (no GUI backend, no global figure list, 0.3 s less import).
matplotlib.rcParams.update({"svg.hashsalt": "storywatch", "svg.fonttype": "none", "font.size": 9})


def coverage_timeline(rows: list[dict[str, Any]], fmt: str = "svg") -> str | bytes | None:
    """Articles per day, stacked by status. None when no article is dated."""
    if not rows:
        return None
    days = sorted({_day(r["day"]) for r in rows})
    counts: dict[str, dict[date, int]] = defaultdict(dict)
    for r in rows:
        counts[r["status"]][_day(r["day"])] = r["articles"]
    fig = Figure(figsize=(8, 2.8))
    ax = fig.subplots()
    bottom = [0] * len(days)
    for status in ("original", "syndicated", "seed_copy", "unrelated"):
        values = [counts[status].get(d, 0) for d in days]
        if any(values):
            ax.bar(days, values, bottom=bottom, color=STATUS_COLOURS[status], label=status.replace("_", " "),
                   width=0.8)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("articles")
    ax.set_title("Coverage over time, by status")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper right", frameon=False, ncols=4)
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, fmt)


def events_timeline(rows: list[dict[str, Any]], fmt: str = "svg") -> str | bytes | None:
    """Each dated event as a point: day across, actor down, marker by PLOVER type, size by outlets."""
    if not rows:
        return None
    actors = sorted({r["actor"] for r in rows})
    types = sorted({r["event_type"] for r in rows})
    fig = Figure(figsize=(8, max(2.2, 0.35 * len(actors) + 1)))
    ax = fig.subplots()
    for i, kind in enumerate(types):
        mine = [r for r in rows if r["event_type"] == kind]
        ax.scatter([_day(r["event_date"]) for r in mine], [actors.index(r["actor"]) for r in mine],
                   s=[30 + 20 * r["reported_by"] for r in mine], marker=_TYPE_MARKERS[i % len(_TYPE_MARKERS)],
                   label=kind, alpha=0.75)
    ax.set_yticks(range(len(actors)), labels=actors)
    ax.set_title("Events by day (marker size: outlets reporting)")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, fmt)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _save(fig: Figure, fmt: str) -> str | bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else {"Software": None})
    data = buffer.getvalue()
    return data.decode("utf-8") if fmt == "svg" else data
