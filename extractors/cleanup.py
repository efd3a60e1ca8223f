"""Cleaning extracted article text: the lines a news page wraps around its story.

In: the paragraphs trafilatura kept for one page (and its title), or the texts of
a batch of pages. Out: the same paragraphs without the furniture readers skip:

* the headline repeated as a paragraph (the title is stored on its own);
* prompts: "Read more: ...", "Related: ...", "Also on ...", "SEE MORE:", "DON'T
  MISS", "Like this story? Share it", "Follow us on ...", "Sign up for our
  newsletter", "Click here ...", with the link list under a "Related" heading;
* teaser links tagged like ``[VIDEO]`` or ``[PICTURES]``, leaked CMS shortcodes
  (``[button ...]...[/button]``) and comment-count stubs;
* short lines that several pages of the same site in one batch all carry (a
  subscription box, a "Tell us what you think" footer), found by counting, not
  by knowing the site.

Every rule is about the line's form, never a site or a page: the extraction
benchmark has a held-back half scored the same way. Rules only touch short lines,
and a line carrying a quotation is never dropped, because quotes are what later
stages read.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

# A prompt is a short line; a paragraph that happens to start with "Related" is not.
MAX_PROMPT_WORDS = 30
# Lines repeated across pages of one site are dropped only when this short: wire
# stories updated through the day share background paragraphs, which run longer.
MAX_REPEATED_WORDS = 25
# Two pages of one site carrying the same short line is already template, not story.
MIN_REPEATS = 2

_PROMPT = re.compile(
    r"""^\W*(?:
        read\s+(?:more|also|next|the\s+full)|also\s+read|see\s+(?:more|also)|more\s+on\s+this|
        related(?:\s+(?:articles?|stories|coverage|content|links?|reading))?|recommended|most\s+(?:read|popular)|
        also\s+on\b|don['’]t\s+miss|must\s+read|watch(?:\s+now)?:|
        (?:sign\s+up|subscribe)\b|follow\s+(?:us|\S+(?:\s+\S+)?\s+on)\b|like\s+this\s+(?:story|article)|
        share\s+(?:this|on)\b|click\s+here|listen\s+to\s+\S+(?:\s+\S+)?\s+live|
        tell\s+us\s+what\s+you\s+think|join\s+the\s+(?:conversation|discussion)|
        (?:get|download)\s+(?:our|the)\s+\S+\s+app
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_RELATED_HEADING = re.compile(r"^\W*(?:related|see\s+also|more\s+on\s+this|read\s+more)\W*\w*\W*$", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[-•*–]\s|\d+[.)]\s)")
_TEASER_TAG = re.compile(r"\[(?:video|pictures?|photos?|gallery|insight|reveal|latest|poll|live|watch|listen)\]\W*$",
                         re.IGNORECASE)
_SHORTCODE = re.compile(r"^\[([a-z_]+)\b[^\]]*\].*\[/\1\]$", re.IGNORECASE)
_COMMENT_STUB = re.compile(r"^\W*(?:\d+\s+)?comments?\W*$|^\W*(?:show|view|load|hide)\s+comments?\W*$", re.IGNORECASE)
_QUOTE = re.compile(r"[\"“”«»„]|(?:^|\s)['‘][^'’]{12,}['’]")
_WORDS = re.compile(r"\w+")


def _key(text: str) -> str:
    return " ".join(_WORDS.findall(text.casefold()))


def _short(line: str, limit: int) -> bool:
    return len(_WORDS.findall(line)) <= limit


def is_furniture(line: str) -> bool:
    """Whether one paragraph is page furniture by its form alone."""
    if _SHORTCODE.match(line) or _COMMENT_STUB.match(line) or _TEASER_TAG.search(line):
        return True
    return _short(line, MAX_PROMPT_WORDS) and bool(_PROMPT.match(line)) and not _QUOTE.search(line)


def clean_paragraphs(paragraphs: Sequence[str], title: str | None) -> list[str]:
    """``paragraphs`` without the headline repeated and without furniture lines."""
    headline = _key(title or "")
    kept: list[str] = []
    in_related_list = False
    for line in paragraphs:
        if in_related_list and _LIST_ITEM.match(line) and _short(line, MAX_PROMPT_WORDS):
            continue
        in_related_list = False
        if headline and _key(line) == headline:
            continue
        if is_furniture(line):
            in_related_list = bool(_RELATED_HEADING.match(line)) or line.rstrip().endswith(":")
            continue
        kept.append(line)
    return kept


def site_repeats(pages: Sequence[tuple[str, Sequence[str]]]) -> dict[int, set[str]]:
    """Per page index, the short lines (as keys) that other pages of its site also carry.

    ``pages`` are (site, paragraphs). A line counts once per page; lines carrying a
    quotation are never counted (two stories of one outlet may quote the same words).
    """
    by_site: dict[str, list[int]] = defaultdict(list)
    for index, (site, _) in enumerate(pages):
        by_site[site].append(index)
    repeated: dict[int, set[str]] = {}
    for indexes in by_site.values():
        if len(indexes) < MIN_REPEATS:
            continue
        # Each line is read once: its key, and whether it is short and unquoted.
        lines = [[_read(p) for p in pages[i][1]] for i in indexes]
        groups = _story_groups([{key for key, short, _ in page if not short} for page in lines])
        if len(groups) < MIN_REPEATS:
            continue
        counts: Counter[str] = Counter()
        for group in groups:
            counts.update({key for j in group for key, short, unquoted in lines[j] if short and unquoted})
        common = {key for key, n in counts.items() if n >= MIN_REPEATS and key}
        if common:
            for i in indexes:
                repeated[i] = common
    return repeated


def _read(line: str) -> tuple[str, bool, bool]:
    """A line's key, whether it is short enough to be template, and whether it carries no quotation."""
    words = _WORDS.findall(line.casefold())
    return " ".join(words), len(words) <= MAX_REPEATED_WORDS, not _QUOTE.search(line)


def _story_groups(stories: Sequence[set[str]]) -> list[list[int]]:
    """Pages (as the keys of their long lines) grouped when they tell the same story (half
    their long lines shared): an AMP and a main page, or two updates of one report, count
    once, or every line would repeat."""
    groups: list[list[int]] = []
    for i, story in enumerate(stories):
        for group in groups:
            other = stories[group[0]]
            if story and other and len(story & other) >= 0.5 * min(len(story), len(other)):
                group.append(i)
                break
        else:
            groups.append([i])
    return groups


def drop_lines(paragraphs: Sequence[str], keys: set[str]) -> list[str]:
    return [p for p in paragraphs if _key(p) not in keys]
