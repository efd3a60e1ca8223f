"""The coverage report as one self-contained HTML page.

In: a :class:`~warehouse.report.Report`. Out: HTML text. Every value that came
from the web (titles, outlets, URLs, reasons) goes through ``html.escape``;
links are only ever http(s).
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from warehouse.report import Report

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4} td.n{text-align:right;font-variant-numeric:tabular-nums}
.seed_copy{color:#8a5a00}.syndicated{color:#7a1fa2}.original{color:#0b6b2f}.unrelated{color:#777}
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


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(rows_cell for rows_cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _td(value: Any, numeric: bool = False) -> str:
    return f'<td class="n">{_e(value)}</td>' if numeric else f"<td>{_e(value)}</td>"


def render_html(report: Report) -> str:
    seed = report.seed
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>Coverage: {_e(seed['title'])}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Coverage of: {_e(seed['title'])}</h1>",
        f"<p>Seed {_e(seed['seed_id'])}, dated {_e(seed['seed_date'])}, {_e(seed['word_count'])} words.</p>",
    ]
    if report.key_terms:
        parts.append(f"<p>Key terms: {_e(', '.join(report.key_terms))}</p>")
    if report.latest_run and report.latest_run.get("search_query"):
        parts.append(f"<p>Search query: <code>{_e(report.latest_run['search_query'])}</code></p>")
    parts.append("<h2>Counts by status</h2>")
    parts.append(_table(["status", "articles"],
                        [[_td(r["status"]), _td(r["articles"], True)] for r in report.status_counts]))
    parts.append("<h2>Coverage</h2>")
    parts.append(_table(
        ["published", "lag (h)", "outlet", "title", "relevance", "similarity", "containment", "status"],
        [[_td(c["published_at"]), _td(c["lag_hours"], True), _td(c["outlet"]),
          f"<td>{_link(c['url'], c['title'])}</td>", _td(c["relevance"], True),
          _td(c["similarity_to_seed"], True), _td(c["containment_of_seed"], True),
          f'<td class="{escape(c["status"])}">{_e(c["status"])}{" (origin)" if c["is_cluster_origin"] else ""}</td>']
         for c in report.coverage],
    ))
    parts.append("<h2>Who copied whom</h2>")
    parts.append(_table(
        ["origin", "published", "copied by", "published", "hours later"],
        [[_td(c["origin_outlet"]), _td(c["origin_published_at"]), _td(c["copy_outlet"]),
          _td(c["copy_published_at"]), _td(c["hours_later"], True)] for c in report.copies],
    ))
    parts.append("<h2>Not fetched or not read, by reason (latest run)</h2>")
    parts.append(_table(
        ["stage", "outcome", "reason", "URLs"],
        [[_td(f["stage"]), _td(f["outcome"]), _td(f["reason"]), _td(f["urls"], True)] for f in report.failures],
    ))
    parts.append("</body></html>\n")
    return "".join(parts)
