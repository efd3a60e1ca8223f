"""The page store: WARC records written batch by batch, each its own gzip member, read back at their offsets."""

import base64
import gzip
import hashlib
import zlib
from io import BytesIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extractors.records import FetchResult
from warehouse.page_store import StoredBody, read_body, store_dir, write_bodies


def page(n: int, body: bytes | None = None, **kw) -> FetchResult:
    url = f"http://news.example/{n}"
    fields = dict(final_url=url + "?final", http_status=200, content_type="text/html; charset=utf-8")
    fields.update(kw)
    return FetchResult(url=url, purpose="article", outcome="ok", reason=None,
                       body=body if body is not None else f"<html><p>page {n}</p>".encode() * (50 + n), **fields)


def sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def records(path):
    with path.open("rb") as stream:
        it = ArchiveIterator(stream, check_digests="raise")  # a wrong digest or length raises here
        found = []
        for rec in it:
            content = rec.content_stream().read()  # before get_record_offset, which skips the rest of the record
            found.append((it.get_record_offset(), rec, content))
        return found


def test_a_batch_round_trips_through_write_bodies_and_read_body(tmp_path):
    db = tmp_path / "w.duckdb"
    pages = [page(1), page(2, body=b""), page(3, body=bytes(range(256)) * 700)]
    failed = FetchResult("http://news.example/gone", "article", "failed", "http 404", http_status=404)
    stored = write_bodies(db, "r1", [*pages, failed])
    assert set(stored) == {p.url for p in pages}  # a failed fetch stores nothing
    assert {s.warc_file for s in stored.values()} == {"w.pages/r1.warc.gz"}
    assert (store_dir(db) / "r1.warc.gz").is_file()
    for p in pages:
        assert read_body(db, stored[p.url].warc_file, stored[p.url].offset) == p.body
    assert write_bodies(db, "r1", [failed]) == {}


def test_records_are_valid_warc_responses_that_warcio_reads_with_the_right_headers(tmp_path):
    db = tmp_path / "w.duckdb"
    pages = [page(1), page(2, body="<p>Kyiv – Пекін</p>".encode(), http_status=404, content_type=None),
             page(3, http_status=299, final_url=None)]
    write_bodies(db, "r1", pages)
    found = records(store_dir(db) / "r1.warc.gz")
    assert found[0][1].rec_type == "warcinfo" and found[0][0] == 0
    assert len(found) == 1 + len(pages)
    for p, (_, rec, content) in zip(pages, found[1:], strict=True):
        h = rec.rec_headers
        assert h.protocol in ("WARC/1.0", "WARC/1.1")
        assert rec.rec_type == "response"
        assert h.get_header("WARC-Target-URI") == (p.final_url or p.url)
        assert h.get_header("WARC-Record-ID").startswith("<urn:uuid:")
        assert len(h.get_header("WARC-Date")) == len("2024-01-01T00:00:00Z")
        assert h.get_header("Content-Type") == "application/http; msgtype=response"
        assert h.get_header("WARC-Payload-Digest") == sha1(p.body)
        assert rec.http_headers.get_statuscode() == str(p.http_status)
        assert rec.http_headers.get_header("Content-Length") == str(len(p.body))
        assert rec.http_headers.get_header("Content-Type") == p.content_type
        assert content == p.body
    ids = {rec.rec_headers.get_header("WARC-Record-ID") for _, rec, _ in found}
    assert len(ids) == len(found)


def test_offsets_land_on_record_starts_each_its_own_gzip_member(tmp_path):
    db = tmp_path / "w.duckdb"
    pages = [page(n) for n in range(5)]
    stored = write_bodies(db, "r1", pages)
    path = store_dir(db) / "r1.warc.gz"
    data = path.read_bytes()
    offsets = [stored[p.url].offset for p in pages]
    assert offsets == sorted(offsets) and offsets[0] > 0  # the warcinfo record comes first
    assert offsets == [offset for offset, rec, _ in records(path) if rec.rec_type == "response"]
    ends = offsets[1:] + [len(data)]
    for p, start, end in zip(pages, offsets, ends, strict=True):
        member = data[start:end]
        assert member[:2] == b"\x1f\x8b"
        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)  # exactly one member, nothing after it
        record = decompressor.decompress(member)
        assert decompressor.eof and decompressor.unused_data == b""
        assert record.startswith(b"WARC/1.") and record.endswith(p.body + b"\r\n\r\n")
    assert gzip.decompress(data).count(b"WARC-Type: response") == len(pages)  # and plain gzip reads the lot


def test_a_second_batch_appends_to_the_same_run_file(tmp_path):
    db = tmp_path / "w.duckdb"
    first, second = [page(1), page(2)], [page(3), page(4)]
    stored = write_bodies(db, "r1", first)
    size = (store_dir(db) / "r1.warc.gz").stat().st_size
    stored2 = write_bodies(db, "r1", second)
    assert min(s.offset for s in stored2.values()) == size
    found = records(store_dir(db) / "r1.warc.gz")
    assert [rec.rec_type for _, rec, _ in found] == ["warcinfo"] + ["response"] * 4  # one warcinfo per file
    assert [rec.rec_headers.get_header("WARC-Target-URI") for _, rec, _ in found[1:]] == [
        p.final_url for p in first + second]
    for p in first + second:
        where = {**stored, **stored2}[p.url]
        assert read_body(db, where.warc_file, where.offset) == p.body
    other = write_bodies(db, "r2", [page(5)])  # another run, another file
    assert other[page(5).url].warc_file == "w.pages/r2.warc.gz"


def old_format_record(result: FetchResult) -> bytes:
    """A record as page_store wrote it before: warcio's writer end to end, one gzip member."""
    body = result.body
    status = StatusAndHeaders(str(result.http_status), [("Content-Type", result.content_type),
                                                        ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    buffer = BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    writer.write_record(writer.create_warc_record(result.final_url, "response", payload=BytesIO(body),
                                                  length=len(body), http_headers=status))
    return buffer.getvalue()


def test_a_record_in_the_old_format_still_reads_and_new_batches_append_after_it(tmp_path):
    db = tmp_path / "w.duckdb"
    folder = store_dir(db)
    folder.mkdir()
    old = page(1)
    path = folder / "r0.warc.gz"
    path.write_bytes(old_format_record(old))
    assert read_body(db, "w.pages/r0.warc.gz", 0) == old.body
    stored = write_bodies(db, "r0", [page(2)])
    assert read_body(db, "w.pages/r0.warc.gz", 0) == old.body
    assert read_body(db, stored[page(2).url].warc_file, stored[page(2).url].offset) == page(2).body
    assert [rec.rec_type for _, rec, _ in records(path)] == ["response", "response"]


def test_read_body_answers_none_where_no_response_record_is(tmp_path):
    db = tmp_path / "w.duckdb"
    stored = write_bodies(db, "r1", [page(1)])
    where = stored[page(1).url]
    assert read_body(db, where.warc_file, 0) is None  # the warcinfo record
    assert all(read_body(db, where.warc_file, where.offset + k) is None for k in range(1, 40))  # inside a member
    assert read_body(db, "w.pages/missing.warc.gz", 0) is None
    assert read_body(db, where.warc_file, 10**9) is None  # past the end
    assert StoredBody(where.warc_file, where.offset) == where
