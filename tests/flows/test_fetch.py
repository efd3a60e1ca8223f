"""The fetcher against real sockets: a fault server on 127.0.0.1 plays every bad server."""

from __future__ import annotations

import asyncio
import json
import ssl
import subprocess
import sys
import time
import tracemalloc
from dataclasses import replace
from datetime import UTC
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

import flows.fetch
from extractors.settings import FetchSettings
from flows.fetch import FetchRequest, fetch_pages
from flows.fetch.guard import AddressRefused
from flows.fetch.transport import build_transport

sys.path.insert(0, str(Path(__file__).parent))
from fault_server import (  # noqa: E402 (found through the path set just above)
    closed_port,
    gzip_bomb,
    ipv6_loopback_available,
    self_signed_certificate,
    serve_faults,
    silent_listener,
)

ROOT = Path(__file__).resolve().parents[2]

# Small timeouts and quick backoff; loopback allowed unless a test is about the guard.
FAST = replace(
    FetchSettings(), connect_timeout=2.0, read_timeout=5.0, total_timeout=10.0, retries=0, backoff_base=0.01,
    min_host_interval=0.0,
    allow_private_network=True,
)


@pytest.fixture
def server():
    with serve_faults() as s:
        yield s


def fetch_one(url: str, settings: FetchSettings = FAST, purpose: str = "article"):
    return fetch_pages([FetchRequest(url=url, purpose=purpose)], settings)[0]


def timed(url: str, settings: FetchSettings = FAST):
    start = time.monotonic()
    result = fetch_one(url, settings)
    return result, time.monotonic() - start


def test_public_api_is_pinned():
    assert flows.fetch.__all__ == ["FetchRequest", "fetch_all", "fetch_pages"]


def test_fetch_package_does_not_import_prefect():
    code = "import sys, flows.fetch; print(sorted(m for m in sys.modules if m.split('.')[0] == 'prefect'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- ok fetches, redirects, headers -------------------------------------------------------------------------------


def test_ok_fetch_follows_redirects_and_keeps_headers(server):
    result = fetch_one(server.url("/hops/3"))
    assert result.outcome == "ok" and result.ok and result.reason is None
    assert result.final_url == server.url("/hops/0")
    assert result.http_status == 200
    assert result.body.startswith(b"<html>")
    assert result.content_type == "text/html; charset=utf-8"
    assert result.etag == '"v1"' and result.last_modified == "Wed, 21 Oct 2015 07:28:00 GMT"
    [attempt] = result.attempts
    assert attempt.final and attempt.attempt == 1 and attempt.outcome == "ok"
    assert attempt.bytes == len(result.body) and attempt.elapsed_ms >= 0
    assert attempt.fetched_at.tzinfo is not None and attempt.fetched_at.utcoffset() == UTC.utcoffset(None)
    assert [seen.path for seen in server.requests] == ["/hops/3", "/hops/2", "/hops/1", "/hops/0"]


def test_redirect_loop_and_over_long_chain_fail(server):
    settings = replace(FAST, max_redirects=5)
    loop = fetch_one(server.url("/loop"), settings)
    chain = fetch_one(server.url("/hops/6"), settings)
    longest_allowed = fetch_one(server.url("/hops/5"), settings)
    for result in (loop, chain):
        assert result.outcome == "failed"
        assert result.reason.startswith("too many redirects")
    assert longest_allowed.outcome == "ok"


@pytest.mark.parametrize("location", ["ftp://example.com/file", "javascript:alert(1)", "file:///etc/passwd"])
def test_redirect_to_non_http_scheme_is_refused(server, location):
    result = fetch_one(server.url("/to?location=" + quote(location, safe="")))
    assert result.outcome == "skipped"
    assert "is not http(s)" in result.reason


def test_headers_sent(server):
    results = fetch_pages(
        [FetchRequest(server.url("/echo"), "article"), FetchRequest(server.url("/echo"), "feed")],
        replace(FAST, user_agent="storywatch-test/1"),
    )
    article, feed = (json.loads(r.body) for r in results)
    assert article["User-Agent"] == "storywatch-test/1"
    [named] = fetch_pages([FetchRequest(server.url("/echo"), "article")], replace(FAST, contact="ops@news.example"))
    agent = "storywatch/0.1 (+https://storywatch.example/bot; contact: ops@news.example)"
    assert json.loads(named.body)["User-Agent"] == agent
    assert article["Accept-Encoding"] == "gzip, deflate"
    assert article["Accept"].startswith("text/html")
    assert feed["Accept"].startswith("application/rss+xml")


def test_results_keep_the_order_of_the_requests(server):
    paths = ["/status/404", "/ok", "/status/410", "/hops/1"]
    results = fetch_pages([FetchRequest(server.url(p), "article") for p in paths], FAST)
    assert [r.url for r in results] == [server.url(p) for p in paths]
    assert [r.reason for r in results] == ["HTTP 404", None, "HTTP 410", None]


# --- retries ------------------------------------------------------------------------------------------------------


def test_503_twice_then_ok_records_three_attempts(server):
    result = fetch_one(server.url("/flaky/a?fail=2"), replace(FAST, retries=3))
    assert result.outcome == "ok"
    assert [a.attempt for a in result.attempts] == [1, 2, 3]
    assert [a.final for a in result.attempts] == [False, False, True]
    assert [a.outcome for a in result.attempts] == ["failed", "failed", "ok"]
    assert result.attempts[0].reason == "HTTP 503, retrying"
    assert result.attempts[0].http_status == 503


def test_retries_run_out_and_client_errors_are_not_retried(server):
    exhausted = fetch_one(server.url("/status/503"), replace(FAST, retries=2))
    assert exhausted.outcome == "failed" and exhausted.reason == "HTTP 503" and exhausted.http_status == 503
    assert len(exhausted.attempts) == 3 and exhausted.attempts[-1].final
    missing = fetch_one(server.url("/status/404"), replace(FAST, retries=2))
    assert missing.reason == "HTTP 404" and len(missing.attempts) == 1


def test_retry_after_is_honoured(server):
    result, seconds = timed(server.url("/limited/a?after=1"), replace(FAST, retries=2))
    assert result.outcome == "ok" and len(result.attempts) == 2
    assert result.attempts[0].reason == "HTTP 429, retrying"
    assert 0.9 <= seconds < 3


def test_retry_after_over_the_limit_fails_without_waiting(server):
    settings = replace(FAST, retries=3, max_retry_after=5.0)
    result, seconds = timed(server.url("/limited/b?after=120"), settings)
    assert result.outcome == "failed" and result.http_status == 429
    assert "Retry-After 120s" in result.reason and "not retrying" in result.reason
    assert len(result.attempts) == 1 and result.attempts[0].final
    assert seconds < 1


def test_connect_error_is_retried_and_named():
    result = fetch_one(f"http://127.0.0.1:{closed_port()}/", replace(FAST, retries=1))
    assert result.outcome == "failed"
    assert result.reason.startswith("connect error:") and "refused" in result.reason.lower()
    assert [a.reason.endswith(", retrying") for a in result.attempts] == [True, False]


# --- body size and decoding ---------------------------------------------------------------------------------------


def test_body_over_the_cap_fails(server):
    settings = replace(FAST, max_bytes=1000)
    declared = fetch_one(server.url("/big?size=5000"), settings)
    assert declared.outcome == "failed" and declared.reason.startswith("body exceeds 1000 bytes")
    assert declared.body is None
    streamed = fetch_one(server.url("/big?size=5000&length=0"), settings)
    assert streamed.outcome == "failed" and streamed.reason == "body exceeds 1000 bytes"
    assert fetch_one(server.url("/big?size=1000&length=0"), settings).outcome == "ok"


@pytest.mark.parametrize("kind", ["gzip", "deflate", "rawdeflate"])
def test_compressed_bodies_are_decoded(server, kind):
    result = fetch_one(server.url(f"/packed/{kind}"))
    assert result.outcome == "ok"
    assert result.body == b"<html><head><title>ok</title></head><body><p>Story text.</p></body></html>"
    assert result.attempts[0].bytes == len(result.body)


def test_gzip_bomb_is_stopped_while_inflating():
    bomb = gzip_bomb(200_000_000)  # 200 MB of zeros, about 200 KB on the wire
    with serve_faults(bomb=bomb) as server:
        tracemalloc.start()
        try:
            result, seconds = timed(server.url("/bomb"), replace(FAST, max_bytes=1_000_000))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert result.outcome == "failed" and result.reason == "body exceeds 1000000 bytes"
    assert result.attempts[0].bytes <= 1_000_001
    assert seconds < 5
    assert peak < 20_000_000  # a few copies of the cap, not the 200 MB (or one chunk's 64 MB)


# --- deadlines ----------------------------------------------------------------------------------------------------


def test_drip_server_is_cut_off_by_the_total_deadline(server):
    settings = replace(FAST, total_timeout=2.0, read_timeout=10.0)
    result, seconds = timed(server.url("/drip"), settings)
    assert result.outcome == "failed" and result.reason == "timed out after 2s (total deadline)"
    assert 1.8 <= seconds < 4


def test_server_that_never_answers_is_cut_off_by_the_deadline(server):
    settings = replace(FAST, total_timeout=1.5, read_timeout=30.0)
    hanging, seconds = timed(server.url("/hang"), settings)  # accepts, reads the request, says nothing
    assert hanging.outcome == "failed" and hanging.reason == "timed out after 1.5s (total deadline)"
    assert 1.3 <= seconds < 3
    with silent_listener() as port:  # the kernel completes the handshake; nobody ever accepts
        silent, seconds = timed(f"http://127.0.0.1:{port}/", settings)
    assert silent.outcome == "failed" and "total deadline" in silent.reason
    assert 1.3 <= seconds < 3


def test_read_timeout_is_named(server):
    result, seconds = timed(server.url("/hang"), replace(FAST, read_timeout=0.5, total_timeout=5.0))
    assert result.outcome == "failed" and result.reason.startswith("read timeout")
    assert seconds < 3


# --- the address guard --------------------------------------------------------------------------------------------


def test_loopback_is_refused_unless_allowed(server):
    refused = fetch_one(server.url("/ok"), replace(FAST, allow_private_network=False))
    assert refused.outcome == "skipped"
    assert refused.reason == "refused: 127.0.0.1 is a loopback address (use --allow-private-network to allow)"
    assert server.connections == 0 and server.requests == []
    assert fetch_one(server.url("/ok"), FAST).outcome == "ok"


@pytest.mark.parametrize("host", ["127.1", "0x7f000001", "2130706433", "localhost", "LocalHost.", "127.0.0.1.",
                                  "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "0.0.0.0", "sub.localhost"])
def test_disguised_loopback_forms_are_refused(server, host):
    result = fetch_one(f"http://{host}:{server.port}/ok", replace(FAST, allow_private_network=False))
    assert result.outcome == "skipped" and result.reason.startswith("refused:")
    assert "loopback" in result.reason or "unspecified" in result.reason
    assert server.connections == 0


@pytest.mark.skipif(not ipv6_loopback_available(), reason="no IPv6 loopback here")
def test_ipv6_loopback_is_refused_unless_allowed():
    with serve_faults(host="::1") as server6:
        refused = fetch_one(server6.url("/ok"), replace(FAST, allow_private_network=False))
        assert refused.outcome == "skipped" and "::1 is a loopback address" in refused.reason
        assert server6.connections == 0
        assert fetch_one(server6.url("/ok"), FAST).outcome == "ok"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd",
                                 "ftp://example.com/x", "mailto:desk@example.com", "/relative/path", "", "::garbage::",
                                 "http://", "http:///path", "http://[::1", "https://example.com:99999/"])
def test_non_http_urls_are_skipped_without_io(url):
    result = fetch_one(url)
    assert result.outcome == "skipped" and result.reason.startswith("refused:")
    assert len(result.attempts) == 1 and result.attempts[0].final and result.attempts[0].outcome == "skipped"


def test_scheme_refusal_reason():
    assert fetch_one("file:///etc/passwd").reason == "refused: scheme 'file' is not http(s)"


def _fetch_through(url: str, allow_private: bool, resolver) -> httpx.Response:
    settings = replace(FAST, allow_private_network=allow_private)

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=build_transport(settings, {}, resolver=resolver)) as client:
            return await client.get(url)

    return asyncio.run(go())


def _connections_to(monkeypatch) -> list[str]:
    """Every address a socket is opened to from now on (the connector's one way to connect)."""
    import aiohappyeyeballs

    opened: list[str] = []
    real = aiohappyeyeballs.start_connection

    async def spy(addr_infos, *args, **kwargs):
        opened.extend(info[4][0] for info in addr_infos[:1])
        return await real(addr_infos, *args, **kwargs)

    monkeypatch.setattr("aiohttp.connector.aiohappyeyeballs.start_connection", spy)
    return opened


def test_the_address_resolved_is_checked_and_is_the_one_connected_to(server, monkeypatch):
    """A name resolving to loopback is refused at connect time, whatever its URL text says."""
    lookups: list[str] = []

    async def rebinding_resolver(host: str, port: int):
        import ipaddress

        lookups.append(host)
        return [ipaddress.ip_address("127.0.0.1")]

    with pytest.raises(AddressRefused, match="rebind.example is 127.0.0.1, a loopback address"):
        _fetch_through(f"http://rebind.example:{server.port}/ok", False, rebinding_resolver)
    assert server.connections == 0

    lookups.clear()
    opened = _connections_to(monkeypatch)
    response = _fetch_through(f"http://rebind.example:{server.port}/echo", True, rebinding_resolver)
    assert response.json()["Host"] == f"rebind.example:{server.port}"
    # One lookup, and the socket opened to the very IP it returned: no second resolution to rebind.
    assert lookups == ["rebind.example"] and opened == ["127.0.0.1"]


def test_every_resolved_address_must_pass(server):
    async def mixed(host: str, port: int):
        import ipaddress

        # A public answer first does not excuse a private one after it.
        return [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.7")]

    with pytest.raises(AddressRefused, match="10.0.0.7, a private address"):
        _fetch_through("http://mixed.example/", False, mixed)


def test_build_transport_uses_the_guard(server):
    settings = replace(FAST, allow_private_network=False)

    async def loopback(host: str, port: int):
        import ipaddress

        return [ipaddress.ip_address("127.0.0.1")]

    async def go():
        async with httpx.AsyncClient(transport=build_transport(settings, {}, resolver=loopback)) as client:
            await client.get(f"http://sneaky.example:{server.port}/ok")

    with pytest.raises(AddressRefused):
        asyncio.run(go())
    assert server.connections == 0


def test_a_lookup_that_hangs_is_a_connect_timeout():
    async def hanging(host: str, port: int):
        await asyncio.sleep(30)
        return []

    settings = replace(FAST, connect_timeout=0.2)

    async def go():
        async with httpx.AsyncClient(transport=build_transport(settings, {}, resolver=hanging)) as client:
            await client.get("http://slow-dns.example/")

    start = time.monotonic()
    with pytest.raises(httpx.ConnectTimeout, match="resolving 'slow-dns.example' timed out"):
        asyncio.run(go())
    assert time.monotonic() - start < 5


# --- pinned hosts -------------------------------------------------------------------------------------------------


def test_pinned_host_is_fetched_by_name_while_private_network_is_off(server):
    settings = replace(FAST, allow_private_network=False, pinned_hosts=(("news.example", server.address),))
    result = fetch_one("http://news.example/echo", settings)
    assert result.outcome == "ok", result.reason
    assert result.final_url == "http://news.example/echo"
    assert json.loads(result.body)["Host"] == "news.example"


def test_redirect_from_a_pinned_host_to_loopback_is_refused(server):
    settings = replace(FAST, allow_private_network=False, pinned_hosts=(("news.example", server.address),))
    target = quote(server.url("/ok"), safe="")
    result = fetch_one(f"http://news.example/to?location={target}", settings)
    assert result.outcome == "skipped" and "loopback" in result.reason
    assert [seen.path for seen in server.requests] == ["/to"]
    assert fetch_one("http://news.example/to?location=%2Fok", settings).outcome == "ok"


def test_environment_proxy_does_not_bypass_the_guard(server, monkeypatch):
    with serve_faults() as proxy:
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, proxy.url(""))
        settings = replace(FAST, allow_private_network=False, pinned_hosts=(("news.example", server.address),))
        assert fetch_one("http://news.example/ok", settings).outcome == "ok"
        assert fetch_one("http://elsewhere.invalid/ok", settings).outcome == "failed"
        assert proxy.connections == 0


# --- concurrency bounds -------------------------------------------------------------------------------------------


def test_per_host_bound(server):
    settings = replace(FAST, max_per_host=2, max_connections=16)
    start = time.monotonic()
    results = fetch_pages([FetchRequest(server.url(f"/slow/{i}?delay=0.3"), "article") for i in range(10)], settings)
    assert all(r.outcome == "ok" for r in results)
    assert server.state.max_in_flight == 2
    assert time.monotonic() - start >= 1.4  # five rounds of two


def test_overall_bound(server):
    hosts = [f"site{i}.example" for i in range(5)]
    settings = replace(FAST, max_per_host=4, max_connections=3, pinned_hosts=tuple((h, server.address) for h in hosts))
    requests = [FetchRequest(f"http://{h}/slow/{i}?delay=0.2", "article") for h in hosts for i in range(2)]
    results = fetch_pages(requests, settings)
    assert all(r.outcome == "ok" for r in results)
    assert server.state.max_in_flight == 3


def test_tls_to_a_pinned_host_uses_the_host_name_for_sni_and_the_certificate(tmp_path, monkeypatch):
    pytest.importorskip("cryptography")
    cert, key = self_signed_certificate("news.example")
    (tmp_path / "cert.pem").write_bytes(cert)
    (tmp_path / "key.pem").write_bytes(key)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server_names: list[str] = []
    tls.sni_callback = lambda sock, name, context: server_names.append(name)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "cert.pem"))  # trust the test's own CA
    with serve_faults(tls=tls) as server:
        pins = (("news.example", server.address), ("other.example", server.address))
        settings = replace(FAST, allow_private_network=False, pinned_hosts=pins, retries=2)
        good, wrong = fetch_pages(
            [FetchRequest("https://news.example/echo", "feed"), FetchRequest("https://other.example/echo", "feed")],
            settings,
        )
    assert good.outcome == "ok" and json.loads(good.body)["Host"] == "news.example"
    assert wrong.outcome == "failed" and wrong.reason.startswith("TLS certificate error: Hostname mismatch")
    assert len(wrong.attempts) == 1  # a wrong certificate is not retried
    assert sorted(server_names) == ["news.example", "other.example"]


def test_on_result_hears_of_each_fetch_as_it_finishes(server):
    told: list[tuple[int, str]] = []
    requests = [FetchRequest(server.url("/slow/0?delay=0.5"), "feed"), FetchRequest(server.url("/echo"), "feed")]
    results = asyncio.run(flows.fetch.fetch_all(requests, FAST, on_result=lambda i, r: told.append((i, r.outcome))))
    assert [r.outcome for r in results] == ["ok", "ok"]  # in the order asked
    assert told == [(1, "ok"), (0, "ok")]  # in the order done


def test_plain_http_fetches_never_load_the_ca_bundle(server):
    from flows.fetch import transport

    transport._ssl_context_for.cache_clear()
    result = fetch_one(server.url("/echo"))
    assert result.outcome == "ok", result.reason
    assert transport._ssl_context_for.cache_info().currsize == 0


def test_a_kept_alive_connection_the_server_closed_is_not_reused():
    """The server answers keep-alive, then hangs up the idle connection; the next fetch opens a new one."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    accepted: list[int] = []

    def serve() -> None:
        for _ in range(2):
            conn, _ = listener.accept()
            accepted.append(1)
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok")
                time.sleep(0.1)  # then close: an idle connection the server gave up on

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    results = []
    try:
        for _ in range(2):
            results.append(fetch_one(f"http://127.0.0.1:{port}/", replace(FAST, max_connections=1)))
    finally:
        listener.close()
    assert [(r.outcome, r.body) for r in results] == [("ok", b"ok"), ("ok", b"ok")]
    assert all(len(r.attempts) == 1 for r in results) and len(accepted) == 2
