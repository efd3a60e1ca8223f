"""How every loader writes: rows staged as an Arrow table, inserted set-wise, inside one transaction.

``stage`` turns row dicts into an Arrow table of a given schema; ``write`` runs a
statement that reads it under the name ``staged`` (see ``queries.py``);
``transaction`` wraps a block in BEGIN/COMMIT, rolling back on any error, so a
batch lands whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

TIMESTAMP = pa.timestamp("us", tz="UTC")


def now() -> datetime:
    return datetime.now(UTC)


def stage(rows: Sequence[dict], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=schema)


def write(con: duckdb.DuckDBPyConnection, statement: str, table: pa.Table) -> None:
    if table.num_rows == 0:
        return
    con.register("staged", table)
    try:
        con.execute(statement)
    finally:
        con.unregister("staged")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
