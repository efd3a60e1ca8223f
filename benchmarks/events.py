"""Events, quotes and claim verdicts against the hand-labelled set in tests/fixtures/events.

In: ``sentences.jsonl`` (sentences with their events and quotes) and
``articles.jsonl`` (short articles with a verdict on each of the seed's claims),
written for this project (see that folder's README). Out, printed:

* events: precision and recall, an event counting as right only when actor,
  type, target and date all match (date: the stated or resolved day, or none
  when the sentence gives none); also with calls and meetings undirected
  (PLOVER's CONSULT between A and B is one event whichever is named first);
* quotes: how many labelled quotes were found, precision, and speaker accuracy
  over the quotes found;
* claims: verdict accuracy over every (article, claim) label, and over the
  labels that are not "absent".

Each sentence and article is read with an actor table built from the seed and
its own text, as the pipeline does. Two sets: ``events`` is the one the rules
were developed against (its errors were read while writing them), and
``events-heldout`` was written afterwards, blind to the code, and is scored
without reading its errors; the gap between the two is how much the rules fit
the first set.

    .venv/bin/python benchmarks/events.py [--set events|events-heldout] [--show-errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from extractors.actors import build_table
from extractors.claims import Claim, read_article, seed_claims
from extractors.events import extract_events
from extractors.quotes import extract_quotes, same_quote
from extractors.seed import load_seed

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SETS = ("events", "events-dev2", "events-dev3", "events-heldout", "events-heldout2", "events-heldout3")
SEED = load_seed(ROOT / "seeds" / "xi-zelensky-call.txt")

EventKey = tuple[str, str, str | None, str | None]

# The labelled claim keys, as predicates over the claims storywatch reads from the seed.
CLAIM_KEYS: dict[str, Callable[[Claim], bool]] = {
    "call": lambda c: c.kind == "event" and c.event_type == "CONSULT" and c.mode == "phone"
    and {c.actor, c.target} == {"Xi Jinping", "Volodymyr Zelensky"},
    "call_date": lambda c: c.kind == "date" and c.event_type == "CONSULT" and c.mode == "phone",
    "first_contact": lambda c: c.kind == "first",
    "envoy": lambda c: c.kind == "event" and c.event_type == "CONSULT" and c.mode == "visit",
    "ambassador": lambda c: c.kind == "event" and c.event_type == "COOPERATE" and c.actor == "Ukraine",
    "initiator": lambda c: c.kind == "initiator",
    "russia_criticism": lambda c: c.kind == "event" and c.event_type == "ACCUSE"
    and c.actor in ("Russia", "Russian Foreign Ministry") and c.target == "Ukraine",
    "negotiation_only_way": lambda c: c.kind == "statement" and c.actor == "Xi Jinping"
    and any(w.startswith("negotiat") for w in c.context),
    "france_backs_dialogue": lambda c: c.kind == "event" and c.event_type == "SUPPORT" and c.actor == "France",
    "saudi_iran_two_months": lambda c: c.kind == "number" and c.value == "2 month",
    "saudi_iran_seven_years": lambda c: c.kind == "number" and c.value == "7 year",
}


def _jsonl(label_set: str, name: str) -> list[dict]:
    path = FIXTURES / label_set / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _predicted_events(text: str, published: date) -> list[EventKey]:
    table = build_table([SEED.text, text])
    return [(e.actor, e.event_type, e.target, e.event_date.isoformat() if e.event_date and e.date_basis != "published"
             else None) for e in extract_events(text, published, table)]


def _undirected(key: EventKey) -> EventKey:
    actor, kind, target, day = key
    if kind == "CONSULT" and target is not None:
        actor, target = sorted((actor, target))
    return actor, kind, target, day


def score_events(rows: list[dict], show: bool) -> None:
    for label, normalise in (("events (directed)", lambda k: k), ("events (CONSULT undirected)", _undirected)):
        right = predicted = wanted = 0
        for row in rows:
            published = date.fromisoformat(row["published"])
            got = Counter(normalise(k) for k in _predicted_events(row["text"], published))
            want = Counter(normalise((e["actor"], e["event_type"], e["target"], e["date"])) for e in row["events"])
            right += sum((got & want).values())
            predicted += sum(got.values())
            wanted += sum(want.values())
            if show and normalise is _undirected and got != want:
                print(f"  {row['id']}: got {sorted(got - want, key=str)} missed {sorted(want - got, key=str)}\n"
                      f"     {row['text'][:150]}")
        print(f"{label:<30} precision {right / max(predicted, 1):.3f}  recall {right / max(wanted, 1):.3f}  "
              f"({right} right of {predicted} predicted, {wanted} labelled)")


def score_quotes(rows: list[dict], show: bool) -> None:
    found = speaker_right = predicted = wanted = 0
    for row in rows:
        table = build_table([SEED.text, row["text"]])
        got = extract_quotes(row["text"], table)
        predicted += len(got)
        for label in row["quotes"]:
            wanted += 1
            match = next((q for q in got if same_quote(q.quote, label["quote"])), None)
            if match is None:
                if show:
                    print(f"  {row['id']}: missed quote {label['quote'][:60]!r}")
                continue
            found += 1
            if match.speaker == label["speaker"]:
                speaker_right += 1
            elif show:
                print(f"  {row['id']}: speaker {match.speaker!r} for {label['speaker']!r}")
    print(f"{'quotes':<30} found {found}/{wanted} (recall {found / max(wanted, 1):.3f}, precision "
          f"{found / max(predicted, 1):.3f}); speaker accuracy {speaker_right / max(found, 1):.3f}")


def score_claims(rows: list[dict], show: bool) -> None:
    table = build_table([SEED.text])
    claims = seed_claims(SEED.text, SEED.seed_date, table)
    chosen = {key: [c for c in claims if test(c)] for key, test in CLAIM_KEYS.items()}
    missing = [key for key, found in chosen.items() if not found]
    right = total = right_present = present = 0
    for row in rows:
        published = datetime.fromisoformat(row["published"]).date()
        reading = read_article(claims, row["text"], published, build_table([SEED.text, row["text"]]))
        verdicts = {v.claim_id: v.verdict for v in reading.verdicts}
        for key, label in row["claims"].items():
            ours = next((verdicts[c.claim_id] for c in chosen[key] if c.claim_id in verdicts), "absent")
            total += 1
            right += ours == label
            if label != "absent":
                present += 1
                right_present += ours == label
            if show and ours != label:
                print(f"  {row['id']} {key}: {ours} for {label}")
    print(f"{'claim verdicts':<30} accuracy {right / max(total, 1):.3f} ({right}/{total}); on labels other than "
          f"absent {right_present / max(present, 1):.3f} ({right_present}/{present})")
    if missing:
        print(f"  seed claims not read from the seed: {', '.join(missing)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=SETS, action="append", help="label set(s) to score (default: both)")
    parser.add_argument("--show-errors", action="store_true", help="list the errors")
    args = parser.parse_args(argv)
    for label_set in args.set or SETS:
        sentences = _jsonl(label_set, "sentences.jsonl")
        articles = _jsonl(label_set, "articles.jsonl")
        print(f"{label_set}: {len(sentences)} labelled sentences, {len(articles)} labelled articles")
        score_events(sentences, args.show_errors)
        score_quotes(sentences, args.show_errors)
        score_claims(articles, args.show_errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
