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


# General patterns of news syntax (sentences written for these tests) ---------------------------


def coded(text: str, published: date = date(2023, 5, 10)) -> list[tuple]:
    table = build_table([SEED.text, text])
    return [(e.actor, e.event_type, e.target, e.event_date if e.date_basis != "published" else None)
            for e in extract_events(text, published, table)]


def quoted_by(text: str) -> list[tuple[str | None, str]]:
    return [(q.speaker, q.quote) for q in extract_quotes(text, build_table([SEED.text, text]))]


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        ("Annalena Baerbock on Tuesday called Moscow's plan “absurd”.", "absurd", "Annalena Baerbock"),
        ("Germany expressed its “concern” over the vote, the German foreign office said.", "concern", "Germany"),
        ("Sergei Lavrov met Wang Yi in Beijing, and the ministry said the talks were “frank and useful”.",
         "frank and useful", "Russian Foreign Ministry"),
        ("Kyiv's new envoy Ivan Petrenko met officials on Monday, the embassy said, calling the meeting “useful”.",
         "useful", "Ukraine"),
        ("„Wir bleiben dabei“, sagte er — we stand by it, a German government spokesman said.", "Wir bleiben dabei",
         "Germany"),
        ("Asked whether Berlin had raised the issue, a German diplomat said: “We raised it twice.”",
         "We raised it twice.", None),
    ],
)
def test_short_quotes_and_institutional_or_anonymous_speakers(text, quote, speaker):
    assert (speaker, quote) in quoted_by(text)


def test_a_scare_quote_with_no_speaker_is_not_a_quote_and_one_word_quotes_match_only_themselves():
    assert quoted_by("The so-called “interim” arrangement ended in March.") == []
    assert same_quote("dismay", "dismay") and not same_quote("dismay", "regret")


def test_a_surname_two_known_officials_share_names_the_one_whose_role_the_story_mentions():
    table = build_table(["Beijing will send a special envoy to Kyiv.", "Li said the talks went well."])
    assert table.canonical("Li") == "Li Hui"
    assert build_table(["Li said the talks went well."]).canonical("Li") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # reported speech: the speaker's stance is the speaker's act, on the day spoken
        ("Sergei Lavrov said on Tuesday that Moscow valued Turkey's mediation.",
         ("Sergei Lavrov", "SUPPORT", "Turkey", date(2023, 5, 9))),
        ("Annalena Baerbock said on Monday that Berlin would welcome any Indian effort to end the war.",
         ("Annalena Baerbock", "SUPPORT", "India", date(2023, 5, 8))),
        # passive with agent; the subject's own actor is the target
        ("The proposal, drafted by Ankara, was rejected by Moscow.", ("Russia", "REJECT", "Turkey", None)),
        # evaluations
        ("Catherine Colonna called Tehran's remarks “unacceptable”.", ("Catherine Colonna", "ACCUSE", "Iran", None)),
        ("Japan expressed its deep concern at Beijing's drills.", ("Japan", "ACCUSE", "China", None)),
        # an apposition naming the person who acts
        ("EU foreign policy chief Josep Borrell criticised Moscow.", ("Josep Borrell", "ACCUSE", "Russia", None)),
        # the one urged is the verb's object, not a state named later
        ("Olaf Scholz urged Xi in Berlin to press Moscow.", ("Olaf Scholz", "REQUEST", "Xi Jinping", None)),
        ("Olaf Scholz urged all parties to respect Ukraine's borders.", ("Olaf Scholz", "REQUEST", None, None)),
        # a possessive pronoun's visit belongs to the main clause's subject
        ("During his visit to India, Olaf Scholz urged restraint.", ("Olaf Scholz", "CONSULT", "India", None)),
        # a trailing attribution followed by a participle clause
        ("Kyiv rejects any ceasefire, Kuleba said on Sunday, responding to reports.",
         ("Dmytro Kuleba", "REJECT", None, date(2023, 5, 7))),
        # a vice foreign minister acts for the ministry
        ("Dmytro Kuleba spoke by phone with Chinese Vice Foreign Minister Ma Zhaoxu.",
         ("Dmytro Kuleba", "CONSULT", "Chinese Foreign Ministry", None)),
        # a tabloid epithet between a state's possessive and its leader's role
        ("Russia's embattled president rang Xi.", ("Vladimir Putin", "CONSULT", "Xi Jinping", None)),
        # distancing from "its ambassador to Poland, X": the person, not the host state
        ("The Russian foreign ministry distanced itself on Tuesday from remarks by its ambassador to Poland, "
         "Ivan Petrov.", ("Russian Foreign Ministry", "REJECT", "Ivan Petrov", date(2023, 5, 9))),
        # a pledge to send an envoy is the planned trip
        ("Xi Jinping promised to send an envoy to Ukraine.", ("Xi Jinping", "CONSULT", "Ukraine", None)),
    ],
)
def test_general_event_patterns(text, expected):
    assert expected in coded(text)


def test_joined_targets_places_and_opening_participles_give_one_event_each():
    assert {e[:3] for e in coded("Sergei Lavrov urged French and German officials to act.")} == {
        ("Sergei Lavrov", "REQUEST", "France"), ("Sergei Lavrov", "REQUEST", "Germany")}
    assert {e[:3] for e in coded("The deal was praised in Paris and, more cautiously, in Berlin.")} == {
        ("France", "SUPPORT", None), ("Germany", "SUPPORT", None)}
    meeting = coded("Meeting in Riyadh on Monday, the Iranian and Saudi foreign ministers agreed to reopen "
                        "embassies.")
    assert ("Iran", "CONSULT", "Saudi Arabia", date(2023, 5, 8)) in meeting
    assert ("Iran", "AGREE", "Saudi Arabia", date(2023, 5, 8)) in meeting


def test_negated_and_reported_clauses_code_no_extra_event():
    assert coded("Berlin hosted Li Hui on Monday; Olaf Scholz did not meet him, but officials held talks "
                     "with Li.") == [("Germany", "CONSULT", "Li Hui", date(2023, 5, 8))]
    assert coded("Ukrainian officials have repeatedly said that any discussion must begin with a withdrawal.") == []
    assert not [e for e in coded("Kuleba welcomed China's decision to send an envoy.") if e[1] == "CONSULT"]


def test_claim_paraphrases_and_the_ways_an_article_differs():
    call = "Xi Jinping and Volodymyr Zelensky spoke by phone on Wednesday."
    verdicts = verdicts_of(f"{call} The two men had not spoken once since the invasion began.")
    assert next(v for (kind, _), (v, _) in verdicts.items() if kind == "first") == "supports"
    only = [(kind, v) for (kind, _), (v, _) in verdicts_of(
        f"{call} Xi told Zelensky that talks were the sole way out of the conflict.").items() if kind == "statement"]
    assert ("statement", "supports") in only
    several = [(kind, v) for (kind, _), (v, _) in verdicts_of(
        f"{call} Xi told Zelensky that negotiations were one of several paths out of the war.").items()
               if kind == "statement"]
    assert ("statement", "differs") in several
    assert verdicts_of(f"{call} It was Beijing that reached out first.")[("initiator", "Ukraine")][0] == "differs"
    assert verdicts_of(f"{call} The Chinese side said that Kyiv had asked for the call.")[
        ("initiator", "Ukraine")][0] == "supports"


def test_an_appointment_elsewhere_and_withheld_backing_differ():
    by_id = {c.claim_id: c for c in CLAIMS}

    def event_verdicts(text: str) -> dict[tuple, str]:
        reading = read_article(CLAIMS, text, date(2023, 4, 27), build_table([SEED.text, text]))
        return {(by_id[v.claim_id].event_type, by_id[v.claim_id].actor): v.verdict for v in reading.verdicts
                if by_id[v.claim_id].kind == "event"}

    assert event_verdicts("Zelensky approved the appointment of a new Ukrainian ambassador to Kazakhstan.")[
        ("COOPERATE", "Ukraine")] == "differs"
    assert event_verdicts("Paris declined to say whether it supported the talks.")[("SUPPORT", "France")] == "differs"


def test_a_trip_reported_on_a_later_day_does_not_redate_the_call():
    text = ("Li Hui is preparing to travel to Ukraine, diplomats said on Friday, after Xi Jinping promised the trip "
            "in his phone call with Volodymyr Zelensky last month.")
    verdicts = verdicts_of(text, date(2023, 5, 5))
    assert verdicts.get(("date", "2023-04-26"), ("none", ""))[0] != "differs"


def test_dictionary_forms_of_states_and_envoys():
    table = build_table(["Beijing will send a special envoy."])
    assert [m.canonical for m in table.mentions("Beijing's envoy met Germany's foreign office.")] == [
        "Li Hui", "Germany"]
    assert [m.canonical for m in table.mentions("EU officials and the European Commission spoke.")] == [
        "European Union", "European Union"]
    # an article that introduces the other "Li" takes the surname; a capitals headline is no name
    article = build_table(["Beijing will send a special envoy.", "Chinese Premier Li Qiang met Scholz. Li said."])
    assert article.canonical("Li") == "Li Qiang"
    assert build_table(["XI FINALLY PICKS UP THE PHONE!"]).canonical("XI FINALLY PICKS") is None


def test_forecasts_code_nothing_and_a_participle_reports_an_accusation():
    assert coded("Olaf Scholz is expected to visit India next month.") == []
    assert ("Russian Foreign Ministry", "ACCUSE", "Ukraine", None) in coded(
        "Talks stalled, with Russia's foreign ministry claiming Kyiv had sabotaged every effort.")


def test_claims_follow_the_people_the_wording_and_the_unsaid():
    call = "Xi Jinping and Volodymyr Zelensky spoke by phone on Wednesday."
    ministers = verdicts_of("Dmytro Kuleba spoke by phone with Qin Gang on Tuesday.")
    assert ("date", "2023-04-26") not in ministers  # the foreign ministers' call is not the presidents'
    later = verdicts_of(f"{call} Zelensky was pleased. It was the first time the pair had spoken since the invasion.")
    assert next(v for (kind, _), (v, _) in later.items() if kind == "first") == "supports"
    assert ("initiator", "Ukraine") not in verdicts_of(f"{call} Officials did not say who had proposed the call.")
    assert verdicts_of("Xi Jinping and Volodymyr Zelensky held a call, a conversation that Kyiv had requested.")[
        ("initiator", "Ukraine")][0] == "supports"
    follows = verdicts_of("His trip follows the phone call last month between Xi Jinping and Volodymyr Zelensky.")
    assert any(kind == "event" and v == "supports" for (kind, _), (v, _) in follows.items())


# General rules from the third development set's errors and hand-written probes ---------------


def test_mediation_codes_each_mediated_party_undated():
    assert coded("Tehran mediated the talks between Saudi Arabia and Poland.") == [
        ("Iran", "CONSULT", "Saudi Arabia", None), ("Iran", "CONSULT", "Poland", None)]
    events = coded("Saudi Arabia and Iran agreed on Friday to restore ties, in a deal brokered by China.")
    assert ("China", "CONSULT", "Saudi Arabia", None) in events and ("China", "CONSULT", "Iran", None) in events
    # a place the talks were held in is no party; no party named, nothing coded
    assert not [e for e in coded("The ministers met in Beijing and agreed, in a deal brokered by Oman.")
                if e[0] == "Oman"]


def test_visits_meetings_and_calls_in_other_words():
    assert coded("Li Hui spent three days in the Polish capital.") == [("Li Hui", "CONSULT", "Poland", None)]
    assert coded("Kuleba was met at the airport by Wang Yi on Monday.") == [
        ("Wang Yi", "CONSULT", "Dmytro Kuleba", date(2023, 5, 8))]
    assert coded("Wang Yi discussed the grain corridor with Kuleba, the ministry said.") == [
        ("Wang Yi", "CONSULT", "Dmytro Kuleba", None)]
    assert coded("The meeting between Lavrov and Blinken took place on Monday.") == [
        ("Sergei Lavrov", "CONSULT", "Antony Blinken", date(2023, 5, 8))]
    assert coded("Xi took a phone call from Putin on Tuesday.") == [
        ("Xi Jinping", "CONSULT", "Vladimir Putin", date(2023, 5, 9))]
    assert coded("Putin picked up the phone to Xi on Monday.") == [
        ("Vladimir Putin", "CONSULT", "Xi Jinping", date(2023, 5, 8))]
    assert coded("Kuleba informed Blinken about the situation at the front.") == [
        ("Dmytro Kuleba", "CONSULT", "Antony Blinken", None)]
    # one event per listed destination; talks that are a trip's purpose are the trip
    assert coded("Li will visit Poland, France and Germany next week.") == [
        ("Li Hui", "CONSULT", "Poland", None), ("Li Hui", "CONSULT", "France", None),
        ("Li Hui", "CONSULT", "Germany", None)]
    assert coded("Xi will send his envoy to Kyiv to hold talks with Zelensky.") == [
        ("Xi Jinping", "CONSULT", "Ukraine", None)]
    # the party met, not the city met in
    assert coded("The Chinese envoy held talks in Warsaw with Polish Foreign Minister Zbigniew Rau on Monday.") == [
        ("Li Hui", "CONSULT", "Zbigniew Rau", date(2023, 5, 8))]


def test_what_is_warned_denied_ruled_out_or_sent_is_no_event():
    assert coded("Peskov said the Kremlin did not rule out a meeting between Putin and Biden.") == []
    assert coded("Biden has warned Xi against arming Moscow.") == [("Joe Biden", "THREATEN", "Xi Jinping", None)]
    assert coded("Beijing denied supplying drones to Russia.") == [("China", "REJECT", None, None)]
    assert coded("Washington sent a letter to Kyiv.") == []
    assert coded("Washington has delivered tanks and artillery to Kyiv.") == [("United States", "AID", "Ukraine", None)]
    assert coded("Beijing has refused to condemn Moscow.") == []
    assert coded("Kyiv welcomed the envoy's visit.") == [("Ukraine", "SUPPORT", None, None)]
    assert coded("Peskov dismissed Western criticism of Beijing's plan.") == [("Dmitry Peskov", "REJECT", None, None)]


def test_background_and_conditions_code_nothing():
    assert coded("Riyadh and Tehran cut ties in 2016 after the embassy was stormed.") == []
    assert coded("Moscow severed ties with Kyiv two years ago.") == []
    assert coded("Macron said Paris would welcome any Chinese effort, provided it respected the UN Charter.") == []


def test_clauses_choose_their_own_actor_and_target():
    assert coded("Blinken welcomed the talks and urged Beijing to press Moscow.") == [
        ("Antony Blinken", "SUPPORT", None, None), ("Antony Blinken", "REQUEST", "China", None)]
    assert coded("Berlin has repeatedly accused Moscow of war crimes, a charge Russia denies.") == [
        ("Germany", "ACCUSE", "Russia", None), ("Russia", "REJECT", None, None)]
    assert ("Germany", "REQUEST", "China", None) in coded(
        "Li held talks with German officials, who urged Beijing to use its influence on Moscow.")
    assert coded("Scholz and Macron have both urged Xi to talk to Zelensky.") == [
        ("Olaf Scholz", "REQUEST", "Xi Jinping", None), ("Emmanuel Macron", "REQUEST", "Xi Jinping", None)]
    assert coded("The foreign ministers of Poland and Germany met on Monday.") == [
        ("Poland", "CONSULT", "Germany", date(2023, 5, 8))]


def test_unnamed_office_holders_and_other_ministries_are_their_state():
    assert coded("The Polish foreign minister met Li on Monday.") == [("Poland", "CONSULT", "Li Hui", date(2023, 5, 8))]
    assert coded("Poland's foreign ministry said Warsaw had urged Beijing to press Moscow.") == [
        ("Poland", "REQUEST", "China", None)]
    assert coded("Zelensky received the Chinese special representative on Tuesday.") == [
        ("Volodymyr Zelensky", "CONSULT", "Li Hui", date(2023, 5, 9))]
    table = build_table(["x"])
    assert table.canonical("Zakharova") == "Maria Zakharova" and table.canonical("Riabikin") == "Pavlo Riabikin"
    assert table.canonical("Mao") == "Mao Ning" and table.affiliations["Mao Ning"] == "China"
    # a names-only entry's role names no one: "the Saudi foreign minister" is Saudi Arabia
    assert table.canonical("Saudi foreign minister") == "Saudi Arabia"
    assert table.canonical("Kremlin spokesman") == "Dmitry Peskov"


def test_an_act_by_someone_of_no_known_state_is_not_coded():
    assert coded("The delegation was met at the office by political director Hanna Bergmann.") == []


def test_attributed_one_word_quotes_and_subjectless_posts():
    assert quoted_by("\u201cAbsurd,\u201d said Zakharova.") == [("Maria Zakharova", "Absurd")]
    assert quoted_by("\u201cNonsense,\u201d the Russian ambassador said.") == [("Russia", "Nonsense")]
    assert quoted_by("Lavrov blamed Kyiv, according to a readout, saying it had \u201cno wish to talk\u201d.") == [
        ("Sergei Lavrov", "no wish to talk")]
    text = "In a post, Kuleba wrote: \u201cHad a substantive conversation with Qin Gang.\u201d"
    assert coded(text) == []


def test_placed_ministries_reporters_and_clauses_after_said():
    assert coded("In Moscow, the foreign ministry welcomed Beijing's offer but criticised Kyiv for its stance.") == [
        ("Russian Foreign Ministry", "SUPPORT", "China", None), ("Russian Foreign Ministry", "ACCUSE", "Ukraine", None)]
    # the ministry reports the envoy's act: not the ministry's
    assert coded("The foreign ministry in Kyiv said the envoy had met Zelensky.") == []
    assert coded("Moscow accused Kyiv of stalling, while the Elysee said France was in favour of talks.") == [
        ("France", "SUPPORT", None, None), ("Russia", "ACCUSE", "Ukraine", None)]
    # a call commented on is not dated by the comment
    assert coded("The Kremlin on Thursday commented on the phone call between Xi and Zelensky.") == [
        ("Xi Jinping", "CONSULT", "Volodymyr Zelensky", None)]


def test_number_paraphrases_initiatives_and_first_exchanges():
    article = ("Saudi Arabia and Iran agreed to reopen embassies within two months, seven years after cutting ties. "
               "Xi Jinping and Volodymyr Zelensky spoke by phone on Wednesday, their first exchange since the war "
               "began. The call was arranged on Xi's initiative.")
    verdicts = {kind: v for (kind, _), (v, _) in verdicts_of(article).items()}
    assert verdicts["number"] == "supports" and verdicts["first"] == "supports"
    assert verdicts_of(article)[("initiator", "Ukraine")][0] == "differs"
    later = verdicts_of("Saudi Arabia and Iran agreed to reopen their embassies within four months.")
    assert ("differs" in {v for (kind, _), (v, _) in later.items() if kind == "number"})


def test_pronouns_after_an_opening_phrase_and_modes_of_their_own_clause():
    assert ("Xi Jinping", "REQUEST", "Volodymyr Zelensky", date(2023, 5, 10)) in coded(
        "Xi spoke to Zelensky on Wednesday. During the call, he urged Zelensky to negotiate.")
    assert coded("Xi spoke to Zelensky on Wednesday. Later, he also met officials.") == [
        ("Xi Jinping", "CONSULT", "Volodymyr Zelensky", date(2023, 5, 10))]
    text = "Li visited Moscow, where he held talks with Lavrov."
    events = extract_events(text, date(2023, 5, 27), build_table([SEED.text, text]))
    assert {(e.target, e.mode) for e in events} == {("Russia", "visit"), ("Sergei Lavrov", "meeting")}


def test_speakers_named_by_role_apposition_pronoun_or_as_quoted():
    assert quoted_by("Mao Ning briefed reporters on Thursday. \u201cChina has always stood for peace,\u201d "
                     "the spokeswoman said.") == [("Mao Ning", "China has always stood for peace")]
    assert quoted_by("\u201cIt was a good conversation,\u201d said Zelensky's chief of staff, Andriy Yermak.") == [
        ("Andriy Yermak", "It was a good conversation")]
    assert quoted_by("\u201cWe are ready,\u201d Xi was quoted as saying by state media.") == [
        ("Xi Jinping", "We are ready")]
    assert quoted_by("\u201cPeace must respect borders,\u201d the US secretary of state said.") == [
        ("Antony Blinken", "Peace must respect borders")]
    text = "\u201cThis is welcome,\u201d Blinken said. He added: \u201cBut we will judge by actions.\u201d"
    assert quoted_by(text) == [
        ("Antony Blinken", "This is welcome"), ("Antony Blinken", "But we will judge by actions.")]


def test_background_time_clauses_and_gerund_complements():
    assert coded("It was their first contact since Russia invaded Ukraine in February 2022.") == []
    assert coded("Zakharova accused the West of arming Ukraine.") == [("Maria Zakharova", "ACCUSE", None, None)]
    assert coded("Putin warned the West against sending more weapons to Kyiv.") == [
        ("Vladimir Putin", "THREATEN", None, None)]


def test_renewed_calls_blame_in_reported_speech_and_quoted_refusals():
    assert coded("Berlin repeated its call for talks with Moscow.") == [("Germany", "REQUEST", "Russia", None)]
    assert coded("Warsaw's foreign ministry said Li was told that Russia bore sole responsibility.") == [
        ("Poland", "ACCUSE", "Russia", None)]
    assert coded("\u201cPoland will never accept a frozen conflict,\u201d the Polish foreign ministry said.") == [
        ("Poland", "REJECT", None, None)]
    # a refusal in someone else's mouth about another state is no refusal of the speaker's
    assert coded("\u201cRussia will not accept the plan,\u201d Kuleba said.") == []


def test_calls_sought_or_pushed_for_tallies_and_semicolons_code_no_contact():
    assert coded("Zelensky has long sought a call with Xi.") == []
    assert coded("Kyiv had been pushing for the call for months.") == []
    assert coded("Xi has met Putin more than 40 times.") == []
    assert coded("Beijing hails the call; Moscow stays silent.") == [("China", "SUPPORT", None, None)]


def test_people_introduced_with_a_lower_case_title_or_apposition_act_for_their_state():
    for text, name, state in (("Chinese foreign ministry spokesman Yu Jun said so.", "Yu Jun", "China"),
                              ("Hungarian Foreign Minister Peter Szijjarto said so.", "Peter Szijjarto", "Hungary"),
                              ("Jan Nowak, Poland's deputy foreign minister, said so.", "Jan Nowak", "Poland")):
        assert build_table([text]).affiliations.get(name) == state
    assert coded("Jan Nowak, Poland's deputy foreign minister, met Li on Monday.") == [
        ("Jan Nowak", "CONSULT", "Li Hui", date(2023, 5, 8))]


def test_consultations_need_a_second_party_and_quoted_acts_keep_their_targets_inside():
    assert coded("\u201cWe will see,\u201d said Peskov, who spoke to reporters on a conference call.") == []
    assert coded("\u201cChina supports peace,\u201d the Chinese embassy in Paris said.") == [
        ("China", "SUPPORT", None, None)]
    assert quoted_by("\u201cChina supports peace,\u201d the Chinese embassy in Paris said.") == [
        ("China", "China supports peace")]
    assert quoted_by("\u201cThe call was long overdue,\u201d Zelensky's office said.") == [
        ("Ukraine", "The call was long overdue")]


def test_passive_participles_and_refusals_to_rule_out():
    assert coded("Kuleba refused to rule out talks with Moscow.") == []
    assert coded("Washington imposed sanctions on Chinese firms accused of helping Russia.") == [
        ("United States", "SANCTION", None, None)]
    assert coded("Kyiv was accused of sabotage by Moscow.") == [("Russia", "ACCUSE", "Ukraine", None)]


def test_unattributed_quotes_and_pronouns_take_the_previous_subject():
    assert quoted_by("Kuleba was blunt. \u201cChina must choose a side.\u201d") == [
        ("Dmytro Kuleba", "China must choose a side.")]
    assert quoted_by("Zelensky thanked Xi. \u201cThis is an important step,\u201d he said.") == [
        ("Volodymyr Zelensky", "This is an important step")]
    assert coded("Lavrov met Wang in Moscow on Tuesday.") == []
