"""The typed records that travel between stages.

Every stage takes and returns these frozen dataclasses; third-party objects
(feedparser entries, trafilatura documents, httpx responses) are converted into
them by the adapter that calls the library and go no further. The warehouse
loads these records; flows only move them around.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

SourceKind = Literal["feed", "sitemap", "google_news", "gdelt", "warc"]
FetchPurpose = Literal["feed", "sitemap", "article", "robots"]
FetchOutcome = Literal["ok", "not_modified", "skipped", "failed"]
CoverageStatus = Literal["seed_copy", "syndicated", "original", "unrelated"]


@dataclass(frozen=True)
class Seed:
    """A parsed seed document: the story storywatch follows."""

    seed_id: str  # the file stem, e.g. "xi-zelensky-call"
    seed_date: date
    title: str
    text: str  # the body after the date line, headline included
    path: str
    word_count: int


@dataclass(frozen=True)
class ArchivedCopy:
    """Where a page already sits in a web archive (WARC): it is read from there, not fetched."""

    path: str  # the WARC file
    offset: int  # byte offset of the page's response record in that file
    crawled_at: datetime  # the record's WARC-Date, timezone-aware UTC


@dataclass(frozen=True)
class Candidate:
    """A URL that discovery thinks may be coverage of the seed."""

    url: str  # as found in the feed or sitemap
    canonical_url: str  # after URL normalisation; the identity used for dedupe
    source_url: str  # the feed or sitemap it came from
    source_kind: SourceKind
    title: str | None = None
    summary: str | None = None
    published_at: datetime | None = None  # timezone-aware UTC when known
    # The publisher's host a search engine names for the item (Google News
    # <source url>, GDELT domain), without "www."; None for feeds and sitemaps.
    source_site: str | None = None
    # The page's copy in a WARC file, for candidates read from one (source kind "warc").
    archived: ArchivedCopy | None = None


@dataclass(frozen=True)
class DiscoveryProblem:
    """Something wrong with a source that was still (partly) read."""

    source_url: str
    reason: str


@dataclass(frozen=True)
class FetchAttempt:
    """One HTTP attempt (a retry is another attempt); one row of fetch_log."""

    url: str
    final_url: str | None
    outcome: FetchOutcome
    reason: str | None
    http_status: int | None
    bytes: int
    elapsed_ms: int
    fetched_at: datetime
    attempt: int  # 1 for the first try, 2 for the first retry, ...
    purpose: FetchPurpose
    final: bool  # True on the attempt that decided the URL's fate


@dataclass(frozen=True)
class FetchResult:
    """The outcome of fetching one URL, all attempts included."""

    url: str
    purpose: FetchPurpose
    outcome: FetchOutcome
    reason: str | None
    final_url: str | None = None
    http_status: int | None = None
    content_type: str | None = None
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    attempts: tuple[FetchAttempt, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok" and self.body is not None


@dataclass(frozen=True)
class Article:
    """Text and metadata extracted from one fetched page."""

    article_id: str  # stable: derived from url
    url: str  # the article's identity: the discovered URL, or the same-site canonical it names
    final_url: str  # where the fetch ended after redirects
    canonical_url: str  # the page's own canonical link when it gives one
    outlet: str  # the publisher's host name without "www."
    outlet_name: str | None  # the site name the page declares
    title: str | None
    author: str | None
    published_at: datetime | None
    language: str | None
    text: str
    word_count: int
    content_hash: str  # sha256 of the normalised text: exact-duplicate identity
    # The URL discovery found and fetched, when the page named another URL of the
    # same site as its canonical (an AMP or mobile variant): ``url`` is then that one.
    discovered_url: str | None = None
    authors: tuple[str, ...] = ()  # names only: no "By", roles or outlets; ``author`` joins them
    modified_at: datetime | None = None  # when the page says it was last updated, if after publication


@dataclass(frozen=True)
class ExtractionFailure:
    """A page that was fetched but yielded no article."""

    url: str
    reason: str


@dataclass(frozen=True)
class Judgement:
    """How one article relates to the seed; one row of coverage."""

    seed_id: str
    article_id: str
    related: bool
    relevance: float
    similarity_to_seed: float
    containment_of_seed: float
    status: CoverageStatus
    cluster_id: str | None
    is_cluster_origin: bool


@dataclass(frozen=True)
class Discovery:
    """What discovery found: every candidate (not yet window-filtered), each source fetch and every problem."""

    candidates: tuple[Candidate, ...]
    source_results: tuple[FetchResult, ...]
    problems: tuple[DiscoveryProblem, ...]
    query: str | None = None  # the search query used, when there were search sources
