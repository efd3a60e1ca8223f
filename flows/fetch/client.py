"""Fetching pages: URLs in, one FetchResult per URL out, in the same order.

In: :class:`FetchRequest` values and FetchSettings. Out: a
:class:`~extractors.records.FetchResult` per request, each carrying a
FetchAttempt per try. Nothing raises for a bad URL or a bad server: refusals
come back ``skipped``, errors ``failed``, each with its reason. One
``httpx.AsyncClient`` serves one :func:`fetch_all` call; concurrency is bounded
overall and per host; each attempt (redirects and body included) runs under
the total deadline; 429 and 5xx are retried with backoff or after Retry-After.

Web archives: with ``settings.record_path`` every response received is also
appended to that WARC; with ``settings.replay_path`` the client is answered
from that WARC and no socket is opened; a request carrying an ``archived`` copy
(a page discovered in a WARC) is read from its file, not fetched.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import MappingProxyType

import httpx

from extractors.records import ArchivedCopy, FetchAttempt, FetchOutcome, FetchPurpose, FetchResult
from extractors.settings import FetchSettings
from flows.fetch.body import ACCEPT_ENCODING, read_body
from flows.fetch.guard import AddressRefused, Pins, parse_pins, refusal_for_url, url_host
from flows.fetch.retry import backoff_delay, retry_after_seconds, retryable_status
from flows.fetch.transport import UnresolvableHost, build_transport, causes
from flows.warc import NotInArchive, ReplayArchive, ReplayTransport, WarcRecorder, read_archived

logger = logging.getLogger(__name__)

# What each purpose hopes to get; anything else is still accepted at low priority
# because servers label feeds and sitemaps inconsistently.
_ACCEPT = MappingProxyType({
    "feed": "application/rss+xml, application/atom+xml, application/feed+json;q=0.9, "
            "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
    "sitemap": "application/xml, text/xml;q=0.9, */*;q=0.5",
    "article": "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
    "robots": "text/plain, */*;q=0.5",
})


# Where the redirect hook leaves a redirect's Location (see _take_location).
_LOCATION = "storywatch.location"


@dataclass(frozen=True)
class FetchRequest:
    url: str
    purpose: FetchPurpose
    # Validators from the last fetch of this URL: sent as a conditional GET, so an
    # unchanged feed or sitemap costs a 304 and no body.
    etag: str | None = None
    last_modified: str | None = None
    # The page's copy in a WARC file: read from there, never from the network.
    archived: ArchivedCopy | None = None


@dataclass(frozen=True)
class _Step:
    """What one attempt came to; ``retry`` says whether trying again could help."""

    outcome: FetchOutcome
    reason: str | None
    retry: bool = False
    retry_after: float | None = None  # seconds the server asked us to wait
    final_url: str | None = None
    http_status: int | None = None
    size: int = 0
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class _Run:
    """What the fetches of one fetch_all call share; made inside the call, gone after it."""

    client: httpx.AsyncClient
    settings: FetchSettings
    pins: Pins
    slots: asyncio.Semaphore
    host_slots: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    host_next: dict[str, float] = field(default_factory=dict)  # host -> earliest monotonic start
    recorder: WarcRecorder | None = None  # every response received is appended to a WARC

    def record(self, url: httpx.URL, response: httpx.Response, body: bytes | None = None) -> None:
        """Append ``response`` (with a redirect's Location put back) to the recording, if any."""
        if self.recorder is not None:
            self.recorder.write_response(str(url), response, body, response.extensions.get(_LOCATION))

    def host_slot(self, host: str) -> asyncio.Semaphore:
        return self.host_slots.setdefault(host, asyncio.Semaphore(max(1, self.settings.max_per_host)))

    def host_interval(self, host: str) -> float:
        """Seconds between request starts to ``host``: none for our own pinned servers."""
        if host in self.pins or self.settings.replay_path:  # our own server, or no server at all
            return 0.0
        delays = dict(self.settings.host_delays)
        return max(self.settings.min_host_interval, delays.get(host, 0.0))

    async def pace(self, host: str) -> None:
        """Wait for the host's turn; the slot is booked before sleeping so waiters queue up."""
        interval = self.host_interval(host)
        if interval <= 0:
            return
        now = time.monotonic()
        start = max(now, self.host_next.get(host, now))
        self.host_next[host] = start + interval
        if start > now:
            await asyncio.sleep(start - now)


async def fetch_all(requests: Sequence[FetchRequest], settings: FetchSettings,
                    on_result: Callable[[int, FetchResult], None] | None = None) -> list[FetchResult]:
    """Fetch every request concurrently; results in the order of ``requests``.

    ``on_result(index, result)``: called in the event loop as each request is done, so a
    caller can start on a result while the others are still in flight."""
    if not requests:
        return []
    pins = parse_pins(settings.pinned_hosts)
    timeout = httpx.Timeout(
        connect=settings.connect_timeout, read=settings.read_timeout, write=settings.read_timeout,
        pool=settings.total_timeout,
    )
    headers = {"User-Agent": settings.agent, "Accept-Encoding": ACCEPT_ENCODING}
    if settings.replay_path:  # answered from the WARC: no socket is opened
        transport: httpx.AsyncBaseTransport = ReplayTransport(
            await asyncio.to_thread(ReplayArchive.load, settings.replay_path))
    else:
        transport = build_transport(settings, pins)
    async with AsyncExitStack() as stack:
        recorder = stack.enter_context(WarcRecorder.open(settings.record_path)) if settings.record_path else None
        # trust_env=False: an HTTP_PROXY from the environment would connect through
        # the proxy, around the address guard.
        client = await stack.enter_async_context(httpx.AsyncClient(
            transport=transport, timeout=timeout, headers=headers,
            follow_redirects=False, trust_env=False, event_hooks={"response": [_take_location]},
        ))
        run = _Run(client, settings, pins, asyncio.Semaphore(max(1, settings.max_connections)), recorder=recorder)
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_fetch_and_tell(run, request, index, on_result))
                     for index, request in enumerate(requests)]
    results = [task.result() for task in tasks]
    counts = Counter(result.outcome for result in results)
    logger.info("fetched %d URLs: %s", len(results), ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    return results


def fetch_pages(requests: Sequence[FetchRequest], settings: FetchSettings) -> list[FetchResult]:
    """:func:`fetch_all` for synchronous callers (it runs its own event loop)."""
    return asyncio.run(fetch_all(requests, settings))


async def _fetch_and_tell(run: _Run, request: FetchRequest, index: int,
                          on_result: Callable[[int, FetchResult], None] | None) -> FetchResult:
    result = await _fetch(run, request)
    if on_result is not None:
        on_result(index, result)
    return result


async def _fetch(run: _Run, request: FetchRequest) -> FetchResult:
    if request.archived is not None:
        return await _read_archived(request, request.archived, run.settings)
    url = _vet(request.url, run)
    if isinstance(url, str):
        logger.info("skipped %s: %s", request.url, url)
        attempt = FetchAttempt(
            url=request.url, final_url=None, outcome="skipped", reason=url, http_status=None, bytes=0,
            elapsed_ms=0, fetched_at=datetime.now(UTC), attempt=1, purpose=request.purpose, final=True,
        )
        return FetchResult(url=request.url, purpose=request.purpose, outcome="skipped", reason=url,
                           attempts=(attempt,))
    # The host slot is held across retries and their waits, so a struggling host
    # is not handed the URL's place while it recovers.
    async with run.host_slot(url_host(url)):
        return await _fetch_with_retries(run, request, url)


async def _read_archived(request: FetchRequest, copy: ArchivedCopy, settings: FetchSettings) -> FetchResult:
    """The page from its WARC file: no network, no slot, no pacing; one attempt."""
    fetched_at, clock = datetime.now(UTC), time.monotonic()
    page = await asyncio.to_thread(read_archived, copy, settings.max_bytes)
    if isinstance(page, str):
        result = FetchResult(url=request.url, purpose=request.purpose, outcome="failed", reason=page)
    else:
        result = FetchResult(
            url=request.url, purpose=request.purpose, outcome="ok", reason=f"read from WARC {copy.path}",
            final_url=page.url or request.url, http_status=page.http_status, content_type=page.content_type,
            body=page.body,
        )
    attempt = FetchAttempt(
        url=request.url, final_url=result.final_url, outcome=result.outcome, reason=result.reason,
        http_status=result.http_status, bytes=len(result.body or b""),
        elapsed_ms=round((time.monotonic() - clock) * 1000), fetched_at=fetched_at, attempt=1,
        purpose=request.purpose, final=True,
    )
    return replace(result, attempts=(attempt,))


def _vet(text: str, run: _Run) -> httpx.URL | str:
    """The URL to fetch, or the reason it is refused before any I/O."""
    try:
        url = httpx.URL(text.strip())
    except httpx.InvalidURL as exc:
        return f"refused: invalid URL ({exc})"
    return refusal_for_url(url, run.pins, run.settings.allow_private_network) or url


async def _fetch_with_retries(run: _Run, request: FetchRequest, url: httpx.URL) -> FetchResult:
    settings = run.settings
    attempts: list[FetchAttempt] = []
    number = 0
    while True:
        number += 1
        fetched_at, clock = datetime.now(UTC), time.monotonic()
        await run.pace(url_host(url))
        # The overall slot is held only while talking to the server, not while waiting to retry.
        async with run.slots:
            step = await _attempt(run, url, request)
        elapsed_ms = round((time.monotonic() - clock) * 1000)
        delay: float | None = None
        if step.retry and number <= settings.retries:
            if step.retry_after is not None and step.retry_after > settings.max_retry_after:
                step = replace(step, reason=f"{step.reason}, Retry-After {step.retry_after:g}s is over the "
                                            f"{settings.max_retry_after:g}s limit: not retrying")
            elif step.retry_after is not None:
                delay = step.retry_after
            else:
                delay = backoff_delay(number, settings.backoff_base)
        final = delay is None
        attempts.append(FetchAttempt(
            url=request.url, final_url=step.final_url, outcome=step.outcome if final else "failed",
            reason=step.reason if final else f"{step.reason}, retrying", http_status=step.http_status,
            bytes=step.size, elapsed_ms=elapsed_ms, fetched_at=fetched_at, attempt=number,
            purpose=request.purpose, final=final,
        ))
        if delay is None:
            log = logger.debug if step.outcome == "ok" else logger.info
            log("%s %s (%s) after %d attempt(s): %s", step.outcome, request.url, request.purpose, number,
                step.reason or f"HTTP {step.http_status}, {step.size} bytes")
            return FetchResult(
                url=request.url, purpose=request.purpose, outcome=step.outcome, reason=step.reason,
                final_url=step.final_url, http_status=step.http_status, content_type=step.content_type,
                body=step.body, attempts=tuple(attempts),
                etag=step.etag or (request.etag if step.outcome == "not_modified" else None),
                last_modified=step.last_modified
                or (request.last_modified if step.outcome == "not_modified" else None),
            )
        logger.debug("attempt %d of %s: %s; retrying in %.2fs", number, request.url, step.reason, delay)
        await asyncio.sleep(delay)


async def _attempt(run: _Run, url: httpx.URL, request: FetchRequest) -> _Step:
    """One try at ``url`` (its redirects and body included) under the total deadline."""
    settings = run.settings
    deadline = asyncio.timeout(settings.total_timeout)
    try:
        async with deadline:
            return await _follow(run, url, request)
    except TimeoutError:
        if not deadline.expired():
            raise
        return _Step("failed", f"timed out after {settings.total_timeout:g}s (total deadline)")
    except AddressRefused as exc:
        return _Step("skipped", exc.reason)
    except NotInArchive as exc:
        return _Step("failed", exc.reason)
    except UnresolvableHost as exc:
        return _Step("failed", f"connect error: {exc}")
    except httpx.TransportError as exc:
        return _transport_failure(exc, settings)


def _transport_failure(exc: httpx.TransportError, settings: FetchSettings) -> _Step:
    """A network-level failure as a value; timeouts and dropped connections are worth a retry."""
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectTimeout):
        return _Step("failed", f"connect timeout ({settings.connect_timeout:g}s)", retry=True)
    if isinstance(exc, httpx.ReadTimeout):
        return _Step("failed", f"read timeout (no data for {settings.read_timeout:g}s)", retry=True)
    if isinstance(exc, httpx.TimeoutException):  # write or pool
        return _Step("failed", f"{type(exc).__name__} ({detail})", retry=True)
    if isinstance(exc, httpx.ConnectError):
        certificate = next((e for e in causes(exc) if isinstance(e, ssl.SSLCertVerificationError)), None)
        if certificate is not None:  # the wrong certificate stays wrong: no retry
            return _Step("failed", f"TLS certificate error: {certificate.verify_message or certificate}")
        return _Step("failed", f"connect error: {detail}", retry=True)
    if isinstance(exc, httpx.NetworkError):
        return _Step("failed", f"network error: {detail}", retry=True)
    if isinstance(exc, httpx.RemoteProtocolError):  # e.g. the server hung up before answering
        return _Step("failed", f"protocol error: {detail}", retry=True)
    return _Step("failed", f"{type(exc).__name__}: {detail}")


async def _take_location(response: httpx.Response) -> None:
    """Move a redirect's Location header into the response's extensions.

    httpx builds the next request of every redirect, even one it is told not to
    follow, and raises on a Location it cannot use ("javascript:alert(1)"),
    losing the response. Redirects are followed by hand here, each target
    vetted, so the header is taken out of httpx's way before it looks.
    """
    if response.has_redirect_location:
        response.extensions[_LOCATION] = response.headers["location"]
        del response.headers["location"]


async def _follow(run: _Run, url: httpx.URL, request: FetchRequest) -> _Step:
    """GET ``url``, following redirects by hand so each hop's target is vetted and counted."""
    settings = run.settings
    headers = {"Accept": _ACCEPT[request.purpose]}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    current, redirects = url, 0
    previous: tuple[httpx.URL, int] | None = None  # the hop that redirected here, and its status
    while True:
        try:
            response = await run.client.send(run.client.build_request("GET", current, headers=headers), stream=True)
        except AddressRefused as exc:
            if previous is None:
                raise
            # A hop whose name resolved to a refused address: say it was a redirect, as a hop
            # refused by its text does, so fetch_log does not name a host the URL never had.
            return _Step("skipped", f"{exc.reason} [redirect to {current}]", final_url=str(previous[0]),
                         http_status=previous[1])
        try:
            location = response.extensions.get(_LOCATION)
            if location is None:
                step = await _answer(response, current, settings)
                run.record(current, response, step.body)
                return step
            run.record(current, response)
            status = response.status_code
        finally:
            await response.aclose()
        if redirects == settings.max_redirects:
            return _Step("failed", f"too many redirects (more than {settings.max_redirects})",
                         final_url=str(current), http_status=status)
        try:
            target = current.join(location)
        except httpx.InvalidURL as exc:
            return _Step("failed", f"bad redirect Location {location!r} ({exc})", final_url=str(current),
                         http_status=status)
        refusal = refusal_for_url(target, run.pins, settings.allow_private_network)
        if refusal is not None:
            return _Step("skipped", f"{refusal} [redirect to {target}]", final_url=str(current), http_status=status)
        logger.debug("redirect %d: %s -> %s", status, current, target)
        previous = (current, status)
        current, redirects = target, redirects + 1


async def _answer(response: httpx.Response, url: httpx.URL, settings: FetchSettings) -> _Step:
    """The final (non-redirect) response as a step: the capped body for 2xx, the status otherwise."""
    status = response.status_code
    if status == 304:
        # Keep the validators we sent unless the server gave fresh ones.
        return _Step(
            "not_modified", "not modified since the last fetch", final_url=str(url), http_status=status,
            etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
        )
    if not 200 <= status < 300:
        return _Step(
            "failed", f"HTTP {status}", retry=retryable_status(status),
            retry_after=retry_after_seconds(response.headers.get("retry-after")),
            final_url=str(url), http_status=status,
        )
    body = await read_body(response, settings.max_bytes)
    if body.data is None:
        return _Step("failed", body.problem, final_url=str(url), http_status=status, size=body.size)
    return _Step(
        "ok", None, final_url=str(url), http_status=status, size=body.size, body=body.data,
        content_type=response.headers.get("content-type"), etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )
