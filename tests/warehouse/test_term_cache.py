"""The seed's key terms are derived once per text and read back from the warehouse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from extractors.terms import key_terms
from warehouse import term_cache
from warehouse.db import connect

SEED = Path(__file__).resolve().parents[2] / "seeds" / "xi-zelensky-call.txt"


def test_terms_are_derived_once_then_read_back(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    text = SEED.read_text(encoding="utf-8")
    first = term_cache.seed_terms(db, text)
    assert first == key_terms(text) and first

    def no_deriving(*args: object, **kwargs: object) -> None:
        raise AssertionError("derived again")

    monkeypatch.setattr(term_cache, "key_terms", no_deriving)
    assert term_cache.seed_terms(db, text) == first
    with connect(db, read_only=True) as con:
        assert term_cache.kept_terms(con, text) == first


def test_another_text_or_version_is_derived_anew(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    text = SEED.read_text(encoding="utf-8")
    term_cache.seed_terms(db, text)
    edited = text + "\n\nThe envoy Li Hui met officials in Kyiv and Moscow, and the envoy said little."
    assert term_cache.seed_terms(db, edited) == key_terms(edited) != key_terms(text)
    monkeypatch.setattr(term_cache, "TERMS_VERSION", "another")
    with connect(db) as con:
        calls = []
        monkeypatch.setattr(term_cache, "key_terms", lambda t: calls.append(t) or key_terms(t))
        term_cache.kept_terms(con, text)
    assert calls == [text]


def test_no_warehouse_file_derives_without_keeping(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    assert term_cache.seed_terms(None, text) == key_terms(text)


def test_the_command_line_does_not_import_wordfreq_until_a_word_is_scored():
    # A run whose seed terms are kept never loads wordfreq (a quarter of a second).
    check = "import sys, flows.cli, warehouse.report; print('wordfreq' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "False"
