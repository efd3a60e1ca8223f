"""Rows staged as bound VALUES and as an Arrow table land the same; a rerun imports neither Arrow nor numpy."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from warehouse import staging
from warehouse.staging import readable, schema, stage, transaction, write

ROOT = Path(__file__).resolve().parents[2]
EVERY_TYPE = schema(("s", "VARCHAR"), ("i", "INTEGER"), ("b", "BIGINT"), ("ok", "BOOLEAN"), ("d", "DATE"),
                    ("x", "DOUBLE"), ("blob", "BLOB"), ("at", "TIMESTAMPTZ"), ("tags", "VARCHAR[]"))


def _rows(n: int) -> list[dict]:
    east = timezone(timedelta(hours=8))
    rows = []
    for k in range(n):
        rows.append({"s": f"row {k} \u2014 'quoted'" if k % 3 else None, "i": k, "b": 2**40 + k, "ok": k % 2 == 0,
                     "d": date(2023, 4, 26) + timedelta(days=k), "x": k / 3, "blob": bytes([k % 256]) * 3,
                     # aware in another zone, aware in UTC, and naive (read as UTC, as Arrow reads it)
                     "at": [datetime(2023, 4, 26, 8, k % 60, tzinfo=east), datetime(2023, 4, 26, 8, tzinfo=UTC),
                            datetime(2023, 4, 26, 8, k % 60)][k % 3],
                     "tags": [["a", "b"], [], None][k % 3]})
    rows.append({"s": "only some keys"})  # the others missing: NULL, as Arrow stages them
    return rows


def _loaded(rows: list[dict], arrow_from: int, monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    monkeypatch.setattr(staging, "ARROW_FROM", arrow_from)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE TABLE t (" + ", ".join(f'"{n}" {k}' for n, k in EVERY_TYPE.columns) + ")")
    with transaction(con):
        write(con, "INSERT INTO t SELECT * FROM staged", stage(rows, EVERY_TYPE))
    return con.execute("SELECT * FROM t ORDER BY i NULLS LAST").fetchall()


@pytest.mark.parametrize("n", [1, 5, 70])
def test_values_and_arrow_staging_load_the_same_rows(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _rows(n)
    as_values, as_arrow = _loaded(rows, len(rows) + 1, monkeypatch), _loaded(rows, 0, monkeypatch)
    assert as_values == as_arrow
    assert len(as_values) == len(rows)


def test_a_small_staging_reads_like_a_table_and_leaves_nothing_behind() -> None:
    con = duckdb.connect()
    staged = stage([{"article_id": "a"}, {"article_id": "b"}], schema(("article_id", "VARCHAR")))
    with readable(con, staged):
        assert con.execute("SELECT count(*) FROM staged").fetchall() == [(2,)]
    assert not con.execute("SELECT * FROM duckdb_tables() WHERE table_name = 'staged'").fetchall()


def test_a_column_type_staging_cannot_carry_is_refused() -> None:
    with pytest.raises(ValueError, match="HUGEINT"):
        schema(("n", "HUGEINT"))


def test_the_run_command_and_its_flows_import_neither_arrow_nor_numpy() -> None:
    # They come with the first page to load or judge; a rerun with nothing new has none.
    probe = ("import sys, flows.cli, flows.pipeline, warehouse.load\n"
             "print(sorted({'pyarrow', 'numpy'} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
