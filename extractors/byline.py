"""Author names: bylines and structured-data authors cleaned into a list of people.

In: raw author strings as pages state them ("By Jane Doe and John Roe, CNN",
"Jane Doe | Staff Writer", "https://site/authors/jane-doe"). Out: a list of
names without "By", roles, outlets, e-mail addresses or URLs, duplicates
removed, order kept.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

# A name longer than this is a sentence that leaked into the byline.
MAX_NAME_WORDS = 6
MAX_AUTHORS = 12

_BY = re.compile(r"^\s*(?:written\s+|reported\s+|posted\s+|words\s+)?by\s*[:\-]?\s+", re.IGNORECASE)
_ROLE_WORDS = (
    r"staff|senior|chief|deputy|contributing|special|foreign|political|national|international|"
    r"business|technology|science|health|sports?|world|"
    r"writer|reporter|correspondent|editor|columnist|contributor|journalist|producer|analyst|"
    r"photographer|bureau|desk|news|team"
)
_ROLE = re.compile(rf"^(?:(?:{_ROLE_WORDS})\s*)+$", re.IGNORECASE)
_TRAILING_ROLE = re.compile(rf"\s*[,|–—\-]\s*(?:(?:an?|the)\s+)?(?:(?:{_ROLE_WORDS})\b\s*)+.*$", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|&|\|)\s*", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+")
_URL = re.compile(r"^https?://", re.IGNORECASE)
# A handle or a date after the name ("Jane Doe @janedoe Nov 18"): the name ends there.
_AFTER_NAME = re.compile(r"\s+(?:@\w|\S*\d).*$")
# "Text: Jane Doe", "Texte : Jean Dupont", "Photos: ...": a one- or two-word label before a colon.
_LABEL = re.compile(r"^[^\W\d_]+(?:\s[^\W\d_]+)?\s?:\s+")
_LETTER = re.compile(r"[^\W\d_]")
# "Jane Doe, CNN": a lone short all-capitals word after a name is the outlet or agency.
_OUTLET_ACRONYM = re.compile(r"^[A-Z]{2,5}$")


def clean_authors(raw: Iterable[str]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for value in raw:
        for name in _split(value):
            key = name.casefold()
            if key not in seen:
                seen.add(key)
                names.append(name)
    return names[:MAX_AUTHORS]


def author_from_url(url: str) -> str | None:
    """``https://site/authors/jane-doe/`` -> ``Jane Doe`` (sites put author pages in JSON-LD and meta tags)."""
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    words = [w for w in re.split(r"[-_+]", slug) if w.isalpha()]
    return " ".join(w.capitalize() for w in words) if 1 < len(words) <= MAX_NAME_WORDS else None


def _split(value: str) -> list[str]:
    text = " ".join(html.unescape(value or "").split())
    if not text or text.startswith("@"):  # a social handle, not a name
        return []
    if _URL.match(text):
        name = author_from_url(text)
        return [name] if name else []
    text = _EMAIL.sub("", _BY.sub("", text))
    text = _AFTER_NAME.sub("", text)
    text = _TRAILING_ROLE.sub("", text)
    out = []
    for part in _SEPARATORS.split(text):
        part = _LABEL.sub("", _BY.sub("", part)).strip(" .:-–—|·•")
        if not part or _ROLE.match(part) or not _LETTER.search(part) or part[0].islower():
            continue
        if len(part.split()) > MAX_NAME_WORDS or _OUTLET_ACRONYM.match(part):
            continue
        out.append(part)
    return out
