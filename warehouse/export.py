"""Data out: every public view written as a Parquet or CSV file, for other tools.

In: a warehouse path, a format and a folder. Out: one ``<view>.parquet`` (or
``.csv``) per public view, written by DuckDB's ``COPY``, and the row counts.
The file names and columns are the views' (the public contract); the warehouse
is opened read-only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from warehouse.db import connect

ExportFormat = Literal["parquet", "csv"]

# The public views, in the order the README lists them.
VIEWS = ("seeds", "runs", "fetch_log", "problems", "articles", "discoveries", "url_aliases", "coverage", "events",
         "quotes", "claims", "seed_claims", "additions")
_OPTIONS = {"parquet": "FORMAT parquet, COMPRESSION zstd", "csv": "FORMAT csv, HEADER true"}


def export_views(db: Path, fmt: ExportFormat, out: Path) -> dict[str, int]:
    """Write each view to ``out``; returns view -> rows written."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with connect(db, read_only=True) as con:
        for view in VIEWS:
            target = out / f"{view}.{fmt}"
            # The view name comes from VIEWS and the path is quoted: nothing user-typed reaches the SQL text.
            con.execute(f"COPY (SELECT * FROM {view}) TO '{_quoted(target)}' ({_OPTIONS[fmt]})")
            counts[view] = con.execute(f"SELECT count(*) FROM {view}").fetchall()[0][0]
    return counts


def _quoted(path: Path) -> str:
    return str(path.resolve()).replace("'", "''")
