"""Sentence splitting for news text: paragraphs in, sentences (with their paragraph) out.

News prose breaks naive splitters in known places: titles and initials ("Mr.",
"U.S.", "Jan."), decimals, and quotations whose closing mark follows the full
stop (``... the only way." Xi said``). A sentence ends at ``.``, ``!`` or ``?``
(and any closing quotes or brackets after it) followed by a space and a capital
letter, a digit or an opening quote, unless the word before the stop is a known
abbreviation or a single capital letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "adm", "gov", "sen", "rep", "pres",
    "st", "jr", "sr", "no", "vs", "etc", "inc", "ltd", "co", "corp", "dept", "est", "approx", "fig",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "i.e", "e.g",
})
_END = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9\u0400-\u04FF])""")


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int  # index of the paragraph it belongs to
    index: int  # position among all sentences of the text


def split_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text or "") if p.strip()]


def split_sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    for number, paragraph in enumerate(split_paragraphs(text)):
        for sentence in _split(paragraph):
            out.append(Sentence(sentence, number, len(out)))
    return out


def _split(paragraph: str) -> list[str]:
    sentences, start = [], 0
    for match in _END.finditer(paragraph):
        before = paragraph[start : match.start()].rsplit(None, 1)
        word = before[-1].lower().rstrip(".") if before else ""
        if word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", word) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
            continue
        sentences.append(paragraph[start : match.end()].strip())
        start = match.end()
    rest = paragraph[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences
