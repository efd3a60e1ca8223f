"""The ``storywatch`` command line: run, extract, report, sql, serve.

Every broken input (a bad seed, a bad .toml, a missing warehouse) ends with a
one-line ``storywatch: error: ...`` on stderr and a non-zero exit, before any
network work. Prefect is imported only by the commands that run flows, after
its environment defaults are in place.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path

import duckdb

from extractors.seed import SeedError, load_seed
from extractors.settings import SettingsError, load_settings
from warehouse.db import WarehouseError, connect, default_db_path, held_open
from warehouse.report import ReportError, build_report, render

EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """The command cannot run at all; the message is the one line the user sees."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="storywatch", description="Follow how one news story is covered.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="discover, fetch, judge and load the coverage of each seed")
    run.add_argument("seeds", nargs="+", type=Path, metavar="SEED.txt")
    run.add_argument("--db", type=Path, default=None, help="warehouse file (default: $STORYWATCH_DB or "
                                                          "./storywatch.duckdb)")
    run.add_argument("--allow-private-network", action="store_true",
                     help="allow fetching from loopback, private and link-local addresses")
    run.add_argument("--report-dir", type=Path, default=Path("reports"),
                     help="where each seed's Markdown report is written (default: ./reports)")
    run.add_argument("-v", "--verbose", action="store_true", help="show Prefect's per-task log lines")
    archive = run.add_mutually_exclusive_group()
    archive.add_argument("--record", type=Path, default=None, metavar="FILE.warc.gz",
                         help="append every HTTP response the run receives to this WARC file")
    archive.add_argument("--replay", type=Path, default=None, metavar="FILE.warc.gz",
                         help="answer every fetch from this WARC file instead of the network")

    extract = sub.add_parser("extract", help="extract article text and metadata from saved HTML files")
    extract.add_argument("files", nargs="+", type=Path, metavar="FILE.html")
    extract.add_argument("--url", default=None, help="the URL the page was fetched from")
    extract.add_argument("--jsonl", action="store_true", required=True, help="one JSON object per file")

    report = sub.add_parser("report", help="write a seed's coverage report")
    report.add_argument("seed", help="the seed's file path or its seed_id")
    report.add_argument("--db", type=Path, default=None)
    report.add_argument("--format", choices=["md", "html", "json"], default="md")
    report.add_argument("--out", type=Path, default=None, help="file to write (default: stdout)")

    export = sub.add_parser("export", help="write every public view as Parquet or CSV files")
    export.add_argument("--db", type=Path, default=None)
    export.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    export.add_argument("--out", type=Path, required=True, help="folder for one file per view")

    sql = sub.add_parser("sql", help="run read-only SQL against the warehouse")
    sql.add_argument("query")
    sql.add_argument("--db", type=Path, default=None)

    serve = sub.add_parser("serve", help="run every seed on a schedule on this machine (no work pool)")
    serve.add_argument("--seeds-dir", type=Path, default=Path("seeds"))
    serve.add_argument("--db", type=Path, default=None)
    serve.add_argument("--interval-minutes", type=float, default=30.0)
    serve.add_argument("--allow-private-network", action="store_true")
    serve.add_argument("--report-dir", type=Path, default=Path("reports"))
    return parser


def _validate_seeds(paths: Sequence[Path]) -> None:
    for path in paths:
        load_seed(path)
        load_settings(path.with_suffix(".toml"))


def _archive_paths(record: Path | None, replay: Path | None) -> tuple[str | None, str | None]:
    """The --record and --replay files as absolute paths, or why they cannot be used."""
    if replay is not None and not replay.is_file():
        raise CommandError(f"{replay}: no such WARC file to replay")
    if replay is not None:
        from flows.warc import warc_problem  # with httpx and courlan: imported once there is a file to read

        if problem := warc_problem(replay):
            raise CommandError(f"{replay}: cannot replay, {problem}")
    if record is not None and not record.absolute().parent.is_dir():
        raise CommandError(f"{record}: cannot record there, {record.parent} is not a directory")
    return (str(record.absolute()) if record else None), (str(replay.absolute()) if replay else None)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection in the block, for imports: Prefect's and the pipeline's
    make about a million objects that live as long as the process and no garbage, so the
    full collections their allocations trigger only walk them again (0.3-0.5 s of the 3 s
    those imports take). On the way out they are frozen, so no later collection walks them
    either, and the first one after the block does not walk them all at once (0.2 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _skip_exit_collection() -> None:
    """Have the interpreter's collections at exit skip every object alive now.

    Registered first, it runs last, after Prefect's services have sent their logs and
    events (they drain on threading's exit hook, before any atexit function). Without it
    the interpreter's last collection walks the whole heap that imports made: 1-1.5 s
    of a rerun's 6. What it skips is objects in reference cycles, which would only be
    freed: files, the warehouse and the API client are closed where they are used, and
    exit does not promise to finalize such objects anyway.
    """
    gc.freeze()


def cmd_run(args: argparse.Namespace) -> int:
    _validate_seeds(args.seeds)
    record, replay = _archive_paths(args.record, args.replay)
    db = args.db or default_db_path()
    with ExitStack() as stack:
        fresh = not db.exists()
        try:
            # Held for the whole command: the first-run hint and every seed's run share one
            # instance of the warehouse (each opening of the file costs 25-40 ms).
            stack.enter_context(held_open(db))
        except WarehouseError:
            pass  # each seed's run says why it cannot open it
        if fresh or _first_run_among(db, args.seeds):
            # Such a run fetches every page it finds: its workers start now, with the
            # extraction stack imported (once, by the fork server, where there is one),
            # while this process imports Prefect (3 s on one core, the other idle), rather
            # than after, while the first batch waits for them. They rank the seeds' key
            # terms too (with wordfreq's word list loaded, 0.23 s the first time), which the
            # run needs before discovery and this process then never loads, and have what
            # the report's charts are drawn with imported, which they would otherwise do
            # while the last batches wait for them.
            from extractors.terms import derive_soon
            from extractors.workers import EXTRACTION_MODULES, warm_workers, worker_pool
            from warehouse.chart_cache import CHART_MODULES

            stack.enter_context(worker_pool(preload=EXTRACTION_MODULES + CHART_MODULES))
            warm_workers(*EXTRACTION_MODULES)
            derive_soon(load_seed(path).text for path in args.seeds)
            warm_workers(*CHART_MODULES)  # after the terms: discovery waits for those
        return _run_seeds(args, db, record, replay)


def _first_run_among(db: Path, seeds: Sequence[Path]) -> bool:
    """Whether any of ``seeds`` has no article stored yet. Only a hint for starting workers
    early: when the warehouse cannot be read here, the run itself will say why."""
    from warehouse.load import seed_has_articles

    if not db.exists():
        return True
    try:
        # Read-only: a hint needs no migration, and the run opens the file for writing itself.
        return any(not seed_has_articles(db, load_seed(path).seed_id, read_only=True) for path in seeds)
    except (SeedError, WarehouseError, duckdb.Error, OSError):
        return False


def _run_seeds(args: argparse.Namespace, db: Path, record: str | None, replay: str | None) -> int:
    from flows.discover_ahead import begin_discovery, prepare_discovery
    from flows.prefect_env import configure_prefect

    configure_prefect(args.verbose)
    ahead = record is None and replay is None  # a WARC run discovers in its task (see begin_discovery)
    if ahead:
        prepare_discovery(args.seeds[0])  # the child a rerun discovers in imports while this process imports Prefect
    # Paused (and frozen after) only for the first import in a process: a later one imports
    # nothing, and would freeze whatever garbage the process holds (tests call main often).
    with _collector_paused() if "flows.pipeline" not in sys.modules else nullcontext():
        from flows import progress
        from flows.pipeline import foreground_settings, monitor_seed

    status = EXIT_OK
    for number, seed_path in enumerate(args.seeds, start=1):
        try:
            # Bars only for a person at a terminal; logs and pipes get the summary alone.
            with (foreground_settings(),
                  progress.reporting(progress.Bars()) if sys.stderr.isatty() else nullcontext()):
                if ahead:
                    # It runs while the flow run is created (see begin_discovery).
                    begin_discovery(seed_path, db, args.allow_private_network)
                    if number < len(args.seeds):
                        prepare_discovery(args.seeds[number])  # the next seed's, importing during this seed's run
                summary = monitor_seed(str(seed_path), str(db), args.allow_private_network, str(args.report_dir),
                                       record=record, replay=replay)
        except Exception as exc:  # the run crashed: say why in one line, go on with the next seed
            print(f"storywatch: {seed_path}: run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            status = EXIT_RUN_FAILED
            continue
        print("\n".join(summary.lines()))
    return status


def cmd_extract(args: argparse.Namespace) -> int:
    from extractors.article import extract_article
    from extractors.records import Article

    for path in args.files:
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot read ({exc.strerror})") from None
        url = args.url or path.resolve().as_uri()
        result = extract_article(body, url=url)
        record: dict[str, object] = {"path": str(path), "url": url}
        if isinstance(result, Article):
            record.update(
                title=result.title, author=result.author,
                published=result.published_at.isoformat() if result.published_at else None,
                language=result.language, site_name=result.outlet_name, canonical_url=result.canonical_url,
                word_count=result.word_count, text=result.text,
            )
        else:
            record.update(title=None, author=None, published=None, language=None, text=None, error=result.reason)
        print(json.dumps(record, ensure_ascii=False))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    db = args.db or default_db_path()
    report = build_report(db, args.seed)
    if args.format == "html":
        from warehouse.report_html import render_html

        text = render_html(report)
    else:
        text = render(report, args.format)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from warehouse.export import export_views

    counts = export_views(args.db or default_db_path(), args.format, args.out)
    width = max(map(len, counts))
    for view, rows in counts.items():
        print(f"{view:<{width}}  {rows:>8} rows  {args.out / f'{view}.{args.format}'}")
    return EXIT_OK


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    db = args.db or default_db_path()
    with connect(db, read_only=True) as con:
        try:
            relation = con.sql(args.query)
        except duckdb.Error as exc:
            raise CommandError(f"query failed: {str(exc).splitlines()[0]}") from None
        if relation is not None:
            relation.show(max_rows=10_000, max_width=10_000)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    seeds = sorted(args.seeds_dir.glob("*.txt"))
    if not seeds:
        raise CommandError(f"{args.seeds_dir}: no seed files (*.txt) there")
    _validate_seeds(seeds)
    from flows.prefect_env import configure_prefect

    configure_prefect(verbose=True)
    from flows.local_server import LocalServerError, local_prefect_server

    try:
        with local_prefect_server() as api:
            print(f"storywatch: Prefect API at {api}; every seed in {args.seeds_dir} runs every "
                  f"{args.interval_minutes:g} minutes (Ctrl-C stops)", flush=True)
            from flows.pipeline import monitor_all_seeds

            monitor_all_seeds.serve(
                name="storywatch-local",
                interval=args.interval_minutes * 60,
                parameters={
                    "seeds_dir": str(args.seeds_dir),
                    "db_path": str((args.db or default_db_path()).resolve()),
                    "allow_private_network": args.allow_private_network,
                    "report_dir": str(args.report_dir.resolve()),
                },
            )
    except LocalServerError as exc:
        raise CommandError(str(exc)) from None
    return EXIT_OK


COMMANDS = {"run": cmd_run, "extract": cmd_extract, "report": cmd_report, "export": cmd_export, "sql": cmd_sql,
            "serve": cmd_serve}


def main(argv: Sequence[str] | None = None) -> int:
    atexit.unregister(_skip_exit_collection)  # once, however often main runs in a process
    atexit.register(_skip_exit_collection)
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (SeedError, SettingsError, WarehouseError, ReportError, CommandError) as exc:
        print(f"storywatch: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("storywatch: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
