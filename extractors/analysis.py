"""The story analysis: events, quotes and claim verdicts for a seed and its related articles.

In: the seed, the articles judged related to it, and the user's actor-alias
corrections. Out: a :class:`StoryAnalysis` holding, for the seed and each
article, its events and quotes (each marked ``in_seed`` when the seed reports
the same), each article's verdicts on the seed's claims, and what each article
adds. Every article is read with an actor table built from the seed and the
article itself (plus the built-in dictionary and the corrections), so names the
seed introduces carry over and names an article introduces stay its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from extractors.actors import ActorTable, build_table, learn_people
from extractors.claims import Addition, Claim, Verdict, event_key, read_article, seed_claims
from extractors.events import Event, extract_events
from extractors.quotes import Quote, extract_quotes, in_seed
from extractors.records import Article, Seed
from extractors.workers import in_workers

SEED_ARTICLE_PREFIX = "seed:"


@dataclass(frozen=True)
class TextAnalysis:
    article_id: str  # "seed:<seed_id>" for the seed itself
    events: tuple[Event, ...]
    events_in_seed: tuple[bool, ...]
    quotes: tuple[Quote, ...]
    quotes_in_seed: tuple[bool, ...]
    verdicts: tuple[Verdict, ...] = ()
    additions: tuple[Addition, ...] = ()


@dataclass(frozen=True)
class StoryAnalysis:
    seed_id: str
    claims: tuple[Claim, ...]
    texts: tuple[TextAnalysis, ...]  # the seed's first
    aliases: tuple[tuple[str, str, str, str], ...]  # (alias, canonical, kind, source) the seed's table used


def analyse_story(seed: Seed, articles: Sequence[Article], corrections: Mapping[str, str] | None = None,
                  *, story: SeedReading | None = None, done: Mapping[tuple[str, str], TextAnalysis] | None = None,
                  ) -> StoryAnalysis:
    """``story``: :func:`read_seed` of this seed and corrections, if made already; ``done``:
    articles read already (by :func:`read_articles`, as each batch was extracted), by
    (article id, content hash); the others are read here."""
    story = story or read_seed(seed, corrections)
    done = done or {}
    todo = [a for a in articles if (a.article_id, a.content_hash) not in done]
    read = dict(zip((a.article_id for a in todo), read_articles(story, todo), strict=True))
    texts = [story.text]
    for article in articles:
        reading = done.get((article.article_id, article.content_hash)) or read[article.article_id]
        if isinstance(reading, BaseException):
            raise RuntimeError(f"analysing {article.url} failed: {reading!r}") from reading
        texts.append(reading)
    return StoryAnalysis(seed.seed_id, story.story.claims, tuple(texts), story.aliases)


@dataclass(frozen=True)
class SeedReading:
    """The seed read once for a run: its own analysis, and what reading each article needs of it."""

    text: TextAnalysis
    story: _Story
    aliases: tuple[tuple[str, str, str, str], ...]


def read_seed(seed: Seed, corrections: Mapping[str, str] | None = None) -> SeedReading:
    base = build_table([seed.text], corrections)
    claims = seed_claims(seed.text, seed.seed_date, base)
    seed_quotes = extract_quotes(seed.text, base)
    seed_events = extract_events(seed.text, seed.seed_date, base, seed_quotes)
    seed_keys = {event_key(e.actor, e.event_type, e.target, base, e.mode) for e in seed_events}
    text = TextAnalysis(f"{SEED_ARTICLE_PREFIX}{seed.seed_id}", tuple(seed_events), (True,) * len(seed_events),
                        tuple(seed_quotes), (True,) * len(seed_quotes))
    story = _Story(base, tuple(claims), frozenset(seed_keys), tuple(q.quote for q in seed_quotes),
                   dict(corrections or {}))
    return SeedReading(text, story, tuple(base.rows()))


def read_articles(story: SeedReading, articles: Sequence[Article]) -> list[TextAnalysis | BaseException]:
    """Each article read against the seed (about 60 ms an article), on the run's workers
    when it has them, even one alone (a batch often has one or two related articles, and
    one reading costs what twenty extractions do); one whose reading raised gets the exception."""
    return in_workers(partial(_read_article, story=story.story), list(articles), inline_below=1)


@dataclass(frozen=True)
class _Story:
    """What reading one article needs of the seed; sent to each worker."""

    base: ActorTable
    claims: tuple[Claim, ...]
    seed_keys: frozenset[str]
    seed_quotes: tuple[str, ...]
    corrections: dict[str, str]


def _read_article(article: Article, story: _Story) -> TextAnalysis:
    table = _article_table(story.base, article.text, story.corrections)
    published = article.published_at.date() if article.published_at else None
    quotes = extract_quotes(article.text, table)
    reading = read_article(list(story.claims), article.text, published, table, quotes)
    return TextAnalysis(
        article.article_id, tuple(reading.events),
        tuple(event_key(e.actor, e.event_type, e.target, table, e.mode) in story.seed_keys for e in reading.events),
        tuple(quotes), tuple(in_seed(q.quote, list(story.seed_quotes)) for q in quotes),
        tuple(reading.verdicts), tuple(reading.additions),
    )


def _article_table(base: ActorTable, text: str, corrections: Mapping[str, str] | None) -> ActorTable:
    """The seed's table plus the people this article introduces; the corrections still win."""
    table = base.copy()
    learn_people(table, text)
    for alias, canonical in (corrections or {}).items():
        table.add(alias, canonical, table.kinds.get(canonical, "person"), "user", override=True)
    return table
