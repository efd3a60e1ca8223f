"""The Prefect flows: one seed's run, and a run over every seed in a folder.

This is the only module that imports Prefect. Each task is one stage over one
batch (discover; fetch, extract and load per batch of articles; judge;
report), never one per article. Tasks take and return typed records and
paths, never clients or connections, and skip input hashing (``NO_CACHE``):
their inputs are page bodies that would cost more to hash than to use.
"""

from __future__ import annotations

import gc
import hashlib
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect import Flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import SettingsContext, get_settings_context
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import quote

from extractors.plan import plan_fetches, skipped_results
from extractors.records import (
    Article,
    Candidate,
    ExtractionFailure,
    FetchResult,
    Judgement,
    Seed,
)
from extractors.seed import load_seed
from extractors.settings import SEARCH_KINDS, FetchSettings, JudgeSettings, MonitorSettings, load_settings, seed_toml
from extractors.terms import KeyTerm
from extractors.window import dedupe_candidates, filter_window
from extractors.workers import EXTRACTION_MODULES, soon, warm_workers, worker_pool, worker_rank, workers_started
from flows import progress
from flows.discover_ahead import AHEAD, AheadFailed
from flows.sample_server import sample_hosts, serve_sample
from warehouse import analysis_store, load, term_cache
from warehouse.chart_cache import CHART_MODULES
from warehouse.db import held_open
from warehouse.report import build_report, render, story_lines, summary_markdown

if TYPE_CHECKING:  # imported where used (see the extract task): a rerun with nothing new needs none
    from extractors.analysis import SeedReading, TextAnalysis
    from extractors.article import PageInput
    from extractors.features import ArticleFeatures, SeedProfile
    from extractors.records import Discovery
    from flows.robots import RobotsVerdict

_TASK = {"cache_policy": NO_CACHE, "persist_result": False}


@dataclass(frozen=True)
class RunSummary:
    seed_id: str
    run_id: str
    status: str
    discovered: int
    in_window: int
    already_known: int
    prefiltered: int
    fetched: int
    failed: int
    loaded: int
    statuses: dict[str, int] = field(default_factory=dict)
    db_path: str = ""
    report_path: str | None = None
    seconds: float = 0.0
    story: tuple[str, ...] = ()  # who was first, where accounts differ, what went wrong

    def lines(self) -> list[str]:
        order = ("original", "syndicated", "seed_copy", "unrelated")
        coverage = ", ".join(f"{self.statuses.get(s, 0)} {s}" for s in order)
        return [
            f"{self.seed_id}: run {self.status} in {self.seconds:.1f}s ({self.run_id})",
            f"  discovered {self.discovered} candidates, {self.in_window} in the time window, "
            f"{self.already_known} already known, {self.prefiltered} skipped by the pre-filter",
            f"  fetched {self.fetched} pages, {self.failed} failed, {self.loaded} new articles",
            f"  coverage: {coverage}",
            f"  warehouse: {self.db_path}" + (f"   report: {self.report_path}" if self.report_path else ""),
            *self.story,
        ]


@contextmanager
def foreground_settings() -> Iterator[None]:
    """Prefect settings for flow runs started in the foreground (``storywatch run``), each
    applied only where the user has not set it (environment, profile, prefect.toml).

    - ``flows.heartbeat_frequency`` (``PREFECT_FLOWS_HEARTBEAT_FREQUENCY``): none. A
      heartbeat thread would start with each flow run, and the engine joins it when the run
      ends; the thread sleeps in 1 s steps, so every run waited up to 1 s (0.5 s on average)
      for it. Heartbeats serve an automation a user may set up to mark a run crashed when
      its process dies unseen; a run in the foreground reports its own crash, and
      ``storywatch serve`` and deployments keep them. Set the variable (Prefect's default
      is 180) to have them here too.
    """
    context = get_settings_context()
    settings = context.settings
    if "heartbeat_frequency" in settings.flows.model_fields_set:  # the user's choice stands
        yield
        return
    # A copy of the settings in force, not Settings rebuilt from every source as
    # prefect.settings.temporary_settings does (0.1-0.2 s a call).
    flows = settings.flows.model_copy(update={"heartbeat_frequency": None})
    with SettingsContext(profile=context.profile, settings=settings.model_copy(update={"flows": flows})):
        yield


class _PlainParameterFlow(Flow):
    """A flow whose parameters are strings, numbers, booleans and None, as ours are.

    Prefect sends a flow run's parameters to its API through FastAPI's ``jsonable_encoder``,
    and importing FastAPI for it was 0.12 s of every run's start, on the critical path
    (the workers wait for this process's first batch). Such values are JSON already;
    anything else still goes through Prefect's own encoding."""

    def serialize_parameters(self, parameters: dict[str, Any]) -> dict[str, Any]:
        if all(value is None or isinstance(value, str | int | float | bool) for value in parameters.values()):
            return dict(parameters)
        return super().serialize_parameters(parameters)


def flow(*, name: str, log_prints: bool = False) -> Callable[[Callable[..., Any]], Flow]:
    """Prefect's ``@flow(name=..., log_prints=...)`` for :class:`_PlainParameterFlow`."""
    return lambda fn: _PlainParameterFlow(fn, name=name, log_prints=log_prints)


def batches(items: Sequence[Candidate], size: int) -> Iterator[list[Candidate]]:
    """``items`` in batches of ``size``, except the first and the last, a quarter of it.

    The workers idle until the first batch is fetched, and the load after the last
    extraction is the one stage nothing overlaps: short edges shorten both waits (at 200 a
    batch and 2,000 pages, 0.45 s sooner to the first extraction)."""
    size = max(1, size)
    edge = max(1, size // 4)
    if len(items) <= size:
        if items:
            yield list(items)
        return
    yield list(items[:edge])
    middle, last = items[edge:len(items) - edge], items[len(items) - edge:]
    for start in range(0, len(middle), size):
        yield list(middle[start:start + size])
    yield list(last)


@task(name="discover", **_TASK)
def discover_task(
    settings: MonitorSettings, seed: Seed, validators: dict[str, tuple[str | None, str | None]] | None = None,
    terms: list[KeyTerm] | None = None,
) -> Discovery:
    try:
        discovery = AHEAD.take((settings, seed, validators, terms))
    except AheadFailed as exc:
        get_run_logger().warning("discovery begun ahead failed (%s); discovering again", exc)
        discovery = None
    if discovery is None:
        # Imported here: a rerun's discovery runs ahead, in a child process (see flows/discover_ahead.py).
        from flows.discover import discover_seed

        discovery = discover_seed(settings, seed, validators, terms)
    if any(s.kind in SEARCH_KINDS for s in settings.sources):
        get_run_logger().info("search query: %s", discovery.query)
    get_run_logger().info(
        "discovered %d candidates from %d sources", len(discovery.candidates), len(settings.sources)
    )
    return discovery


@task(name="robots", **_TASK)
def robots_task(candidates: list[Candidate], settings: FetchSettings) -> tuple[dict[str, RobotsVerdict],
                                                                            list[FetchResult]]:
    from flows.robots import read_robots

    return read_robots([c.canonical_url for c in candidates], settings)


@task(name="fetch-batch", **_TASK)
def fetch_batch_task(candidates: list[Candidate], settings: FetchSettings) -> list[FetchResult]:
    from flows.fetch import FetchRequest, fetch_pages

    # A page found in a WARC is read from the file it sits in, not fetched.
    return fetch_pages([FetchRequest(url=c.canonical_url, purpose="article", archived=c.archived)
                        for c in candidates], settings)


@dataclass(frozen=True)
class Extracted:
    """One batch's extraction: articles and failures, what the judge needs of each article,
    and the reading of each article its scores make related, by (article id, content hash)."""

    outcomes: list[Article | ExtractionFailure]
    features: dict[str, ArticleFeatures]
    readings: dict[tuple[str, str], TextAnalysis]


@dataclass(frozen=True)
class Judged:
    """What the batches hand the judge and the analysis: every new article's features and readings."""

    features: dict[str, ArticleFeatures] = field(default_factory=dict)
    readings: dict[tuple[str, str], TextAnalysis] = field(default_factory=dict)


@task(name="extract-batch", **_TASK)
def extract_batch_task(candidates: list[Candidate], results: list[FetchResult], profile: SeedProfile,
                       seed_reading: SeedReading, settings: JudgeSettings, number: int = 0) -> Extracted:
    # Imported here, not with the module: trafilatura and its kin are needed only when there
    # are pages to extract, and a rerun with nothing new would import them for nothing.
    from extractors.article import PageInput

    pages = [
        PageInput(url=c.canonical_url, final_url=r.final_url or r.url, body=r.body or b"",
                  content_type=r.content_type, fallback_published_at=c.published_at)
        for c, r in zip(candidates, results, strict=True)
        if r.ok
    ]
    # Batch ``number``'s work goes to the workers before that of the batches after it
    # (its features and readings before their pages), so it is done as soon as it can be.
    with worker_rank(number):
        return _extract_batch(pages, profile, seed_reading, settings)


def _extract_batch(pages: list[PageInput], profile: SeedProfile, seed_reading: SeedReading,
                   settings: JudgeSettings) -> Extracted:
    from extractors.analysis import TextAnalysis, read_articles
    from extractors.article import extract_articles
    from extractors.features import features_of
    from extractors.judge import related

    outcomes = extract_articles(pages)
    articles = [x for x in outcomes if isinstance(x, Article)]
    # Signatures and seed scores are made here, on the workers, batch by batch: made by the
    # judge after the last batch they were a serial tail (5 ms an article in one process).
    # So are the readings of the articles those scores make related (75 ms an article):
    # the judge decides relatedness from the same scores.
    features = features_of(articles, profile)
    near = [a for a in articles if a.article_id in features and related(features[a.article_id].scores, settings)]
    read = read_articles(seed_reading, near)
    readings = {(a.article_id, a.content_hash): r for a, r in zip(near, read, strict=True)
                if isinstance(r, TextAnalysis)}
    return Extracted(outcomes, features, readings)


@task(name="load-batch", **_TASK)
def load_batch_task(
    db: Path, seed_id: str, run_id: str, candidates: list[Candidate], results: list[FetchResult],
    extracted: Extracted, settings: JudgeSettings,
) -> load.BatchCounts:
    from extractors.judge import copy_rule, dedupe_scheme
    from warehouse import dedupe_store

    articles = [x for x in extracted.outcomes if isinstance(x, Article)]
    failures = [x for x in extracted.outcomes if isinstance(x, ExtractionFailure)]
    counts = load.load_batch(db, seed_id, run_id, candidates, results, articles, failures)
    # A crash between the two leaves articles unindexed; the judge indexes whatever is missing.
    dedupe_store.index_new_signatures(db, run_id, [f.signature for f in extracted.features.values()],
                                      dedupe_scheme(settings), copy_rule(settings))
    return counts


@task(name="judge", **_TASK)
def judge_task(db: Path, seed: Seed, settings: JudgeSettings, run_id: str,
               features: Mapping[str, ArticleFeatures]) -> list[Judgement]:
    """Index the seed's articles not yet in the copy index (the batches indexed their own),
    then judge all of them against the stored clusters (global across seeds, stable ids);
    ``features`` are those the batches computed."""
    # Imported here, as the judge stack (numpy included) is needed only when there is judging to do.
    from extractors.judge import copy_rule, dedupe_scheme, judge_coverage
    from warehouse import dedupe_store

    scheme = dedupe_scheme(settings)
    # Texts are read only for the articles there is work on: those the copy index lacks, and
    # those without features from this run's batches (a seed judged again, say). Reading
    # every text made the judge's time grow with the warehouse.
    articles = load.seed_articles(db, seed.seed_id, text=False)
    unsigned = {a.article_id for a in articles} - dedupe_store.signed_article_ids(
        db, [a.article_id for a in articles], scheme)
    featureless = {a.article_id for a in articles
                   if (known := features.get(a.article_id)) is None or known.content_hash != a.content_hash}
    if unsigned | featureless:
        read = {a.article_id: a for a in load.seed_articles(db, seed.seed_id, among=unsigned | featureless)}
        articles = [read.get(a.article_id, a) for a in articles]
    counts = dedupe_store.index_articles(db, run_id, [a for a in articles if a.article_id in unsigned], scheme,
                                         copy_rule(settings))
    get_run_logger().info("copy index: %d articles indexed here (the rest by their batch), %d links, "
                          "%d clusters created, %d merged", counts.indexed, counts.links, counts.created,
                          counts.merged)
    judgements = judge_coverage(seed, articles, settings, dedupe_store.seed_memberships(db, seed.seed_id), features)
    load.load_coverage(db, seed.seed_id, run_id, judgements)
    return judgements


@task(name="analyse", **_TASK)
def analyse_task(db: Path, seed: Seed, run_id: str, seed_reading: SeedReading | None,
                 readings: Mapping[tuple[str, str], TextAnalysis]) -> analysis_store.AnalysisCounts:
    """Events, quotes and claim verdicts for the seed and every article judged related to it;
    ``seed_reading`` and ``readings``: the seed and the articles the batches read already."""
    from extractors.analysis import analyse_story

    articles = load.seed_articles(db, seed.seed_id, among=analysis_store.related_article_ids(db, seed.seed_id))
    corrections = analysis_store.actor_corrections(db)
    analysis = analyse_story(seed, articles, corrections, story=seed_reading, done=readings)
    return analysis_store.load_analysis(db, run_id, analysis)


@task(name="report", **_TASK)
def report_task(db: Path, seed: Seed, out: Path | None) -> list[str]:
    """Write the report, and publish its summary and outlets table as the flow run's artifacts;
    returns the story lines of the run's one-screen summary (the report is built once)."""
    report = build_report(db, seed.seed_id)
    markdown = render(report, "md", db)  # charts of unchanged rows come from the warehouse
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(markdown, encoding="utf-8")
    key = seed.seed_id.lower().replace("_", "-")
    create_markdown_artifact(
        markdown=summary_markdown(report),
        key=f"coverage-{key}",
        description=f"storywatch: what changed in the coverage of {seed.seed_id}",
    )
    create_table_artifact(
        table=[{k: v if isinstance(v, int | float | str | None) else str(v) for k, v in row.items()}
               for row in report.outlets],
        key=f"outlets-{key}",
        description=f"storywatch: outlets covering {seed.seed_id}, first publication first",
    )
    return story_lines(report)


def fetch_extract_load(db: Path, seed: Seed, run_id: str, new: Sequence[Candidate], settings: MonitorSettings,
                       seed_reading: SeedReading | None) -> tuple[load.BatchCounts, Judged]:
    """Fetch, extract and load ``new`` batch by batch; returns the totals and what the
    batches computed for the judge and the analysis (``seed_reading``: the seed read for it)."""
    totals = load.BatchCounts(fetched=0, failed=0, loaded=0)
    judged = Judged()
    if not new or seed_reading is None:
        # Nothing to fetch, and no heap to freeze and thaw: a thaw hands the collector every
        # object frozen before (the command line freezes what its imports made), and the
        # next full collection walks them all (0.2 s of a rerun's body).
        return totals, judged
    from extractors.judge import profile_for

    seed_id, profile = seed.seed_id, profile_for(seed, settings.judge)
    todo = list(batches(new, settings.pipeline.batch_size))
    # Three stages overlap: while batch k is loaded here, batches k+1 and k+2 are
    # extracted (the worker processes; the second one queued, so the workers have work
    # while the first one's result is loaded); once k is loaded, batch k+3 is fetched
    # (network, one fetch at a time so per-host bounds and pacing hold) while the workers
    # are still busy with k+1 and k+2. So the workers never wait for the warehouse or the
    # network, and the bodies of at most three batches are in memory (fetching k+3 while
    # k was loaded held a fourth: 36 MB more at 200 pages a batch, for no speed).
    # Batches go to tasks quoted: Prefect would otherwise walk every record and page
    # body looking for futures to resolve.
    fetching = fetch_batch_task.submit(quote(todo[0]), settings.fetch)
    extracting: deque[tuple[list[Candidate], list[FetchResult], PrefectFuture]] = deque()
    # Each batch leaves reference cycles (a Prefect future with its state and result) that
    # keep the batch's records alive until Python's next full collection, which comes
    # rarely: the run's memory grew with its size (541 MB at 2,000 pages, 359 at 500).
    # So the loop collects after every batch, over the objects made since the heap as it
    # stood before the loop (frozen: Prefect's and the libraries' objects), which costs
    # 10-25 ms a batch instead of 200: 407 MB at 2,000 pages.
    gc.freeze()
    try:
        for number, batch in enumerate(todo):
            results = fetching.result()
            extracting.append((batch, results, extract_batch_task.submit(
                quote(batch), quote(results), quote(profile), quote(seed_reading), settings.judge, number)))
            while len(extracting) == 3 or (extracting and number + 1 == len(todo)):
                done, pages, future = extracting.popleft()
                extracted = future.result()
                if not extracting and number + 1 == len(todo):
                    # The report's charts are drawn on the workers: matplotlib is imported
                    # there now, while this process loads and judges (a no-op where the
                    # command line had it imported at the start).
                    warm_workers(*CHART_MODULES)
                totals = totals + load_batch_task(db, seed_id, run_id, quote(done), quote(pages), quote(extracted),
                                                  settings.judge)
                judged.features.update(extracted.features)
                judged.readings.update(extracted.readings)
                progress.advance(f"{seed_id}: fetch, extract, load", len(done))
                del done, pages, future, extracted
                gc.collect()
            if number + 1 < len(todo):
                fetching = fetch_batch_task.submit(quote(todo[number + 1]), settings.fetch)
    finally:
        gc.unfreeze()
    return totals, judged


def _seed_reading(reading: Future[SeedReading] | None, seed: Seed, corrections: Mapping[str, str]) -> SeedReading:
    """The seed as the workers read it, or as read here when they did not (or could not)."""
    if reading is not None:
        try:
            return reading.result()
        except Exception:  # a worker died: read it here
            pass
    from extractors.analysis import read_seed

    return read_seed(seed, corrections)


def _read_seed_soon(seed: Seed, corrections: Mapping[str, str]) -> Future[SeedReading] | None:
    """The seed read on the run's workers, if they are started (a first run's are)."""
    if not workers_started():
        return None
    # Imported here: the analysis stack (claims, events, actors) is 50 ms of a rerun's start.
    from extractors.analysis import read_seed

    return soon(read_seed, seed, corrections)


# Bumped when the judge or analyse stage changes what it writes, so old fingerprints miss.
JUDGING_VERSION = "2026-11-29"


def judging_state(db: Path, seed: Seed, settings: JudgeSettings) -> str:
    return judging_fingerprint(load.seed_article_ids(db, seed.seed_id), settings,
                               analysis_store.actor_corrections(db), load.seed_cluster_state(db, seed.seed_id))


def judging_fingerprint(article_ids: Sequence[str], settings: JudgeSettings, corrections: Mapping[str, str],
                        clusters: str) -> str:
    """What the judge and analyse stages read, in one hash."""
    digest = hashlib.sha256(JUDGING_VERSION.encode())
    digest.update(clusters.encode())
    digest.update(repr(settings).encode())
    digest.update(repr(sorted(corrections.items())).encode())
    digest.update("\n".join(sorted(article_ids)).encode())
    return digest.hexdigest()[:32]


@flow(name="monitor-seed", log_prints=False)
def monitor_seed(
    seed_path: str,
    db_path: str,
    allow_private_network: bool = False,
    report_dir: str | None = "reports",
    record: str | None = None,
    replay: str | None = None,
) -> RunSummary:
    """Discover, fetch, extract, judge and load one seed's coverage, then report it.

    ``record``: a WARC file every HTTP response of the run is appended to; ``replay``:
    a WARC file every fetch is answered from instead of the network.
    """
    started = time.monotonic()
    logger = get_run_logger()
    db = Path(db_path)
    seed = load_seed(Path(seed_path))
    settings = (load_settings(seed_toml(Path(seed_path))).with_private_network(allow_private_network)
                .with_archive(record, replay))
    run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    # Held open for the run: the short per-task connections share one instance (see
    # warehouse/db.py). The worker processes start once per run, not per batch, and serve
    # extraction, the judge's features and the analysis.
    with held_open(db), worker_pool(preload=EXTRACTION_MODULES + CHART_MODULES):
        load.load_seed(db, seed)
        load.start_run(db, run_id, seed.seed_id)
        # A seed's first run has pages to fetch: its workers start, and import, while it
        # discovers; later runs wait to see whether anything is new.
        warmed = not load.seed_has_articles(db, seed.seed_id)
        if warmed:
            warm_workers(*EXTRACTION_MODULES)
        fetched = failed = loaded = 0
        discovered = in_window = known = prefiltered = 0
        try:
            with ExitStack() as stack:
                if settings.offline_sample is not None and replay:
                    # Replayed from the WARC: the sample's hosts stay pinned (never paced, no
                    # robots.txt, as when recorded), but no server is needed; no socket is opened.
                    pins = tuple((host, "127.0.0.1") for host in sample_hosts(settings.offline_sample))
                    settings = replace(settings, fetch=replace(settings.fetch, pinned_hosts=settings.fetch.pinned_hosts
                                                               + pins))
                elif settings.offline_sample is not None:
                    server = stack.enter_context(serve_sample(settings.offline_sample))
                    pins = settings.fetch.pinned_hosts + server.pins
                    settings = replace(settings, fetch=replace(settings.fetch, pinned_hosts=pins))
                    logger.info("offline sample served on %s for %d hosts", server.address, len(server.hosts))
                progress.stage(f"{seed.seed_id}: discover")
                # The seed is read on the workers while discovery runs (a first run's are started).
                corrections = analysis_store.actor_corrections(db)
                reading = _read_seed_soon(seed, corrections)
                discovery = discover_task(settings, seed, load.source_validators(db),
                                          term_cache.seed_terms(db, seed.text))
                load.load_attempts(db, run_id, discovery.source_results, discovery.problems)
                if discovery.query:
                    load.record_search_query(db, run_id, discovery.query)
                candidates, dropped = filter_window(dedupe_candidates(discovery.candidates), seed.seed_date,
                                                    settings.window)
                discovered, in_window = len(discovery.candidates), len(candidates)
                plan = plan_fetches(candidates, load.known_article_urls(db), seed.text, settings.prefilter)
                live = [c for c in plan.fetch if c.archived is None]  # archived pages are read, not crawled
                if settings.fetch.obey_robots and live:
                    from flows.robots import crawl_delays, robots_refusals

                    verdicts, robots_results = robots_task(live, settings.fetch)
                    load.load_attempts(db, run_id, robots_results)
                    plan = plan.bar(robots_refusals([c.canonical_url for c in live], verdicts,
                                                    settings.fetch.agent))
                    delays = settings.fetch.host_delays + crawl_delays(verdicts)
                    settings = replace(settings, fetch=replace(settings.fetch, host_delays=delays))
                load.load_attempts(db, run_id, skipped_results(plan))
                load.link_known_articles(db, seed.seed_id, run_id, plan.known)
                known, prefiltered, new = len(plan.known), plan.prefiltered, list(plan.fetch)
                logger.info("%d in window (%d outside dropped), %d already stored, %d pre-filtered, %d to fetch",
                            in_window, dropped, known, prefiltered, len(new))
                if new and not warmed:  # the workers start while the first batch is fetched
                    warm_workers(*EXTRACTION_MODULES)
                progress.stage(f"{seed.seed_id}: fetch, extract, load", len(new))
                seed_reading = _seed_reading(reading, seed, corrections) if new else None
                totals, judged = fetch_extract_load(db, seed, run_id, new, settings, seed_reading)
                fetched, failed, loaded = totals.fetched, totals.failed, totals.loaded
            progress.stage(f"{seed.seed_id}: judge, analyse")
            # Judging and analysis read only the seed's articles, the [judge] settings and the
            # user's aliases: when none changed since the last judged run, their rows stand.
            # The fingerprint is recorded as the stages leave the warehouse (judging indexes copies).
            state = judging_state(db, seed, settings.judge)
            if state == load.judged_with(db, seed.seed_id):
                logger.info("nothing new to judge: coverage, events and claims kept from the last run")
                statuses = load.coverage_status_counts(db, seed.seed_id)
            else:
                judgements = judge_task(db, seed, settings.judge, run_id, quote(judged.features))
                analyse_task(db, seed, run_id, quote(seed_reading), quote(judged.readings))
                statuses = dict(Counter(j.status for j in judgements))
                state = judging_state(db, seed, settings.judge)
            load.record_judged_with(db, run_id, state)
        except Exception as exc:
            load.finish_run(db, run_id, "failed", load.RunCounts(discovered, fetched, failed, loaded),
                            note=f"{type(exc).__name__}: {exc}")
            raise
        load.finish_run(db, run_id, "finished", load.RunCounts(discovered, fetched, failed, loaded))
        out = Path(report_dir) / f"{seed.seed_id}.md" if report_dir else None
        story = report_task(db, seed, out)
        return RunSummary(
            seed_id=seed.seed_id, run_id=run_id, status="finished", discovered=discovered, in_window=in_window,
            already_known=known, prefiltered=prefiltered, fetched=fetched, failed=failed, loaded=loaded,
            statuses=statuses, db_path=str(db), report_path=str(out) if out else None,
            seconds=time.monotonic() - started,
            story=tuple(story),
        )


@flow(name="monitor-all-seeds", log_prints=False)
def monitor_all_seeds(
    seeds_dir: str = "seeds",
    db_path: str = "storywatch.duckdb",
    allow_private_network: bool = False,
    report_dir: str | None = "reports",
) -> list[RunSummary]:
    """Run every ``*.txt`` seed in a folder; one seed failing does not stop the others."""
    logger = get_run_logger()
    summaries = []
    for seed_path in sorted(Path(seeds_dir).glob("*.txt")):
        try:
            summaries.append(monitor_seed(str(seed_path), db_path, allow_private_network, report_dir))
        except Exception as exc:  # a bad seed or a crashed run is recorded; the others still run
            logger.error("seed %s failed: %s", seed_path, exc)
    return summaries
