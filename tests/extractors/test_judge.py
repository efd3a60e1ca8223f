"""Judging: relevance, seed copies, syndication clusters and their origins."""

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from extractors.judge import judge_coverage
from extractors.records import Article
from extractors.seed import load_seed
from extractors.settings import JudgeSettings
from extractors.terms import key_terms

ROOT = Path(__file__).resolve().parents[2]
SEED = load_seed(ROOT / "seeds" / "xi-zelensky-call.txt")
T0 = datetime(2023, 4, 26, 12, tzinfo=UTC)

WIRE = """Chinese leader Xi Jinping held his first conversation with Ukraine's Volodymyr Zelenskiy since
Russia's invasion, a nearly hour-long call that Kyiv described as a chance to press Beijing on the war.
Beijing said it would dispatch Li Hui, a former ambassador to Moscow, as a special representative for
Eurasian affairs to hold talks with all parties. Zelenskiy said he had also named a new ambassador to China.
Diplomats in Brussels cautioned that the call did not change China's close partnership with the Kremlin,
and that Beijing's position paper from February still avoids calling Russia the aggressor.
Analysts said the timing followed a storm over remarks by China's envoy in Paris about former Soviet states.
The White House said it welcomed the conversation but that it was too early to say whether it would lead
to a just peace. Moscow said it noted China's readiness to help start negotiations."""

UNRELATED = """The city council approved a new cycling lane along the river on Tuesday after months of debate
among residents, shop owners and commuters. Work is due to start in the summer and last about four months,
and the council said buses would be rerouted during construction. Local traders worry about deliveries,
while cycling groups welcomed the decision as overdue. The project is funded by a regional transport grant
and includes new lighting, benches and a small park near the old railway bridge."""


def article(name: str, text: str, published: datetime | None, title: str = "") -> Article:
    aid = hashlib.sha1(name.encode()).hexdigest()[:16]
    return Article(
        article_id=aid, url=f"http://{name}.example/a.html", final_url=f"http://{name}.example/a.html",
        canonical_url=f"http://{name}.example/a.html", outlet=f"{name}.example", outlet_name=None, title=title,
        author=None, published_at=published, language="en", text=text, word_count=len(text.split()),
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )


def by_outlet(judgements, articles):
    ids = {a.article_id: a.outlet.split(".")[0] for a in articles}
    return {ids[j.article_id]: j for j in judgements}


def test_statuses_over_a_mixed_set():
    seed_paragraphs = SEED.text.split("\n\n")
    partial_copy = "\n\n".join(seed_paragraphs[: int(len(seed_paragraphs) * 0.6)])
    syndicated_1 = WIRE.replace("Chinese leader", "China's President").rsplit("\n", 1)[0]
    syndicated_2 = WIRE + "\n(Reporting by A. Writer; Editing by B. Editor)"
    articles = [
        article("verbatim", SEED.text, T0 + timedelta(hours=3)),
        article("partial", partial_copy, T0 + timedelta(hours=5)),
        article("wire", WIRE, T0),
        article("carrier1", syndicated_1, T0 + timedelta(hours=2)),
        article("carrier2", syndicated_2, T0 + timedelta(hours=1)),
        article("council", UNRELATED, T0),
    ]
    got = by_outlet(judge_coverage(SEED, articles, JudgeSettings()), articles)

    assert got["verbatim"].status == "seed_copy" and got["verbatim"].containment_of_seed > 0.95
    assert got["partial"].status == "seed_copy"
    assert got["wire"].status == "original" and got["wire"].is_cluster_origin
    for carrier in ("carrier1", "carrier2"):
        assert got[carrier].status == "syndicated" and not got[carrier].is_cluster_origin
        assert got[carrier].cluster_id == got["wire"].cluster_id is not None
    assert got["council"].status == "unrelated" and not got["council"].related
    assert got["wire"].relevance > got["council"].relevance + 0.2


def test_origin_is_the_earliest_publication_whatever_the_input_order():
    first = article("late", WIRE, T0 + timedelta(hours=6))
    second = article("early", WIRE + "\nAn added line from the second outlet.", T0)
    for order in ([first, second], [second, first]):
        got = by_outlet(judge_coverage(SEED, order, JudgeSettings()), order)
        assert got["early"].is_cluster_origin and got["late"].status == "syndicated"


def test_relevance_threshold_decides_related():
    wire = [article("wire", WIRE, T0)]
    assert judge_coverage(SEED, wire, JudgeSettings())[0].related
    strict = replace(JudgeSettings(), relevance_threshold=0.99)
    assert not judge_coverage(SEED, wire, strict)[0].related


def test_seed_key_terms_name_the_story():
    terms = [t.term for t in key_terms(SEED.text)[:12]]
    assert "xi jinping" in terms and "zelensky" in terms
    assert not {"the", "said", "and"} & set(terms)


def test_transliterations_still_match():
    # The wire text spells Zelenskiy the Reuters way; relevance must not collapse.
    assert judge_coverage(SEED, [article("wire", WIRE, T0)], JudgeSettings())[0].relevance >= 0.3
