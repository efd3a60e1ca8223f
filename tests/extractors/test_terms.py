"""Key terms: ranked once per seed text, by the run's workers when it has them."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

from extractors import terms
from extractors.terms import derive_soon, key_terms
from extractors.workers import warm_workers, worker_pool

SEED = (Path(__file__).resolve().parents[2] / "seeds" / "xi-zelensky-call.txt").read_text(encoding="utf-8")


def test_key_terms_are_the_heaviest_of_the_full_ranking_in_order():
    ranking = terms._rank(SEED)
    assert key_terms(SEED) == list(ranking[:terms.KEY_TERMS])
    assert key_terms(SEED, limit=5) == list(ranking[:5])
    weights = [t.weight for t in ranking]
    assert weights == sorted(weights, reverse=True) and len(ranking) > terms.KEY_TERMS


def test_terms_derived_soon_come_from_the_workers_and_equal_those_derived_here(monkeypatch):
    text = SEED + "\nA sentence only this test adds, about Kharkiv grain corridors."
    monkeypatch.setattr(terms, "_RANKINGS", type(terms._RANKINGS)())
    local = terms._rank(text)
    with worker_pool(2):
        warm_workers()
        derive_soon([text])
        pending = terms._RANKINGS[text]
        assert isinstance(pending, Future)
        assert key_terms(text) == list(local[:terms.KEY_TERMS])
        assert pending.exception() is None and terms._RANKINGS[text] is pending  # theirs, not ranked again here


def test_without_started_workers_terms_are_derived_here_when_asked(monkeypatch):
    monkeypatch.setattr(terms, "_RANKINGS", type(terms._RANKINGS)())
    derive_soon([SEED])  # no run pool: nothing is sent anywhere
    assert SEED not in terms._RANKINGS
    assert key_terms(SEED) == list(terms._rank(SEED)[:terms.KEY_TERMS])


def test_a_failed_derivation_falls_back_to_deriving_here(monkeypatch):
    monkeypatch.setattr(terms, "_RANKINGS", type(terms._RANKINGS)())
    broken: Future = Future()
    broken.set_exception(RuntimeError("worker died"))
    terms._RANKINGS[SEED] = broken
    assert key_terms(SEED) == list(terms._rank(SEED)[:terms.KEY_TERMS])


def test_rankings_kept_are_bounded(monkeypatch):
    monkeypatch.setattr(terms, "_RANKINGS", type(terms._RANKINGS)())
    for n in range(terms._KEPT_RANKINGS + 5):
        key_terms(f"Zelensky and Xi spoke by phone, call number {n}. Zelensky Xi.")
    assert len(terms._RANKINGS) == terms._KEPT_RANKINGS
