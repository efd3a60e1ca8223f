"""Seed parsing: a seed file's bytes become a :class:`Seed`, or a one-line error.

In: ``seeds/NAME.txt`` whose first line is ``date YYYY-MM-DD``. Out: a Seed whose
id is the file stem. Anything wrong (missing file, not UTF-8, no date line, an
impossible date, no body) raises :class:`SeedError` with a message that names
the file and the problem, so the command line can stop before any network work.

Real seeds are pasted by people: the date line may carry leading blanks or a
byte-order mark, and the lede sometimes ends up on the date line itself; both
are accepted, the text after the date becoming the first line of the body.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from extractors.records import Seed

_DATE_LINE = re.compile(r"^\s*date\s+(\S+)\s*(.*)$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WORD = re.compile(r"\w+", re.UNICODE)
# A seed shorter than this is a headline, not an article to compare coverage with.
MIN_SEED_WORDS = 20


class SeedError(ValueError):
    """The seed cannot be used; the message is one line naming the file."""


def load_seed(path: Path) -> Seed:
    """Read and validate one seed file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SeedError(f"{path}: seed file not found") from None
    except IsADirectoryError:
        raise SeedError(f"{path}: is a directory, not a seed file") from None
    except OSError as exc:
        raise SeedError(f"{path}: cannot read seed file ({exc.strerror})") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SeedError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None
    return parse_seed(content, path)


def parse_seed(content: str, path: Path) -> Seed:
    lines = content.splitlines()
    if not lines or not lines[0].strip():
        raise SeedError(f"{path}: first line must be 'date YYYY-MM-DD', found an empty line")
    match = _DATE_LINE.match(lines[0])
    if match is None:
        raise SeedError(f"{path}: first line must be 'date YYYY-MM-DD', found {lines[0][:60]!r}")
    date_text, rest = match.groups()
    if not _ISO_DATE.match(date_text):
        raise SeedError(f"{path}: date {date_text!r} is not in YYYY-MM-DD form")
    try:
        seed_date = date.fromisoformat(date_text)
    except ValueError as exc:
        raise SeedError(f"{path}: impossible date {date_text!r} ({exc})") from None
    body_lines = ([rest] if rest.strip() else []) + lines[1:]
    text = "\n".join(line.rstrip() for line in body_lines).strip()
    words = len(_WORD.findall(text))
    if words == 0:
        raise SeedError(f"{path}: the seed has a date line but no article text")
    if words < MIN_SEED_WORDS:
        raise SeedError(f"{path}: the article has {words} words; a seed needs at least {MIN_SEED_WORDS}")
    title = _title(text)
    return Seed(
        seed_id=path.stem,
        seed_date=seed_date,
        title=title,
        text=text,
        path=str(path),
        word_count=words,
    )


def _title(text: str) -> str:
    """The first non-empty line, cut at its first sentence when it is a long lede."""
    first = next(line.strip() for line in text.splitlines() if line.strip())
    if len(first) <= 160:
        return first
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    return sentence if len(sentence) <= 200 else first[:157].rstrip() + "..."
