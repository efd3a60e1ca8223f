"""URL normalisation: one spelling per page, so the same story found twice is one candidate.

In: a link as a feed or sitemap wrote it (maybe relative, maybe with tracking
parameters). Out: an absolute http(s) URL in canonical form, or ``None`` when the
link cannot be fetched (``javascript:``, ``data:``, ``mailto:``, no host...).

courlan does the structural part (lowercase scheme and host, default ports
dropped, duplicate slashes collapsed, path percent-encoded). Three things are
done here instead:

* the query: courlan's tracker pattern is built for crawl frontiers and also
  strips parameters that pick the page (``gallery``, ``game``, ``cid``,
  ``uid``...). The canonical URL is both the dedupe identity and the URL the
  pipeline fetches, so only an explicit list of tracking parameters goes, and
  the rest keep their exact encoding, sorted by name. Keeping the URL string
  away from courlan also avoids its HTML-unescaping, which reads ``&region=``
  as ``&reg;ion=``;
* the fragment is dropped (it never reaches the server);
* internationalised host names are written in punycode (courlan decodes them to
  Unicode), the form HTTP carries on the wire.

AMP, mobile and print variants of a page cannot be recognised from the URL
alone; :func:`article_identity` merges them once the page has named its own
canonical URL.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, unquote_plus, urljoin, urlsplit, urlunsplit

import idna
from courlan import normalize_url
from tld import get_fld

_SCHEMES = ("http", "https")

# Parameters that only say how the reader arrived (campaign, click and share
# ids), lower-cased. Kept to well-known names: stripping a parameter that picks
# the page would merge two stories into one candidate and fetch the wrong one.
_TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "gad_source", "msclkid", "yclid",
    "twclid", "ttclid", "li_fat_id", "igshid", "igsh", "srsltid", "mc_cid", "mc_eid", "_ga", "_gl",
    "_hsenc", "_hsmi", "mkt_tok", "ref", "ref_src", "ref_url", "cmpid", "cmp", "icid", "ocid", "s_cid",
    "smid", "smtyp", "xtor", "soc_src", "soc_trk", "trk", "wt.mc_id", "__twitter_impression",
})
# Prefixes of whole families of analytics parameters: Google (utm_), Piwik and
# Matomo (pk_, mtm_), comScore at the BBC (ns_), AT Internet (at_), HubSpot ads
# (hsa_), Olytics (oly_), Vero (vero_).
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "ns_", "at_", "hsa_", "oly_", "vero_")


def canonicalize_url(url: str, base: str | None = None) -> str | None:
    """The canonical absolute http(s) form of ``url``, or None if it is not a fetchable web URL."""
    url = (url or "").strip()
    if not url:
        return None
    try:
        if base:
            url = urljoin(base.strip(), url)
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number in range
    except ValueError:
        return None
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        return None
    query = _clean_query(parts.query)
    # courlan gets no query and no fragment: both are handled here (see the module
    # docstring). Handing it a SplitResult rather than a string also skips its
    # HTML-unescaping, which would turn "&#x23;" in a path into a fragment.
    try:
        normal = normalize_url(SplitResult(parts.scheme, parts.netloc, parts.path, "", ""))
    except ValueError:
        return None
    scheme, netloc, path, _, _ = urlsplit(normal)
    netloc = _ascii_netloc(netloc)
    if netloc is None:
        return None
    if query and not path:
        path = "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def url_host(url: str) -> str:
    """The host of ``url``, lower-cased and without a leading ``www.``; "" when it has none."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".").removeprefix("www.")


def site_of(url: str) -> str:
    """The registrable domain of ``url`` ("amp.theguardian.com" -> "theguardian.com").

    Names outside the public suffix list (``.example``, intranet names) fall back to
    their last two labels; an IP address is its own site.
    """
    found = get_fld(url, fail_silently=True)
    if found:
        return found
    host = url_host(url)
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        return ".".join(host.split(".")[-2:])


def article_identity(discovered_url: str, declared_canonical: str | None, final_url: str | None = None) -> str:
    """The URL an article is stored under: the page's own canonical link, when it names another
    page of the same site (an AMP, mobile or print variant naming the main one), else the URL
    discovery found.

    "Same site" is the registrable domain of the discovered URL or of the URL the fetch
    ended at, since the site's own redirect vouches for that. A canonical link on another
    site is not followed: syndicated copies point at the original outlet, and a hostile
    page could claim any story's identity. A canonical link to the site's front page is a
    template bug, not an identity.
    """
    canonical = canonicalize_url(declared_canonical, final_url or discovered_url) if declared_canonical else None
    if canonical is None or canonical == discovered_url or urlsplit(canonical).path in ("", "/"):
        return discovered_url
    sites = {site_of(discovered_url)} | ({site_of(final_url)} if final_url else set())
    return canonical if site_of(canonical) in sites else discovered_url


def _clean_query(query: str) -> str:
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        name = unquote_plus(pair.partition("=")[0]).lower()
        if name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES):
            continue
        kept.append(pair)
    # Sort by name only: a stable sort keeps repeated names (a=1&a=2) in their order.
    kept.sort(key=lambda pair: pair.partition("=")[0])
    return "&".join(kept)


def _ascii_netloc(netloc: str) -> str | None:
    if netloc.isascii():
        return netloc
    userinfo, at, hostport = netloc.rpartition("@")
    host, colon, port = hostport.rpartition(":")
    if not colon or not port.isdigit():
        host, colon, port = hostport, "", ""
    try:
        # UTS 46 mapping, as browsers do; IDNA 2008 proper rejects some names they accept.
        ascii_host = idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        try:
            ascii_host = host.encode("idna").decode("ascii")  # IDNA 2003, the older and looser rules
        except UnicodeError:
            return None
    return f"{userinfo}{at}{ascii_host}{colon}{port}"
