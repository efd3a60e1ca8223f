"""Monitor settings: the one typed place every knob lives.

In: a seed's sibling ``NAME.toml`` (optional), overridden by the command line.
Out: a frozen :class:`MonitorSettings`. Unknown keys and bad values raise
:class:`SettingsError` naming the file and the key, before any network work.
Every default carries a comment saying why it has that value.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_args

from extractors.records import SourceKind

# One day before the seed date catches reports filed the evening before in
# time zones ahead of UTC; two weeks covers the follow-up and analysis pieces
# that still quote the original event.
DEFAULT_DAYS_BEFORE = 1
DEFAULT_DAYS_AFTER = 14


class SettingsError(ValueError):
    """A seed's .toml cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class WindowSettings:
    days_before: int = DEFAULT_DAYS_BEFORE
    days_after: int = DEFAULT_DAYS_AFTER


@dataclass(frozen=True)
class FetchSettings:
    # 16 sockets overall keeps a laptop's uplink busy without looking like a crawl.
    max_connections: int = 16
    # Two at a time per host is the usual polite crawler bound (story-indexer, Heritrix).
    max_per_host: int = 2
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    # The deadline for a whole fetch, body included: stops servers that drip bytes.
    total_timeout: float = 60.0
    # News pages are rarely over 2 MB of HTML; 10 MB leaves room for inline scripts.
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    # Three retries (four attempts) with backoff ride out a deploy or a burst limit.
    retries: int = 3
    backoff_base: float = 0.5
    # A Retry-After longer than this is not waited for: the URL fails for this run.
    max_retry_after: float = 60.0
    user_agent: str = "storywatch/0.1 (+https://storywatch.example/bot)"
    # Who a site's operator can write to about this crawler (an e-mail address or a URL);
    # sent in the User-Agent, as polite crawlers do. Set it for live runs.
    contact: str = ""
    # One request start per second per host is the usual polite crawl rate; a
    # site's robots.txt Crawl-delay raises it for that host.
    min_host_interval: float = 1.0
    # Honour robots.txt for article pages (RFC 9309); feeds and sitemaps the user
    # listed are fetched as asked.
    obey_robots: bool = True
    # Runtime only (command line, offline sample): never read from the .toml.
    allow_private_network: bool = False
    # host -> "ip:port" answers for hosts we serve ourselves (the offline sample).
    pinned_hosts: tuple[tuple[str, str], ...] = ()
    # host -> seconds between requests, from robots.txt Crawl-delay.
    host_delays: tuple[tuple[str, float], ...] = ()

    # A WARC file every HTTP response received is appended to (``run --record``).
    record_path: str | None = None
    # A WARC file fetches are answered from instead of the network (``run --replay``).
    replay_path: str | None = None

    @property
    def agent(self) -> str:
        """The User-Agent header: the project's name and page, and the contact when set."""
        if not self.contact:
            return self.user_agent
        if self.user_agent.endswith(")"):
            return f"{self.user_agent[:-1]}; contact: {self.contact})"
        return f"{self.user_agent} (contact: {self.contact})"


@dataclass(frozen=True)
class JudgeSettings:
    # Share of the seed's weighted key terms an article must contain to count as
    # related; measured on the sample, related pieces score above 0.3 and
    # unrelated ones below 0.15 (see README, "Judging").
    relevance_threshold: float = 0.25
    # Share of the seed's 5-word shingles an article carries to be a copy of it.
    seed_copy_containment: float = 0.5
    # Estimated Jaccard of 5-word shingles above which two articles are one story
    # syndicated: wire copies with a changed headline and a trimmed tail stay above it.
    # Measured by benchmarks/dedupe.py (README, "Judging"): 0.5 keeps pair recall
    # near 1 for copies of true Jaccard >= 0.8 at pair precision 1.0; unrelated
    # articles estimate under 0.05.
    near_duplicate_jaccard: float = 0.5
    # Estimated share of the shorter article's shingles the longer one carries for a
    # partial copy (a longer piece embedding another): most of it, not a quoted passage.
    copy_containment: float = 0.8
    shingle_words: int = 5
    minhash_permutations: int = 128
    # LSH banding: 42 bands of 3 rows (126 of the 128 minima). A pair becomes a
    # candidate with probability 1 - (1 - J**3)**42: 0.68 at J = 0.3, 0.94 at 0.4,
    # 0.996 at 0.5, and 4e-5 for unrelated articles at J = 0.01. The low knee is
    # for containment: a piece embedding a whole article has J = 0.5 at twice its
    # length, 0.33 at three times.
    lsh_bands: int = 42
    lsh_rows: int = 3

    def __post_init__(self) -> None:
        if self.lsh_bands * self.lsh_rows > self.minhash_permutations or min(self.lsh_bands, self.lsh_rows) < 1:
            raise SettingsError("judge.lsh_bands x judge.lsh_rows must be between 1 and judge.minhash_permutations")


@dataclass(frozen=True)
class PrefilterSettings:
    # Skip feed entries whose title and summary plainly miss the story, before fetching.
    enabled: bool = True
    # Far below the judge's bar: on the sample the lowest related entry scores 0.030
    # and the highest unrelated one 0.018 (benchmarks/prefilter.py); a lost article
    # costs more than a wasted fetch.
    threshold: float = 0.015


@dataclass(frozen=True)
class PipelineSettings:
    # Articles per fetch/extract/load batch: each batch commits on its own, so a
    # crash loses at most one batch of work, and memory stays bounded (three batches'
    # bodies at most, about 100 MB at 200). Each batch is three Prefect task runs: at 100
    # a batch, 2,000 pages spent 5-7 s more of two slower cores than at 200; at 300, no
    # less time than at 200 on faster ones (benchmarks/throughput.py, README).
    batch_size: int = 200


@dataclass(frozen=True)
class SearchSettings:
    # The real endpoints; settings so tests and mirrors can point elsewhere.
    google_news_base: str = "https://news.google.com"
    gdelt_base: str = "https://api.gdeltproject.org"
    # The search query; empty means "derive it from the seed's key terms".
    query: str = ""
    # GDELT's ArtList returns at most 250 articles per request.
    maxrecords: int = 250


# Search kinds build their URL from [search] and the seed; feeds and sitemaps need one.
SEARCH_KINDS = ("google_news", "gdelt")
# Archive kinds name a local file (relative to the .toml's folder), not a URL.
ARCHIVE_KINDS = ("warc",)


@dataclass(frozen=True)
class SourceSpec:
    kind: SourceKind
    url: str = ""
    # Google News edition: interface language and country (hl, gl, ceid).
    language: str = "en"
    region: str = "US"


@dataclass(frozen=True)
class MonitorSettings:
    sources: tuple[SourceSpec, ...] = ()
    window: WindowSettings = field(default_factory=WindowSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    judge: JudgeSettings = field(default_factory=JudgeSettings)
    pipeline: PipelineSettings = field(default_factory=PipelineSettings)
    prefilter: PrefilterSettings = field(default_factory=PrefilterSettings)
    search: SearchSettings = field(default_factory=SearchSettings)
    # Directory (relative to the seed file) of a bundled offline sample whose
    # hosts are served from 127.0.0.1 for the run; None for live sources only.
    offline_sample: Path | None = None

    def with_private_network(self, allowed: bool) -> MonitorSettings:
        return replace(self, fetch=replace(self.fetch, allow_private_network=allowed))

    def with_archive(self, record: str | None, replay: str | None) -> MonitorSettings:
        """Record every response into the WARC ``record``, or answer fetches from the WARC ``replay``."""
        if record and replay:
            raise ValueError("record and replay are exclusive")
        return replace(self, fetch=replace(self.fetch, record_path=record, replay_path=replay))


_RUNTIME_ONLY = {"allow_private_network", "pinned_hosts", "host_delays", "record_path", "replay_path"}
_SECTIONS = {
    "window": WindowSettings,
    "fetch": FetchSettings,
    "judge": JudgeSettings,
    "pipeline": PipelineSettings,
    "prefilter": PrefilterSettings,
    "search": SearchSettings,
}


def seed_toml(seed_path: Path) -> Path:
    """A seed's settings file: its ``.toml`` sibling."""
    return seed_path.with_suffix(".toml")


def load_settings(toml_path: Path) -> MonitorSettings:
    """Read a seed's ``.toml``; a missing file means all defaults and no sources."""
    if not toml_path.exists():
        return MonitorSettings()
    try:
        raw = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise SettingsError(f"{toml_path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{toml_path}: not valid TOML ({exc})") from None
    return _parse(raw, toml_path)


def _parse(raw: dict[str, Any], path: Path) -> MonitorSettings:
    known = set(_SECTIONS) | {"sources", "offline_sample"}
    for key in raw:
        if key not in known:
            raise SettingsError(f"{path}: unknown key {key!r} (known: {', '.join(sorted(known))})")
    sections = {name: _section(raw.get(name, {}), cls, name, path) for name, cls in _SECTIONS.items()}
    for key in ("google_news_base", "gdelt_base"):
        base = getattr(sections["search"], key)
        if not base.lower().startswith(("http://", "https://")):
            raise SettingsError(f"{path}: search.{key} must be an http(s) URL, not {base!r}")
    sources = tuple(_source(item, i, path) for i, item in enumerate(_list(raw.get("sources", []), path)))
    sample = raw.get("offline_sample")
    sample_dir: Path | None = None
    if sample is not None:
        if not isinstance(sample, dict) or set(sample) != {"directory"} or not isinstance(sample["directory"], str):
            raise SettingsError(f"{path}: [offline_sample] takes exactly one key, directory = \"...\"")
        sample_dir = (path.parent / sample["directory"]).resolve()
        if not sample_dir.is_dir():
            raise SettingsError(f"{path}: offline_sample.directory {sample['directory']!r} is not a directory")
    return MonitorSettings(sources=sources, offline_sample=sample_dir, **sections)


def _list(value: Any, path: Path) -> list[Any]:
    if not isinstance(value, list):
        raise SettingsError(f"{path}: 'sources' must be an array of tables ([[sources]])")
    return value


def _source(item: Any, index: int, path: Path) -> SourceSpec:
    where = f"{path}: sources[{index}]"
    if not isinstance(item, dict):
        raise SettingsError(f"{where} must be a table")
    kind = item.get("kind")
    kinds = get_args(SourceKind)
    if kind not in kinds:
        raise SettingsError(f"{where}: kind must be one of {', '.join(kinds)}, not {kind!r}")
    known = {"google_news": {"kind", "language", "region"}, "gdelt": {"kind"}}.get(kind, {"kind", "url"})
    unknown = set(item) - known
    if unknown:
        raise SettingsError(
            f"{where}: unknown key {sorted(unknown)[0]!r} for kind {kind!r} (known: {', '.join(sorted(known))})"
        )
    for key in ("language", "region"):
        value = item.get(key)
        if value is not None and (not isinstance(value, str) or not value.isalpha() or not 2 <= len(value) <= 3):
            raise SettingsError(f"{where}: {key} must be a two- or three-letter code, not {value!r}")
    if kind in SEARCH_KINDS:
        return SourceSpec(kind=kind, language=item.get("language", "en"), region=item.get("region", "US"))
    url = item.get("url")
    if kind in ARCHIVE_KINDS:
        return SourceSpec(kind=kind, url=str(_archive_file(url, where, path)))
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        raise SettingsError(f"{where}: url must be an http(s) URL, not {url!r}")
    return SourceSpec(kind=kind, url=url)


def _archive_file(url: Any, where: str, path: Path) -> Path:
    """A WARC source's file, resolved against the .toml's folder; it must exist."""
    if not isinstance(url, str) or not url.strip() or "://" in url:
        raise SettingsError(f"{where}: url must be the path of a local WARC file, not {url!r}")
    file = (path.parent / url).resolve()
    if not file.is_file():
        raise SettingsError(f"{where}: WARC file {url!r} not found")
    return file


def _section(raw: Any, cls: type, name: str, path: Path) -> Any:
    if not isinstance(raw, dict):
        raise SettingsError(f"{path}: [{name}] must be a table")
    defaults = cls()
    values: dict[str, Any] = {}
    allowed = {f.name: f for f in fields(cls) if f.name not in _RUNTIME_ONLY}
    for key, value in raw.items():
        if key not in allowed:
            raise SettingsError(f"{path}: unknown key {name}.{key} (known: {', '.join(sorted(allowed))})")
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not expected:
            raise SettingsError(f"{path}: {name}.{key} must be {expected.__name__}, not {value!r}")
        if expected in (int, float) and value < 0:
            raise SettingsError(f"{path}: {name}.{key} must not be negative, not {value!r}")
        values[key] = value
    return replace(defaults, **values)
