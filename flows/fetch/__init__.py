"""The guarded HTTP fetcher: URLs in, FetchResults out; pure asyncio + httpx, no Prefect.

Modules: :mod:`.client` (fetch_all and its retries, redirects and deadlines),
:mod:`.guard` (which URLs and addresses may be fetched), :mod:`.transport`
(the httpx transport that enforces the guard on the address actually
connected to), :mod:`.body` (size-capped, bounded decoding), :mod:`.retry`
(backoff and Retry-After).
"""

from flows.fetch.client import FetchRequest, fetch_all, fetch_pages

__all__ = ["FetchRequest", "fetch_all", "fetch_pages"]
