"""Seed parsing: the bundled seed loads, every broken seed stops with a one-line error."""

from datetime import date
from pathlib import Path

import pytest

from extractors.seed import SeedError, load_seed

ROOT = Path(__file__).resolve().parents[2]
BODY = "Chinese President Xi Jinping spoke with Ukrainian President Volodymyr Zelensky by phone " * 3


def test_bundled_seed_loads():
    seed = load_seed(ROOT / "seeds" / "xi-zelensky-call.txt")
    assert seed.seed_id == "xi-zelensky-call"
    assert seed.seed_date == date(2023, 4, 26)
    # The shared seed carries its lede on the date line: it must become the body's first line.
    assert seed.text.startswith("Chinese President Xi Jinping spoke with Ukraine President")
    assert seed.title.startswith("Chinese President Xi Jinping")
    assert 550 < seed.word_count < 650


def test_plain_seed_with_headline(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(f"date 2024-02-29\n\nA headline\n\n{BODY}\n", encoding="utf-8")
    seed = load_seed(path)
    assert (seed.seed_id, seed.seed_date, seed.title) == ("story", date(2024, 2, 29), "A headline")


def test_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(("\ufeffdate 2023-04-26\r\n" + BODY).encode("utf-8"))
    assert load_seed(path).seed_date == date(2023, 4, 26)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Xi and Zelensky spoke.\n" + BODY.encode(), "first line must be 'date YYYY-MM-DD'"),
        (b"\n" + BODY.encode(), "first line must be 'date YYYY-MM-DD'"),
        (b"date 2023-02-30\n" + BODY.encode(), "impossible date '2023-02-30'"),
        (b"date 2023-13-01\n" + BODY.encode(), "impossible date '2023-13-01'"),
        (b"date 26/04/2023\n" + BODY.encode(), "is not in YYYY-MM-DD form"),
        (b"date 2023-04-26\n\n   \n", "no article text"),
        (b"date 2023-04-26\n", "no article text"),
        (b"date 2023-04-26\nToo short to compare.\n", "a seed needs at least"),
        (b"date 2023-04-26\n" + "Zelensky a parl\xe9".encode("latin-1") + b"\n", "not UTF-8"),
        (b"", "first line must be"),
    ],
)
def test_broken_seed_names_file_and_problem(tmp_path, content, message):
    path = tmp_path / "broken.txt"
    path.write_bytes(content)
    with pytest.raises(SeedError) as caught:
        load_seed(path)
    text = str(caught.value)
    assert str(path) in text and message in text
    assert "\n" not in text


def test_missing_seed_file(tmp_path):
    with pytest.raises(SeedError, match="seed file not found"):
        load_seed(tmp_path / "nope.txt")
