"""URL canonicalisation: one spelling per page, and None for links that cannot be fetched."""

import pytest

from extractors.urls import article_identity, canonicalize_url, url_host


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # scheme and host lower-cased, path case kept
        ("HTTPS://WWW.Kyiv-Ledger.EXAMPLE/World/Xi-Call.html", "https://www.kyiv-ledger.example/World/Xi-Call.html"),
        # default ports dropped, other ports kept
        ("http://news.example:80/a", "http://news.example/a"),
        ("https://news.example:443/a", "https://news.example/a"),
        ("https://news.example:8443/a", "https://news.example:8443/a"),
        ("http://news.example:443/a", "http://news.example:443/a"),
        ("http://127.0.0.1:8765/kyiv-ledger.example/a.html", "http://127.0.0.1:8765/kyiv-ledger.example/a.html"),
        # fragment dropped
        ("https://news.example/a.html#comments", "https://news.example/a.html"),
        # tracking parameters dropped, others kept and sorted, their encoding untouched
        (
            "https://news.example/a?utm_source=rss&utm_medium=feed&id=7&fbclid=IwAR0&gclid=x&b=2",
            "https://news.example/a?b=2&id=7",
        ),
        ("https://news.example/a?dclid=1&msclkid=2&mc_cid=3&mc_eid=4&yclid=5&igshid=6", "https://news.example/a"),
        ("https://news.example/a?_ga=1&ref_src=twsrc&cmpid=rss&UTM_Campaign=x", "https://news.example/a"),
        ("https://news.example/a?q=xi+zelensky&q=call&page=2", "https://news.example/a?page=2&q=xi+zelensky&q=call"),
        # parameters that pick the page stay (courlan's own tracker pattern would drop these)
        ("https://news.example/a.php?gallery=5&cid=3&uid=9", "https://news.example/a.php?cid=3&gallery=5&uid=9"),
        # no HTML unescaping: "&region" is not "&reg;ion"
        ("https://news.example/a?region=eu&copy=1", "https://news.example/a?copy=1&region=eu"),
        ("https://news.example?id=3", "https://news.example/?id=3"),
        ("https://news.example/a?", "https://news.example/a"),
        # trailing slashes are left as found
        ("https://news.example/world/", "https://news.example/world/"),
        ("https://news.example/world", "https://news.example/world"),
        # internationalised hosts in punycode, non-ASCII paths percent-encoded
        ("https://bücher.example/ä", "https://xn--bcher-kva.example/%C3%A4"),
        ("https://XN--BCHER-KVA.example/", "https://xn--bcher-kva.example/"),
        # surrounding whitespace from feeds is ignored
        ("  https://news.example/a\n", "https://news.example/a"),
        # AMP is not this module's business
        ("https://news.example/amp/a.html?amp=1", "https://news.example/amp/a.html?amp=1"),
    ],
)
def test_canonical_form(url, expected):
    assert canonicalize_url(url) == expected


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("/world/a.html", "https://news.example/rss.xml", "https://news.example/world/a.html"),
        ("../b/c.html?ref=rss", "https://news.example/a/x/index.html", "https://news.example/a/b/c.html"),
        ("//cdn.news.example/a", "https://news.example/", "https://cdn.news.example/a"),
        ("https://other.example/a", "https://news.example/", "https://other.example/a"),
    ],
)
def test_relative_links_resolve_against_base(url, base, expected):
    assert canonicalize_url(url, base) == expected


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:void(0)",
        "data:text/html;base64,PGgxPmhpPC9oMT4=",
        "file:///etc/passwd",
        "mailto:desk@news.example",
        "ftp://files.news.example/a",
        "",
        "   ",
        "/relative/without/base",
        "https://",
        "http://news.example:99999/a",
        "http://[::1",
    ],
)
def test_unfetchable_links_are_none(url):
    assert canonicalize_url(url) is None


def test_unfetchable_link_stays_none_with_a_base():
    assert canonicalize_url("javascript:alert(1)", "https://news.example/") is None
    assert canonicalize_url("data:,hi", "https://news.example/") is None


def test_canonical_form_is_stable():
    once = canonicalize_url("HTTPS://Bücher.example:443/ä?utm_source=x&b=2&a=1#f")
    assert canonicalize_url(once) == once


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://WWW.Kyiv-Ledger.example/a", "kyiv-ledger.example"),
        ("http://www2.news.example/a", "www2.news.example"),
        ("http://news.example:8080/", "news.example"),
        ("not a url", ""),
    ],
)
def test_url_host(url, host):
    assert url_host(url) == host


@pytest.mark.parametrize(
    ("discovered", "canonical", "final", "identity"),
    [
        # AMP and mobile variants name the main page of the same site: merged.
        ("https://amp.theguardian.com/world/2023/apr/26/xi-zelensky-call",
         "https://www.theguardian.com/world/2023/apr/26/xi-zelensky-call?utm_source=amp#top", None,
         "https://www.theguardian.com/world/2023/apr/26/xi-zelensky-call"),
        ("https://m.bbc.co.uk/news/world-65396591", "https://www.bbc.co.uk/news/world-65396591", None,
         "https://www.bbc.co.uk/news/world-65396591"),
        ("http://kyiv-ledger.example/amp/news/call.html", "/news/call.html", None,
         "http://kyiv-ledger.example/news/call.html"),
        # The site's own redirect vouches for the site the fetch ended on.
        ("https://feeds.example.net/~r/world/123", "https://www.reuters.com/world/xi-zelensky-call",
         "https://www.reuters.com/world/xi-zelensky-call/", "https://www.reuters.com/world/xi-zelensky-call"),
        # Another site's canonical (a syndicated copy naming the wire) is not an identity.
        ("https://www.yahoo.com/news/xi-zelensky-call-123.html", "https://www.reuters.com/world/xi-zelensky-call",
         None, "https://www.yahoo.com/news/xi-zelensky-call-123.html"),
        # A canonical link to the front page is a template bug.
        ("https://www.example.com/2023/04/26/story.html", "https://www.example.com/", None,
         "https://www.example.com/2023/04/26/story.html"),
        # No canonical, or an unusable one.
        ("https://www.example.com/story", None, None, "https://www.example.com/story"),
        ("https://www.example.com/story", "javascript:alert(1)", None, "https://www.example.com/story"),
    ],
)
def test_article_identity_follows_same_site_canonical_links_only(discovered, canonical, final, identity):
    assert article_identity(discovered, canonical, final) == identity
