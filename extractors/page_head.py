"""A page's head, read cheaply: what a feed entry would say about it, from the page itself.

In: the bytes of an HTML page (e.g. a WARC record's body). Out: a :class:`PageHead`
with the title, a summary and the publication time the page declares, for the
pre-filter and the window filter to act on before the page is fully extracted.
Only the first :data:`HEAD_BYTES` are parsed: the ``<head>`` of a news page sits
well inside them, and a huge body costs no more than a small one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import lxml.html
from lxml import etree

from extractors.page_meta import read_published_at

# News pages put their <title> and meta tags in the first few KB; 64 KB leaves room
# for inline styles and scripts in the head.
HEAD_BYTES = 64 * 1024
# Longer titles and summaries are page furniture, not an entry's text.
_MAX_TITLE = 300
_MAX_SUMMARY = 1000


@dataclass(frozen=True)
class PageHead:
    title: str | None
    summary: str | None
    published_at: datetime | None  # timezone-aware UTC when the page states it


def read_page_head(body: bytes) -> PageHead:
    """Title (og:title, else <title>), summary (og:description, else meta description), publication time."""
    try:
        tree = lxml.html.document_fromstring(body[:HEAD_BYTES])
    except (etree.ParserError, ValueError):
        return PageHead(None, None, None)
    title_element = tree.find(".//title")
    title = _meta(tree, "og:title") or (title_element.text_content() if title_element is not None else None)
    summary = _meta(tree, "og:description") or _meta(tree, "description")
    published = read_published_at(tree)
    return PageHead(_clip(title, _MAX_TITLE), _clip(summary, _MAX_SUMMARY), published.value if published else None)


def _meta(tree: lxml.html.HtmlElement, key: str) -> str | None:
    for element in tree.iterfind(".//meta[@content]"):
        if key in ((element.get("property") or "").lower(), (element.get("name") or "").lower()):
            if value := (element.get("content") or "").strip():
                return value
    return None


def _clip(text: str | None, limit: int) -> str | None:
    text = " ".join((text or "").split())
    return text[:limit] or None
