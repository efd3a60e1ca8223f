"""Features made on the workers: the same judgement as computing them in the judge."""

from dataclasses import replace
from datetime import timedelta

from extractors.features import SeedScores, article_features, features_of
from extractors.judge import judge_coverage, profile_for
from extractors.settings import JudgeSettings
from extractors.terms import shingles, tokens
from extractors.workers import worker_pool
from tests.extractors.test_judge import SEED, T0, UNRELATED, WIRE, article


def articles():
    paragraphs = SEED.text.split("\n\n")
    return [
        article("verbatim", SEED.text, T0 + timedelta(hours=3)),
        article("partial", "\n\n".join(paragraphs[: len(paragraphs) // 2]), T0 + timedelta(hours=5)),
        article("wire", WIRE, T0),
        article("carrier", WIRE + "\n(Reporting by A. Writer)", T0 + timedelta(hours=1)),
        article("council", UNRELATED, T0),
        article("council2", UNRELATED.replace("Tuesday", "Monday"), T0),
    ]


def test_scores_are_the_exact_shingle_measures():
    settings = JudgeSettings()
    profile = profile_for(SEED, settings)
    seed_set = shingles(tokens(SEED.text), settings.shingle_words)
    for a in articles():
        mine = shingles(tokens(a.text), settings.shingle_words)
        got = article_features(a, profile).scores
        assert abs(got.similarity - len(seed_set & mine) / len(seed_set | mine)) < 1e-12
        assert abs(got.containment - len(seed_set & mine) / len(seed_set)) < 1e-12


def test_features_from_the_worker_pool_judge_as_the_judge_does_alone():
    settings = JudgeSettings()
    batch = articles()
    with worker_pool(2):
        made = features_of(batch * 2, profile_for(SEED, settings))  # enough items to go to the workers
    assert set(made) == {a.article_id for a in batch}
    assert judge_coverage(SEED, batch, settings, features=made) == judge_coverage(SEED, batch, settings)


def test_features_are_used_when_their_text_is_the_article_s_and_ignored_otherwise():
    settings = JudgeSettings()
    batch = articles()
    council = batch[-2]
    made = {council.article_id: replace(article_features(council, profile_for(SEED, settings)),
                                        scores=SeedScores(relevance=1.0, similarity=0.0, containment=0.0))}
    used = {j.article_id: j for j in judge_coverage(SEED, batch, settings, features=made)}
    assert used[council.article_id].related and used[council.article_id].relevance == 1.0
    stale = {council.article_id: replace(made[council.article_id], content_hash="another text")}
    ignored = {j.article_id: j for j in judge_coverage(SEED, batch, settings, features=stale)}
    assert not ignored[council.article_id].related


def test_present_terms_is_term_set_restricted_to_the_wanted_terms():
    from extractors.terms import key_terms, present_terms, term_set

    wanted = {t.match_key for t in key_terms(SEED.text)} | set(list(term_set(tokens(WIRE)))[:40])
    for a in articles():
        words = tokens(f"{a.title}\n{a.text}")
        assert present_terms(words, wanted) == term_set(words) & wanted


def _imported(name: str) -> bool:
    import sys

    return name in sys.modules


def _frozen(_: object) -> int:
    import gc

    return gc.get_freeze_count()


def test_warmed_workers_have_imported_what_they_were_asked_to_and_frozen_it():
    from extractors.workers import in_workers, warm_workers

    with worker_pool(1):
        assert in_workers(_frozen, [None] * 4) == [0] * 4  # a cold worker has frozen nothing
        warm_workers("xml.dom.minidom")
        assert in_workers(_imported, ["xml.dom.minidom"] * 4) == [True] * 4
        assert in_workers(_imported, ["xml.dom.pulldom"] * 4) == [False] * 4
        # The import heap is out of the worker's later collections (and the one at its exit).
        assert min(in_workers(_frozen, [None] * 4)) > 10_000
