"""The story analysis reads articles on the run's workers exactly as it does in-process."""

from dataclasses import replace
from datetime import timedelta

from extractors.analysis import analyse_story, read_articles, read_seed
from extractors.workers import worker_pool
from tests.extractors.test_judge import SEED, T0, WIRE, article


def test_articles_read_on_the_workers_give_the_same_analysis():
    paragraphs = SEED.text.split("\n\n")
    articles = [
        article("wire", WIRE, T0),
        article("partial", "\n\n".join(paragraphs[: len(paragraphs) // 2]), T0 + timedelta(hours=5)),
        article("rest", "\n\n".join(paragraphs[len(paragraphs) // 2:]), T0 + timedelta(hours=6)),
        article("carrier", WIRE + "\nZelensky said the call was long and meaningful.", T0 + timedelta(hours=1)),
        article("verbatim", SEED.text, T0 + timedelta(hours=3)),
    ]
    inline = analyse_story(SEED, articles, {"Zelenskiy": "Volodymyr Zelensky"})
    with worker_pool(2):
        pooled = analyse_story(SEED, articles, {"Zelenskiy": "Volodymyr Zelensky"})
    assert pooled == inline
    assert [t.article_id for t in pooled.texts[1:]] == [a.article_id for a in articles]
    assert any(t.events for t in pooled.texts[1:]) and any(t.verdicts for t in pooled.texts[1:])


def test_articles_read_batch_by_batch_are_not_read_again():
    articles = [article("wire", WIRE, T0), article("verbatim", SEED.text, T0 + timedelta(hours=3))]
    whole = analyse_story(SEED, articles)
    story = read_seed(SEED)
    early = dict(zip(((a.article_id, a.content_hash) for a in articles), read_articles(story, articles),
                     strict=True))
    assert analyse_story(SEED, articles, story=story, done=early) == whole
    # What was read already is used as it is: a stand-in shows up where the article's reading goes.
    assert whole.texts[1].events
    stand_in = replace(whole.texts[1], events=(), events_in_seed=())
    key = (articles[0].article_id, articles[0].content_hash)
    assert analyse_story(SEED, articles, story=story, done={key: stand_in}).texts[1] == stand_in
    # A reading of other text (the article changed since) is not.
    stale = {(articles[0].article_id, "another hash"): stand_in}
    assert analyse_story(SEED, articles, story=story, done=stale) == whole
