"""Direct quotations and who said them.

In: an article's text and an :class:`~extractors.actors.ActorTable`. Out: a
:class:`Quote` per quotation in quotation marks (“...”, "...", «...»), with its
speaker canonicalised like actors. Speakers are found, in order, by:

1. said-after: ``"...," Zelensky said`` / ``"...," said Xi`` / ``"...," the ministry told reporters``;
2. said-before and colon forms: ``Zelensky said: "..."`` / ``Zelensky said that "..."`` / ``Xi: "..."``;
3. ``according to X`` in the same sentence;
4. a pronoun ("he said") or no attribution in a paragraph that goes on quoting:
   the last speaker named in that paragraph or the one before.

Paraphrase (reported speech without quotation marks) is not a quote. A one-word
quote is one only when the sentence attributes it to a named speaker with a speech
or evaluation verb ("called the remarks “unacceptable”"); otherwise it is a scare
quote. Anonymous sources ("a French diplomat said") give a quote with no speaker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.actors import ActorTable, Mention, fold
from extractors.sentences import split_paragraphs, split_sentences

# Two words can be a quote (“all dialogues”); one is a quote only when attributed (see _ATTRIBUTING).
MIN_QUOTE_WORDS = 2
# A seed quote and an article quote are the same when this share of the shorter one's
# words are in the longer, in order-insensitive terms: outlets trim and re-punctuate quotes.
SAME_QUOTE_OVERLAP = 0.8

# German-style „...“ first, so its closing “ is not read as an opening mark; ‘...’ only when the
# opening mark follows no letter (not an apostrophe).
_QUOTE = re.compile(r"„(?P<g>[^“”„]+)[“”]|“(?P<a>[^”]+)”|\"(?P<b>[^\"]+)\"|«\s*(?P<c>[^»]+?)\s*»|"
                    r"(?<!\w)‘(?P<d>[^’]+)’(?!\w)")
# A one-word quote is a quote when the sentence attributes it ("called the remarks “unacceptable”",
# "expressed its “dismay”", "said it “appreciated”"); with no such verb it is a scare quote.
_ATTRIBUTING = re.compile(r"\b(?:said|says|told|added|wrote|stated|called|calls|calling|described|describing|"
                          r"describes|expressed|expresses|voiced|branded|labell?ed|termed|dubbed|accused|"
                          r"accusing|condemned|warned|insisted|vowed|pledged)\b", re.IGNORECASE)
# Singular or unnamed sources: "a French diplomat said", "people briefed on the talks said".
_ANONYMOUS = re.compile(r"^(?:(?:a|an|one|two|three|several|some|other)\s+(?:[\w-]+\s+){0,3}?(?:diplomats?|"
                        r"officials?|sources?|persons?|people|aides?|insiders?|analysts?)|(?:people|sources|"
                        r"diplomats|officials)\s+(?:briefed|familiar|close|with\s+knowledge)\b.*)$", re.IGNORECASE)
# Bare institutions a text names after introducing whose they are ("..., the ministry said").
_INSTITUTION = re.compile(r"^(?:the\s+)?(?P<what>(?:foreign\s+)?ministry(?:\s+of\s+foreign\s+affairs)?|"
                          r"foreign\s+office|embassy|mission)$", re.IGNORECASE)
ANONYMOUS = ""  # a speaker the text deliberately leaves unnamed: no fallback to an earlier speaker
_SPEECH = (r"(?:said|says|say|told|tells|added|adds|wrote|writes|tweeted|posted|stated|states|noted|notes|"
           r"declared|insisted|stressed|warned|explained|argued|continued|concluded|replied|responded|"
           r"according\s+to|announced|remarked|commented|(?:was|were)\s+quoted\s+as\s+saying)")
_AFTER = re.compile(rf"^\s*,?\s*(?:{_SPEECH}\s+(?P<who1>[^,.;]{{1,80}}?)(?=[,.;]|$)|(?P<who2>[^,.;“\"]{{1,80}}?)"
                    rf"\s+{_SPEECH}\b)", re.IGNORECASE)
_SPEECH_ACT = re.compile(r"\b(?:urged|urging|called|calling|described|describing|warned|warning|pledged|promised|vowed|"
                         r"blamed|blaming|criticised|criticized|condemned|denounced|saying|adding|"
                         r"welcomed|accused|accusing|insisted|demanded|asked|praised|dismissed|rejected|"
                         r"expressed|voiced|branded|labell?ed|termed|dubbed)\b")
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
            speaker = _speaker(paragraph, match.start(), match.end(), actors)
            if len(words.split()) < MIN_QUOTE_WORDS and not (speaker and (_attributed(paragraph, match.start()) or
                                                                           _AFTER.match(paragraph[match.end() :]))):
                continue
            if speaker == ANONYMOUS:
                quotes.append(Quote(None, words, number))
                continue
            if speaker is None and (_attributed_to_pronoun(paragraph, match.end()) or _PRONOUN_BEFORE.search(
                    paragraph, max(0, match.start() - 40), match.start())):
                speaker = paragraph_speaker or _subject_person(paragraph[: match.start()], actors) or last_speaker
            if speaker is None and _stands_alone(paragraph, match.start(), match.end()):
                # 'Kuleba was blunt. "China must choose a side."': the previous sentence's subject speaks
                speaker = paragraph_speaker or _subject_person(paragraph[: match.start()], actors)
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


# Words before a person mention that make it an object, not a subject ("thanked Xi", "with Xi").
_OBJECT_BEFORE = frozenset({"of", "to", "with", "for", "by", "from", "in", "on", "at", "against", "about", "after",
                            "before", "than", "and", "told", "thanked", "urged", "met", "called", "asked", "pressed",
                            "criticised", "criticized", "accused", "praised", "welcomed", "invited", "informed"})


def _subject_person(earlier: str, actors: ActorTable) -> str | None:
    """The person a pronoun or an unattributed quote refers to: the subject of the last sentence
    naming a person ("Zelensky thanked Xi. ... he said" -> Zelensky), else the last person named."""
    for sentence in reversed(split_sentences(earlier)):
        people = [m for m in actors.mentions(sentence.text) if m.kind == "person"]
        if not people:
            continue
        for m in people:
            previous = re.findall(r"[\w'’]+", sentence.text[: m.start].lower())[-1:]
            if not (previous and previous[0] in _OBJECT_BEFORE) and not re.match(
                    r"['’]s\b", sentence.text[m.end : m.end + 2]):
                return m.canonical
        return people[-1].canonical
    return None


def _stands_alone(paragraph: str, start: int, end: int) -> bool:
    """A quotation that is a sentence of its own, after another sentence, with no speech verb."""
    head = paragraph[:start].rstrip()
    if not head or not re.search(r"[.!?][”\"’]?$", head):
        return False
    tail = re.split(r"(?<=[.!?])\s", paragraph[end:], maxsplit=1)[0]
    return not _SPEECH_WORD.search(tail)


def _attributed(paragraph: str, start: int) -> bool:
    """Whether the sentence names a speech or evaluation verb before the quote."""
    return bool(_ATTRIBUTING.search(paragraph, _sentence_start(paragraph, start), start))


def _speaker(paragraph: str, start: int, end: int, actors: ActorTable) -> str | None:
    sentence_start = _sentence_start(paragraph, start)
    sentence_end = re.search(r"[.!?](?:\s|$)", paragraph[end:])
    sentence = paragraph[sentence_start : end + (sentence_end.end() if sentence_end else 200)]

    def resolve(who: str) -> str | None:
        return _name(who, actors) or _institution(_subject_phrase(who), sentence, paragraph[:sentence_start], actors) \
            or _role_holder(who, paragraph[:start], actors)

    after = paragraph[end : end + 120]
    if match := _AFTER.match(after):
        who = match.group("who1") or match.group("who2")
        # "said Zelensky's chief of staff, Andriy Yermak": the apposition names the speaker
        if match.group("who1") and (named := _APPOSITION.match(after, match.end("who1"))):
            who = named.group("name")
        if _anonymous(who):
            return ANONYMOUS
        if found := resolve(who):
            return found
    before = paragraph[max(0, start - 160) : start]
    for who in (_said_before(before), _colon_before(before)):
        if who and _anonymous(_subject_phrase(who)):
            return ANONYMOUS
        if who and (found := resolve(who)):
            return found
    if match := _ACCORDING.search(sentence):
        if found := _name(match.group("who"), actors) or _phrase(match.group("who")):
            return found
    # "Lu Shaye said former Soviet countries lack “effective status”": the sentence's speaker.
    lead = paragraph[sentence_start:start]
    # ("Zelensky, addressing the nation, said he was grateful for “any sincere effort”": an
    # aside between commas may separate the speaker from the verb.)
    said = [m for m in actors.mentions(lead) if _SAID_AFTER_NAME.match(lead, m.end)]
    if said:
        return said[-1].canonical
    # "..., and the ministry said afterwards that the two men had discussed “...”": the subject
    # of the sentence's last speech verb before the quote, when it names an actor or institution.
    if (who := _said_subject(lead)) and (found := resolve(who)):
        return found
    # "During his visit to China, Macron urged Xi to “bring Russia to its senses”": the actor
    # named just before the speech act.
    mentions = actors.mentions(lead)
    if act := _SPEECH_ACT.search(lead):
        doers = [m for m in mentions if m.end <= act.start()]
        if doers:
            return doers[-1].canonical
    # "„...“, sagte ein Sprecher — the talks were open, a German foreign office spokesman said": a
    # speech verb later in the same sentence, whose subject names the speaker.
    rest = paragraph[end : sentence_start + len(sentence)]
    if (verb := _SPEECH_WORD.search(rest)) and not verb.group(0).lower().startswith("according"):
        who = _subject_phrase(rest[: verb.start()])
        if _anonymous(who):
            return ANONYMOUS
        if found := resolve(who):
            return found
    for who in (_said_before(before), _colon_before(before)):
        if who:
            return _phrase(who)
    if match := _AFTER.match(after):
        return _phrase(match.group("who1") or match.group("who2"))
    return None


_LEADING = re.compile(r"^(?:(?:meanwhile|however|but|and|also|then|later|earlier|in a statement|on \w+),?\s+)*"
                      r"(?:the\s+|a\s+|an\s+)?(?:state-run\s+|state\s+|official\s+)?", re.IGNORECASE)


def _said_subject(lead: str) -> str | None:
    """The words between the clause start and the last speech verb of ``lead``."""
    verbs = list(_SPEECH_WORD.finditer(lead))
    if not verbs:
        return None
    return _subject_phrase(lead[: verbs[-1].start()])


def _subject_phrase(words: str) -> str:
    """The last clause's subject: "Asked whether ..., a French diplomat" -> "a French diplomat"."""
    return re.split(r"[,;—–]\s*(?:(?:and|but)\s+)?|\s+(?:and|but)\s+", words.strip())[-1].strip()


def _anonymous(words: str | None) -> bool:
    return bool(words) and bool(_ANONYMOUS.match(_LEADING_ADVERB.sub("", " ".join(words.split()))))


_LEADING_ADVERB = re.compile(r"^(?:(?:meanwhile|however|but|and|also|later|earlier),?\s+)+", re.IGNORECASE)


def _institution(words: str, sentence: str, earlier: str, actors: ActorTable) -> str | None:
    """"the ministry", "the embassy": the institution of the state the sentence is about (its
    first actor whose side is a state), else the state the paragraph named last."""
    match = _INSTITUTION.match(" ".join(words.split()).strip(" ,"))
    if match is None:
        return None
    states = [actors.side(m.canonical) for m in actors.mentions(sentence)]
    states = [s for s in states if actors.kinds.get(s) == "state"] or [
        s for s in (actors.side(m.canonical) for m in reversed(actors.mentions(earlier)))
        if actors.kinds.get(s) == "state"]
    if not states:
        return None
    if match.group("what").lower() in ("embassy", "mission", "foreign office"):
        return states[0]
    return actors.canonical(f"{states[0]} foreign ministry") or states[0]


def _phrase(words: str | None) -> str | None:
    """A speaker the actor table does not know, as the text names it ("Global Times", "Kirby")."""
    if not words:
        return None
    words = _LEADING.sub("", " ".join(words.split())).strip(" ,")
    # "one Western diplomat": the head noun is not a name, so the text names no one.
    names = re.findall(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*", words)
    if names and names[-1].lower() in ("he", "she", "it", "they", "we", "i"):
        return None
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


_OWN_STAFF = r"(?:office|press\s+office|spokes(?:man|woman|person)|press\s+secretary|aides?|team|administration|camp)"
_APPOSITION = re.compile(r",\s+(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})\s*[,.]")
_PRONOUN_BEFORE = re.compile(r"\b(?:he|she)\s+(?:\w+ly\s+)?(?:said|added|says|adds|wrote|continued|told\s+\w+)"
                             r"\s*[:,]?\s*$", re.IGNORECASE)
# "the spokeswoman said": the holder of that role the paragraph named before
_DEFINITE_ROLE = re.compile(r"^(?:the\s+)(?:[a-z]+\s+){0,3}(?:spokes(?:man|woman|person)|minister|president|ambassador|"
                            r"envoy|chancellor|premier|secretary|adviser|advisor|aide|diplomat)$", re.IGNORECASE)


def _role_holder(words: str, earlier: str, actors: ActorTable) -> str | None:
    """A definite role phrase with no name ("the spokeswoman") names the person the paragraph named last."""
    if not _DEFINITE_ROLE.match(" ".join(_LEADING_ADVERB.sub("", words.strip()).split())):
        return None
    people = [m for m in actors.mentions(earlier) if m.kind == "person"]
    return people[-1].canonical if people else None


def _name(words: str, actors: ActorTable) -> str | None:
    """The actor a speaker phrase names: the last mention in it ("China's foreign ministry
    spokesman Wang Wenbin" -> the person), preferring people; not an owner ("Zelensky's aide")."""
    mentions: list[Mention] = [m for m in actors.mentions(words) if m.kind != "person" or not (
        re.match(r"['’]s\b", words[m.end : m.end + 2]) or m.text.endswith(("'s", "’s")))]
    # "the Chinese embassy in Paris": the place an institution sits in is not the speaker
    placed = [m for m in mentions if not re.search(r"\b(?:in|at)\s+$", words[: m.start])]
    mentions = placed or mentions
    # "Zelensky's office", "Putin's spokesman": the person's side speaks
    if not mentions and (owner := re.match(rf"^\s*(?:the\s+)?(?P<who>.+?)['’]s\s+{_OWN_STAFF}\s*$", words)):
        people = [m for m in actors.mentions(owner.group("who")) if m.kind == "person"]
        if people and people[-1].canonical in actors.affiliations:
            return actors.affiliations[people[-1].canonical]
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
    if min(len(wa), len(wb)) < MIN_QUOTE_WORDS:  # a one-word quote matches only itself
        return wa == wb
    shorter, longer = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return len(shorter & longer) / len(shorter) >= SAME_QUOTE_OVERLAP and len(shorter) >= MIN_QUOTE_WORDS


def in_seed(quote: str, seed_quotes: Sequence[str]) -> bool:
    return any(same_quote(quote, s) for s in seed_quotes)
