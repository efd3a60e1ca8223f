"""Pre-filter: on the hand-labelled sample it loses no related entry and skips plain noise."""

import csv
import importlib.util
from pathlib import Path

from extractors.prefilter import prefilter_terms, screen_candidates
from extractors.records import Candidate

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("prefilter_benchmark", ROOT / "benchmarks" / "prefilter.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_no_related_entry_of_the_sample_is_skipped():
    with (ROOT / "seeds" / "sample" / "labels.csv").open(encoding="utf-8") as f:
        labels = {row["url"]: row["expected_status"] for row in csv.DictReader(f)}
    seed, candidates = bench.sample_candidates()
    screened = screen_candidates(prefilter_terms(seed.text), candidates)
    lost = [s.candidate.title for s in screened if not s.fetch and labels[s.candidate.canonical_url] != "unrelated"]
    saved = [s for s in screened if not s.fetch and labels[s.candidate.canonical_url] == "unrelated"]
    assert lost == []
    assert len(saved) >= 3, "the pre-filter no longer skips the sample's plainly unrelated entries"


def test_entries_without_text_are_always_fetched():
    seed, _ = bench.sample_candidates()
    bare = Candidate("http://a.example/x", "http://a.example/x", "http://a.example/rss", "feed")
    [screened] = screen_candidates(prefilter_terms(seed.text), [bare], threshold=0.99)
    assert screened.fetch and screened.score is None
