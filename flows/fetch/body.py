"""Reading a response body under a size cap, decoding it as it arrives.

In: a streamed ``httpx.Response`` and the cap in bytes. Out: a :class:`Body`,
the decoded bytes or the reason they were not kept. The cap applies to the
DECODED size and is checked while inflating: each compressed chunk is inflated
with zlib's ``max_length`` set to what is left of the cap, so a gzip bomb costs
at most the cap in memory, not the up-to-1000x that one chunk can expand to
(httpx's own decoder inflates a whole chunk at once, hence this module).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import httpx

# The codings we ask for (Accept-Encoding: gzip, deflate) and know how to bound.
ACCEPT_ENCODING = "gzip, deflate"
_GZIP_WBITS = zlib.MAX_WBITS | 16
_RAW_DEFLATE_WBITS = -zlib.MAX_WBITS


@dataclass(frozen=True)
class Body:
    data: bytes | None  # None when the body was refused or could not be decoded
    size: int  # decoded bytes read, also when refused
    problem: str | None = None


def over_cap(limit: int, detail: str = "") -> str:
    return f"body exceeds {limit} bytes{detail}"


async def read_body(response: httpx.Response, limit: int) -> Body:
    """The decoded body of ``response``, or why not: over ``limit`` bytes, or undecodable."""
    declared = _content_length(response)
    if declared is not None and declared > limit:
        return Body(None, 0, over_cap(limit, f" (Content-Length {declared})"))
    decoder = _decoder_for(response.headers.get("content-encoding", ""))
    if isinstance(decoder, str):
        return Body(None, 0, decoder)
    parts: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_raw():
            part = decoder.feed(chunk, limit - size)
            size += len(part)
            if size > limit:
                return Body(None, size, over_cap(limit))
            parts.append(part)
        part = decoder.flush(limit - size)
    except zlib.error as exc:
        return Body(None, size, f"cannot decode {decoder.name} body ({exc})")
    size += len(part)
    if size > limit:
        return Body(None, size, over_cap(limit))
    parts.append(part)
    return Body(b"".join(parts), size)


def _content_length(response: httpx.Response) -> int | None:
    try:
        return int(response.headers.get("content-length", ""))
    except ValueError:
        return None


class _Identity:
    name = "identity"

    def feed(self, data: bytes, room: int) -> bytes:
        return data

    def flush(self, room: int) -> bytes:
        return b""


class _Inflater:
    """gzip or deflate, giving back at most ``room + 1`` bytes per call.

    One byte over the room is enough to know the cap is passed; the rest of the
    input is then left unread (zlib keeps it in ``unconsumed_tail``).
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._wbits = _GZIP_WBITS if name == "gzip" else zlib.MAX_WBITS
        self._inflate = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        out = bytearray()
        while data and len(out) <= room:
            try:
                out += self._inflate.decompress(data, room + 1 - len(out))
            except zlib.error:
                # Some servers send raw deflate for "deflate" (as browsers and
                # httpx tolerate): retry the first chunk without the zlib header.
                if self.name != "deflate" or self._started:
                    raise
                self._wbits = _RAW_DEFLATE_WBITS
                self._inflate = zlib.decompressobj(self._wbits)
                self._started = True
                continue
            self._started = True
            if self._inflate.eof and self.name == "gzip" and self._inflate.unused_data:
                # A gzip body may hold several members back to back.
                data = self._inflate.unused_data
                self._inflate = zlib.decompressobj(self._wbits)
            else:
                data = self._inflate.unconsumed_tail
        return bytes(out)

    def flush(self, room: int) -> bytes:
        return self._inflate.flush(room + 1)


def _decoder_for(header: str) -> _Identity | _Inflater | str:
    """The decoder for a Content-Encoding header, or why it cannot be decoded."""
    codings = [c.strip().lower() for c in header.split(",") if c.strip().lower() not in ("", "identity")]
    if not codings:
        return _Identity()
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return _Inflater("deflate" if codings[0] == "deflate" else "gzip")
    return f"unsupported Content-Encoding {header.strip()!r}"
