"""Web archives (WARC): record fetches into one, replay fetches from one, read pages out of one.

Three uses of one file format, all through warcio:

- :class:`WarcRecorder` appends a ``response`` record for every HTTP response
  the fetcher receives (redirect hops and 304s included) to a ``.warc.gz``,
  each record its own gzip member, so several fetches of one run append to one
  valid file. Bodies are stored as the fetcher decoded them: no
  Content-Encoding, Content-Length the stored length.
- :class:`ReplayArchive` indexes such a file once (URL -> the latest usable
  response) and :class:`ReplayTransport` answers an httpx client from it, never
  touching the network: the recorded response, a 304 when the request's
  validators match, or :class:`NotInArchive`.
- :func:`read_warc_candidates` turns the HTML pages of any WARC (Common Crawl's
  CC-NEWS, or one recorded here) into candidates whose title, summary and date
  come from the page head, and :func:`read_archived` reads one such page back
  by its record offset, for the fetcher.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

import httpx
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extractors.page_head import HEAD_BYTES, read_page_head
from extractors.records import ArchivedCopy, Candidate, DiscoveryProblem
from extractors.urls import canonicalize_url

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
# Headers that describe the bytes on the wire, not the decoded body the archive keeps.
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}
# What a damaged or foreign file raises while warcio reads it.
_READ_ERRORS = (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError)


class NotInArchive(Exception):
    """A replayed fetch asked for a URL the archive has no response for."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- recording -----------------------------------------------------------------------------------


class WarcRecorder:
    """Appends the responses of one fetch_all call to a WARC file; open with :meth:`open`."""

    def __init__(self, writer: WARCWriter) -> None:
        self._writer = writer

    @classmethod
    @contextmanager
    def open(cls, path: str | Path) -> Iterator[WarcRecorder]:
        file = Path(path)
        new = not file.exists() or file.stat().st_size == 0
        with file.open("ab") as stream:
            recorder = cls(WARCWriter(stream, gzip=True))
            if new:
                info = {"software": "storywatch", "format": "WARC File Format 1.0"}
                recorder._writer.write_record(recorder._writer.create_warcinfo_record(file.name, info))
            yield recorder

    def write_response(self, url: str, response: httpx.Response, body: bytes | None,
                       location: str | None = None) -> None:
        """One ``response`` record: ``url`` as requested, the status and headers, ``body`` decoded.

        ``body`` None means the body was not read (a redirect, a 304, an error status),
        and is stored empty; for a 2xx it means the body was refused (over the size
        cap): nothing is recorded, since replaying an empty page would be a lie.
        ``location`` puts back a redirect's Location the fetcher moved aside.
        """
        if body is None and response.is_success:
            return
        data = body or b""
        headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _WIRE_HEADERS]
        if location is not None and "location" not in response.headers:
            headers.append(("Location", location))
        headers.append(("Content-Length", str(len(data))))
        status = StatusAndHeaders(f"{response.status_code} {response.reason_phrase}".strip(), headers,
                                  protocol=response.http_version or "HTTP/1.1")
        record = self._writer.create_warc_record(url, "response", payload=BytesIO(data), length=len(data),
                                                 http_headers=status)
        self._writer.write_record(record)


# -- replaying -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    offset: int
    status: int
    etag: str | None
    last_modified: str | None


def _usable(status: int) -> bool:
    """A full answer (2xx, or a redirect) rather than a 304 or an error."""
    return 200 <= status < 400 and status != 304


class ReplayArchive:
    """URL -> the response to replay, indexed from one read of a WARC; bodies are read on demand."""

    def __init__(self, path: str | Path, entries: dict[str, _Entry]) -> None:
        self.path = str(path)
        self._entries = entries

    @classmethod
    def load(cls, path: str | Path) -> ReplayArchive:
        """Index ``path``; for a URL recorded several times the last usable response wins over a 304."""
        entries: dict[str, _Entry] = {}
        with open(path, "rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                key = _url_key(record.rec_headers.get_header("WARC-Target-URI"))
                if key is None:
                    continue
                headers = record.http_headers
                entry = _Entry(records.get_record_offset(), _status(headers), headers.get_header("ETag"),
                               headers.get_header("Last-Modified"))
                old = entries.get(key)
                if old is None or _usable(entry.status) or not _usable(old.status):
                    entries[key] = entry
        logger.info("replay archive %s: %d URLs", path, len(entries))
        return cls(path, entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, url: str) -> bool:
        return _url_key(url) in self._entries

    def answer(self, request: httpx.Request) -> httpx.Response:
        """The recorded response to ``request`` (blocking file read); raises :class:`NotInArchive`."""
        entry = self._entries.get(_url_key(str(request.url)) or "")
        if entry is None:
            raise NotInArchive(f"not in replay archive {self.path}")
        if 200 <= entry.status < 300 and _unchanged(request.headers, entry):
            validators = {k: v for k, v in (("ETag", entry.etag), ("Last-Modified", entry.last_modified)) if v}
            return httpx.Response(304, headers=validators, request=request)
        with open(self.path, "rb") as stream:
            stream.seek(entry.offset)
            record = next(iter(ArchiveIterator(stream)))
            body = record.content_stream().read()
            headers = [(k, v) for k, v in record.http_headers.headers if k.lower() not in _WIRE_HEADERS]
            reason = record.http_headers.statusline.partition(" ")[2]
        headers.append(("Content-Length", str(len(body))))
        # A stream, not content=: the fetcher reads the body as it would off the wire.
        return httpx.Response(entry.status, headers=headers, stream=_Replayed(body), request=request,
                              extensions={"reason_phrase": reason.encode("latin-1", "replace")})


class _Replayed(httpx.AsyncByteStream):
    def __init__(self, body: bytes) -> None:
        self._body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._body


class ReplayTransport(httpx.AsyncBaseTransport):
    """An httpx transport that answers from a :class:`ReplayArchive` and opens no socket."""

    def __init__(self, archive: ReplayArchive) -> None:
        self._archive = archive

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await asyncio.to_thread(self._archive.answer, request)


def warc_problem(path: str | Path) -> str | None:
    """Why ``path`` cannot be replayed (missing, empty, not a WARC), judged from its first record; None if it can."""
    try:
        with open(path, "rb") as stream:
            first = next(iter(ArchiveIterator(stream)), None)
    except _READ_ERRORS as exc:
        detail = (str(exc).splitlines() or [""])[0]
        return f"not a readable WARC file ({type(exc).__name__}: {detail})"
    return "an empty WARC file" if first is None else None


def _url_key(url: str | None) -> str | None:
    try:
        return str(httpx.URL(url.strip())) if url else None
    except httpx.InvalidURL:
        return None


def _status(headers: StatusAndHeaders) -> int:
    try:
        return int(headers.get_statuscode())
    except (TypeError, ValueError):
        return 0


def _unchanged(headers: httpx.Headers, entry: _Entry) -> bool:
    """Whether a conditional request's validators match the recorded response's."""
    if (tags := headers.get("if-none-match")) and entry.etag:
        return any(tag.strip().removeprefix("W/") in ("*", entry.etag.removeprefix("W/")) for tag in tags.split(","))
    since, modified = headers.get("if-modified-since"), entry.last_modified
    if since and modified:
        try:
            return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return since.strip() == modified.strip()
    return False


# -- reading pages out of a WARC -----------------------------------------------------------------


@dataclass(frozen=True)
class ArchivedPage:
    url: str  # the record's WARC-Target-URI
    http_status: int
    content_type: str | None
    body: bytes


def read_warc_candidates(path: str) -> tuple[list[Candidate], list[DiscoveryProblem]]:
    """A candidate per 2xx HTML ``response`` record of the WARC at ``path``, in file order.

    Title, summary and publication date come from the page head, as a feed entry's
    would; the record's offset and WARC-Date travel with the candidate, so the page
    is read back from the file, not fetched, and a page crawled before the window
    opened is dropped by the window filter. A damaged file yields what was read
    before the damage, and a problem.
    """
    candidates: list[Candidate] = []
    problems: list[DiscoveryProblem] = []
    passed = 0
    try:
        with open(path, "rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                page = _html_response(record)
                if page is None:
                    passed += record.rec_type == "response"
                    continue
                uri, crawled = page
                canonical = canonicalize_url(uri)
                if canonical is None:
                    passed += 1
                    continue
                head = read_page_head(record.content_stream().read(HEAD_BYTES))
                candidates.append(Candidate(
                    url=uri, canonical_url=canonical, source_url=path, source_kind="warc", title=head.title,
                    summary=head.summary, published_at=head.published_at,
                    archived=ArchivedCopy(path=path, offset=records.get_record_offset(), crawled_at=crawled),
                ))
    except _READ_ERRORS as exc:
        problems.append(DiscoveryProblem(path, f"cannot read WARC ({type(exc).__name__}: {exc}); "
                                               f"kept the {len(candidates)} pages read before"))
    logger.info("%s: %d HTML pages, %d other responses passed over", path, len(candidates), passed)
    return candidates, problems


def _html_response(record) -> tuple[str, datetime] | None:
    """(target URI, WARC-Date) of a 2xx HTML response record; None for any other record."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if not 200 <= _status(record.http_headers) < 300:
        return None
    mime = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    uri = record.rec_headers.get_header("WARC-Target-URI")
    crawled = _warc_date(record.rec_headers.get_header("WARC-Date"))
    if mime not in HTML_TYPES or not uri or crawled is None:
        return None
    return uri, crawled


def _warc_date(text: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def read_archived(copy: ArchivedCopy, max_bytes: int) -> ArchivedPage | str:
    """The page stored at ``copy.offset`` of ``copy.path``, or why it cannot be read."""
    try:
        with open(copy.path, "rb") as stream:
            stream.seek(copy.offset)
            record = next(iter(ArchiveIterator(stream)), None)
            if record is None or record.rec_type != "response" or record.http_headers is None:
                return f"no response record at offset {copy.offset} of WARC {copy.path}"
            body = _read_capped(record.content_stream(), max_bytes)
            if body is None:
                return f"body exceeds {max_bytes} bytes (WARC {copy.path})"
            return ArchivedPage(url=record.rec_headers.get_header("WARC-Target-URI") or "",
                                http_status=_status(record.http_headers),
                                content_type=record.http_headers.get_header("Content-Type"), body=body)
    except _READ_ERRORS as exc:
        return f"cannot read WARC {copy.path} ({type(exc).__name__}: {exc})"


def _read_capped(stream: BinaryIO, limit: int) -> bytes | None:
    data = stream.read(limit + 1)
    return None if len(data) > limit else data
