"""When a reported event happened, from the sentence and the article's publication date.

In: a sentence and the date the article was published. Out: an :class:`EventDate`:
the day and how it was found: ``stated`` (an explicit date, "April 26"),
``relative`` ("on Wednesday", "yesterday", "on Tuesday night" resolved against
the publication date) or ``published`` (nothing usable in the sentence, so the
publication date stands in, and the record says so). Vague spans ("last month",
"days after", "recently") are not a day: they leave the publication date with
basis ``published``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

DateBasis = Literal["stated", "relative", "published"]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                        "september", "october", "november", "december"), start=1)}
_MONTHS |= {m[:3]: i for m, i in list(_MONTHS.items())} | {"sept": 9}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_EXPLICIT = [
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?\b", re.IGNORECASE),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?\b",
               re.IGNORECASE),
    re.compile(r"\b(?P<year>\d{4})-(?P<monthnum>\d{2})-(?P<day>\d{2})\b"),
]
_WEEKDAY = re.compile(r"\b(?:on\s+|last\s+|this\s+|late\s+|early\s+)?(?P<weekday>" + "|".join(_WEEKDAYS) + r")\b",
                      re.IGNORECASE)
_RELATIVE = {
    "yesterday": -1, "today": 0, "earlier today": 0, "this morning": 0, "this afternoon": 0, "tonight": 0,
    "last night": -1, "the day before": -1, "on the eve": -1, "tomorrow": 1,
}
_RELATIVE_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _RELATIVE), key=len, reverse=True)) + r")\b",
                          re.IGNORECASE)


# Spans that place an event in time without naming its day.
_MONTH_NAMES = "|".join(m for m in _MONTHS if len(m) > 4 or m == "may")
_VAGUE = re.compile(r"\b(?:(?:last|next|this|earlier\s+this|later\s+this)\s+(?:month|year|week|spring|summer|autumn|"
                    rf"fall|winter)|in\s+(?:{_MONTH_NAMES})\b(?!\s+\d)"
                    r"|recently|(?:days|weeks|months)\s+(?:after|before|earlier|later|ago))\b", re.IGNORECASE)


@dataclass(frozen=True)
class EventDate:
    day: date | None
    basis: DateBasis


# "KYIV/BEIJING, May 5 (Continental Wire) -": the day the story was filed, not an event's.
_DATELINE = re.compile(r"^\s*[A-Z][A-Z/ .,'-]{2,60},\s+[A-Z][a-z]+\.?\s+\d{1,2}(?:,\s+\d{4})?\s*(?:\([^)]{1,60}\))?\s*"
                       r"[-–—]+\s*")


def resolve_event_date(sentence: str, start: int, end: int, published: date | None) -> EventDate:
    """The date of the event whose trigger spans [start, end): the clause around it decides first
    ("diplomats said on Friday, ... his call with Zelensky last month": the call is last month's),
    then the sentence."""
    # (a dash sets off an aside like a comma: "picked up the phone yesterday — 14 months after the invasion")
    left = max(sentence.rfind(",", 0, start), sentence.rfind(";", 0, start), sentence.rfind(" — ", 0, start),
               sentence.rfind(" – ", 0, start)) + 1
    right = min((i for i in (sentence.find(",", end), sentence.find(";", end), sentence.find(" — ", end),
                             sentence.find(" – ", end)) if i >= 0), default=len(sentence))
    clause = sentence[left:right]
    if _VAGUE.search(clause):
        return EventDate(published, "published")
    found = resolve_date(clause, published)
    return found if found.basis != "published" else resolve_date(sentence, published)


def resolve_date(sentence: str, published: date | None) -> EventDate:
    sentence = _DATELINE.sub("", sentence)
    for pattern in _EXPLICIT:
        if match := pattern.search(sentence):
            day = _explicit(match, published)
            if day is not None:
                return EventDate(day, "stated")
    if published is not None:
        if match := _WEEKDAY.search(sentence):
            return EventDate(_last_weekday(published, _WEEKDAYS.index(match.group("weekday").lower())), "relative")
        if match := _RELATIVE_RE.search(sentence):
            return EventDate(published + timedelta(days=_RELATIVE[match.group(1).lower()]), "relative")
    return EventDate(published, "published")


def _explicit(match: re.Match[str], published: date | None) -> date | None:
    groups = match.groupdict()
    month = int(groups["monthnum"]) if groups.get("monthnum") else _MONTHS[groups["month"].lower().rstrip(".")]
    year = int(groups["year"]) if groups.get("year") else (published.year if published else None)
    if year is None:
        return None
    try:
        day = date(year, month, int(groups["day"]))
    except ValueError:
        return None
    # "December 30" in a piece published on 2 January is last year's.
    if not groups.get("year") and published is not None and day > published + timedelta(days=1):
        day = day.replace(year=year - 1)
    return day


def _last_weekday(published: date, weekday: int) -> date:
    """The most recent ``weekday`` on or before ``published`` (news reports the past)."""
    return published - timedelta(days=(published.weekday() - weekday) % 7)
