"""Publication window and dedupe: whole UTC days, undated kept, one candidate per canonical URL."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from extractors.records import Candidate
from extractors.settings import WindowSettings
from extractors.window import dedupe_candidates, filter_window, parse_timestamp, window_bounds

SEED_DAY = date(2023, 4, 26)
WINDOW = WindowSettings(days_before=1, days_after=14)


def candidate(path: str, published_at: datetime | None = None, title: str | None = None, **kw) -> Candidate:
    url = f"https://news.example/{path}"
    return Candidate(url=url, canonical_url=url, source_url="https://news.example/rss.xml", source_kind="feed",
                     title=title, published_at=published_at, **kw)


def test_window_bounds_are_whole_utc_days():
    start, end = window_bounds(SEED_DAY, WINDOW)
    assert start == datetime(2023, 4, 25, tzinfo=UTC)
    assert end == datetime(2023, 5, 11, tzinfo=UTC)  # exclusive: all of 10 May is inside


def test_zero_day_window_is_the_seed_day():
    assert window_bounds(SEED_DAY, WindowSettings(0, 0)) == (
        datetime(2023, 4, 26, tzinfo=UTC), datetime(2023, 4, 27, tzinfo=UTC)
    )


@pytest.mark.parametrize(
    ("published", "kept"),
    [
        (datetime(2023, 4, 26, 12, 0, tzinfo=UTC), True),  # seed day
        (datetime(2023, 4, 25, 0, 0, tzinfo=UTC), True),  # first instant of the first day
        (datetime(2023, 5, 10, 23, 59, 59, tzinfo=UTC), True),  # last second of the last day
        (datetime(2023, 4, 24, 23, 59, 59, tzinfo=UTC), False),  # before
        (datetime(2023, 5, 11, 0, 0, tzinfo=UTC), False),  # after
        (datetime(2022, 4, 26, tzinfo=UTC), False),  # a year early
        # 01:30 on the 25th in Kyiv is 22:30 on the 24th in UTC: outside
        (datetime(2023, 4, 25, 1, 30, tzinfo=timezone(timedelta(hours=3))), False),
        # a naive time counts as UTC
        (datetime(2023, 4, 25, 0, 0), True),
        (None, True),  # undated: kept
    ],
)
def test_filter_window(published, kept):
    found, dropped = filter_window([candidate("a", published)], SEED_DAY, WINDOW)
    assert (len(found), dropped) == ((1, 0) if kept else (0, 1))


def test_filter_window_keeps_order_and_counts():
    items = [
        candidate("before", datetime(2023, 4, 1, tzinfo=UTC)),
        candidate("inside", datetime(2023, 4, 27, tzinfo=UTC)),
        candidate("undated"),
        candidate("after", datetime(2023, 6, 1, tzinfo=UTC)),
    ]
    found, dropped = filter_window(iter(items), SEED_DAY, WINDOW)
    assert [c.url.rsplit("/", 1)[1] for c in found] == ["inside", "undated"]
    assert dropped == 2


def test_dedupe_keeps_first_with_earliest_date_and_a_title():
    early = datetime(2023, 4, 26, 9, 0, tzinfo=UTC)
    late = datetime(2023, 4, 26, 15, 0, tzinfo=UTC)
    first = candidate("a", late, title=None)
    second = Candidate(url="https://news.example/a?utm_source=x", canonical_url=first.canonical_url,
                       source_url="https://news.example/sitemap.xml", source_kind="sitemap",
                       title="Xi and Zelensky talk", summary="From the sitemap", published_at=early)
    other = candidate("b", None, title="Other")
    merged = dedupe_candidates([first, other, second])
    assert [c.canonical_url for c in merged] == [first.canonical_url, other.canonical_url]
    kept = merged[0]
    assert (kept.url, kept.source_kind, kept.source_url) == (first.url, "feed", first.source_url)
    assert kept.title == "Xi and Zelensky talk"
    assert kept.summary == "From the sitemap"
    assert kept.published_at == early


def test_dedupe_keeps_the_first_title_and_a_known_date():
    dated = datetime(2023, 4, 26, tzinfo=UTC)
    merged = dedupe_candidates([candidate("a", None, title="First"), candidate("a", dated, title="Second")])
    assert (merged[0].title, merged[0].published_at) == ("First", dated)
    merged = dedupe_candidates([candidate("a", dated), candidate("a", None)])
    assert merged[0].published_at == dated


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-04-26T10:00:00Z", datetime(2023, 4, 26, 10, tzinfo=UTC)),
        ("2023-04-26T13:00:00+03:00", datetime(2023, 4, 26, 10, tzinfo=UTC)),
        ("2023-04-26T10:00:00.123456789Z", datetime(2023, 4, 26, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2023-04-26", datetime(2023, 4, 26, tzinfo=UTC)),
        ("2023-04-26T10:00:00", datetime(2023, 4, 26, 10, tzinfo=UTC)),  # naive: UTC
        ("Wed, 26 Apr 2023 13:00:00 +0300", datetime(2023, 4, 26, 10, tzinfo=UTC)),
        ("Wed, 26 Apr 2023 10:00:00 GMT", datetime(2023, 4, 26, 10, tzinfo=UTC)),
        ("not a date", None),
        ("", None),
        (None, None),
        ("0001-01-01T00:00:00+01:00", None),  # before datetime.min once in UTC
    ],
)
def test_parse_timestamp(text, expected):
    parsed = parse_timestamp(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is UTC
