"""Raw page bodies, kept beside the warehouse in WARC files rather than inside it.

In: a batch's fetch results. Out: each page appended as a WARC ``response`` record
to ``<warehouse name>.pages/<run_id>.warc.gz`` next to the warehouse file, and where
it went (file and offset) for the ``pages`` row; :func:`read_body` reads one back.

Why not a BLOB column: DuckDB rewrote the pages' row group at every checkpoint, so
a run's memory and checkpoint time grew with the bodies already stored (measured at
2,000 pages: 150 MB more peak memory than with the bodies elsewhere). A WARC is
what crawlers keep raw pages in: any WARC tool reads these files. Each record is
its own gzip member, so a file is appended batch by batch and read at any record's
offset. The members are made by ISA-L (``isal``) at its level 1: standard gzip,
0.34 ms for a 178 kB page where zlib's level 1 takes 1.6 ms (warcio's own writer
uses zlib's level 9).

Why the response records are not written by warcio's ``WARCWriter``: per page it
streamed the body in 16 kB pieces through two SHA-1 digests (block and payload) and
two buffers, 0.41-0.49 ms of the main process's CPU for a 179 kB page. :func:`_response`
keeps warcio for both header blocks (``StatusAndHeaders``, its record ids and dates),
computes the one payload digest with hashlib (0.12 ms of it) and joins the two blocks,
the body and CRLF CRLF, as WARC/1.0 defines a record: 0.18-0.21 ms. With the gzip
member, ``write_bodies`` went from 0.90-1.02 to 0.61-0.70 ms a page (200 pages of the
throughput corpus, min-median of 12 rounds on a loaded 2-core machine). FastWARC 2.0
(Rust) was measured too: record and member took 0.68-0.77 ms a page where this code
took 0.55-0.64 and the old 0.84-0.98, as the body is copied into its record and back
out in pieces; its own gzip writer was slower still (1.0 ms) and its members 20%
larger than ISA-L's. Records the old code wrote read back the same way. The records
have no WARC-Block-Digest (optional in WARC/1.0, and another 0.12 ms): a reader that
keeps only records whose block digest it verified (FastWARC's ``verify_digests=True``)
skips them; warcio's ``check_digests`` and FastWARC without that filter read them.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

from isal import isal_zlib
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from extractors.records import FetchResult

GZIP_LEVEL = 1
WARC_VERSION = "WARC/1.0"  # as warcio's writer: dates to the second


@dataclass(frozen=True)
class StoredBody:
    warc_file: str  # relative to the warehouse's folder, so the two move together
    offset: int


def store_dir(db: Path) -> Path:
    return db.with_name(f"{db.stem}.pages")


def write_bodies(db: Path, run_id: str, results: Sequence[FetchResult]) -> dict[str, StoredBody]:
    """Append every fetched page of ``results`` to the run's WARC; where each went, by URL."""
    pages = [r for r in results if r.ok]
    if not pages:
        return {}
    folder = store_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{run_id}.warc.gz"
    relative = str(path.relative_to(db.parent))
    stored: dict[str, StoredBody] = {}
    with path.open("ab") as out:
        if out.tell() == 0:
            out.write(_member(_warcinfo(path.name)))
        for result in pages:
            stored[result.url] = StoredBody(relative, out.tell())
            out.write(_member(_response(result)))
    return stored


def read_body(db: Path, warc_file: str, offset: int) -> bytes | None:
    """The body stored at ``offset`` of ``warc_file``, or None when it is not there."""
    try:
        with (db.parent / warc_file).open("rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)), None)
            # "warc": at a wrong offset warcio now and then parses the bytes as an ARC record
            if record is None or record.format != "warc" or record.rec_type != "response":
                return None
            return record.content_stream().read()
    except (OSError, zlib.error, ValueError, ArchiveLoadFailed):  # the last: bytes that are no record
        return None


def _response(result: FetchResult) -> bytes:
    """One WARC/1.0 ``response`` record: the WARC headers, the HTTP head, the body, then CRLF CRLF.

    Both header blocks come from warcio's ``StatusAndHeaders``, as its own writer makes them;
    only the payload digest is computed (one SHA-1 pass over the body, by hashlib)."""
    body = result.body or b""
    headers = [("Content-Length", str(len(body)))]
    if result.content_type:
        headers.insert(0, ("Content-Type", result.content_type))
    http = StatusAndHeaders(_status_line(result.http_status or 200), headers, protocol="HTTP/1.1").to_ascii_bytes()
    digest = base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")
    warc = StatusAndHeaders("", [
        ("WARC-Type", "response"),
        ("WARC-Record-ID", StatusAndHeadersParser.make_warc_id()),
        ("WARC-Target-URI", result.final_url or result.url),
        ("WARC-Date", datetime_to_iso_date(datetime.now(UTC))),
        ("WARC-Payload-Digest", f"sha1:{digest}"),
        ("Content-Type", "application/http; msgtype=response"),
        ("Content-Length", str(len(http) + len(body))),
    ], protocol=WARC_VERSION).to_bytes()
    return b"".join((warc, http, body, b"\r\n\r\n"))


def _status_line(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def _warcinfo(name: str) -> bytes:
    buffer = BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    writer.write_record(writer.create_warcinfo_record(name, {"software": "storywatch",
                                                             "format": "WARC File Format 1.0"}))
    return buffer.getvalue()


def _member(data: bytes) -> bytes:
    """One gzip member: concatenated, they make a valid .warc.gz."""
    return isal_zlib.compress(data, GZIP_LEVEL, isal_zlib.MAX_WBITS | 16)
