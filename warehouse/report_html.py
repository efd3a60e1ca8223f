"""The coverage report as one self-contained HTML page.

In: a :class:`~warehouse.report.Report`. Out: HTML text. Every value that came
from the web (titles, outlets, URLs, reasons) goes through ``html.escape``;
links are only ever http(s).
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from warehouse import chart_cache
from warehouse.report import VERDICT_MARK, Report, by_origin, summary_lines

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4} td.n{text-align:right;font-variant-numeric:tabular-nums}
.seed_copy{color:#8a5a00}.syndicated{color:#7a1fa2}.original{color:#0b6b2f}.unrelated{color:#777}
.matrix td.v{text-align:center;white-space:nowrap}.v.supports{background:#e6f4ea}.v.differs{background:#fde7e9}
.v.absent{color:#aaa}table.matrix{display:block;overflow-x:auto}
figure.chart{margin:1rem 0}figure.chart svg{max-width:100%;height:auto}
.summary li{margin:.2rem 0}
"""


def _e(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, float):
        return f"{value:.2f}"
    return escape(str(value))


def _link(url: str | None, text: Any) -> str:
    if not url or not url.lower().startswith(("http://", "https://")):
        return _e(text)
    return f'<a href="{escape(url, quote=True)}" rel="nofollow noopener">{_e(text)}</a>'


def _table(headers: list[str], rows: list[list[str]], css_class: str = "") -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    attr = f' class="{css_class}"' if css_class else ""
    return f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _td(value: Any, numeric: bool = False) -> str:
    return f'<td class="n">{_e(value)}</td>' if numeric else f"<td>{_e(value)}</td>"


def render_html(report: Report, db: Path | None = None) -> str:
    """The report as one HTML page; with ``db``, charts already drawn from the same rows are reused."""
    seed, run = report.seed, report.latest_run
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        # Nothing is fetched: no script, style sheet, font or image comes from anywhere but this file.
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">",
        f"<title>Coverage: {_e(seed['title'])}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Coverage of: {_e(seed['title'])}</h1>",
        f"<p>Seed {_e(seed['seed_id'])}, dated {_e(seed['seed_date'])}, {_e(seed['word_count'])} words.</p>",
    ]
    if report.key_terms:
        parts.append(f"<p>Key terms: {_e(', '.join(report.key_terms))}</p>")
    if run and run.get("search_query"):
        parts.append(f"<p>Search query: <code>{_e(run['search_query'])}</code></p>")
    parts.append("<h2>Summary</h2><ul class=summary>")
    parts += [f"<li>{_e(line)}</li>" for line in summary_lines(report)]
    parts.append("</ul>")
    if run:
        parts.append(f"<p class=run>Latest run {_e(run['run_id'])} ({_e(run['status'])}), started "
                     f"{_e(run['started_at'])}: {_e(run['discovered'])} candidates, {_e(run['fetched'])} pages "
                     f"fetched, {_e(run['failed'])} failed, {_e(run['loaded'])} new articles.</p>")
    coverage_chart, events_chart = chart_cache.charts(db, [("coverage", report.timeline, "svg"),
                                                            ("events", report.events, "svg")])
    if chart := coverage_chart:
        parts.append(f'<figure class=chart id=coverage-chart>{_svg(chart)}</figure>')
    parts.append("<h2>Outlets</h2>")
    parts.append(_table(
        ["outlet", "first published", "hours after seed date", "first piece", "similarity", "words", "articles",
         "original", "syndicated", "seed copies"],
        [[_td(o["outlet"]), _td(o["first_published"]), _td(o["hours_from_seed_date"], True),
          _status(o["first_status"]), _td(o["first_similarity"], True), _td(o["first_words"], True),
          _td(o["articles"], True), _td(o["original"], True), _td(o["syndicated"], True),
          _td(o["seed_copy"], True)] for o in report.outlets],
    ))
    parts.append("<h2>Coverage</h2>")
    parts.append(_table(
        ["published", "lag (h)", "outlet", "title", "relevance", "similarity", "containment", "status"],
        [[_td(c["published_at"]), _td(c["lag_hours"], True), _td(c["outlet"]),
          f"<td>{_link(c['url'], c['title'])}</td>", _td(c["relevance"], True),
          _td(c["similarity_to_seed"], True), _td(c["containment_of_seed"], True),
          _status(c["status"], c["is_cluster_origin"])]
         for c in report.coverage],
    ))
    parts.append("<h2>Who copied whom</h2>")
    if report.copies:
        parts.append("<ul class=copies>")
        for origin, copies in by_origin(report.copies):
            items = "".join(f"<li>{_e(c['copy_outlet'])}, {_e(c['hours_later'])} h later: {_e(c['copy_title'])}</li>"
                            for c in copies)
            parts.append(f"<li><b>{_e(origin['origin_outlet'])}</b>, {_e(origin['origin_published_at'])}: "
                         f"{_e(origin['origin_title'])}<ul>{items}</ul></li>")
        parts.append("</ul>")
    else:
        parts.append("<p>No syndicated copies found.</p>")
    parts.append("<h2>Claims: the seed against each outlet</h2>")
    outlets, claims = report.claim_matrix()
    if claims:
        rows = []
        for c in claims:
            cells = [f"<td>{_e(c['claim'])}</td>"]
            for o in outlets:
                verdict, evidence = c["cells"].get(o, ("absent", None))
                title = f' title="{escape(evidence, quote=True)}"' if evidence else ""
                cells.append(f'<td class="v {escape(verdict)}"{title}>{_e(VERDICT_MARK[verdict])}</td>')
            rows.append(cells)
        parts.append(_table(["claim"] + outlets, rows, "matrix"))
        differing = report.differing()
        if differing:
            parts.append("<h3>Where accounts differ</h3><ul>")
            parts += [f"<li>{_e(o)} on “{_e(c['claim'])}”: <q>{_e(ev)}</q></li>" for c, o, ev in differing]
            parts.append("</ul>")
    else:
        parts.append("<p>No claims read from the seed yet.</p>")
    parts.append("<h2>What each outlet added first</h2>")
    if report.additions:
        items = (f"<li>{_e(a['outlet'])} ({_e(a['published_at'])}): {_link(a['url'], a['sentence'])}</li>"
                 for a in report.additions)
        parts.append("<ul>" + "".join(items) + "</ul>")
    else:
        parts.append("<p>Nothing beyond the seed's account.</p>")
    parts.append("<h2>Quotes by speaker</h2>")
    parts.append(_table(["speaker", "quote", "carried by", "in seed", "outlets"],
                        [[_td(q["speaker"]), f"<td><q>{_e(q['quote'])}</q></td>", _td(q["carried_by"], True),
                          _td("yes" if q["in_seed"] else "no"), _td(q["outlets"])] for q in report.quotes]))
    parts.append("<h2>Events timeline</h2>")
    if chart := events_chart:
        parts.append(f'<figure class=chart id=events-chart>{_svg(chart)}</figure>')
    parts.append(_table(["date", "actor", "event", "target", "reported by", "in seed"],
                        [[_td(e["event_date"]), _td(e["actor"]),
                          _td(e["event_type"] + (f" ({e['mode']})" if e["mode"] else "")), _td(e["target"]),
                          _td(e["reported_by"], True), _td("yes" if e["in_seed"] else "no")]
                         for e in report.events]))
    parts.append("<h2>Not fetched or not read, by reason (latest run)</h2>")
    parts.append(_table(
        ["stage", "outcome", "reason", "URLs"],
        [[_td(f["stage"]), _td(f["outcome"]), _td(f["reason"]), _td(f["urls"], True)] for f in report.failures],
    ))
    parts.append("</body></html>\n")
    return "".join(parts)


def _status(status: str | None, origin: bool = False) -> str:
    if status is None:
        return "<td>–</td>"
    return f'<td class="{escape(status)}">{_e(status)}{" (origin)" if origin else ""}</td>'


def _svg(document: str) -> str:
    """An SVG document made inline: the XML prolog and doctype dropped (matplotlib escapes the labels)."""
    start = document.find("<svg")
    return document[start:] if start >= 0 else ""
