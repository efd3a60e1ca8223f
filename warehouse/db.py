"""Opening the DuckDB warehouse and keeping its schema current.

In: a file path. Out: a DuckDB connection, migrated and with the public views
in place. Migrations are numbered, append-only ``sql/migrations/NNNN_name.sql``
files applied once each in order and recorded in ``schema_migrations``; the
views in ``sql/views.sql`` are recreated when that file changed since they were last
made (its digest is kept in ``views_digest``) or a migration ran.
Connections are short-lived: open one per unit of work, never share one
between tasks or threads. A run holds the file open with :func:`held_open` so
those short connections share one database instance: closing them does not
checkpoint (a checkpoint per batch rewrote ever more of the file as it grew)
and the schema is migrated once per run, not once per connection.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

# The default warehouse sits in the working directory, where the Quickstart runs.
DEFAULT_DB_PATH = Path("storywatch.duckdb")
DB_ENV_VAR = "STORYWATCH_DB"
_MIGRATION_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")
_SESSION = "SET TimeZone = 'UTC'"  # every connection's session


class WarehouseError(RuntimeError):
    """The warehouse file cannot be opened or migrated."""


def default_db_path() -> Path:
    return Path(os.environ.get(DB_ENV_VAR, DEFAULT_DB_PATH))


def _sql_dir() -> resources.abc.Traversable:
    return resources.files("warehouse") / "sql"


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration file, in order."""
    found = []
    for entry in (_sql_dir() / "migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


class _Held:
    """Files held open by :func:`held_open` in this process (already migrated)."""

    lock = threading.Lock()
    paths: dict[str, int] = {}


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated connection (read-only ones see the file as it is and change nothing)."""
    if read_only and not Path(path).exists():
        raise WarehouseError(f"{path}: no warehouse file there (run 'storywatch run' first)")
    key = _key(path)
    try:
        # DuckDB refuses a read-only connection to a file this process has open for writing.
        con = duckdb.connect(str(path), read_only=read_only and key not in _Held.paths)
    except duckdb.Error as exc:
        raise WarehouseError(f"{path}: cannot open warehouse ({exc})") from None
    try:
        con.execute(_SESSION)
        if not read_only and key not in _Held.paths:
            migrate(con)
        yield con
    finally:
        con.close()


@contextmanager
def cursor(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Another connection to ``con``'s database, set up as :func:`connect` sets up its
    own, for a thread of its own (a DuckDB connection serves one query at a time)."""
    other = con.cursor()
    try:
        other.execute(_SESSION)
        yield other
    finally:
        other.close()


@contextmanager
def held_open(path: Path) -> Iterator[None]:
    """Keep the warehouse open (and migrated) for the block; see the module's docstring."""
    key = _key(path)
    with connect(path) as anchor:
        with _Held.lock:
            _Held.paths[key] = _Held.paths.get(key, 0) + 1
        try:
            yield
        finally:
            with _Held.lock:
                _Held.paths[key] -= 1
                if not _Held.paths[key]:
                    del _Held.paths[key]
            anchor.execute("CHECKPOINT")


def _key(path: Path) -> str:
    return os.path.realpath(path)


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations and remake the views if due, all in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        applied = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
        done = []
        for version, name, sql in migrations():
            if version in applied:
                continue
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
            done.append(version)
        views = (_sql_dir() / "views.sql").read_text(encoding="utf-8")
        digest = hashlib.sha256(views.encode("utf-8")).hexdigest()
        if done or con.execute("SELECT digest FROM views_digest").fetchall() != [(digest,)]:
            con.execute(views)
            con.execute("DELETE FROM views_digest")
            con.execute("INSERT INTO views_digest VALUES (?, now())", [digest])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return done
