"""Throughput benchmark: the whole `storywatch run` against plain trafilatura, on one loopback host.

In: the 88 real pages of ``../shared/data/extraction-benchmark``. The script builds a
corpus of N pages by cycling them (each copy gets a unique token inside its article
body, so copies are near-duplicates, never identical), RSS 2.0 feeds of 50 items, a
seed and its ``.toml``, and serves the corpus from a 127.0.0.1 server that sleeps
``--latency`` seconds before every response. Against that corpus and server it runs:

- the limit: ``trafilatura.extract`` over the page bytes in a two-process spawn pool,
  no network, warm-up excluded; run first and last, the mean of the two is the limit;
- storywatch: the full ``storywatch run`` (discover, fetch, extract, load, judge, analyse,
  report), then the same run again with nothing new, three times (one rerun is a
  second or two, which a hiccup of the machine can double), all against a Prefect API server
  started once before them (as scheduled deployments run; its start-up is printed, not
  counted); with ``--cold``, once more into a fresh warehouse with Prefect's temporary
  server started inside the run, as a one-off ``storywatch run`` on a new machine does;
- trafilatura's command line: ``trafilatura --input-file urls.txt --parallel 16`` with a
  config that only turns off its 5 s per-domain sleep and its SSRF guard (printed).

Out: a table of pages, seconds, pages/s, ratio to the limit, CPU seconds and peak
memory per method, and each rerun's wall time against the first run's. Every method
runs in its own process under ``/usr/bin/time``: CPU is user + sys of that process and
every child it waited for; peak memory is GNU time's ``%M``, the largest resident set
of any single process in that tree (not their sum). Descendants its process leaves
behind (storywatch's workers are children of multiprocessing's fork server, which
outlives the run by a moment and is nobody's to wait for) are adopted by this script
(Linux's child subreaper) and waited for, their CPU and peak counted the same way.

    .venv/bin/python benchmarks/throughput.py [--n 2000] [--latency 0.03] [--skip-cli] [--cold] [--keep]
"""

from __future__ import annotations

import argparse
import ctypes
import gzip
import json
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

from throughput_server import start_server

REPO = Path(__file__).resolve().parents[1]
BENCHMARK = REPO.parent / "shared" / "data" / "extraction-benchmark"
SEED_TEXT = REPO / "seeds" / "xi-zelensky-call.txt"
VENV_BIN = Path(sys.executable).parent
ITEMS_PER_FEED = 50  # the feed size
LIMIT_WORKERS = 2  # the machine's cores; the pipeline extracts on every core too
CLI_THREADS = 16  # the same concurrency storywatch is given (max_connections)
RERUNS = 3  # reruns with nothing new, one after another
# trafilatura's defaults except: SLEEP_TIME 5.0 -> 0 (its per-domain pause would make one
# host take 5 s a page) and SSRF_PROTECTION on -> off (it refuses 127.0.0.1 otherwise).
CLI_CONFIG = """[DEFAULT]
DOWNLOAD_TIMEOUT = 30
MAX_FILE_SIZE = 20000000
MIN_FILE_SIZE = 10
SLEEP_TIME = 0
USER_AGENTS =
COOKIE =
MAX_REDIRECTS = 2
SSRF_PROTECTION = off
INSECURE_SSL_FALLBACK = on
MIN_EXTRACTED_SIZE = 250
MIN_OUTPUT_SIZE = 1
MIN_OUTPUT_COMM_SIZE = 1
MAX_TREE_SIZE =
EXTRACTION_TIMEOUT = 30
MIN_DUPLCHECK_SIZE = 100
MAX_REPETITIONS = 2
EXTENSIVE_DATE_SEARCH = on
EXTERNAL_URLS = off
"""
_FINISHED = re.compile(r"run finished in ([0-9.]+)s")  # also matches Measure.note's quote of it
_FETCHED = re.compile(r"fetched (\d+) pages, (\d+) failed, (\d+) new articles")
_WORDS = re.compile(r"\w+")
_P_CLOSE = re.compile(rb"</p\s*>", re.IGNORECASE)
_TAGS = re.compile(rb"<[^>]*>")


@dataclass(frozen=True)
class Measure:
    method: str
    pages: int
    seconds: float
    cpu: float
    peak_mb: float
    note: str = ""


# ---------------------------------------------------------------- the corpus


def insert_token(html: bytes, body: str, token: str) -> bytes:
    """Put ``token`` at the end of the first paragraph holding the article's opening words."""
    opening = _WORDS.findall(body)[:8]
    start = 0
    for match in _P_CLOSE.finditer(html):
        open_at = max(html.rfind(b"<p>", start, match.start()), html.rfind(b"<p ", start, match.start()))
        text = _TAGS.sub(b" ", html[max(open_at, start):match.start()]).decode("utf-8", "replace")
        words = _WORDS.findall(text)
        if (opening and words[:len(opening)] == opening) or len(words) >= 40:
            return html[:match.start()] + f" {token}".encode() + html[match.start():]
        start = match.end()
    end = html.lower().rfind(b"</body")
    at = end if end >= 0 else len(html)
    return html[:at] + f"<p>{token}</p>".encode() + html[at:]


def build_corpus(root: Path, n: int, port: int) -> dict[str, str]:
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    sources = [(key, item.get("articleBody") or "",
                gzip.decompress((BENCHMARK / "html" / f"{key}.html.gz").read_bytes()))
               for key, item in sorted(truth.items())]
    (root / "p").mkdir(parents=True)
    (root / "feeds").mkdir()
    base = f"http://127.0.0.1:{port}"
    titles: list[str] = []
    for i in range(n):
        key, body, html = sources[i % len(sources)]
        (root / "p" / f"{i:06d}.html").write_bytes(insert_token(html, body, f"swtok{i:06d}"))
        title = re.search(rb"<title[^>]*>(.*?)</title>", html, re.IGNORECASE | re.DOTALL)
        titles.append(title.group(1).decode("utf-8", "replace").strip() if title else f"Page {i}")
    published = datetime(2023, 4, 26, 12, 0, tzinfo=UTC)
    feeds = []
    for f, first in enumerate(range(0, n, ITEMS_PER_FEED)):
        items = "".join(
            f"<item><title>{escape(titles[i] or f'Page {i}')}</title><link>{base}/p/{i:06d}.html</link>"
            f"<guid>{base}/p/{i:06d}.html</guid>"
            f"<pubDate>{format_datetime(published + timedelta(minutes=i))}</pubDate></item>\n"
            for i in range(first, min(first + ITEMS_PER_FEED, n)))
        (root / "feeds" / f"{f:03d}.xml").write_text(
            f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Feed {f}</title>'
            f"<link>{base}/</link><description>throughput corpus</description>\n{items}</channel></rss>\n",
            encoding="utf-8")
        feeds.append(f"{base}/feeds/{f:03d}.xml")
    (root / "urls.txt").write_text("".join(f"{base}/p/{i:06d}.html\n" for i in range(n)), encoding="utf-8")
    return {"feeds": "\n".join(feeds)}


def write_seed(folder: Path, feeds: list[str]) -> Path:
    text = SEED_TEXT.read_text(encoding="utf-8").lstrip("\ufeff \n")
    body = text.split("\n", 1)[1] if text.startswith("date ") else text
    seed = folder / "throughput.txt"
    seed.write_text(f"date 2023-04-26\n{body}", encoding="utf-8")
    sources = "".join(f'\n[[sources]]\nkind = "feed"\nurl = "{url}"\n' for url in feeds)
    (folder / "throughput.toml").write_text(
        "# Throughput test on one loopback host: no pacing, no robots, no retries, and no\n"
        "# pre-filter (the pages are unrelated to the seed; we measure throughput).\n"
        "[window]\ndays_before = 1\ndays_after = 14\n\n"
        "[fetch]\nmax_connections = 16\nmax_per_host = 16\nmin_host_interval = 0.0\n"
        "obey_robots = false\nretries = 0\n\n"
        "[prefilter]\nenabled = false\n" + sources,
        encoding="utf-8")
    return seed


# ---------------------------------------------------------------- the limit (a child process)


def _extract(html: bytes) -> int:
    import trafilatura

    return len(trafilatura.extract(html) or "")


def run_limit(pages_dir: Path) -> None:
    """Print pages/s and the count of non-empty extractions; called as a child process."""
    pages = [path.read_bytes() for path in sorted(pages_dir.glob("*.html"))]
    with multiprocessing.get_context("spawn").Pool(LIMIT_WORKERS) as pool:
        pool.map(_extract, pages[:LIMIT_WORKERS * 4], chunksize=1)  # warm-up: import and first parse
        started = time.perf_counter()
        lengths = pool.map(_extract, pages, chunksize=8)
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "pages": len(pages), "extracted": sum(1 for n in lengths if n)}))


# ---------------------------------------------------------------- running and measuring


def timed(argv: list[str], folder: Path, env: dict[str, str] | None = None) -> tuple[float, float, float, str]:
    """Run argv under /usr/bin/time; return wall seconds, CPU seconds, peak MB and stdout.

    Python keeps compiled modules, as an installed tool does: a PYTHONDONTWRITEBYTECODE
    in the caller's environment (sandboxes and CI set it) would have every run compile
    the project's modules again, 0.3 s that no installation pays."""
    stats = folder / f"time-{time.monotonic_ns()}.txt"
    env = {**(os.environ if env is None else env)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-o", str(stats), "-f", "%U %S %M", *argv], capture_output=True,
                          text=True, env=env, cwd=folder)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"throughput: {argv[0]} exited {done.returncode}")
    user, system, rss_kb = stats.read_text().split()[-3:]
    cpu, peak_kb = float(user) + float(system), int(rss_kb)
    for usage in _reap_adopted():
        cpu += usage.ru_utime + usage.ru_stime
        peak_kb = max(peak_kb, usage.ru_maxrss)
    return wall, cpu, peak_kb / 1024, done.stdout


def _adopt_orphans() -> None:
    """Become the parent of descendants whose parent exits (PR_SET_CHILD_SUBREAPER)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:
        raise SystemExit(f"throughput: cannot become a child subreaper: {os.strerror(ctypes.get_errno())}")


def _reap_adopted() -> list[os.struct_rusage]:
    """Wait for every adopted process still alive; the usage of each and of what it waited for.
    The long-lived children this script started itself (the Prefect server) are not adopted."""
    own = str(os.getpid())
    usages = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError):
            continue
        if parent == own and int(entry.name) not in _STARTED:
            try:
                _, _, usage = os.wait4(int(entry.name), 0)
            except ChildProcessError:
                continue
            usages.append(usage)
    return usages


_STARTED: set[int] = set()  # processes this script started and waits for itself


def measure_limit(folder: Path, label: str) -> Measure:
    wall, cpu, peak, out = timed([sys.executable, __file__, "--limit", str(folder / "corpus" / "p")], folder)
    result = json.loads(out.strip().splitlines()[-1])
    return Measure(label, result["pages"], result["seconds"], cpu, peak,
                   f"{result['extracted']} extracted; {wall:.1f}s with pool start and warm-up")


def measure_storywatch(folder: Path, seed: Path, label: str, api_url: str | None,
                       db_name: str = "w.duckdb") -> tuple[Measure, str]:
    """``storywatch run`` against the Prefect API at ``api_url``, or with Prefect's temporary
    server (started and stopped inside the run) when it is None."""
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "NO_COLOR": "1",
           "PREFECT_HOME": str(folder / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    argv = [str(VENV_BIN / "storywatch"), "run", str(seed), "--allow-private-network",
            "--db", str(folder / db_name), "--report-dir", str(folder / "reports")]
    wall, cpu, peak, out = timed(argv, folder, env)
    finished = _FINISHED.search(out)
    fetched = _FETCHED.search(out)
    pages = int(fetched.group(3)) if fetched else 0
    note = f"flow's own: run finished in {finished.group(1)}s" if finished else "no 'run finished' line"
    if fetched:
        note += f"; fetched {fetched.group(1)}, failed {fetched.group(2)}, new {fetched.group(3)}"
    return Measure(label, pages, wall, cpu, peak, note), out


@dataclass
class PrefectServer:
    """A long-lived Prefect API server, as a scheduled deployment runs against."""

    process: subprocess.Popen
    api_url: str
    start_seconds: float

    @classmethod
    def start(cls, folder: Path) -> PrefectServer:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {**os.environ, "PREFECT_HOME": str(folder / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "PREFECT_UI_ENABLED": "false"}
        started = time.perf_counter()
        process = subprocess.Popen([str(VENV_BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                                    "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        _STARTED.add(process.pid)
        api_url = f"http://127.0.0.1:{port}/api"
        while time.perf_counter() - started < 120:
            try:
                with urllib.request.urlopen(f"{api_url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return cls(process, api_url, time.perf_counter() - started)
            except OSError:
                time.sleep(0.2)
        process.kill()
        raise SystemExit("throughput: the Prefect server did not start within 120 s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def measure_cli(folder: Path) -> Measure:
    config = folder / "trafilatura.cfg"
    config.write_text(CLI_CONFIG, encoding="utf-8")
    out_dir = folder / "cli-out"
    argv = [str(VENV_BIN / "trafilatura"), "--input-file", str(folder / "corpus" / "urls.txt"),
            "--output-dir", str(out_dir), "--parallel", str(CLI_THREADS), "--config-file", str(config)]
    wall, cpu, peak, _ = timed(argv, folder)
    written = sum(1 for path in out_dir.rglob("*") if path.is_file()) if out_dir.exists() else 0
    return Measure("trafilatura CLI", written, wall, cpu, peak, f"{written} files written")


def print_table(rows: list[Measure], limit: float) -> None:
    print(f"{'method':<22}{'pages':>7}{'seconds':>10}{'pages/s':>10}{'ratio':>8}{'CPU s':>9}{'peak MB':>9}")
    for row in rows:
        rate = row.pages / row.seconds if row.seconds else 0.0
        print(f"{row.method:<22}{row.pages:>7}{row.seconds:>10.2f}{rate:>10.1f}{rate / limit:>8.2f}"
              f"{row.cpu:>9.1f}{row.peak_mb:>9.0f}  {row.note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=2000, help="pages in the corpus (default 2000)")
    parser.add_argument("--latency", type=float, default=0.03, help="seconds slept per response (default 0.03)")
    parser.add_argument("--skip-cli", action="store_true", help="do not run trafilatura's command line")
    parser.add_argument("--cold", action="store_true",
                        help="also run storywatch once with Prefect's temporary server, into a fresh warehouse")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--limit", type=Path, help=argparse.SUPPRESS)  # internal: the limit's child process
    args = parser.parse_args(argv)
    if args.limit:
        run_limit(args.limit)
        return 0

    _adopt_orphans()
    folder = Path(tempfile.mkdtemp(prefix="storywatch-throughput-"))
    server = start_server(folder / "corpus", args.latency)
    try:
        (folder / "corpus").mkdir()
        feeds = build_corpus(folder / "corpus", args.n, server.port)["feeds"].split("\n")
        seed = write_seed(folder, feeds)
        print(f"corpus: {args.n} pages from {BENCHMARK.name}, {len(feeds)} feeds of {ITEMS_PER_FEED}, "
              f"latency {args.latency * 1000:.0f} ms, server 127.0.0.1:{server.port}, {os.cpu_count()} cores")
        print(f"folder: {folder}")

        prefect = PrefectServer.start(folder)
        print(f"Prefect server: {prefect.api_url}, healthy after {prefect.start_seconds:.1f}s (not in any row)")
        first_limit = measure_limit(folder, "limit (first)")
        before = server.snapshot()
        story, _ = measure_storywatch(folder, seed, "storywatch run", prefect.api_url)
        served = server.snapshot() - before
        before = server.snapshot()
        reruns = [measure_storywatch(folder, seed, "storywatch rerun", prefect.api_url)[0] for _ in range(RERUNS)]
        served_rerun = server.snapshot() - before
        prefect.stop()
        rows = [first_limit, story]
        if args.cold:
            cold, _ = measure_storywatch(folder, seed, "storywatch, cold", None, "cold.duckdb")
            rows.append(replace(cold, note=cold.note + "; Prefect's temporary server started inside"))
        if not args.skip_cli:
            before = server.snapshot()
            cli = measure_cli(folder)
            served_cli = server.snapshot() - before
            rows.append(Measure(cli.method, cli.pages, cli.seconds, cli.cpu, cli.peak_mb,
                                f"{cli.note}; {served_cli['p']} pages served"))
        last_limit = measure_limit(folder, "limit (last)")
        rows.append(last_limit)
        limit = (first_limit.pages / first_limit.seconds + last_limit.pages / last_limit.seconds) / 2

        print()
        print_table(rows, limit)
        print(f"\nlimit = mean of the two limit runs = {limit:.1f} pages/s "
              f"(trafilatura.extract, {LIMIT_WORKERS}-process spawn pool, no network, warm-up excluded)")
        flow = _FINISHED.search(story.note)
        if flow:
            rate = story.pages / float(flow.group(1))
            print(f"storywatch by the flow's own time ({flow.group(1)}s, no process start-up): "
                  f"{rate:.1f} pages/s, ratio {rate / limit:.2f}")
        print(f"storywatch: server saw {served['p']} page and {served['feeds']} feed requests")
        median = statistics.median(r.seconds for r in reruns)
        print(f"reruns (nothing new), {RERUNS} in a row: " + ", ".join(f"{r.seconds:.2f}s" for r in reruns)
              + " = " + ", ".join(f"{r.seconds / story.seconds:.1%}" for r in reruns)
              + f" of the first run's {story.seconds:.2f}s (median {median:.2f}s = {median / story.seconds:.1%}); "
              f"the first: {reruns[0].note}; server saw {served_rerun['p']} page and {served_rerun['feeds']} "
              f"feed requests in all")
        if not args.skip_cli:
            print(f"trafilatura CLI: --parallel {CLI_THREADS}, config = package defaults with SLEEP_TIME = 0 "
                  "and SSRF_PROTECTION = off; txt output, no --deduplicate; its file names are hashes of the "
                  "extracted text, so copies whose token fell outside the extracted text share one file")
        print("seconds: wall time of the whole process (storywatch runs against a Prefect server started "
              "before the rows, as scheduled deployments do; 'cold' starts Prefect's temporary server inside "
              "the run); CPU and peak memory from /usr/bin/time plus the descendants left to this script "
              "to wait for, such as the fork server and its workers (peak = largest single process in the tree)")
    finally:
        server.shutdown()
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
