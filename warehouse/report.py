"""The comparison report: one seed's coverage read from the warehouse and rendered.

In: a warehouse path and a seed (its id or its file path). Out: a
:class:`Report` of plain rows, rendered as Markdown or JSON. The queries are
the files in ``sql/report``; everything that came from the web is escaped
before it is written into Markdown.
"""

from __future__ import annotations

import base64
import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import duckdb

from warehouse import chart_cache, queries
from warehouse.db import connect, cursor
from warehouse.term_cache import kept_terms

ReportFormat = Literal["md", "json"]
# How many of the seed's key terms the report lists: the ones a reader would search for.
REPORT_KEY_TERMS = 12


class ReportError(LookupError):
    """The report cannot be made (unknown seed, no warehouse)."""


@dataclass(frozen=True)
class Report:
    seed: dict[str, Any]
    key_terms: list[str]
    latest_run: dict[str, Any] | None
    status_counts: list[dict[str, Any]]
    outlets: list[dict[str, Any]]
    coverage: list[dict[str, Any]]
    copies: list[dict[str, Any]]
    failures: list[dict[str, Any]]
    summary: dict[str, Any] = field(default_factory=dict)
    timeline: list[dict[str, Any]] = field(default_factory=list)  # articles per day and status
    claims: list[dict[str, Any]] = field(default_factory=list)  # seed claim x outlet -> verdict
    additions: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def claim_matrix(self) -> tuple[list[str], list[dict[str, Any]]]:
        """(outlets, one row per claim with a {outlet: (verdict, evidence)} map)."""
        outlets = sorted({c["outlet"] for c in self.claims})
        rows: dict[str, dict[str, Any]] = {}
        for c in self.claims:
            row = rows.setdefault(c["claim_id"], {"claim": c["claim"], "kind": c["kind"], "cells": {}})
            row["cells"][c["outlet"]] = (c["verdict"], c["evidence"])
        return outlets, list(rows.values())

    def differing(self) -> list[tuple[dict[str, Any], str, str | None]]:
        """(claim row, outlet, evidence) wherever an outlet tells a seed claim otherwise."""
        _, claims = self.claim_matrix()
        return [(c, o, ev) for c in claims for o, (v, ev) in c["cells"].items() if v == "differs"]


def _query(name: str) -> str:
    return (resources.files("warehouse") / "sql" / "report" / f"{name}.sql").read_text(encoding="utf-8")


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def resolve_seed_id(con: duckdb.DuckDBPyConnection, seed: str) -> str:
    """A seed given as its id, or as a path to its file, to its id."""
    if _rows(con, queries.SEED_BY_ID, [seed]):
        return seed
    stem = Path(seed).stem
    if _rows(con, queries.SEED_BY_ID, [stem]):
        return stem
    raise ReportError(f"seed {seed!r} is not in the warehouse (run 'storywatch run' on it first)")


# The report's sections that need only the seed id, each a query of warehouse/sql/report,
# and how many are read at once.
_SECTION_THREADS = 3
_SECTIONS = {"status_counts": "status_counts", "outlets": "outlets", "coverage": "coverage", "copies": "copies",
             "timeline": "timeline", "claims": "claims_matrix", "additions": "additions",
             "quotes": "quotes_by_speaker", "events": "events_timeline"}


def build_report(db: Path, seed: str) -> Report:
    with connect(db, read_only=True) as con:
        seed_id = resolve_seed_id(con, seed)
        seed_row = _rows(con, queries.SEED_BY_ID, [seed_id])[0]
        terms = [t.term for t in kept_terms(con, seed_row.pop("text"))[:REPORT_KEY_TERMS]]
        latest = _rows(con, _query("latest_run"), [seed_id])
        run = latest[0] if latest else None
        summary = _rows(con, _query("summary"), [seed_id, run["run_id"] if run else ""])
        # The sections are independent: DuckDB runs each on a cursor of its own without
        # Python's lock, so they overlap (60-80 ms one after another at 2,000 articles,
        # a fixed cost of every run, a rerun with nothing new included).
        with ThreadPoolExecutor(max_workers=_SECTION_THREADS) as pool:
            sections = {key: pool.submit(_section_rows, con, name, seed_id) for key, name in _SECTIONS.items()}
            return Report(
                seed=seed_row,
                key_terms=terms,
                latest_run=run,
                failures=_rows(con, _query("failures"), [run["run_id"]]) if run else [],
                summary=summary[0] if summary else {},
                **{key: future.result() for key, future in sections.items()},
            )


def _section_rows(con: duckdb.DuckDBPyConnection, name: str, seed_id: str) -> list[dict[str, Any]]:
    with cursor(con) as own:
        return _rows(own, _query(name), [seed_id])


def render(report: Report, fmt: ReportFormat, db: Path | None = None) -> str:
    """The report as Markdown or JSON; with ``db``, charts already drawn from the same rows are reused."""
    if fmt == "json":
        return json.dumps(asdict(report), default=_json_value, indent=2, ensure_ascii=False) + "\n"
    return render_markdown(report, db=db)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def md(value: Any) -> str:
    """Web text made inert in Markdown: no links, HTML, emphasis or broken tables."""
    if value is None:
        return "–"
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "undated"


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


VERDICT_MARK = {"supports": "✔ supports", "differs": "✘ differs", "absent": "·"}


def summary_lines(report: Report) -> list[str]:
    """The few sentences at the top: how many outlets, how much original reporting, who was first, what is new."""
    s = report.summary
    if not s or not s.get("related_articles"):
        return ["No related coverage found yet."]
    lines = [
        f"{s['related_articles']} related articles from {s['outlets']} outlets: {s['original']} original, "
        f"{s['syndicated']} syndicated copies, {s['seed_copies']} copies of the seed.",
    ]
    if s.get("first_outlet"):
        lines.append(f"First to publish: {md(s['first_outlet'])} at {_when(s['first_published'])}.")
    differs = sum(1 for c in report.claims if c["verdict"] == "differs")
    if differs:
        lines.append(f"{differs} outlet accounts differ from the seed on a claim (see the claims matrix).")
    lines.append(f"New since the previous run: {s['new_in_latest_run']} related articles.")
    return lines


def story_lines(report: Report, limit: int = 3) -> list[str]:
    """The one-screen summary's story part, as plain text: who was first, where accounts
    differ, what went wrong."""
    lines = [f"  {line}" for line in summary_lines(report)]
    lines += [f"    {o} differs on “{c['claim'][:60]}”: {(ev or '')[:80]}" for c, o, ev in report.differing()[:limit]]
    if report.failures:
        lines.append("  not fetched or not read: " + "; ".join(
            f"{f['urls']} {f['reason'][:50]}" for f in report.failures[:limit]))
    return lines


def summary_markdown(report: Report) -> str:
    """The report's summary alone (no charts): what a scheduled run's artifact shows."""
    seed, run = report.seed, report.latest_run
    out = [f"# {md(seed['title'])}", ""] + [f"- {line}" for line in summary_lines(report)]
    if run:
        out += ["", f"Run {md(run['run_id'])} ({run['status']}): {run['discovered']} candidates, "
                    f"{run['fetched']} pages fetched, {run['failed']} failed, {run['loaded']} new articles."]
    differing = report.differing()
    if differing:
        out += ["", "Where accounts differ:", ""] + [f"- {md(o)} on “{md(c['claim'])}”: {md(ev)}"
                                                    for c, o, ev in differing]
    return "\n".join(out) + "\n"


def render_markdown(report: Report, charts: bool = True, db: Path | None = None) -> str:
    seed, run = report.seed, report.latest_run
    out = [
        f"# Coverage of: {md(seed['title'])}",
        "",
        f"Seed {md(seed['seed_id'])} dated {seed['seed_date']}, {seed['word_count']} words ({md(seed['path'])}).",
    ]
    if report.key_terms:
        out.append(f"Key terms: {', '.join(md(t) for t in report.key_terms)}.")
    if run and run.get("search_query"):
        out.append(f"Search query: {md(run['search_query'])}")
    out += ["", "## Summary", ""] + [f"- {line}" for line in summary_lines(report)]
    if run:
        out += [
            "",
            f"Latest run {md(run['run_id'])} ({run['status']}): started {_when(run['started_at'])}; "
            f"{run['discovered']} candidates discovered, {run['fetched']} pages fetched, "
            f"{run['failed']} failed, {run['loaded']} new articles.",
        ]
    coverage_chart, events_chart = (
        chart_cache.charts(db, [("coverage", report.timeline, "png"), ("events", report.events, "png")])
        if charts else (None, None))
    if chart := coverage_chart:
        out += ["", f"![Coverage over time, by status](data:image/png;base64,{base64.b64encode(chart).decode()})"]
    counts = {row["status"]: row["articles"] for row in report.status_counts}
    out += ["", "## Counts by status", ""]
    out += _table(
        ["status", "articles"],
        [[s, str(counts.get(s, 0))] for s in ("original", "syndicated", "seed_copy", "unrelated")],
    )
    out += ["", "## Outlets", ""]
    out += _table(
        ["outlet", "first published", "hours after seed date", "first piece", "similarity", "words", "articles",
         "original", "syndicated", "seed copies"],
        [
            [md(o["outlet"]), _when(o["first_published"]), _num(o["hours_from_seed_date"], 1),
             str(o["first_status"] or "–"), _num(o["first_similarity"]), str(o["first_words"] or "–"),
             str(o["articles"]), str(o["original"]), str(o["syndicated"]), str(o["seed_copy"])]
            for o in report.outlets
        ],
    )
    out += ["", "## Coverage", ""]
    out += _table(
        ["published", "lag (h)", "outlet", "title", "relevance", "similarity", "containment", "status"],
        [
            [_when(c["published_at"]), _num(c["lag_hours"], 1), md(c["outlet"]), md(c["title"]),
             _num(c["relevance"]), _num(c["similarity_to_seed"]), _num(c["containment_of_seed"]),
             c["status"] + (" (origin)" if c["is_cluster_origin"] else "")]
            for c in report.coverage
        ],
    )
    out += ["", "## Who copied whom", ""]
    if report.copies:
        for origin, copies in by_origin(report.copies):
            out.append(f"- **{md(origin['origin_outlet'])}**, {_when(origin['origin_published_at'])}: "
                       f"{md(origin['origin_title'])}")
            out += [f"  - copied by {md(c['copy_outlet'])}, {_num(c['hours_later'], 1)} h later: "
                    f"{md(c['copy_title'])}" for c in copies]
    else:
        out.append("No syndicated copies found.")
    out += ["", "## Claims: the seed against each outlet", ""]
    outlets, claims = report.claim_matrix()
    if claims:
        out += _table(["claim"] + [md(o) for o in outlets],
                      [[md(c["claim"])] + [VERDICT_MARK[c["cells"].get(o, ("absent", None))[0]] for o in outlets]
                       for c in claims])
        differing = report.differing()
        if differing:
            out += ["", "Where accounts differ:", ""]
            out += [f"- {md(o)} on “{md(c['claim'])}”: {md(ev)}" for c, o, ev in differing]
    else:
        out.append("No claims read from the seed yet.")
    out += ["", "## What each outlet added first", ""]
    if report.additions:
        out += [f"- {md(a['outlet'])} ({_when(a['published_at'])}): {md(a['sentence'])}" for a in report.additions]
    else:
        out.append("Nothing beyond the seed's account.")
    out += ["", "## Quotes by speaker", ""]
    if report.quotes:
        out += _table(["speaker", "quote", "carried by", "in seed", "outlets"],
                      [[md(q["speaker"]), md(q["quote"]), str(q["carried_by"]), "yes" if q["in_seed"] else "no",
                        md(q["outlets"])] for q in report.quotes])
    else:
        out.append("No quotes found.")
    out += ["", "## Events timeline", ""]
    if chart := events_chart:
        out += [f"![Events by day](data:image/png;base64,{base64.b64encode(chart).decode()})", ""]
    if report.events:
        out += _table(["date", "actor", "event", "target", "reported by", "in seed"],
                      [[str(e["event_date"]), md(e["actor"]),
                        e["event_type"] + (f" ({e['mode']})" if e["mode"] else ""), md(e["target"]),
                        str(e["reported_by"]), "yes" if e["in_seed"] else "no"] for e in report.events])
    else:
        out.append("No dated events found.")
    out += ["", "## Not fetched or not read, by reason (latest run)", ""]
    if report.failures:
        out += _table(
            ["stage", "outcome", "reason", "URLs"],
            [[f["stage"], f["outcome"], md(f["reason"]), str(f["urls"])] for f in report.failures],
        )
    else:
        out.append("None.")
    return "\n".join(out) + "\n"


def by_origin(copies: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for c in copies:
        groups.setdefault((c["origin_outlet"], c["origin_title"], c["origin_published_at"]), []).append(c)
    return [(group[0], group) for group in groups.values()]
