"""The seed's checkable claims, and each article's verdict on them: supports, differs, or silent.

In: the seed's text and date, an article's text and date, and an
:class:`~extractors.actors.ActorTable`. Out: the seed's :class:`Claim` list and,
per article, a :class:`Verdict` for each claim it speaks to, with the article's
sentence as evidence, plus the events it reports that the seed does not
(:class:`Addition`: what the outlet added).

Claim kinds, each read from the seed by its form:

* ``event``: who did what to whom (a coded :class:`~extractors.events.Event`);
  an article reporting the same type between the same sides supports it, one
  sending the same visit or envoy elsewhere differs;
* ``date``: when a dated event happened; an article dating it otherwise differs;
* ``first``: "for the first time"; "not their first", "again" differ;
* ``initiator``: who started it ("initiated by Kyiv"); another initiator differs;
* ``number``: a count or a duration with its context ("within two months",
  "seven years after", "a 12-point plan"); the same context with another
  number differs;
* ``statement``: what a named actor said; the same words attributed to the
  same actor support it.

Sides, not spellings, decide identity: Xi Jinping acts for China, "Kyiv" is
Ukraine, and a call is the same call whichever party is named first.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from extractors.actors import ActorTable, fold
from extractors.events import Event, extract_events
from extractors.quotes import Quote, extract_quotes
from extractors.sentences import split_sentences
from extractors.terms import tokens

ClaimKind = Literal["event", "date", "first", "initiator", "number", "statement"]
VerdictKind = Literal["supports", "differs"]

# A number claim and an article sentence are about the same thing when they share this
# many content words besides the unit (e.g. "diplomatic", "missions", "reopening"), and
# at least this share of the shorter side's: a long seed sentence shares two words with anything.
MIN_SHARED_CONTEXT = 3
MIN_SHARED_CONTEXT_SHARE = 0.3
# A statement claim is echoed when this share of its content words is in the article's sentence.
STATEMENT_OVERLAP = 0.6
# Event types whose direction does not matter: a call between A and B is a call between B and A.
SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})

_NUMBER_WORDS = {w: i for i, w in enumerate(("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                             "nine", "ten", "eleven", "twelve"))} | {"a": 1, "an": 1, "half": 0.5}
_UNITS = r"(?P<unit>minute|hour|day|week|month|year|point|decade)s?"
_NUMBER = re.compile(rf"\b(?P<n>\d+(?:\.\d+)?|{'|'.join(_NUMBER_WORDS)})[\s-]+{_UNITS}\b", re.IGNORECASE)
# "the first call", "was the first between the two leaders", "had not spoken once since the invasion"
_FIRST = re.compile(r"\bfirst\s+(?:time|call|contact|conversation|talks|direct|phone|known|since|exchange)\b|"
                    r"\bfor the first\b|"
                    r"\b(?:was|is|marked|it\s+was)\s+(?:the|their)\s+first\b|\bthe\s+first\s+(?:between|since)\b|"
                    r"\b(?:had|have|has)\s+(?:not|never)\s+(?:once\s+)?(?:spoken|talked|met)\b", re.IGNORECASE)
# "again" only as the contact's own adverb ("spoke again"), not "was on display again this week when ..."
_NOT_FIRST = re.compile(r"\b(?:not\s+(?:the|their)\s+first|second\s+(?:call|time|conversation)|"
                        r"(?:spoke|spoken|talked|met|called|rang|phoned|speak|talk)(?:\s+\w+){0,3}?\s+again|"
                        r"previously\s+spoke|had\s+(?:already\s+)?spoken|last\s+spoke|another\s+call)\b",
                        re.IGNORECASE)
_DENIED_FIRST = re.compile(r"\bnot\s+(?:the|their)\s+first\b", re.IGNORECASE)
_INITIATOR = (
    re.compile(r"\b(?:initiated|requested|sought|proposed|arranged)\s+by\s+(?P<who>[^,.;]{2,60})", re.IGNORECASE),
    re.compile(r"\bat\s+the\s+(?:request|initiative|invitation|behest)\s+of\s+(?P<who>[^,.;]{2,60})", re.IGNORECASE),
    re.compile(r"\bat\s+(?P<who>[^,.;]{2,40}?)['’]s\s+(?:request|initiative|invitation)", re.IGNORECASE),
    re.compile(r"\b(?P<who>[A-Z][^,.;]{1,60}?)\s+(?:had\s+)?(?:initiated|requested|sought|asked\s+for|proposed)\s+"
               r"(?:the|a|this|[\w]+['’]s)\s+(?:phone\s+|telephone\s+)?(?:call|conversation|talks)", re.IGNORECASE),
    # "It was Beijing that reached out first", "Beijing reached out to Kyiv"
    re.compile(r"\bit\s+was\s+(?P<who>[^,.;]{2,40}?)\s+(?:that|who)\s+(?:had\s+)?(?:reached\s+out|initiated|"
               r"requested|asked\s+for|proposed|picked\s+up\s+the\s+phone)", re.IGNORECASE),
    re.compile(r"\b(?P<who>[A-Z][^,.;]{1,60}?)\s+(?:had\s+)?reached\s+out\b", re.IGNORECASE),
    # "a conversation that Kyiv had requested"
    re.compile(r"\b(?:call|conversation|talks)\s+(?:that|which)\s+(?P<who>[^,.;]{2,40}?)\s+(?:had\s+)?(?:requested|"
               r"initiated|sought|proposed|asked\s+for|arranged)\b", re.IGNORECASE),
    # "arranged on Xi's initiative", "on the initiative of Beijing"
    re.compile(r"\bon\s+(?P<who>[^,.;]{2,40}?)['’]s\s+(?:request|initiative|invitation)", re.IGNORECASE),
    re.compile(r"\bon\s+the\s+(?:request|initiative|invitation)\s+of\s+(?P<who>[^,.;]{2,60})", re.IGNORECASE),
)
# Patterns whose initiator is the subject before the verb: the mention nearest the verb is it
# ("The Chinese side said that Kyiv had asked for the call" -> Kyiv).
_SUBJECT_INITIATOR = frozenset({3, 5})
_STOP = frozenset("the a an and or of to in on at for with by from as that this is was were be been has have had "
                  "will would its his her their it he she they said says told also after before since about are "
                  "remain remained "
                  "during phone call conversation time first".split())


@dataclass(frozen=True)
class Claim:
    claim_id: str
    kind: ClaimKind
    text: str  # the claim in words
    sentence: str  # where the seed says it
    event_type: str | None = None
    actor: str | None = None  # canonical; the speaker for statements
    target: str | None = None
    mode: str | None = None
    value: str | None = None  # the date, the initiator, "2 month", ...
    context: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Verdict:
    claim_id: str
    verdict: VerdictKind
    evidence: str


@dataclass(frozen=True)
class Addition:
    """An event an article reports that none of the seed's event claims covers."""

    event: Event


@dataclass(frozen=True)
class ArticleReading:
    events: list[Event]
    verdicts: list[Verdict]
    additions: list[Addition]


def seed_claims(text: str, published: date | None, actors: ActorTable) -> list[Claim]:
    quotes = extract_quotes(text, actors)
    events = extract_events(text, published, actors, quotes)
    claims: list[Claim] = []
    seen: set[str] = set()

    def add(claim: Claim) -> None:
        if claim.claim_id not in seen:
            seen.add(claim.claim_id)
            claims.append(claim)

    targeted = {(actors.side(e.actor), e.event_type) for e in events if e.target is not None}
    for e in events:
        if e.target is None and (actors.side(e.actor), e.event_type) in targeted:
            continue  # "a phone call with Xi" adds nothing to "Xi spoke with Zelensky"
        key = event_key(e.actor, e.event_type, e.target, actors, e.mode)
        add(Claim(_id("event", key), "event", _describe(e), e.sentence, e.event_type, e.actor, e.target, e.mode))
        if e.date_basis in ("stated", "relative") and e.event_date is not None:
            add(Claim(_id("date", key), "date", f"{_describe(e)} on {e.event_date.isoformat()}", e.sentence,
                      e.event_type, e.actor, e.target, e.mode, e.event_date.isoformat()))
        if _FIRST.search(e.sentence) and not _NOT_FIRST.search(e.sentence):
            add(Claim(_id("first", key), "first", f"{_describe(e)}: the first such contact", e.sentence,
                      e.event_type, e.actor, e.target, e.mode))
    for sentence in split_sentences(text):
        for who in _initiators(sentence.text, actors):
            call = _call_in(sentence.text, events, actors)
            key = event_key(call.actor, call.event_type, call.target, actors, call.mode) if call else "call"
            add(Claim(_id("initiator", key), "initiator", f"the call was initiated by {who}", sentence.text,
                      call.event_type if call else "CONSULT", call.actor if call else None,
                      call.target if call else None, call.mode if call else None, actors.side(who)))
        for n, unit, context in _numbers(sentence.text):
            add(Claim(_id("number", f"{unit}:{' '.join(sorted(context))}"), "number", f"{_fmt(n)} {unit}(s): "
                      f"{sentence.text}", sentence.text, value=f"{_fmt(n)} {unit}", context=context))
    for quote in quotes:
        if quote.speaker and actors.kinds.get(quote.speaker):
            words = _content(quote.quote)
            add(Claim(_id("statement", f"{quote.speaker}:{' '.join(sorted(words))}"), "statement",
                      f"{quote.speaker}: “{quote.quote}”", quote.quote, actor=quote.speaker, context=words))
    for sentence in split_sentences(text):
        for claim in _reported_statements(sentence.text, actors):
            add(claim)
    return claims


def read_article(claims: Sequence[Claim], text: str, published: date | None, actors: ActorTable,
                 quotes: Sequence[Quote] | None = None) -> ArticleReading:
    """``quotes``: the article's quotations when the caller has them already (they are read once)."""
    quotes = list(quotes) if quotes is not None else extract_quotes(text, actors)
    events = extract_events(text, published, actors, quotes)
    sentences = [s.text for s in split_sentences(text)]
    verdicts: list[Verdict] = []
    for claim in claims:
        verdict = _judge(claim, events, sentences, quotes, actors)
        if verdict is not None:
            verdicts.append(verdict)
    covered = {event_key(c.actor, c.event_type, c.target, actors, c.mode) for c in claims if c.kind == "event"}
    additions, added = [], set()
    for e in events:
        key = event_key(e.actor, e.event_type, e.target, actors, e.mode)
        if key not in covered and key not in added and e.target is not None:
            added.add(key)
            additions.append(Addition(e))
    return ArticleReading(events, verdicts, additions)


def _judge(claim: Claim, events: list[Event], sentences: list[str], quotes: Sequence[Quote],
           actors: ActorTable) -> Verdict | None:
    if claim.kind in ("event", "date", "first", "initiator"):
        same = [e for e in events if _same_event(claim, e, actors)]
        if claim.kind == "event":
            if same:
                return Verdict(claim.claim_id, "supports", same[0].sentence)
            if claim.event_type == "SUPPORT":  # "Paris declined to say whether it supported ..."
                withheld = [s for s in sentences if _WITHHELD_SUPPORT.search(s) and any(
                    actors.side(m.canonical) == actors.side(claim.actor or "") for m in actors.mentions(s))]
                if withheld:
                    return Verdict(claim.claim_id, "differs", withheld[0])
            if claim.event_type == "COOPERATE" and claim.target:  # the same side's ambassador sent elsewhere
                other = [e for e in events if e.event_type == "COOPERATE" and e.target is not None
                         and actors.side(e.actor) == actors.side(claim.actor or "")
                         and actors.side(e.target) != actors.side(claim.target)]
                if other:
                    return Verdict(claim.claim_id, "differs", other[0].sentence)
            if claim.mode == "visit":  # the same envoy or visit sent elsewhere
                other = [e for e in events if e.event_type == claim.event_type and e.mode == "visit"
                         and actors.side(e.actor) == actors.side(claim.actor or "") and e.target is not None]
                if other:
                    return Verdict(claim.claim_id, "differs", other[0].sentence)
            return None
        if claim.kind == "date":
            dated = [e for e in same if e.date_basis in ("stated", "relative") and e.event_date is not None]
            for e in dated:
                if e.event_date is not None and e.event_date.isoformat() == claim.value:
                    return Verdict(claim.claim_id, "supports", e.sentence)
            return Verdict(claim.claim_id, "differs", dated[0].sentence) if dated else None
        if claim.kind == "first":
            for sentence in _sentences_about(claim, same, sentences, actors):
                # "the first time the pair had spoken": "had spoken" denies nothing next to "first"
                if _FIRST.search(sentence) and not _DENIED_FIRST.search(sentence):
                    return Verdict(claim.claim_id, "supports", sentence)
                if _NOT_FIRST.search(sentence):
                    return Verdict(claim.claim_id, "differs", sentence)
            return None
        for sentence in sentences:  # initiator
            for who in _initiators(sentence, actors):
                verdict: VerdictKind = "supports" if actors.side(who) == claim.value else "differs"
                return Verdict(claim.claim_id, verdict, sentence)
        return None
    if claim.kind == "number":
        for sentence in sentences:
            for n, unit, context in _numbers(sentence):
                shared = len(context & claim.context)
                if claim.value and unit == claim.value.split()[-1] and shared >= min(
                        MIN_SHARED_CONTEXT, len(claim.context)) and shared >= MIN_SHARED_CONTEXT_SHARE * min(
                        len(claim.context), len(context)):
                    same_n = _fmt(n) == claim.value.split()[0]
                    return Verdict(claim.claim_id, "supports" if same_n else "differs", sentence)
        return None
    # statement: the same actor saying the same words, quoted or reported
    for sentence in sentences:
        if not claim.context:
            break
        shared = len(_content(sentence) & claim.context) / len(claim.context)
        if shared >= STATEMENT_OVERLAP and any(actors.side(m.canonical) == actors.side(claim.actor or "")
                                               for m in actors.mentions(sentence)):
            differs = "only" in claim.context and _NOT_ONLY.search(sentence)
            return Verdict(claim.claim_id, "differs" if differs else "supports", sentence)
    for quote in quotes:
        if quote.speaker and actors.side(quote.speaker) == actors.side(claim.actor or "") and claim.context and len(
                _content(quote.quote) & claim.context) / len(claim.context) >= STATEMENT_OVERLAP:
            return Verdict(claim.claim_id, "supports", quote.quote)
    return None


# Backing withheld: "declined to say whether it supported", "refused to back", "did not endorse".
_WITHHELD_SUPPORT = re.compile(r"\b(?:declined|refused|declines|refuses)\s+to\s+(?:say\s+whether\s+\w+\s+)?"
                               r"(?:back(?:ed|s)?|support(?:ed|s)?|endorse[ds]?)\b|\b(?:did|does|would)\s+not\s+"
                               r"(?:back|support|endorse)\b", re.IGNORECASE)
# Modes of one contact: a visit and a meeting can be one trip; a phone call is neither.
_MODE_FAMILY = {"phone": "phone", "visit": "in person", "meeting": "in person", "third-party": "third-party"}


def _same_event(claim: Claim, event: Event, actors: ActorTable) -> bool:
    if event.event_type != claim.event_type:
        return False
    # the envoy's trip is not the call, though both are CONSULT between China and Ukraine
    if claim.mode and event.mode and _MODE_FAMILY.get(claim.mode) != _MODE_FAMILY.get(event.mode):
        return False
    # a trip needs an in-person report: "Xi told Zelensky" (no channel) is not the envoy's visit
    if claim.mode == "visit" and event.mode is None:
        return False
    if _other_people(claim, event, actors):
        return False
    mine = (actors.side(claim.actor or ""), actors.side(claim.target or "") if claim.target else None)
    theirs = (actors.side(event.actor), actors.side(event.target) if event.target else None)
    if claim.event_type in SYMMETRIC:
        if mine[1] is None or theirs[1] is None:
            return bool({mine[0], mine[1]} & {theirs[0], theirs[1]} - {None})
        return {mine[0], mine[1]} == {theirs[0], theirs[1]}
    return mine[0] == theirs[0] and (mine[1] is None or theirs[1] is None or mine[1] == theirs[1])


# A sentence that goes on about the previous one's event: "It was the first conversation ...".
_SAME_SUBJECT = re.compile(r"\s*(?:It|This|That|The\s+(?:call|conversation|talks|meeting|contact))\b")


def _other_people(claim: Claim, event: Event, actors: ActorTable) -> bool:
    """Both name people, and not the same ones: the foreign ministers' call is not the presidents' call,
    though both are between Kyiv and Beijing."""
    def people(*names: str | None) -> set[str]:
        return {n for n in names if n and actors.kinds.get(n) == "person"}
    mine, theirs = people(claim.actor, claim.target), people(event.actor, event.target)
    return len(mine) == 2 and len(theirs) == 2 and mine != theirs


def _sentences_about(claim: Claim, same: list[Event], sentences: list[str], actors: ActorTable) -> list[str]:
    """Sentences reporting the claim's event: those the event was coded from and the sentence after
    each when it names no one else ("It was not their first contact."), then any naming both sides,
    then "It was the first time the pair had spoken" after a sentence naming one side."""
    found = []
    sides = {actors.side(claim.actor or ""), actors.side(claim.target or "")} - {""}
    for e in same:
        found.append(e.sentence)
        if e.sentence in sentences:
            after = sentences.index(e.sentence) + 1
            if after < len(sentences) and ({actors.side(m.canonical) for m in actors.mentions(sentences[after])}
                                           <= sides or _SAME_SUBJECT.match(sentences[after])):
                found.append(sentences[after])
    for sentence in sentences:
        named = {actors.side(m.canonical) for m in actors.mentions(sentence)}
        if sides and sides <= named and sentence not in found:
            found.append(sentence)
    if same:
        for before, sentence in zip(sentences, sentences[1:], strict=False):
            if _SAME_SUBJECT.match(sentence) and sentence not in found and sides & {
                    actors.side(m.canonical) for m in actors.mentions(before)}:
                found.append(sentence)
    return found


# "did not say who had proposed the call", "declined to say which side requested it": no initiator named
_UNSAID = re.compile(r"\b(?:not|declined\s+to|refused\s+to)\s+(?:say|disclose|confirm|reveal)\s+(?:who|which)\b",
                     re.IGNORECASE)


def _initiators(sentence: str, actors: ActorTable) -> list[str]:
    found: list[str] = []
    if _UNSAID.search(sentence):
        return found
    for number, pattern in enumerate(_INITIATOR):
        for match in pattern.finditer(sentence):
            mentions = actors.mentions(match.group("who"))
            if mentions:
                found.append(mentions[-1 if number in _SUBJECT_INITIATOR else 0].canonical)
    return found


def _call_in(sentence: str, events: list[Event], actors: ActorTable) -> Event | None:
    calls = [e for e in events if e.event_type == "CONSULT" and e.mode == "phone"]
    here = [e for e in calls if e.sentence == sentence]
    return (here or calls or [None])[0]


def _numbers(sentence: str) -> list[tuple[float, str, frozenset[str]]]:
    out = []
    for match in _NUMBER.finditer(sentence):
        raw = match.group("n").lower()
        n = float(raw) if raw[0].isdigit() else float(_NUMBER_WORDS[raw])
        unit = match.group("unit").lower()
        if unit == "decade":  # "a decade after" is ten years
            n, unit = n * 10, "year"
        out.append((n, unit, _content(sentence) - {unit, f"{unit}s", raw, "decade", "decades"}))
    return out


def _reported_statements(sentence: str, actors: ActorTable) -> list[Claim]:
    """'X told Y that negotiations are the only solution': a statement claim by X without quotation marks."""
    match = re.search(r"\b(?:said|says|told\s+[^,]{1,60}?)\s+that\s+(?P<what>[^“\"]{20,})$", sentence)
    if not match:
        return []
    speakers = [m for m in actors.mentions(sentence[: match.start()])]
    if not speakers:
        return []
    who = speakers[0].canonical
    words = _content(match.group("what"))
    return [Claim(_id("statement", f"{who}:{' '.join(sorted(words))}"), "statement",
                  f"{who} said that {match.group('what')}", sentence, actor=who, context=words)]


# Paraphrase classes: outlets say "talks", "sole way", "conflict" for the seed's "negotiations",
# "only solution", "war". Each word stands for its class's first member.
_SYNONYMS = {w: group[0] for group in (
    ("negotiations", "negotiation", "negotiate", "negotiating", "talks", "dialogue", "dialogues"),
    ("only", "sole", "single", "lone"),
    ("way", "solution", "path", "paths", "route", "option", "means", "avenue"),
    ("war", "conflict", "crisis", "fighting"),
    # the words of a diplomatic rupture and its repair, for number contexts ("reopen embassies within
    # two months" is "reopening diplomatic missions within two months")
    ("reopen", "reopening", "reopened", "reopens", "restore", "restoring", "restored", "resume", "resuming",
     "resumed", "normalise", "normalize", "normalising", "normalizing", "normalised", "normalized"),
    ("missions", "mission", "embassies", "embassy"),
    ("ties", "relations"),
    ("severing", "severed", "sever", "cutting", "cut", "broken", "broke", "breaking", "rupture"),
) for w in group}
# "one of several possible paths", "not the only way": the same words denying the claim's "only".
_NOT_ONLY = re.compile(r"\b(?:one\s+of\s+(?:several|many|a\s+number\s+of|the)|not\s+the\s+only|"
                       r"among\s+(?:several|many))\b", re.IGNORECASE)


def _content(text: str) -> frozenset[str]:
    words = (fold(t) for t in tokens(text))
    return frozenset(_SYNONYMS.get(w, w) for w in words if len(w) > 2 and w not in _STOP)


def event_key(actor: str | None, event_type: str | None, target: str | None, actors: ActorTable,
               mode: str | None = None) -> str:
    sides = [actors.side(actor or ""), actors.side(target or "") if target else ""]
    if event_type in SYMMETRIC:
        sides.sort()
    return f"{event_type}:{mode or ''}:{sides[0]}:{sides[1]}"


def _describe(e: Event) -> str:
    mode = f" ({e.mode})" if e.mode else ""
    return f"{e.actor} {e.event_type}{mode} {e.target or ''}".strip()


def _id(kind: str, key: str) -> str:
    return f"{kind}:" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def _fmt(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)
