"""Cleaning extracted text: furniture lines go, story lines (and quotes) stay."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from extractors.article import PageInput, extract_articles
from extractors.cleanup import _story_groups, clean_paragraphs, drop_lines, is_furniture, site_repeats
from extractors.records import Article

BENCHMARK = Path(__file__).resolve().parents[1] / "fixtures" / "extraction-benchmark"


@pytest.mark.parametrize(
    "line",
    [
        "Read more: Alibaba poised to launch record-breaking $13.4bn Hong Kong listing",
        "SEE MORE: Hong Kong protests: 800 students under siege in university",
        "DON'T MISS",
        "Related: Possible Water Plumes on Europa: The Discovery in Images",
        "Also on rt.com Journalists & politicians from Morales’ party threatened with sedition arrests",
        "Like this story? Share it with a friend!",
        "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.",
        "China furious at Macron for Hong Kong protest jibe [INSIGHT]",
        "[button link=”http://www.example.com/submit/” type=”big”] Send us YOUR kit review[/button]",
        "12 comments",
        "Tell us what YOU think...",
    ],
)
def test_furniture_lines(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        # A paragraph that starts like a prompt but is the story.
        "Related talks between the two leaders lasted an hour, according to a readout published by Beijing "
        "on Wednesday evening, and covered the war, the grain corridor and the future of the nuclear plant.",
        # A quote is never furniture.
        '"Read more history and you will see that dialogue is the only way," Xi said.',
        "Xi Jinping spoke with Volodymyr Zelensky by phone on Wednesday.",
    ],
)
def test_story_lines_are_kept(line):
    assert not is_furniture(line)


def test_headline_repeated_and_related_link_list_dropped():
    paragraphs = [
        "Storm shuts ports",
        "Ferry operators suspended every crossing on Tuesday.",
        "Related:",
        "- Ferries return after last week's gales",
        "- Coastguard rescues two sailors",
        "The Met Office expects the wind to ease on Wednesday.",
    ]
    assert clean_paragraphs(paragraphs, "Storm shuts ports") == [
        "Ferry operators suspended every crossing on Tuesday.",
        "The Met Office expects the wind to ease on Wednesday.",
    ]


def test_short_lines_shared_by_pages_of_one_site_are_template_but_not_across_sites():
    footer = "Get the Weekly Gazette delivered every Friday. Click for details."
    pages = [
        ("gazette.example", ["Story one about the port closures and the storm.", footer]),
        ("gazette.example", ["Story two about the council budget and the library.", footer]),
        ("other.example", ["Story three about the port closures.", footer]),
    ]
    repeated = site_repeats(pages)
    assert set(repeated) == {0, 1}  # the other site's single page keeps its line
    assert all(any("weekly gazette" in key for key in keys) for keys in repeated.values())



def test_headline_repeated_in_another_case_and_punctuation_is_dropped():
    assert clean_paragraphs(["STORM SHUTS PORTS!", "Storm shuts ports, again", "Ports shut."], "Storm shuts ports") == [
        "Storm shuts ports, again", "Ports shut."]


def test_only_pages_carrying_the_repeated_lines_are_returned_and_lose_them():
    footer = "Get the Weekly Gazette delivered every Friday."
    pages = [
        ("gazette.example", ["Story one about the port closures and the storm.", footer]),
        ("gazette.example", ["Story two about the council budget and the library.", footer.upper()]),
        ("gazette.example", ["Story three about the ferry timetable."]),
    ]
    repeated = site_repeats(pages)
    assert set(repeated) == {0, 1}
    assert drop_lines(pages[1][1], repeated[1]) == [pages[1][1][0]]
    # lines it was not built from, and the same keys as a plain set, drop alike
    unseen = ["GET THE WEEKLY GAZETTE -- delivered every Friday", "A new story."]
    assert drop_lines(unseen, repeated[0]) == drop_lines(unseen, set(repeated[0])) == ["A new story."]


def test_a_page_joins_the_first_story_it_shares_half_its_long_lines_with():
    stories = [{"a", "b", "c", "d"}, {"e", "f"}, {"a", "e", "f"}, set(), {"x"}, {"a", "b"}]
    assert _story_groups(stories) == [[0, 5], [1, 2], [3], [4]]

def test_two_copies_of_one_story_on_a_site_are_not_template_evidence():
    story = [f"Paragraph {i} of the same long story, long enough to count as story text rather than a "
             "short template line in any reasonable page, because wire updates share their background "
             "paragraphs through the day." for i in range(4)]
    short = "Reporting by Jane Doe; editing by John Roe."
    assert site_repeats([("wire.example", story + [short]), ("wire.example", story + [short])]) == {}


def test_real_pages_of_one_site_lose_their_shared_subscription_box():
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    keys = [k for k, v in truth.items() if "morebikes.co.uk" in v["url"]]
    assert len(keys) == 2
    pages = [PageInput(truth[k]["url"], truth[k]["url"], gzip.decompress((BENCHMARK / "html" / f"{k}.html.gz")
                                                                         .read_bytes()), "text/html", None)
             for k in keys]
    alone = extract_articles(pages[:1])[0]
    together = extract_articles(pages)[0]
    assert isinstance(alone, Article) and isinstance(together, Article)
    box = "Get Motor Cycle Monthly delivered"
    assert box in alone.text and box not in together.text
    assert together.word_count < alone.word_count
    # the story itself is intact: every paragraph kept together is one of the page's own
    assert set(together.text.split("\n\n")) < set(alone.text.split("\n\n"))
