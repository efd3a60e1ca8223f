"""How every loader writes: rows staged under the name ``staged``, inserted set-wise, inside one transaction.

``Schema`` names a staged table's columns and their DuckDB types. ``stage`` pairs rows
(dicts) with one; ``write`` runs a statement that reads them as ``staged`` (see
``queries.py``); ``transaction`` wraps a block in BEGIN/COMMIT, rolling back on any error,
so a batch lands whole or not at all.

A batch of :data:`ARROW_FROM` rows or more is handed to DuckDB as an Arrow table, which it
reads in place; fewer go in as one bound ``VALUES`` list into a temporary table. A run that
writes only a handful of rows (a rerun with nothing new writes its seed's row, its feed
attempts and their validators) so never imports Arrow and numpy: 55 ms of import, and
0.06 s of a 1.5-1.8 s rerun (8 alternating pairs).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    import pyarrow as pa

ARROW_FROM = 64  # rows: below, one VALUES statement costs less than building an Arrow table

# The DuckDB column types a staged table may have (each has an Arrow twin, see _arrow_type).
_TYPES = frozenset({"VARCHAR", "INTEGER", "BIGINT", "BOOLEAN", "DATE", "DOUBLE", "BLOB", "TIMESTAMPTZ", "VARCHAR[]"})


@dataclass(frozen=True)
class Schema:
    """A staged table's columns, as (name, DuckDB type) pairs."""

    columns: tuple[tuple[str, str], ...]

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]

    @cached_property
    def arrow(self) -> pa.Schema:
        import pyarrow as pa

        return pa.schema([(name, _arrow_type(pa, kind)) for name, kind in self.columns])


def schema(*columns: tuple[str, str]) -> Schema:
    for name, kind in columns:
        if kind not in _TYPES:
            raise ValueError(f"column {name!r}: no staging for DuckDB type {kind}")
    return Schema(tuple(columns))


def _arrow_type(pa: Any, kind: str) -> pa.DataType:
    """The Arrow type an Arrow-staged column of DuckDB type ``kind`` gets."""
    return {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "BOOLEAN": pa.bool_(),
            "DATE": pa.date32(), "DOUBLE": pa.float64(), "BLOB": pa.binary(),
            "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"), "VARCHAR[]": pa.list_(pa.string())}[kind]


@dataclass(frozen=True)
class Staged:
    """Rows of one schema, ready for :func:`write`."""

    rows: list[dict]
    schema: Schema

    @property
    def num_rows(self) -> int:
        return len(self.rows)

    @cached_property
    def table(self) -> pa.Table:
        """The rows as an Arrow table of the schema (made once)."""
        import pyarrow as pa

        return pa.Table.from_pylist(self.rows, schema=self.schema.arrow)


def now() -> datetime:
    return datetime.now(UTC)


def stage(rows: Sequence[dict], schema: Schema) -> Staged:
    return Staged(list(rows), schema)


def write(con: duckdb.DuckDBPyConnection, statement: str, staged: Staged | pa.Table) -> None:
    """Run ``statement`` with ``staged`` readable under the name ``staged``."""
    if staged.num_rows:
        with readable(con, staged):
            con.execute(statement)


@contextmanager
def readable(con: duckdb.DuckDBPyConnection, staged: Staged | pa.Table, name: str = "staged") -> Iterator[None]:
    """``staged`` readable under ``name`` in the block: an Arrow table in place, or a few
    rows in a temporary table (see the module's docstring)."""
    if isinstance(staged, Staged) and staged.num_rows < ARROW_FROM:
        columns = ", ".join(f'"{column}" {kind}' for column, kind in staged.schema.columns)
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" ({columns})')
        try:
            if staged.rows:
                row = "(" + ", ".join(["?"] * len(staged.schema.columns)) + ")"
                con.execute(f'INSERT INTO "{name}" VALUES {", ".join([row] * staged.num_rows)}',
                            [r.get(column) for r in staged.rows for column in staged.schema.names])
            yield
        finally:
            con.execute(f'DROP TABLE IF EXISTS "{name}"')
        return
    con.register(name, staged.table if isinstance(staged, Staged) else staged)
    try:
        yield
    finally:
        con.unregister(name)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
