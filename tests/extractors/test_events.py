"""Events, actors, quotes and claims on the bundled seed and on small hand-written texts."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from extractors.actors import build_table, fold
from extractors.claims import read_article, seed_claims
from extractors.event_dates import resolve_date
from extractors.events import extract_events
from extractors.quotes import extract_quotes, same_quote
from extractors.seed import load_seed

ROOT = Path(__file__).resolve().parents[2]
SEED = load_seed(ROOT / "seeds" / "xi-zelensky-call.txt")
TABLE = build_table([SEED.text])


def seed_events():
    return extract_events(SEED.text, SEED.seed_date, TABLE)


# The acceptance on the bundled seed -------------------------------------------------


def test_the_call_is_a_consult_by_phone_between_the_canonical_leaders_on_the_day():
    calls = [e for e in seed_events() if e.event_type == "CONSULT" and e.mode == "phone"
             and {e.actor, e.target} == {"Xi Jinping", "Volodymyr Zelensky"}]
    assert calls
    assert any(e.event_date == date(2023, 4, 26) and e.date_basis == "relative" for e in calls)  # "on Wednesday"


def test_the_envoy_the_ambassador_and_moscows_criticism_are_coded():
    events = {(e.actor, e.event_type, e.mode, e.target) for e in seed_events()}
    assert ("Xi Jinping", "CONSULT", "visit", "Ukraine") in events  # sends a special envoy to visit Ukraine
    assert ("Ukraine", "COOPERATE", None, "China") in events  # appointment of Ukraine's ambassador to China
    assert ("Russian Foreign Ministry", "ACCUSE", None, "Ukraine") in events  # "...mess up any peace initiatives"
    assert ("Russia", "ACCUSE", None, "Ukraine") in events  # Moscow "lambasted Kyiv"


def test_zelenskys_quote_is_his():
    quotes = extract_quotes(SEED.text, TABLE)
    mine = [q for q in quotes if q.quote.startswith("I had a long and meaningful phone call")]
    assert mine and all(q.speaker == "Volodymyr Zelensky" for q in mine)
    ministry = [q for q in quotes if q.quote.startswith("The Ukrainian authorities")]
    assert [q.speaker for q in ministry] == ["Russian Foreign Ministry"]


# Actors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mention", "canonical"),
    [
        ("Zelenskyy", "Volodymyr Zelensky"), ("Zelenskiy", "Volodymyr Zelensky"),
        ("Volodymyr Zelenskyy", "Volodymyr Zelensky"), ("President Xi", "Xi Jinping"),
        ("the Chinese leader", "Xi Jinping"), ("his Ukrainian counterpart", "Volodymyr Zelensky"),
        ("Kyiv", "Ukraine"), ("Beijing", "China"), ("the Kremlin", "Russia"), ("the White House", "United States"),
        ("Russia's foreign ministry", "Russian Foreign Ministry"),
        ("China’s foreign ministry", "Chinese Foreign Ministry"),
        ("Lu Shaye", "Lu Shaye"), ("Chinese ambassador to France Lu Shaye", "Lu Shaye"),
    ],
)
def test_mentions_map_to_one_canonical_name(mention, canonical):
    found = TABLE.mentions(f"Yesterday {mention} spoke.")
    assert [m.canonical for m in found] == [canonical]


def test_the_seeds_spelling_wins_and_user_corrections_override():
    table = build_table([SEED.text, "Volodymyr Zelenskyy met Li Hui, China's special envoy, in Kyiv."])
    assert table.canonical("Volodymyr Zelenskyy") == "Volodymyr Zelensky"
    corrected = build_table([SEED.text], {"the chinese leader": "China"})
    assert corrected.canonical("the Chinese leader") == "China"
    assert fold("Zelenskyy’s") == fold("Zelensky") == "zelensky"


# Events --------------------------------------------------------------------------------------


def events_of(text: str, published: date = date(2023, 4, 27)):
    return [(e.actor, e.event_type, e.target, e.event_date, e.date_basis)
            for e in extract_events(text, published, build_table([SEED.text, text]))]


def test_relative_dates_resolve_against_the_publication_day_and_vague_ones_say_so():
    assert resolve_date("Xi spoke with Zelensky on Wednesday.", date(2023, 4, 27)).day == date(2023, 4, 26)
    assert resolve_date("They spoke yesterday.", date(2023, 4, 27)).day == date(2023, 4, 26)
    assert resolve_date("He met Putin on March 21.", date(2023, 4, 27)).basis == "stated"
    vague = resolve_date("They spoke last month.", date(2023, 4, 27))
    assert vague.day == date(2023, 4, 27) and vague.basis == "published"


def test_passive_negated_and_commentary_sentences():
    assert events_of("A new ambassador to China was appointed by Zelensky on Wednesday.") == [
        ("Volodymyr Zelensky", "COOPERATE", "China", date(2023, 4, 26), "relative")]
    assert events_of("The Kremlin did not criticise Beijing's initiative.") == []
    assert events_of("Analysts believe the war is far from over and peace remains distant.") == []


def test_a_reported_accusation_is_the_speakers():
    assert events_of("Russia's foreign ministry said Kyiv had undermined every peace effort so far.") == [
        ("Russian Foreign Ministry", "ACCUSE", "Ukraine", date(2023, 4, 27), "published")]


# Quotes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"Negotiations are the only way out," Xi said.', "Xi Jinping"),
        ('"Negotiations are the only way out," said the Chinese leader.', "Xi Jinping"),
        ('Zelenskyy said: "The call was long and meaningful."', "Volodymyr Zelensky"),
        ('According to the Kremlin, "any peace plan must reflect realities on the ground".', "Russia"),
        ('Kuleba spoke first. "We will not trade territory for peace," he said.', "Dmytro Kuleba"),
    ],
)
def test_quote_speakers(text, speaker):
    quotes = extract_quotes(text, build_table([SEED.text, text]))
    assert [q.speaker for q in quotes] == [speaker]


def test_paraphrase_is_not_a_quote_and_small_wording_changes_are_the_same_quote():
    assert extract_quotes("Zelensky said the call had been long and meaningful.", TABLE) == []
    assert same_quote("I had a long and meaningful phone call with President Xi Jinping",
                      "I had a long, meaningful phone call with Chinese President Xi Jinping.")
    assert not same_quote("I had a long and meaningful phone call", "The Ukrainian authorities have shown")


# Claims --------------------------------------------------------------------------------------

CLAIMS = seed_claims(SEED.text, SEED.seed_date, TABLE)


def verdicts_of(text: str, published: date = date(2023, 4, 27)):
    reading = read_article(CLAIMS, text, published, build_table([SEED.text, text]))
    by_id = {c.claim_id: c for c in CLAIMS}
    return {(by_id[v.claim_id].kind, by_id[v.claim_id].value): (v.verdict, v.evidence) for v in reading.verdicts}


def test_another_initiator_differs_with_the_evidence_sentence():
    sentence = "China's foreign ministry said the call had been initiated by Beijing."
    verdicts = verdicts_of(f"Xi Jinping and Volodymyr Zelensky spoke by phone on Wednesday. {sentence}")
    assert verdicts[("initiator", "Ukraine")] == ("differs", sentence)


def test_another_duration_differs_and_the_same_one_supports():
    other = "Saudi Arabia and Iran agreed to reopen their diplomatic missions within three months."
    assert verdicts_of(other)[("number", "2 month")] == ("differs", other)
    same = "Saudi Arabia and Iran discussed reopening diplomatic missions within two months."
    assert verdicts_of(same)[("number", "2 month")] == ("supports", same)


def test_another_date_differs_and_the_same_call_supports():
    text = "Xi Jinping spoke by phone with Volodymyr Zelenskyy on Tuesday, their first contact since the war began."
    verdicts = verdicts_of(text)
    assert verdicts[("date", "2023-04-26")][0] == "differs"
    assert any(kind == "event" and verdict == "supports" for (kind, _), (verdict, _) in verdicts.items())


def test_what_an_article_adds_is_an_event_the_seed_lacks():
    text = ("Li Hui, China's special envoy, met Dmytro Kuleba in Kyiv on May 17. "
            "He met Sergei Lavrov in Moscow on May 26.")
    reading = read_article(CLAIMS, text, date(2023, 5, 27), build_table([SEED.text, text]))
    # Meeting Kuleba in Kyiv is the envoy's visit the seed announced; meeting Lavrov is new.
    assert [(a.event.actor, a.event.event_type, a.event.target, a.event.event_date) for a in reading.additions] == [
        ("Li Hui", "CONSULT", "Sergei Lavrov", date(2023, 5, 26))]


# The labelled set -----------------------------------------------------------------------------


def test_the_development_set_scores_hold(capsys):
    """The bar on the set the rules were written against; the blind set is reported by the benchmark."""
    spec = importlib.util.spec_from_file_location("events_benchmark", ROOT / "benchmarks" / "events.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.main(["--set", "events"])
    out = capsys.readouterr().out
    directed = next(line for line in out.splitlines() if line.startswith("events (directed)"))
    precision, recall = (float(directed.split(word)[1].split()[0]) for word in ("precision", "recall"))
    assert precision >= 0.85 and recall >= 0.70, directed
    quotes = next(line for line in out.splitlines() if line.startswith("quotes"))
    assert float(quotes.split("speaker accuracy")[1].split()[0]) >= 0.9, quotes
    claims = next(line for line in out.splitlines() if line.startswith("claim verdicts"))
    assert float(claims.split("accuracy")[1].split()[0]) >= 0.85, claims


def test_an_events_own_clause_dates_it_before_the_sentence_does():
    text = ("Li Hui is preparing to travel to Ukraine, diplomats said on Friday, in the first step since "
            "Xi Jinping promised the trip in his phone call with Volodymyr Zelensky last month.")
    dated = {(e.actor, e.mode): (e.event_date, e.date_basis) for e in
             extract_events(text, date(2023, 5, 5), build_table([SEED.text, text]))}
    assert dated[("Xi Jinping", "phone")] == (date(2023, 5, 5), "published")  # "last month": no day named
    assert resolve_date("KYIV, May 5 (Wire) - Xi spoke with Zelensky.", date(2023, 5, 6)).basis == "published"
