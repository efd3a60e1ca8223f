"""Shared fixtures: Prefect's test harness, and the sample newsroom served on 127.0.0.1.

The newsroom serves the bundled sample's sites under path prefixes
(``http://127.0.0.1:PORT/<host>/<path>``) and rewrites the links inside feeds and
pages to match, so tests exercise pure loopback URLs with no host pinning, as a
user whose ``.toml`` lists feeds on 127.0.0.1 would.
"""

from __future__ import annotations

import csv
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "sample"
SEED = ROOT / "seeds" / "xi-zelensky-call.txt"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@dataclass
class Newsroom:
    base: str
    hosts: list[str]
    requests: list[str] = field(default_factory=list)
    delay: float = 0.0  # seconds added to every article page response
    robots: str | None = None  # served at /robots.txt when set
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, host: str, path: str) -> str:
        return f"{self.base}/{host}/{path.lstrip('/')}"

    def article_requests(self) -> list[str]:
        with self.lock:
            return [p for p in self.requests if p.endswith(".html")]

    def rewrite(self, text: str) -> str:
        for host in self.hosts:
            text = text.replace(f"http://{host}/", f"{self.base}/{host}/")
        return text

    def feed_sources(self) -> list[tuple[str, str]]:
        """(kind, url) of the sample's feeds and sitemap, as the bundled .toml lists them."""
        import tomllib

        raw = tomllib.loads(SEED.with_suffix(".toml").read_text(encoding="utf-8"))
        out = []
        for source in raw["sources"]:
            parts = urlsplit(source["url"])
            out.append((source["kind"], self.url(parts.hostname, parts.path)))
        return out


def _handler(room: Newsroom) -> type[BaseHTTPRequestHandler]:
    sites = (SAMPLE / "sites").resolve()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path
            with room.lock:
                room.requests.append(path)
            if path == "/robots.txt" and room.robots is not None:
                body = room.robots.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            target = (sites / path.lstrip("/")).resolve()
            if sites not in target.parents or not target.is_file():
                self.send_error(404)
                return
            if target.suffix == ".html" and room.delay:
                time.sleep(room.delay)
            body = room.rewrite(target.read_text(encoding="utf-8")).encode("utf-8")
            ctype = "text/html; charset=utf-8" if target.suffix == ".html" else "application/xml"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def newsroom() -> Iterator[Newsroom]:
    hosts = sorted(p.name for p in (SAMPLE / "sites").iterdir() if p.is_dir())
    room = Newsroom(base="", hosts=hosts)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(room))
    server.daemon_threads = True
    room.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield room
    server.shutdown()
    server.server_close()


def write_loopback_seed(tmp_path: Path, room: Newsroom, batch_size: int = 100) -> Path:
    """A copy of the bundled seed whose .toml lists the newsroom's loopback feeds."""
    seed = tmp_path / "xi-zelensky-call.txt"
    seed.write_bytes(SEED.read_bytes())
    lines = [f"[pipeline]\nbatch_size = {batch_size}\n",
             "[fetch]\nretries = 0\ntotal_timeout = 20.0\nmin_host_interval = 0.0\n"]
    lines += [f'[[sources]]\nkind = "{kind}"\nurl = "{url}"\n' for kind, url in room.feed_sources()]
    seed.with_suffix(".toml").write_text("\n".join(lines), encoding="utf-8")
    return seed


@pytest.fixture
def loopback_seed(tmp_path, newsroom) -> Path:
    return write_loopback_seed(tmp_path, newsroom)


@pytest.fixture
def make_loopback_seed():
    return write_loopback_seed


@pytest.fixture
def sample_labels() -> dict[str, dict[str, str]]:
    """The sample's hand labels, keyed by the page path (host/path.html)."""
    with (SAMPLE / "labels.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {urlsplit(r["url"]).hostname + urlsplit(r["url"]).path: r for r in rows}


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[str]:
    """One temporary Prefect server for the whole session; yields its API URL."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()
