"""Copy detection: shingle hashes, signatures, band keys, the three copy layers, stable clusters."""

import random
from datetime import UTC, datetime

import numpy as np
import pytest
from wordfreq import top_n_list

from extractors.dedupe import (
    CopyRule,
    Link,
    Scheme,
    assign_clusters,
    band_keys,
    bucket_pairs,
    cluster_id_for,
    compare,
    containment,
    link_batch,
    shingle_sets,
    sign_texts,
    signature_matrix,
)
from extractors.settings import SettingsError, load_settings
from extractors.terms import shingles, tokens

SCHEME = Scheme()
RULE = CopyRule(near_duplicate_jaccard=0.5, copy_containment=0.8)

def prose(seed: int, words: int) -> str:
    """Varied English-like text: copies share word runs, unrelated texts do not."""
    rng = random.Random(seed)
    return " ".join(rng.choices(VOCABULARY, k=words))


VOCABULARY = top_n_list("en", 3000)
STORY = prose(1, 300)
OTHER = prose(2, 300)


def sign(*texts: str) -> list:
    return sign_texts([(f"a{i}", f"h{hash(t)}", t) for i, t in enumerate(texts)], SCHEME)


def test_shingle_sets_match_the_judges_shingle_definition():
    texts = [STORY, "too short", "", "one two three four five six"]
    for text, hashes in zip(texts, shingle_sets(texts, 5), strict=True):
        assert len(hashes) == len(shingles(tokens(text), 5))
        assert len(np.unique(hashes)) == len(hashes)


def test_signatures_are_deterministic_and_estimate_jaccard():
    first, again = sign(STORY)[0], sign_texts([("x", "h", STORY)], SCHEME)[0]
    assert first.hashvalues == again.hashvalues and len(first.values) == SCHEME.num_perm
    trimmed = " ".join(STORY.split()[:250])  # the last sixth cut
    a, b = sign(STORY, trimmed)
    true = len(set(shingles(tokens(trimmed), 5))) / len(set(shingles(tokens(STORY), 5)))
    assert abs(float(np.mean(a.values == b.values)) - true) < 0.12


def test_band_keys_collide_only_on_equal_bands():
    a, b, c = sign(STORY, STORY, OTHER)
    keys = band_keys(signature_matrix([a, b, c], SCHEME.num_perm), SCHEME)
    assert keys.shape == (3, SCHEME.bands) and keys.dtype == np.int64
    assert (keys[0] == keys[1]).all() and not (keys[0] == keys[2]).any()
    # The same rows in two different bands give different keys.
    assert len(set(keys[0].tolist())) == SCHEME.bands
    assert bucket_pairs(keys) == {(0, 1)}


def test_containment_estimate_from_jaccard_and_sizes():
    # B (100 shingles) entirely inside A (300): J = 100 / 300.
    assert containment(1 / 3, 300, 100) == pytest.approx(1.0)
    assert containment(0.0, 300, 100) == 0.0
    # Equal sizes, half shared: |A∩B| = 50, J = 50/150.
    assert containment(1 / 3, 100, 100) == pytest.approx(0.5)


def test_the_three_layers():
    words = STORY.split()
    edited = " ".join(words[:100] + ["meanwhile"] + words[100:]) + " (Reporting by A. Writer)"
    # A piece three times the story's length that carries all of it.
    embedding = prose(4, 300) + " " + STORY + " " + prose(3, 300)
    base, exact, near, embed, unrelated = sign_texts(
        [("base", "h1", STORY), ("exact", "h1", STORY), ("near", "h2", edited), ("embed", "h3", embedding),
         ("other", "h4", OTHER)],
        SCHEME,
    )
    assert compare(base, exact, RULE).kind == "exact"
    assert compare(base, near, RULE).kind == "near_duplicate"
    link = compare(base, embed, RULE)
    assert link.kind == "containment" and link.score >= 0.8
    assert compare(base, unrelated, RULE) is None
    found = {(x.a, x.b) for x in link_batch([base, exact, near, embed, unrelated], SCHEME, RULE)}
    assert {("base", "exact"), ("base", "near"), ("base", "embed")} <= found
    assert not any("other" in pair for pair in found)


def test_a_short_text_is_not_contained_in_everything():
    short = " ".join(STORY.split()[:20])
    a, b = sign_texts([("short", "h1", short), ("long", "h2", STORY)], SCHEME)
    assert compare(a, b, RULE) is None


def test_new_clusters_are_named_after_their_smallest_member():
    update = assign_clusters([Link("b", "c", "near_duplicate", 0.9), Link("a", "c", "exact", 1.0)], {})
    assert update.assignments == {"a": cluster_id_for("a"), "b": cluster_id_for("a"), "c": cluster_id_for("a")}
    assert update.created == (cluster_id_for("a"),) and update.merged == {}


def test_a_cluster_that_grows_keeps_its_id_even_when_the_newcomer_sorts_first():
    existing = {"m": "c-old", "n": "c-old"}
    update = assign_clusters([Link("a", "m", "near_duplicate", 0.8)], existing)
    assert update.assignments == {"a": "c-old", "m": "c-old"}
    assert update.created == () and update.merged == {}


def test_merging_keeps_the_oldest_cluster():
    existing = {"x": "c-zzz", "y": "c-aaa"}
    ages = {"c-zzz": datetime(2024, 1, 1, tzinfo=UTC), "c-aaa": datetime(2024, 2, 1, tzinfo=UTC)}
    update = assign_clusters([Link("new", "x", "near_duplicate", 0.7), Link("new", "y", "containment", 0.9)],
                             existing, ages)
    assert set(update.assignments.values()) == {"c-zzz"}
    assert update.merged == {"c-aaa": "c-zzz"} and update.created == ()
    # Without creation times the smaller id wins.
    assert assign_clusters([Link("new", "x", "exact", 1.0), Link("new", "y", "exact", 1.0)], existing).merged == {
        "c-zzz": "c-aaa"}


def test_scheme_rejects_more_band_rows_than_permutations():
    with pytest.raises(ValueError):
        Scheme(num_perm=64, bands=42, rows=3)


def test_settings_refuse_banding_that_does_not_fit_the_permutations(tmp_path):
    toml = tmp_path / "seed.toml"
    toml.write_text("[judge]\nlsh_bands = 100\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="lsh_bands"):
        load_settings(toml)
