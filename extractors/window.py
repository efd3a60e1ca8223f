"""Publication times of candidates: read them, keep those in the seed's window, merge duplicates.

In: date strings from feeds and sitemaps; candidates with a ``published_at``;
the seed date and its :class:`WindowSettings`. Out: timezone-aware UTC
datetimes; the candidates inside the window (undated ones kept, since a missing
date says nothing about the story, unless an archive crawled the page before
the window opened) and how many were dropped; one candidate per canonical URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime

from extractors.records import Candidate
from extractors.settings import WindowSettings


def parse_timestamp(text: str | None) -> datetime | None:
    """ISO 8601 / W3C datetime or RFC 822 text as a UTC datetime; naive means UTC; None if unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        # 3.11 reads "Z", offsets, date-only values and any fraction of a second.
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)  # RFC 822, as RSS writes pubDate
        except (TypeError, ValueError, IndexError):
            return None
    try:
        return as_utc(parsed)
    except OverflowError:  # e.g. year 1 with a positive offset falls before datetime.min
        return None


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def window_bounds(seed_date: date, window: WindowSettings) -> tuple[datetime, datetime]:
    """[start, end) in UTC: whole days from ``days_before`` before the seed to ``days_after`` after it."""
    start = datetime.combine(seed_date - timedelta(days=window.days_before), time(0), tzinfo=UTC)
    end = datetime.combine(seed_date + timedelta(days=window.days_after + 1), time(0), tzinfo=UTC)
    return start, end


def filter_window(
    candidates: Iterable[Candidate], seed_date: date, window: WindowSettings
) -> tuple[list[Candidate], int]:
    """The candidates published inside the window, undated ones included, and the number dropped.

    A page an archive crawled before the window opened cannot have been published in
    it, whatever date (or none) it carries.
    """
    start, end = window_bounds(seed_date, window)
    kept: list[Candidate] = []
    dropped = 0
    for candidate in candidates:
        if candidate.archived is not None and as_utc(candidate.archived.crawled_at) < start:
            dropped += 1
        elif candidate.published_at is None or start <= as_utc(candidate.published_at) < end:
            kept.append(candidate)
        else:
            dropped += 1
    return kept, dropped


def dedupe_candidates(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per canonical URL: the first seen, with the earliest date and any missing text filled in."""
    merged: dict[str, Candidate] = {}
    for candidate in candidates:
        first = merged.get(candidate.canonical_url)
        if first is None:
            merged[candidate.canonical_url] = candidate
            continue
        # The earliest date is the closest to first publication; later ones are usually edits.
        dates = [d for d in (first.published_at, candidate.published_at) if d is not None]
        merged[candidate.canonical_url] = replace(
            first,
            title=first.title or candidate.title,
            summary=first.summary or candidate.summary,
            published_at=min(dates, key=as_utc) if dates else None,
            archived=first.archived or candidate.archived,  # a page already archived is read, not fetched
        )
    return list(merged.values())
