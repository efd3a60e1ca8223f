"""robots.txt verdicts: rules, crawl delays, missing and unreachable files, pinned hosts."""

from __future__ import annotations

import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from extractors.settings import FetchSettings
from flows.robots import origin_of, read_robots

UA = "storywatch/0.1 (+https://storywatch.example/bot)"


def serve(robots_status: int, robots_body: bytes = b""):
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.path)
            status, body = (robots_status, robots_body) if self.path == "/robots.txt" else (200, b"page")
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


@pytest.fixture
def site(request):
    status, body = request.param
    server, seen = serve(status, body)
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


SETTINGS = replace(FetchSettings(), allow_private_network=True, retries=0, min_host_interval=0.0)
RULES = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n\nUser-agent: storywatch\nDisallow: /no-bots/\n"


@pytest.mark.parametrize("site", [(200, RULES)], indirect=True)
def test_rules_and_crawl_delay_are_read(site):
    base, seen = site
    verdicts, results = read_robots([f"{base}/news/a.html", f"{base}/private/b.html"], SETTINGS)
    verdict = verdicts[base]
    assert seen == ["/robots.txt"] and results[0].purpose == "robots"
    assert verdict.allows(f"{base}/news/a.html", UA)
    assert not verdict.allows(f"{base}/no-bots/c.html", UA)


@pytest.mark.parametrize("site", [(404, b"")], indirect=True)
def test_missing_robots_allows_everything(site):
    base, _ = site
    verdicts, _ = read_robots([f"{base}/x.html"], SETTINGS)
    assert verdicts[base].allow_all and verdicts[base].allows(f"{base}/anything", UA)


@pytest.mark.parametrize("site", [(503, b"")], indirect=True)
def test_unreachable_robots_denies_the_host_for_this_run(site):
    base, _ = site
    verdicts, _ = read_robots([f"{base}/x.html"], SETTINGS)
    assert verdicts[base].deny_all and "robots.txt unreachable" in verdicts[base].reason
    assert not verdicts[base].allows(f"{base}/x.html", UA)


def test_pinned_hosts_are_not_asked():
    settings = replace(SETTINGS, allow_private_network=False, pinned_hosts=(("own.example", "127.0.0.1:9"),))
    verdicts, results = read_robots(["http://own.example/a.html"], settings)
    assert results == [] and verdicts[origin_of("http://own.example/a.html")].allow_all
