"""Article extraction: a fetched page's bytes in, an :class:`Article` or an :class:`ExtractionFailure` out.

In: the body of one page, the URL discovery found for it (already canonicalised,
the article's identity), where the fetch ended, and the feed or sitemap date if
any. Out: the main text with its metadata, or a failure with a one-line reason
(``not HTML: image/png``, ``no article text found``, ``text too short: 12 words``).

One page goes through these steps:
1. refuse what is not HTML (declared type, magic numbers, no markup at all);
2. decode: byte-order mark, then strict UTF-8, then the declared charset (HTTP
   header, then ``<meta charset>``), then charset detection; never raises;
3. parse once with lxml; read title, authors, site name, canonical link, language
   and publication time from the markup (:mod:`extractors.page_meta`), then hand the
   tree to trafilatura for the text (fast precision mode, no comments, no
   cross-document deduplication; its full mode only when the fast pass comes back
   empty or short).

:func:`extract_articles` does a batch on every core in spawned processes
(:mod:`extractors.workers`); a page that kills its worker becomes a failure for
that page alone.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta

from charset_normalizer import from_bytes
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.utils import LANGID_FLAG, language_classifier

from extractors.cleanup import clean_paragraphs, drop_lines, site_repeats
from extractors.html_parse import drop_code, parse_html
from extractors.json_ld import read_json_ld
from extractors.page_meta import (
    PageTime,
    normalize_language,
    parse_page_time,
    read_authors,
    read_canonical_url,
    read_language,
    read_meta_tags,
    read_modified_at,
    read_published_at,
    read_site_name,
    read_title,
)
from extractors.prune_paths import accelerated
from extractors.records import Article, ExtractionFailure
from extractors.urls import article_identity, url_host
from extractors.workers import INLINE_BELOW, pool_workers, run_in_processes

__all__ = ["MIN_ARTICLE_WORDS", "PageInput", "decode_html", "extract_article", "extract_articles", "extract_page"]

LOGGER = logging.getLogger(__name__)

# Fewer words than this is a teaser, a video caption, a consent wall or an index
# page, not an article: the shortest real article in the extraction benchmark has
# 69 words (a paywalled WSJ teaser) and wire briefs run 80-150, while 50 words is
# too little text for the judge's 5-word shingles to say anything reliable.
MIN_ARTICLE_WORDS = 50
# A page time without an offset is local time somewhere; UTC offsets span -12 h
# to +14 h, so a feed timestamp within 14 h of it is the same moment stated exactly.
LOCAL_TIME_SLACK = timedelta(hours=14)
# htmldate output with time and offset (its default gives the day only).
_HTMLDATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Types servers wrongly send HTML under: look at the bytes before refusing.
_SNIFF_TYPES = frozenset({"", "text/plain", "application/octet-stream", "binary/octet-stream", "text/xml",
                          "application/xml", "application/x-unknown", "unknown/unknown"})
_MAGIC = (
    (b"%PDF-", "application/pdf"), (b"\x89PNG", "image/png"), (b"GIF8", "image/gif"), (b"\xff\xd8\xff", "image/jpeg"),
    (b"RIFF", "RIFF media"), (b"PK\x03\x04", "application/zip"), (b"\x1f\x8b", "application/gzip"),
    (b"ID3", "audio/mpeg"), (b"OggS", "audio/ogg"), (b"\x00\x00\x01\x00", "image/x-icon"), (b"wOFF", "font/woff"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_MARKUP = re.compile(r"<\s*(?:html|head|body|title|meta|div|p|article|main|section|span|a)\b", re.IGNORECASE)
_FEED = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF|urlset|sitemapindex)\b", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\ufffd]")
# A word is a run of letters or digits; Chinese and Japanese, written without
# spaces, count one word per character (roughly a word's worth of meaning).
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")



@dataclass(frozen=True)
class PageInput:
    """One fetched page to extract."""

    url: str  # canonical URL that discovery found (the identity unless the page names a same-site canonical)
    final_url: str  # where the fetch ended
    body: bytes
    content_type: str | None
    fallback_published_at: datetime | None  # the feed/sitemap date, if any


def extract_article(
    html: bytes | str,
    url: str,
    final_url: str | None = None,
    fallback_published_at: datetime | None = None,
    *,
    content_type: str | None = None,
) -> Article | ExtractionFailure:
    """Extract one page; every problem, even a bug in a library, comes back as a failure."""
    try:
        return _extract(html, url, final_url or url, fallback_published_at, content_type)
    except Exception as exc:  # a library bug on one odd page must not stop the batch
        LOGGER.exception("extraction failed on %s", url)
        return ExtractionFailure(url=url, reason=f"extraction error: {type(exc).__name__}: {exc}"[:300])


def extract_articles(pages: Sequence[PageInput], workers: int | None = None) -> list[Article | ExtractionFailure]:
    """Extract every page, in spawned worker processes when the batch is big enough; results keep input order."""
    pages = list(pages)
    workers = max(1, min(workers or os.cpu_count() or 1, len(pages)))
    if len(pages) < INLINE_BELOW or (workers == 1 and pool_workers() is None):
        return drop_site_boilerplate([extract_page(page) for page in pages])
    outcomes = run_in_processes(extract_page, pages, workers)
    return drop_site_boilerplate([
        out if isinstance(out, Article | ExtractionFailure)
        else ExtractionFailure(url=page.url, reason=f"extraction worker failed: {type(out).__name__}")
        for page, out in zip(pages, outcomes, strict=True)
    ])


def extract_page(page: PageInput) -> Article | ExtractionFailure:
    """:func:`extract_article` on a :class:`PageInput` (the function each worker runs)."""
    return extract_article(page.body, page.url, page.final_url, page.fallback_published_at,
                           content_type=page.content_type)


def _extract(
    html: bytes | str, url: str, final_url: str, fallback: datetime | None, content_type: str | None
) -> Article | ExtractionFailure:
    if not html:
        return ExtractionFailure(url=url, reason="empty body")
    if isinstance(html, bytes) and (reason := not_html_reason(html, content_type)):
        return ExtractionFailure(url=url, reason=reason)
    text, utf8 = (html, None) if isinstance(html, str) else _decode(html, content_type)
    head = text[:2000]
    if _FEED.match(text[:4000]):
        return ExtractionFailure(url=url, reason="not HTML: an XML feed or sitemap")
    if len(_CONTROL.findall(head)) > 0.05 * len(head):
        return ExtractionFailure(url=url, reason="not HTML: binary data")
    if not _MARKUP.search(text[:200_000]):
        return ExtractionFailure(url=url, reason="not HTML: no markup")
    tree = parse_html(text, utf8)
    if tree is None:
        return ExtractionFailure(url=url, reason="not HTML: unparseable")

    # Metadata first: trafilatura prunes the tree it is given.
    meta = read_page_meta(tree, final_url, dated_elsewhere=fallback is not None)
    body = _main_text(tree, final_url, meta.title, fast=True)
    words = _word_count(body)
    if words < MIN_ARTICLE_WORDS and (full_tree := parse_html(text, utf8)) is not None:
        # Fast mode skips trafilatura's second opinion (readability, jusText), which
        # costs about a third of its CPU and changes the text of one benchmark page in
        # 88, always by finding text where the fast pass found none; so only a page
        # that comes back empty or short pays for it (benchmarks/extraction.py).
        body = _main_text(full_tree, final_url, meta.title, fast=False)
        words = _word_count(body)
    if not body:
        return ExtractionFailure(url=url, reason="no article text found")
    if words < MIN_ARTICLE_WORDS:
        return ExtractionFailure(url=url, reason=f"text too short: {words} words")

    language = meta.language
    if language is None and LANGID_FLAG:  # detection needs py3langid, an optional trafilatura extra
        language = normalize_language(language_classifier(body, ""))
    identity = article_identity(url, meta.canonical_url, final_url)
    published_at = _published_at(meta.published, meta.htmldate, fallback)
    return Article(
        article_id=hashlib.sha1(identity.encode("utf-8")).hexdigest()[:16],
        url=identity,
        final_url=final_url,
        canonical_url=meta.canonical_url or url,
        outlet=_outlet(final_url, url),
        outlet_name=_declared_name(meta.site_name, final_url, url),
        title=meta.title,
        author=", ".join(meta.authors) or None,
        published_at=published_at,
        language=language,
        text=body,
        word_count=words,
        content_hash=_content_hash(body),
        discovered_url=url if identity != url else None,
        authors=tuple(meta.authors),
        modified_at=_modified_at(meta.modified, published_at),
    )


def _main_text(tree: HtmlElement, url: str, title: str | None, *, fast: bool) -> str:
    with accelerated():  # trafilatura's pruning XPaths answered in Python (extractors/prune_paths.py)
        document = bare_extraction(
            drop_code(tree),
            url=url,
            fast=fast,
            favor_precision=True,  # best F1 on the benchmark (see benchmarks/extraction.py)
            include_comments=False,
            include_tables=True,  # tables of results and figures are often the story
            deduplicate=False,  # trafilatura's dedup cache is process-wide: results would depend on batch order
            with_metadata=False,  # read from the markup by page_meta instead, at a fraction of the cost
        )
    return "\n\n".join(clean_paragraphs(_lines(document.text or ""), title)) if document is not None else ""


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


@dataclass(frozen=True)
class _PageMeta:
    title: str | None
    authors: list[str]
    site_name: str | None
    canonical_url: str | None
    language: str | None
    published: PageTime | None
    htmldate: PageTime | None  # htmldate's reading, asked only when the markup gives no exact time
    modified: datetime | None


def read_page_meta(tree: HtmlElement, url: str, *, dated_elsewhere: bool = False) -> _PageMeta:
    """``dated_elsewhere``: the feed or sitemap gave a time, so a page without one in its
    markup falls back on it and htmldate need not search the text."""
    data, tags = read_json_ld(tree), read_meta_tags(tree)
    published = read_published_at(tree, data=data)
    htmldate = None
    if published is None or published.precision != "exact":
        # The text search hands date-like strings to dateparser, whose first calls in a
        # process compile its locale tables: about 3.5 s of CPU per extraction worker,
        # spent to date a page the feed has usually dated already.
        htmldate = _htmldate_time(find_date(tree, url=url, original_date=True, extensive_search=not dated_elsewhere,
                                            outputformat=_HTMLDATE_FORMAT, deferred_url_extractor=True))
    return _PageMeta(
        title=read_title(tree, data, tags), authors=read_authors(tree, data, tags),
        site_name=read_site_name(data, tags), canonical_url=read_canonical_url(tree, url),
        language=read_language(tree), published=published, htmldate=htmldate,
        modified=read_modified_at(tree, data, tags),
    )


def _modified_at(modified: datetime | None, published: datetime | None) -> datetime | None:
    """The update time, unless it is not after publication (a "modified" equal to published means never)."""
    if modified is None or (published is not None and modified <= published):
        return None
    return modified


def not_html_reason(body: bytes, content_type: str | None) -> str | None:
    """Why these bytes are not an HTML page, or None when they may be one."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime and mime not in _HTML_TYPES and mime not in _SNIFF_TYPES:
        return f"not HTML: {mime}"
    start = body.lstrip()[:16]
    for magic, kind in _MAGIC:
        if start.startswith(magic):
            return f"not HTML: {kind}"
    return None


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode page bytes: BOM, strict UTF-8, declared charset, detection, then lossy UTF-8."""
    return _decode(body, content_type)[0]


def _decode(body: bytes, content_type: str | None) -> tuple[str, bytes | None]:
    """The text, and the bytes it is the strict UTF-8 decoding of, if it is (for :func:`parse_html`)."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace"), None
    try:
        return body.decode("utf-8"), body
    except UnicodeDecodeError:
        pass  # not UTF-8 whatever the page says: try what it declares
    in_page = (_XML_ENCODING.search(body[:1024]), _META_CHARSET.search(body[:4096]))
    declared = [m.group(1).decode("ascii") for m in in_page if m]
    if content_type and (m := _HEADER_CHARSET.search(content_type)):
        declared.insert(0, m.group(1))
    for name in declared:
        if (encoding := _known_encoding(name)) is not None:
            try:
                return body.decode(encoding), None
            except UnicodeDecodeError:
                continue
    try:
        guess = from_bytes(body[:65536]).best()
    except Exception:  # detection is a best effort; lossy UTF-8 below always works
        guess = None
    if guess is not None and (encoding := _known_encoding(guess.encoding)) is not None:
        return body.decode(encoding, errors="replace"), None
    return body.decode("utf-8", errors="replace"), None


def _known_encoding(name: str | None) -> str | None:
    """A Python codec for a declared charset; Latin-1 and ASCII labels mean windows-1252, as browsers read them."""
    try:
        codec = codecs.lookup(name or "").name
    except LookupError:
        return None
    if codec in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return None if codec.startswith("utf-16") or codec.startswith("utf-32") else codec


def _lines(text: str) -> list[str]:
    """One paragraph per non-blank line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.casefold().split()).encode("utf-8")).hexdigest()


def drop_site_boilerplate(results: list[Article | ExtractionFailure]) -> list[Article | ExtractionFailure]:
    """Short lines that several pages of one site in the batch all carry, removed from each
    (see :mod:`extractors.cleanup`); a page left too short keeps its text."""
    articles = [(i, r) for i, r in enumerate(results) if isinstance(r, Article)]
    repeated = site_repeats([(_outlet(a.final_url, a.url), a.text.split("\n\n")) for _, a in articles])
    out = list(results)
    for position, keys in repeated.items():
        index, article = articles[position]
        text = "\n\n".join(drop_lines(article.text.split("\n\n"), keys))
        words = len(_WORD.findall(text))
        if text != article.text and words >= MIN_ARTICLE_WORDS:
            out[index] = replace(article, text=text, word_count=words, content_hash=_content_hash(text))
    return out


def _outlet(*urls: str) -> str:
    """The first of ``urls`` that has a host gives the outlet."""
    return next((host for host in map(url_host, urls) if host), "")


def _declared_name(sitename: str | None, *urls: str) -> str | None:
    """trafilatura's site name, unless it is only the host name it falls back to when the page declares none."""
    if not sitename or sitename.lower().removeprefix("www.") in {_outlet(u) for u in urls}:
        return None
    return sitename


def _htmldate_time(value: str | None) -> PageTime | None:
    """htmldate's answer; a naive midnight is how it writes a bare day."""
    found = parse_page_time(value)
    if found is not None and found.precision == "local" and found.value.time() == time(0):
        return PageTime(value=found.value, precision="day")
    return found


def _published_at(markup: PageTime | None, htmldate: PageTime | None, fallback: datetime | None) -> datetime | None:
    """The page's own time when it is exact; the feed's when the page only agrees with it less precisely."""
    if fallback is not None:
        fallback = fallback.replace(tzinfo=UTC) if fallback.tzinfo is None else fallback.astimezone(UTC)
    rank = {"exact": 0, "local": 1, "day": 2}
    candidates = [t for t in (markup, htmldate) if t is not None]
    if not candidates:
        return fallback
    page = min(candidates, key=lambda t: rank[t.precision])  # min is stable: markup wins a tie
    if fallback is not None:
        if page.precision == "day" and page.value.date() == fallback.date():
            return fallback
        if page.precision == "local" and abs(page.value - fallback) <= LOCAL_TIME_SLACK:
            return fallback
    return page.value
