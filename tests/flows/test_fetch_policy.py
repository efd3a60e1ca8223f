"""The fetcher's pure parts: address classes, URL pre-checks, host pins, Retry-After."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime

import httpx
import pytest

from flows.fetch.guard import Pin, address_kind, parse_pins, refusal_for_url
from flows.fetch.retry import backoff_delay, retry_after_seconds, retryable_status


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("::1", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("fd12::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"), ("100.64.0.1", "shared (CGNAT)"), ("fec0::1", "site-local"),
    ("::ffff:127.0.0.1", "IPv4-mapped loopback"), ("::ffff:10.0.0.1", "IPv4-mapped private"),
    ("::ffff:169.254.169.254", "IPv4-mapped link-local"),
    ("64:ff9b::7f00:1", "IPv4-embedded loopback"), ("2002:7f00:1::", "IPv4-embedded loopback"),
    ("8.8.8.8", None), ("93.184.216.34", None), ("2606:4700::1111", None), ("::ffff:8.8.8.8", None),
])
def test_address_kinds(address, kind):
    assert address_kind(ipaddress.ip_address(address)) == kind


def test_url_precheck_normalises_disguises_without_dns():
    def reason(url: str) -> str | None:
        return refusal_for_url(httpx.URL(url), {}, allow_private=False)

    assert reason("http://127.1/") == ("refused: 127.1 is 127.0.0.1, a loopback address "
                                       "(use --allow-private-network to allow)")
    assert "169.254.169.254" in reason("http://0xa9fea9fe/latest/meta-data/")
    assert "private" in reason("http://[fd00::1]/")
    assert reason("http://example.com/") is None
    assert reason("https://8.8.8.8/") is None
    assert refusal_for_url(httpx.URL("http://127.0.0.1/"), {}, allow_private=True) is None
    assert refusal_for_url(httpx.URL("http://localhost/"), {"localhost": Pin("127.0.0.1", 8)}, False) is None


def test_pins_parse():
    assert parse_pins((("News.Example.", "127.0.0.1:8080"), ("v6.example", "[::1]:81"), ("bare.example", "::1"))) == {
        "news.example": Pin("127.0.0.1", 8080), "v6.example": Pin("::1", 81), "bare.example": Pin("::1", None),
    }
    for bad in ("example.com:80", "127.0.0.1:http", "127.0.0.1:70000"):
        with pytest.raises(ValueError):
            parse_pins((("x.example", bad),))


def test_retry_after():
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("1", now) == 1.0
    assert retry_after_seconds(" 120 ", now) == 120.0
    assert retry_after_seconds("-5", now) == 0.0
    assert retry_after_seconds("Wed, 01 Jan 2025 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Wed, 01 Jan 2025 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds("nan", now) is None
    assert retry_after_seconds(None, now) is None


def test_backoff_grows_with_small_jitter():
    for n, base in ((1, 0.5), (2, 1.0), (3, 2.0)):
        assert base <= backoff_delay(n, 0.5) <= base * 1.25
    assert [retryable_status(s) for s in (429, 500, 503, 404, 403, 301)] == [True, True, True, False, False, False]
