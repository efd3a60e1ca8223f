"""Sitemap parsing: the bytes of one XML sitemap in, candidate URLs and child sitemaps out.

In: a fetched body (plain or gzip-compressed) and the URL it came from. Out: a
:class:`SitemapPage` holding a ``<urlset>``'s pages as candidates (Google News
``news:publication_date`` and ``news:title`` when present, else ``lastmod``),
a ``<sitemapindex>``'s children as canonical http(s) URLs, and the problems met.

lxml parses with entity substitution, network access and huge-document mode
off, so neither an entity bomb nor an external entity can expand or fetch
anything; a document that declares entities is then refused outright, since no
real sitemap needs them. Malformed XML is recovered as far as it goes. Elements
are matched by local name, because many sitemaps get their namespaces wrong.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from urllib.parse import urljoin

from lxml import etree

from extractors.records import Candidate, DiscoveryProblem
from extractors.urls import canonicalize_url
from extractors.window import parse_timestamp

# The sitemap protocol's own limits: 50,000 URLs and 50 MB (52,428,800 bytes)
# uncompressed per file. Anything bigger breaks the protocol, and the byte cap
# is what stops a gzip bomb from inflating in memory.
MAX_SITEMAP_URLS = 50_000
MAX_SITEMAP_BYTES = 52_428_800
# Google News limits news:title to a headline; anything far longer is not one.
MAX_TITLE_CHARS = 500

_GZIP_MAGIC = b"\x1f\x8b"
_FEED_ROOTS = frozenset({"rss", "feed", "RDF"})


@dataclass(frozen=True)
class SitemapPage:
    candidates: tuple[Candidate, ...]
    child_sitemaps: tuple[str, ...]
    problems: tuple[DiscoveryProblem, ...]


def parse_sitemap(body: bytes, source_url: str) -> SitemapPage:
    """The pages or child sitemaps one sitemap document lists, and the problems met reading it."""
    if body.startswith(_GZIP_MAGIC):
        body, trouble = _gunzip(body)
        if body is None:
            return _failed(source_url, trouble)
        problems = [DiscoveryProblem(source_url, trouble)] if trouble else []
    else:
        problems = []
    if len(body) > MAX_SITEMAP_BYTES:
        return _failed(source_url, f"refused: sitemap is {len(body)} bytes, over the protocol's 50 MB")
    if not body.strip():
        return _failed(source_url, "not a sitemap: empty body")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:  # raised even in recover mode when nothing at all parses
        return _failed(source_url, f"not a sitemap: {exc.msg}")
    if root is None:
        return _failed(source_url, "not a sitemap: no XML element found")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and next(iter(dtd.iterentities()), None) is not None:
        return _failed(source_url, "refused: sitemap declares XML entities")
    kind = etree.QName(root).localname
    errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    if kind == "urlset":
        candidates, dropped, unusable = _pages(root, source_url)
        children: tuple[str, ...] = ()
        found, what = len(candidates), "URLs"
    elif kind == "sitemapindex":
        children, dropped, unusable = _children(root, source_url)
        candidates = ()
        found, what = len(children), "sitemaps"
    else:
        hint = " (a feed? list it with kind = \"feed\")" if kind in _FEED_ROOTS else ""
        return _failed(source_url, f"not a sitemap: root element is <{kind}>, not <urlset> or <sitemapindex>{hint}")
    if errors:
        first = errors[0]
        problems.append(DiscoveryProblem(
            source_url, f"malformed sitemap: {first.message.strip()} at line {first.line}; salvaged {found} {what}"
        ))
    if dropped:
        problems.append(DiscoveryProblem(
            source_url, f"sitemap lists more than {MAX_SITEMAP_URLS} entries; dropped {dropped}"
        ))
    if unusable:
        noun = "entry" if unusable == 1 else "entries"
        problems.append(DiscoveryProblem(source_url, f"{unusable} sitemap {noun} without a usable http(s) loc dropped"))
    return SitemapPage(candidates=candidates, child_sitemaps=children, problems=tuple(problems))


def _pages(root: etree._Element, source_url: str) -> tuple[tuple[Candidate, ...], int, int]:
    candidates: list[Candidate] = []
    entries = root.iter("{*}url")
    unusable = 0
    for entry in islice(entries, MAX_SITEMAP_URLS):
        loc = _child_text(entry, "loc")
        canonical = canonicalize_url(loc or "", source_url)
        if canonical is None:
            unusable += 1
            continue
        news = _child(entry, "news")
        title = _child_text(news, "title") if news is not None else None
        published = parse_timestamp(_child_text(news, "publication_date")) if news is not None else None
        candidates.append(Candidate(
            url=urljoin(source_url, loc or ""),
            canonical_url=canonical,
            source_url=source_url,
            source_kind="sitemap",
            title=_headline(title),
            published_at=published or parse_timestamp(_child_text(entry, "lastmod")),
        ))
    return tuple(candidates), _count(entries), unusable


def _children(root: etree._Element, source_url: str) -> tuple[tuple[str, ...], int, int]:
    children: dict[str, None] = {}  # ordered and without repeats
    entries = root.iter("{*}sitemap")
    unusable = 0
    for entry in islice(entries, MAX_SITEMAP_URLS):
        canonical = canonicalize_url(_child_text(entry, "loc") or "", source_url)
        if canonical is None:
            unusable += 1
        else:
            children[canonical] = None
    return tuple(children), _count(entries), unusable


def _gunzip(body: bytes) -> tuple[bytes | None, str | None]:
    """The inflated body (None if unusable) and a problem to report, if any."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, MAX_SITEMAP_BYTES + 1)
    except zlib.error as exc:
        return None, f"not a sitemap: corrupt gzip ({exc})"
    if len(data) > MAX_SITEMAP_BYTES:
        return None, "refused: gzip sitemap inflates past the protocol's 50 MB"
    if not inflater.eof:
        return data, "truncated gzip sitemap; read what arrived"
    return data, None


def _child(element: etree._Element, name: str) -> etree._Element | None:
    return next(element.iterchildren(f"{{*}}{name}"), None)


def _child_text(element: etree._Element, name: str) -> str | None:
    child = _child(element, name)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def _headline(title: str | None) -> str | None:
    if not title:
        return None
    text = " ".join(title.split())
    return text[:MAX_TITLE_CHARS] or None


def _count(rest: Iterator[object]) -> int:
    return sum(1 for _ in rest)


def _failed(source_url: str, reason: str) -> SitemapPage:
    return SitemapPage(candidates=(), child_sitemaps=(), problems=(DiscoveryProblem(source_url, reason),))
