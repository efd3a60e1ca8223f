"""The story analysis reads articles on the run's workers exactly as it does in-process."""

from datetime import timedelta

from extractors.analysis import analyse_story
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
