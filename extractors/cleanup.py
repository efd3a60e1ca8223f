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
from collections.abc import Iterable, Mapping, Sequence

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
    # The anchored prompt test fails on most lines within a few characters; counting words reads them whole.
    return bool(_PROMPT.match(line)) and _short(line, MAX_PROMPT_WORDS) and not _QUOTE.search(line)


def clean_paragraphs(paragraphs: Sequence[str], title: str | None) -> list[str]:
    """``paragraphs`` without the headline repeated and without furniture lines."""
    headline = _key(title or "")
    # A line repeating the headline holds each of its words: most lines lack the longest
    # one, and a substring test spares reading them in full.
    probe = max(headline.split(" "), key=len)
    kept: list[str] = []
    in_related_list = False
    for line in paragraphs:
        if in_related_list and _LIST_ITEM.match(line) and _short(line, MAX_PROMPT_WORDS):
            continue
        in_related_list = False
        if headline and probe in line.casefold() and _key(line) == headline:
            continue
        if is_furniture(line):
            in_related_list = bool(_RELATED_HEADING.match(line)) or line.rstrip().endswith(":")
            continue
        kept.append(line)
    return kept


class RepeatedKeys(set[str]):
    """The keys of one site's repeated lines, carrying the key of every line read to find
    them: :func:`drop_lines` then runs on the same paragraphs without reading each line a
    second time."""

    def __init__(self, keys: Iterable[str] = (), line_keys: Mapping[str, str] | None = None) -> None:
        super().__init__(keys)
        self.line_keys: Mapping[str, str] = line_keys or {}


def site_repeats(pages: Sequence[tuple[str, Sequence[str]]]) -> dict[int, set[str]]:
    """Per page index, the short lines (as keys) that it and other pages of its site carry.

    ``pages`` are (site, paragraphs). A line counts once per page; lines carrying a
    quotation are never counted (two stories of one outlet may quote the same words).
    """
    by_site: dict[str, list[int]] = defaultdict(list)
    for index, (site, _) in enumerate(pages):
        by_site[site].append(index)
    repeated: dict[int, set[str]] = {}
    # Each distinct line is read once: pages of one site repeat their template lines, and
    # a batch often holds several copies of one story.
    read: dict[str, tuple[str, bool, bool]] = {}
    line_keys: dict[str, str] = {}
    for indexes in by_site.values():
        if len(indexes) < MIN_REPEATS:
            continue
        lines = []
        for i in indexes:
            page = []
            for line in dict.fromkeys(pages[i][1]):  # a line counts once per page
                if (seen := read.get(line)) is None:
                    seen = read[line] = _read(line)
                    line_keys[line] = seen[0]
                page.append(seen)
            lines.append(page)
        groups = _story_groups([{key for key, short, _ in page if not short} for page in lines])
        if len(groups) < MIN_REPEATS:
            continue
        counts: Counter[str] = Counter()
        for group in groups:
            counts.update({key for j in group for key, short, unquoted in lines[j] if short and unquoted})
        common = RepeatedKeys((key for key, n in counts.items() if n >= MIN_REPEATS and key), line_keys)
        # A page carrying none of them is left out: the caller would only rebuild its text
        # to find it unchanged.
        for i, page in zip(indexes, lines, strict=True):
            if any(key in common for key, _, _ in page):
                repeated[i] = common
    return repeated


def _read(line: str) -> tuple[str, bool, bool]:
    """A line's key, whether it is short enough to be template, and whether it carries no
    quotation (only asked of short lines: a long one is never counted)."""
    words = _WORDS.findall(line.casefold())
    short = len(words) <= MAX_REPEATED_WORDS
    return " ".join(words), short, short and not _QUOTE.search(line)


def _story_groups(stories: Sequence[set[str]]) -> list[list[int]]:
    """Pages (as the keys of their long lines) grouped when they tell the same story (half
    their long lines shared): an AMP and a main page, or two updates of one report, count
    once, or every line would repeat."""
    groups: list[list[int]] = []
    # Only groups sharing a line can take a page: finding them by line, rather than
    # comparing with every group, keeps a batch of distinct stories from costing pages².
    groups_with: dict[str, list[int]] = defaultdict(list)
    for i, story in enumerate(stories):
        shared = Counter(g for key in story for g in groups_with.get(key, ()))
        for g in sorted(shared):  # the first group that fits, as if each were tried in turn
            if shared[g] >= 0.5 * min(len(story), len(stories[groups[g][0]])):
                groups[g].append(i)
                break
        else:
            for key in story:
                groups_with[key].append(len(groups))
            groups.append([i])
    return groups


def drop_lines(paragraphs: Sequence[str], keys: set[str]) -> list[str]:
    line_keys = keys.line_keys if isinstance(keys, RepeatedKeys) else {}
    return [p for p in paragraphs if (line_keys[p] if p in line_keys else _key(p)) not in keys]
