"""A seed's key terms, derived once per distinct text.

In: the warehouse (optionally) and a seed's text. Out: :func:`extractors.terms.key_terms`
of that text. With a warehouse, terms are kept in ``term_cache`` by a digest of the
text, :data:`TERMS_VERSION` and wordfreq's version: the terms are a pure function of
those, and deriving them loads wordfreq's word list (about half a second), which a
scheduled run that finds nothing new needs for nothing else.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path

import duckdb

from extractors.terms import KeyTerm, key_terms
from warehouse import queries
from warehouse.db import WarehouseError, connect

# Bump when extractors/terms.py ranks terms differently, so kept terms miss.
TERMS_VERSION = "2026-11-29"


def seed_terms(db: Path | None, text: str) -> list[KeyTerm]:
    """``key_terms(text)``, from the cache when it is there; kept there when it was not
    (unless the warehouse cannot be written: then only derived)."""
    if db is not None:
        try:
            with connect(db) as con:
                if (terms := _kept(con, text)) is not None:
                    return terms
                terms = key_terms(text)
                con.execute(queries.STORE_TERMS, [_digest(text), [{"term": t.term, "weight": t.weight}
                                                                  for t in terms]])
                return terms
        except WarehouseError:  # a read-only or missing file: derive, keep nothing
            pass
    return key_terms(text)


def kept_terms(con: duckdb.DuckDBPyConnection, text: str) -> list[KeyTerm]:
    """``key_terms(text)`` from the cache on an open (maybe read-only) connection, derived when not kept."""
    terms = _kept(con, text)
    return key_terms(text) if terms is None else terms


def _kept(con: duckdb.DuckDBPyConnection, text: str) -> list[KeyTerm] | None:
    row = con.execute(queries.CACHED_TERMS, [_digest(text)]).fetchone()
    return None if row is None else [KeyTerm(t["term"], t["weight"]) for t in row[0]]


def _digest(text: str) -> str:
    made = f"{TERMS_VERSION}\n{version('wordfreq')}\n{text}"
    return hashlib.sha256(made.encode("utf-8")).hexdigest()
