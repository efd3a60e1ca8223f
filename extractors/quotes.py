"""Direct quotations and who said them.

In: an article's text and an :class:`~extractors.actors.ActorTable`. Out: a
:class:`Quote` per quotation in quotation marks (“...”, "...", «...»), with its
speaker canonicalised like actors. Speakers are found, in order, by:

1. said-after: ``"...," Zelensky said`` / ``"...," said Xi`` / ``"...," the ministry told reporters``;
2. said-before and colon forms: ``Zelensky said: "..."`` / ``Zelensky said that "..."`` / ``Xi: "..."``;
3. ``according to X`` in the same sentence;
4. a pronoun ("he said") or no attribution in a paragraph that goes on quoting:
   the last speaker named in that paragraph or the one before.

Paraphrase (reported speech without quotation marks) is not a quote. Scare
quotes (one to three words) are not quotes either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.actors import ActorTable, Mention, fold
from extractors.sentences import split_paragraphs, split_sentences

# Two words can be a quote (“all dialogues”); one is a scare quote (“interim”).
MIN_QUOTE_WORDS = 2
# A seed quote and an article quote are the same when this share of the shorter one's
# words are in the longer, in order-insensitive terms: outlets trim and re-punctuate quotes.
SAME_QUOTE_OVERLAP = 0.8

_QUOTE = re.compile(r"“(?P<a>[^”]+)”|\"(?P<b>[^\"]+)\"|«\s*(?P<c>[^»]+?)\s*»|‘(?P<d>[^’]{20,})’(?!\w)")
_SPEECH = (r"(?:said|says|say|told|tells|added|adds|wrote|writes|tweeted|posted|stated|states|noted|notes|"
           r"declared|insisted|stressed|warned|explained|argued|continued|concluded|replied|responded|"
           r"according\s+to|announced|remarked|commented)")
_AFTER = re.compile(rf"^\s*,?\s*(?:{_SPEECH}\s+(?P<who1>[^,.;]{{1,80}}?)(?=[,.;]|$)|(?P<who2>[^,.;“\"]{{1,80}}?)"
                    rf"\s+{_SPEECH}\b)", re.IGNORECASE)
_SPEECH_ACT = re.compile(r"\b(?:urged|urging|called|calling|described|describing|warned|warning|pledged|promised|vowed|"
                         r"welcomed|accused|accusing|insisted|demanded|asked|praised|dismissed|rejected)\b")
_SAID_AFTER_NAME = re.compile(rf"\s*(?:,[^,“\"]{{1,120}},)?\s+(?:\w+\s+)?{_SPEECH}\b", re.IGNORECASE)
_COLON = re.compile(r"(?P<who>[A-Z][^.;:“\"]{1,60}):\s*$")
_SPEECH_WORD = re.compile(rf"\b{_SPEECH}\b", re.IGNORECASE)
_SPEECH_TAIL = re.compile(r"(?:\s+(?:in\s+a\s+statement|on\s+\w+|reporters|journalists|the\s+\w+|\w+))?\s*"
                          r"(?::|,|\s+that)?\s*$", re.IGNORECASE)
_ACCORDING = re.compile(r"according\s+to\s+(?P<who>[^,.;“\"]{1,80})", re.IGNORECASE)
_PRONOUN = re.compile(r"^\s*(?:he|she|they|it)\b|\b(?:he|she)\s+(?:said|added|says)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Quote:
    speaker: str | None  # canonical name, or None when the text does not say
    quote: str
    paragraph: int


def extract_quotes(text: str, actors: ActorTable) -> list[Quote]:
    quotes: list[Quote] = []
    last_speaker: str | None = None
    for number, paragraph in enumerate(split_paragraphs(text)):
        paragraph_speaker: str | None = None
        for match in _QUOTE.finditer(paragraph):
            words = next(g for g in match.groups() if g is not None).strip(" ,")
            if len(words.split()) < MIN_QUOTE_WORDS:
                continue
            speaker = _speaker(paragraph, match.start(), match.end(), actors)
            if speaker is None and _attributed_to_pronoun(paragraph, match.end()):
                people = [m for m in actors.mentions(paragraph[: match.start()]) if m.kind == "person"]
                speaker = paragraph_speaker or (people[-1].canonical if people else last_speaker)
            if speaker is None:
                speaker = paragraph_speaker or (last_speaker if _continues(paragraph, match.start()) else None)
            quotes.append(Quote(speaker, words, number))
            if speaker is not None:
                paragraph_speaker = last_speaker = speaker
        if paragraph_speaker is None:
            named = actors.mentions(paragraph)
            people = [m for m in named if m.kind == "person"]
            if people:
                last_speaker = people[-1].canonical
    return quotes


def _speaker(paragraph: str, start: int, end: int, actors: ActorTable) -> str | None:
    after = paragraph[end : end + 120]
    if match := _AFTER.match(after):
        who = match.group("who1") or match.group("who2")
        if found := _name(who, actors):
            return found
    before = paragraph[max(0, start - 160) : start]
    for who in (_said_before(before), _colon_before(before)):
        if who and (found := _name(who, actors)):
            return found
    sentence_start = _sentence_start(paragraph, start)
    sentence_end = re.search(r"[.!?](?:\s|$)", paragraph[end:])
    sentence = paragraph[sentence_start : end + (sentence_end.end() if sentence_end else 200)]
    if match := _ACCORDING.search(sentence):
        return _name(match.group("who"), actors) or _phrase(match.group("who"))
    # "Lu Shaye said former Soviet countries lack “effective status”": the sentence's speaker.
    lead = paragraph[sentence_start:start]
    # ("Zelensky, addressing the nation, said he was grateful for “any sincere effort”": an
    # aside between commas may separate the speaker from the verb.)
    said = [m for m in actors.mentions(lead) if _SAID_AFTER_NAME.match(lead, m.end)]
    if said:
        return said[-1].canonical
    # "During his visit to China, Macron urged Xi to “bring Russia to its senses”": the actor
    # named just before the speech act.
    mentions = actors.mentions(lead)
    if act := _SPEECH_ACT.search(lead):
        doers = [m for m in mentions if m.end <= act.start()]
        if doers:
            return doers[-1].canonical
    for who in (_said_before(before), _colon_before(before)):
        if who:
            return _phrase(who)
    if match := _AFTER.match(after):
        return _phrase(match.group("who1") or match.group("who2"))
    return None


_LEADING = re.compile(r"^(?:(?:meanwhile|however|but|and|also|then|later|earlier|in a statement|on \w+),?\s+)*"
                      r"(?:the\s+|a\s+|an\s+)?(?:state-run\s+|state\s+|official\s+)?", re.IGNORECASE)


def _phrase(words: str | None) -> str | None:
    """A speaker the actor table does not know, as the text names it ("Global Times", "Kirby")."""
    if not words:
        return None
    words = _LEADING.sub("", " ".join(words.split())).strip(" ,")
    # "one Western diplomat": the head noun is not a name, so the text names no one.
    names = re.findall(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*", words)
    if names and words.endswith(names[-1]):
        return names[-1]
    return None


def _sentence_start(paragraph: str, position: int) -> int:
    """Where the sentence holding ``position`` begins ("U.S." and "U.N." do not end one)."""
    start = 0
    for sentence in split_sentences(paragraph):
        found = paragraph.find(sentence.text, start)
        if found < 0 or found > position:
            break
        start = found
    return start


def _said_before(before: str) -> str | None:
    """``Zelensky said: "...``, ``Xi told reporters that "...``: the words before the last speech verb."""
    last = None
    for last in _SPEECH_WORD.finditer(before):  # noqa: B007 - the last match is the one wanted
        pass
    if last is None or not _SPEECH_TAIL.match(before, last.end()):
        return None
    head = re.split(r"[.;“\"]", before[: last.start()])[-1]
    return head[-120:].strip() or None


def _colon_before(before: str) -> str | None:
    match = _COLON.search(before[-62:])
    return match.group("who") if match else None


def _name(words: str, actors: ActorTable) -> str | None:
    """The actor a speaker phrase names: the last mention in it ("China's foreign ministry
    spokesman Wang Wenbin" -> the person), preferring people."""
    mentions: list[Mention] = actors.mentions(words)
    people = [m for m in mentions if m.kind == "person"]
    if people:
        return people[-1].canonical
    return mentions[-1].canonical if mentions else None


def _attributed_to_pronoun(paragraph: str, end: int) -> bool:
    return bool(re.match(r"\s*,?\s*(?:he|she)\s+(?:said|added|says|told|wrote)\b", paragraph[end : end + 30],
                         re.IGNORECASE)) or bool(_PRONOUN.match(paragraph[end : end + 30]))


def _continues(paragraph: str, start: int) -> bool:
    """A quote that opens its paragraph with no attribution continues the previous speaker's words."""
    return not paragraph[:start].strip()


def same_quote(a: str, b: str) -> bool:
    """Whether two quotations are the same words, allowing trims, punctuation and small edits."""
    wa, wb = set(fold(a).split()), set(fold(b).split())
    if not wa or not wb:
        return False
    shorter, longer = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return len(shorter & longer) / len(shorter) >= SAME_QUOTE_OVERLAP and len(shorter) >= MIN_QUOTE_WORDS


def in_seed(quote: str, seed_quotes: Sequence[str]) -> bool:
    return any(same_quote(quote, s) for s in seed_quotes)
