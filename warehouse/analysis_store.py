"""Loading the story analysis (events, quotes, claims, additions, actor aliases) into the warehouse.

In: a :class:`~extractors.analysis.StoryAnalysis`. Out: the seed's rows in
``event_rows``, ``quote_rows``, ``claim_rows``, ``seed_claim_rows`` and
``addition_rows`` replaced in one transaction (the stage reads every related
article each run, so replacing is both simpler and exact), and the actor alias
table refreshed without touching the rows users wrote (source ``user``), which
:func:`actor_corrections` hands back to the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse import queries
from warehouse.db import connect
from warehouse.staging import now, schema, stage, transaction, write

if TYPE_CHECKING:
    from extractors.analysis import StoryAnalysis

EVENT_SCHEMA = schema(
    ("seed_id", "VARCHAR"), ("article_id", "VARCHAR"), ("event_date", "DATE"), ("actor", "VARCHAR"),
    ("event_type", "VARCHAR"), ("mode", "VARCHAR"), ("target", "VARCHAR"), ("location", "VARCHAR"),
    ("sentence", "VARCHAR"), ("in_seed", "BOOLEAN"), ("run_id", "VARCHAR"), ("date_basis", "VARCHAR"),
    ("trigger", "VARCHAR"),
)
QUOTE_SCHEMA = schema(
    ("seed_id", "VARCHAR"), ("article_id", "VARCHAR"), ("speaker", "VARCHAR"), ("quote", "VARCHAR"),
    ("in_seed", "BOOLEAN"), ("run_id", "VARCHAR"),
)
CLAIM_SCHEMA = schema(
    ("seed_id", "VARCHAR"), ("claim_id", "VARCHAR"), ("claim", "VARCHAR"), ("article_id", "VARCHAR"),
    ("verdict", "VARCHAR"), ("evidence", "VARCHAR"), ("run_id", "VARCHAR"),
)
SEED_CLAIM_SCHEMA = schema(
    ("seed_id", "VARCHAR"), ("claim_id", "VARCHAR"), ("kind", "VARCHAR"), ("claim", "VARCHAR"),
    ("sentence", "VARCHAR"), ("run_id", "VARCHAR"),
)
ADDITION_SCHEMA = schema(
    ("seed_id", "VARCHAR"), ("article_id", "VARCHAR"), ("actor", "VARCHAR"), ("event_type", "VARCHAR"),
    ("mode", "VARCHAR"), ("target", "VARCHAR"), ("event_date", "DATE"), ("sentence", "VARCHAR"),
    ("run_id", "VARCHAR"),
)
ALIAS_SCHEMA = schema(
    ("alias", "VARCHAR"), ("canonical", "VARCHAR"), ("kind", "VARCHAR"), ("source", "VARCHAR"),
    ("updated_at", "TIMESTAMPTZ"),
)


@dataclass(frozen=True)
class AnalysisCounts:
    events: int
    quotes: int
    verdicts: int
    additions: int


def actor_corrections(db: Path) -> dict[str, str]:
    """alias -> canonical name for the rows users wrote into ``actor_aliases``."""
    with connect(db) as con:
        return dict(con.execute(queries.ACTOR_CORRECTIONS).fetchall())


def related_article_ids(db: Path, seed_id: str) -> set[str]:
    with connect(db) as con:
        return {row[0] for row in con.execute(queries.RELATED_ARTICLE_IDS, [seed_id]).fetchall()}


def load_analysis(db: Path, run_id: str, analysis: StoryAnalysis) -> AnalysisCounts:
    seed_id = analysis.seed_id
    claims = {c.claim_id: c for c in analysis.claims}
    events, quotes, verdicts, additions = [], [], [], []
    for text in analysis.texts:
        events += [
            {"seed_id": seed_id, "article_id": text.article_id, "event_date": e.event_date, "actor": e.actor,
             "event_type": e.event_type, "mode": e.mode, "target": e.target, "location": e.location,
             "sentence": e.sentence, "in_seed": in_seed, "run_id": run_id, "date_basis": e.date_basis,
             "trigger": e.trigger}
            for e, in_seed in zip(text.events, text.events_in_seed, strict=True)
        ]
        quotes += [
            {"seed_id": seed_id, "article_id": text.article_id, "speaker": q.speaker, "quote": q.quote,
             "in_seed": in_seed, "run_id": run_id}
            for q, in_seed in zip(text.quotes, text.quotes_in_seed, strict=True)
        ]
        verdicts += [
            {"seed_id": seed_id, "claim_id": v.claim_id, "claim": claims[v.claim_id].text,
             "article_id": text.article_id, "verdict": v.verdict, "evidence": v.evidence, "run_id": run_id}
            for v in text.verdicts
        ]
        additions += [
            {"seed_id": seed_id, "article_id": text.article_id, "actor": a.event.actor,
             "event_type": a.event.event_type, "mode": a.event.mode, "target": a.event.target,
             "event_date": a.event.event_date, "sentence": a.event.sentence, "run_id": run_id}
            for a in text.additions
        ]
    seed_claims = [{"seed_id": seed_id, "claim_id": c.claim_id, "kind": c.kind, "claim": c.text,
                    "sentence": c.sentence, "run_id": run_id} for c in analysis.claims]
    stamp = now()
    aliases = [{"alias": alias, "canonical": canonical, "kind": kind, "source": source or "learned",
                "updated_at": stamp} for alias, canonical, kind, source in analysis.aliases if source != "user"]
    with connect(db) as con, transaction(con):
        for statement in queries.DELETE_SEED_ANALYSIS:
            con.execute(statement, [seed_id])
        write(con, queries.INSERT_EVENTS, stage(events, EVENT_SCHEMA))
        write(con, queries.INSERT_QUOTES, stage(quotes, QUOTE_SCHEMA))
        write(con, queries.INSERT_CLAIMS, stage(verdicts, CLAIM_SCHEMA))
        write(con, queries.INSERT_SEED_CLAIMS, stage(seed_claims, SEED_CLAIM_SCHEMA))
        write(con, queries.INSERT_ADDITIONS, stage(additions, ADDITION_SCHEMA))
        write(con, queries.UPSERT_ACTOR_ALIASES, stage(aliases, ALIAS_SCHEMA))
    return AnalysisCounts(len(events), len(quotes), len(verdicts), len(additions))
