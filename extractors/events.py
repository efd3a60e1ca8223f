"""Events: who did what to whom, and when, from each sentence that reports an action between actors.

In: an article's text, its publication date and an :class:`~extractors.actors.ActorTable`.
Out: :class:`Event` records coded with PLOVER types (:mod:`extractors.plover`).

For each sentence: find the actor mentions; find each trigger phrase not
negated and not hypothetical; the source actor is the nearest mention before
the trigger in the same clause (or the agent after "by" for passives and for
"a call between A and B" forms), the target the first other mention after it.
A trigger with no actor on either side codes nothing: PLOVER records events
between actors, and commentary ("analysts believe...") has none. Quoted words
are the speaker's, not the reporter's: triggers inside quotation marks are
skipped (the quote is recorded by :mod:`extractors.quotes`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from extractors.actors import ActorTable, Mention, demonym_state
from extractors.event_dates import DateBasis, EventDate, resolve_date, resolve_event_date
from extractors.plover import ACCUSATION, HYPOTHETICAL, MEETING, NEGATION, PHONE, TRIGGERS, VISIT, Trigger
from extractors.quotes import Quote, extract_quotes
from extractors.sentences import Sentence, split_sentences

# The gazetteer of places an event can happen in: the states the actor table knows.
_LOCATION = re.compile(r"\b(?:in|to|at)\s+(?P<place>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)")
_QUOTED = re.compile(r"[“\"][^”\"]*[”\"]|‘[^’]{12,}’")
_BETWEEN = re.compile(r"\bbetween\b")
# Types whose events happen somewhere worth naming (a visit, a meeting, an attack), not a call or a statement.
_PLACED = {"CONSULT": True, "ASSAULT": True, "MOBILIZE": True, "AID": False, "ACCUSE": False, "SUPPORT": False,
           "REQUEST": False, "REJECT": False, "THREATEN": False, "AGREE": False, "COOPERATE": False}
# Nouns whose possessor is the actor: "the Chinese envoy's visit to Kyiv", "Kyiv's choice of ... as ambassador".
_OWNED = re.compile(r"(?:(?:phone\s+|telephone\s+)?(?:call|conversation|talks)|visit|trip|tour|meeting|appointment|"
                    r"choice|nomination|criticism|new\s+ambassador)\b")
_JOINED = re.compile(r"\s+and\s+(?:his|her|their|its)?\s*")
# "..., Kuleba said on Saturday, responding to reports of ...": a participle clause may follow the
# attribution; "..., as its ambassador was announced by Zelensky" is a passive, not an attribution.
_TRAILING_ATTRIBUTION = re.compile(r",\s+(?:[\w'’.-]+\s+){1,6}?(?<!was\s)(?<!were\s)(?<!been\s)(?<!is\s)"
                                   r"(?:said|says|told\s+\w+|added|confirmed|announced)"
                                   # (not "..., while the Elysee said France was in favour": a clause of its own)
                                   r"(?![^,“\"]{0,40}?\b(?:was|is|were|are|had|has|have|would|will)\b)"
                                   r"(?:\s+on\s+\w+|\s+in\s+a\s+statement)?[^,“\"]{0,40}"
                                   r"(?:,\s+(?:responding|adding|speaking|referring|writing|citing|saying)\b[^“\"]*?)?"
                                   r"[.!?]?[”\"]?\s*$")
_REFERENCE = re.compile(r"\b(?:the|this|that|these|those|during|after|before|since)\s+(?:\w+\s+)?$")
# "the envoy's visit" (an owner the table does not know), not "this week's call" (a time)
_UNKNOWN_OWNER = re.compile(r"(?<!week)(?<!month)(?<!year)(?<!day)(?<!night)(?<!weekend)['’]s\s+(?:[a-z-]+\s+)?$")
_ASKED_FOR = re.compile(r"\b(?:(?:call(?:ed|s|ing)?|appeal(?:ed|s|ing)?|push(?:ed|es|ing)?|press(?:ed|es|ing)?|"
                        r"ask(?:ed|s|ing)?)\s+for|propos(?:ed|es|ing)|offer(?:ed|s|ing)?|suggest(?:ed|s|ing)?|"
                        r"sought|seek(?:s|ing)?|demand(?:ed|s|ing)?|want(?:ed|s)?|favou?r(?:ed|s)?)\s+"
                        r"(?:(?:a|an|the|new|direct|fresh|further|peace|more)\s+){0,3}$")
_PREPOSITIONAL_REFERENCE = re.compile(r"\b(?:on|to|about|over|after|since|following)\s+(?:the|this|that|their|a|an)\s+"
                                      r"(?:[\w-]+\s+){0,2}$")
_NOUN_TRIGGER = re.compile(r"(?:visit|trip|tour|talks|meeting|call|conversation)\b")
# Reported opinion about events, not events: "Analysts said the choice ... signalled"
_COMMENTARY = re.compile(r"\b(?:analysts?|experts?|observers?|commentators?|critics?)\s+(?:said|say|says|believe|"
                         r"believes|noted|note|argued|argue|think)\b", re.IGNORECASE)
_SAME_DAY = re.compile(r"\b(?:that|the\s+same)\s+day\b|^\s*(?:during|in)\s+the\s+(?:call|conversation|talks|meeting)\b")
# What a warning, denial or thanks is about, not a second event: "warned Xi against arming Russia",
# "denied supplying weapons", "refrained from criticising", "thanked China for its humanitarian aid".
_CONTENT = re.compile(r"(?:\b(?:against|from)\s+|\b(?:against|from|of)\s+\w+ing\s+(?:[\w'’-]+\s+){0,3}|"
                      # "since Russia invaded Ukraine": a time clause's act is background
                      r"\b(?:since|ever\s+since)\s+(?:[\w'’-]+\s+){1,4}|"
                      r"\b(?:denied|denies|deny|denying)\s+(?:ever\s+|having\s+)*(?:\w+ing\s+)?|"
                      r"\bfor\s+(?:its|his|her|their|the)\s+(?:\w+\s+)?)$")
# ("During the call, he promised ...": after an opening phrase too)
_PRONOUN_SUBJECT = re.compile(r"^\s*(?:[^,]{1,40},\s+(?:he|she|it|they)|(?:He|She|It|They))\b")
_REPORTING = re.compile(r"\b(?:said|says|told\s+(?:reporters|journalists|the\s+\w+|\w+)|stated|announced|added|"
                        r"confirmed|reported|saying|claiming|insisting|arguing)\s+(?:that\s+)?", re.IGNORECASE)
_SAID = re.compile(r"\b(?:said|says|told\s+(?:reporters|journalists|\w+)|added|reported|stated)\s+(?:that\s+)?",
                   re.IGNORECASE)
_ASKING = re.compile(r"\b(?:urged|urges|pressed|presses|asked|asks|called\s+on|calls\s+on|invited|"
                     r"encouraged|refused|refuses|declined|declines)\b")
_INTENT = re.compile(r"\b(?:decision|decided|plan|plans|planned|offer|offered|readiness|ready|willingness|willing|"
                     r"bid|efforts?|attempts?|intention|intends|move|agreed|agree|agrees|pledged|promised|vowed)"
                     r"(?:\s+\w+){0,2}\s+to\s+$")
# "promised to send an envoy", "Ukraine's decision to appoint an ambassador": the pledge or decision
# is the event (a planned trip, an appointment), dated as a plan
_PLEDGE = re.compile(r"\b(?P<word>decided|promised|pledged|vowed|offered|planned|intends|decision|offer|plans?|"
                     r"intention)(?:\s+\w+){0,2}\s+to\s+$")


def _object_of_trigger(lowered: str, start: int) -> bool:
    """Whether another event's verb governs the noun phrase just before ``start``."""
    window = max(0, start - 40)
    for trigger in TRIGGERS:
        if trigger.pattern.pattern.startswith(r"\b(?:call|conversation|talks)"):
            continue
        for match in trigger.pattern.finditer(lowered, window, start):
            if re.fullmatch(r"\s+(?:the|a|an|their|its|his|her)\s+(?:[\w-]+\s+)?", lowered[match.end() : start]):
                return True
    return False


def _pledged(trigger: Trigger, lowered: str, start: int) -> bool:
    """Whether a trip or appointment is pledged or decided here. A noun ("welcomed China's decision to
    send an envoy") after another act in the sentence is that act's object, not a new event."""
    if not (trigger.event_type == "COOPERATE" or trigger.mode == "visit"):
        return False
    match = _PLEDGE.search(lowered[max(0, start - 60) : start])
    if match is None:
        return False
    if match.group("word") in _PLEDGE_VERBS:
        return True
    return not any(t.pattern.search(lowered, 0, start) for t in TRIGGERS if t.event_type in _STATEMENT_TYPES)


_PLEDGE_VERBS = frozenset({"decided", "promised", "pledged", "vowed", "offered", "planned", "intends"})
# "will send", "is to visit": a plan, whose date is not the day of the report
_FUTURE = re.compile(r"\b(?:will|would|shall|plans?\s+to|planning\s+to|is\s+to|are\s+to|set\s+to|going\s+to|"
                     r"expected\s+to|due\s+to|preparing\s+to|prepares\s+to|intends\s+to|aims\s+to|hopes\s+to)(?:\s+\w+){0,2}\s*$")
# Types whose event is a statement: in reported speech ("Peskov said Moscow valued ...") the speaker
# acts, on the day they spoke, even in the future of the past ("Washington would welcome ...").
_STATEMENT_TYPES = frozenset({"SUPPORT", "REJECT", "ACCUSE", "REQUEST", "THREATEN"})
# "without naming China": a mention the actor pointedly leaves out is no target.
_WITHOUT = re.compile(r"\bwithout\s+\w+ing\s+(?:\w+\s+)?$")
# "During his state visit to China, Macron ...": a possessive pronoun's visit is the main subject's.
_OWN_VISIT = re.compile(r"\b(?:during|on|in|after|before|since|at|ahead\s+of)\s+(?:his|her|their|its)\s+"
                        r"(?:\w+\s+){0,2}$")
# A complement clause with its own subject: "..., and that Berlin would welcome", "a suggestion that the Elysee denied".
_THAT = re.compile(r"\bthat\s+(?:the\s+)?")
# A new clause after "; " or ", but": unless its first word is a verb or auxiliary (the subject is shared).
_NEW_CLAUSE = re.compile(r"(?:;|,\s+but)\s+(?!(?:did|does|do|was|were|is|are|has|had|have|would|will|could|"
                         r"also|then|later|not|never)\b)(?![a-z]+ed\b)")
# "Had a substantive conversation with Qin Gang": a post's first person, subject dropped
_SUBJECTLESS = re.compile(r"[“\"„‘]?\s*(?:Had|Held|Spoke|Met|Talked|Discussed|Received|Welcomed|Thanked|Called|"
                          r"Told|Urged|Visited|Agreed)\b")
_FIRST_PERSON_START = re.compile(r"\s*(?:I|We)\b")
_FIRST_PERSON = re.compile(r"\b(?:I|we|We|my|My|our|Our|us|me|you|your)\b")


@dataclass(frozen=True)
class Event:
    actor: str
    event_type: str
    mode: str | None
    target: str | None
    event_date: date | None
    date_basis: DateBasis
    location: str | None
    sentence: str
    trigger: str


def extract_events(text: str, published: date | None, actors: ActorTable,
                   quotes: Sequence[Quote] | None = None) -> list[Event]:
    """``quotes``: the text's quotations when the caller has them already (they are read once)."""
    quotes = list(quotes) if quotes is not None else extract_quotes(text, actors)
    events: list[Event] = []
    previous: _Context | None = None
    for sentence in split_sentences(text):
        found, previous = _sentence_events(sentence.text, published, actors, previous)
        events.extend(found)
    events.extend(_quoted_accusations(text, quotes, published, actors, events))
    events.extend(_first_person_events(text, quotes, published, actors, events))
    events.extend(_quoted_refusals(text, quotes, published, actors, events))
    return events


def sentence_events(sentence: str, published: date | None, actors: ActorTable) -> list[Event]:
    return _sentence_events(sentence, published, actors, None)[0]


@dataclass(frozen=True)
class _Context:
    """What the next sentence may refer back to: "He also named...", "that day"."""

    subject: Mention | None
    day: EventDate


def _sentence_events(sentence: str, published: date | None, actors: ActorTable,
                     previous: _Context | None) -> tuple[list[Event], _Context]:
    lowered = sentence.lower()
    # Words in quotation marks are the speaker's; a first-person quote ("I had a long call") is
    # recorded as a quote, not coded as the reporter's event report.
    quoted = [span for span, words in quoted_spans(sentence) if _FIRST_PERSON.search(words) or
              _SUBJECTLESS.match(words)]
    mentions = _placed_institutions(sentence, [m for m in actors.mentions(sentence) if not _inside(m.start, quoted)],
                                    actors)
    when = resolve_date(sentence, published)
    carried = previous is not None and bool(_SAME_DAY.search(lowered)) and previous.day.basis != "published"
    if carried:
        when = previous.day
    pronoun = previous.subject if previous is not None and _PRONOUN_SUBJECT.match(sentence) else None
    subjects = [m for m in mentions if _subject_like(sentence, m)]
    context = _Context(subjects[0] if subjects else pronoun, when)
    if not mentions and pronoun is None:
        return [], context
    if _COMMENTARY.search(sentence):
        return [], context
    found: list[Event] = []
    taken: list[tuple[int, int, tuple[str, str | None]]] = []
    trips = [m.end() for t in TRIGGERS if t.event_type == "CONSULT" and t.mode == "visit" for m in t.pattern.finditer(
        lowered)]
    for trigger in TRIGGERS:
        for match in trigger.pattern.finditer(lowered):
            start, end = match.span()
            if _inside(start, quoted) or any(s <= start < e or s < end <= e for s, e, _ in taken):
                continue
            # "send a special envoy ... to visit Ukraine" is one event, not two
            if any(kind == (trigger.event_type, trigger.mode) and e <= start <= e + 60 for _, e, kind in taken):
                continue
            before = lowered[max(0, start - 40) : start]
            # "will send its envoy to Ukraine to hold talks": the talks are the trip's purpose, one event
            if trigger.event_type == "CONSULT" and trigger.mode != "visit" and re.search(
                    r"\bto\s+(?:[\w-]+\s+){0,2}$", before) and any(
                    e <= start <= e + 100 for e in trips):
                continue
            # "severed ties seven years ago", "cut ties in 2016": background, not news
            clause = _clause(sentence, start, end)
            if _BACKGROUND.search(clause) or _past_year(clause, published):
                continue
            # "would welcome any effort, provided it respected ...": a condition, not an act
            if re.search(r"\bwould\s+(?:\w+\s+)?$", before) and _CONDITION.search(lowered, end):
                continue
            if NEGATION.search(before) or HYPOTHETICAL.search(before):
                continue
            # "during the visit", "the talks were open": a reference to an event, not a report of one
            # ("The conversation on Wednesday between Xi and Zelensky", "follows the phone call between A
            # and B" report it, unless it is another act's object: "mediated the talks between A and B")
            # ("During his visit to India, Scholz ..." is his visit, told in passing: not a reference)
            if trigger.event_type == "CONSULT" and _REFERENCE.search(before) and _NOUN_TRIGGER.match(lowered, start) \
                    and not (trigger.mode == "visit" and _OWN_VISIT.search(before)) \
                    and not (lowered[start:end].endswith("between") and not _object_of_trigger(lowered, start)):
                continue
            # "welcomed the envoy's visit": a visit or call whose possessor names no actor is no one's
            if trigger.event_type == "CONSULT" and _NOUN_TRIGGER.match(lowered, start) and \
                    (owned := _UNKNOWN_OWNER.search(before)) and not any(
                    m.end in (start - len(before) + owned.start(), start - len(before) + owned.start() + 2)
                    for m in mentions):
                continue
            # "dismissed Western criticism of Beijing": a noun that is another verb's object is no event
            if trigger.nominal(lowered[start:end]) and not lowered[start:end].endswith("between") and any(
                    t.event_type != trigger.event_type and re.search(
                        rf"(?:{t.pattern.pattern})(?:\s+[\w'’-]+){{0,2}}\s+$", lowered[max(0, start - 60) : start])
                    for t in TRIGGERS):
                continue
            # "called for talks with Moscow", "proposed a meeting": what is asked for has not happened
            if trigger.event_type == "CONSULT" and _ASKED_FOR.search(before):
                continue
            # "accused Kyiv of turning down": the accusation's content, not a second event
            if re.search(r"\bof\s+(?:\w+ing\s+){0,2}$", before) or _CONTENT.search(before):
                continue
            # "urged Xi to talk to Zelensky", "China's decision to send an envoy", "agreed to reopen":
            # what was asked, decided or agreed is not a second event
            pledged = _pledged(trigger, lowered, start)
            # "agreed to restore relations and reopen embassies": the second infinitive is agreed too
            wide = lowered[max(0, start - 100) : start]
            if (joined_to := re.search(r"\bto\s+(?:[\w'’-]+\s+){1,4}?(?:and|or)\s+$", wide)) and \
                    _INTENT.search(wide[: joined_to.start() + 3]) and not pledged:
                continue
            if re.search(r"\bto\s+$", before) and not pledged and (_INTENT.search(before) or (
                    trigger.event_type == "CONSULT" and _ASKING.search(lowered[:start]))):
                continue
            pair = _actors(trigger, sentence, start, end, mentions, actors, pronoun)
            if pair is None:
                continue
            actor, target = pair
            # "“China supports peace,” the embassy in Paris said": a quoted act's target is in the quote
            # (not a quoted word: “appreciated” Beijing's efforts)
            inside = next(((a, b) for (a, b), words in quoted_spans(sentence) if a < start < b
                           and len(words.split()) >= 3), None)
            if inside is not None and target is not None and not inside[0] <= target.start < inside[1]:
                target = None
            # "Lavrov met Wang in Moscow": a consultation with one's own state is a misread place
            if trigger.event_type == "CONSULT" and target is not None and target.kind == "state" and \
                    actors.side(target.canonical) == actors.side(actor.canonical):
                target = None
            if actor is pronoun and target is None and trigger.event_type == "CONSULT":
                continue  # "He also met officials": whom, the sentence does not say
            taken.append((start, end, (trigger.event_type, trigger.mode)))
            mode = _mode(trigger, _own_clause(lowered, start), lowered[start:end])
            reported = trigger.event_type in _STATEMENT_TYPES and _REPORTING.search(lowered[:start])
            if (_FUTURE.search(before) or pledged) and not reported or (mode == "third-party" and trigger.passive):
                # (a deal "brokered by China": the mediation is background to the deal, undated)
                day = EventDate(published, "published")
            elif re.match(r"(?:(?:phone|telephone)\s+)?(?:visit|trip|tour|talks|meeting|call|conversation)\b",
                          lowered[start:]) and _PREPOSITIONAL_REFERENCE.search(before):
                # "commented on Thursday on the telephone conversation between ...": the day is the comment's;
                # the conversation's own day is in its noun phrase, if anywhere
                day = resolve_event_date(sentence[start:], 0, end - start, published)
            else:
                day = when if carried else resolve_event_date(sentence, start, end, published)
            # "urged French and German officials": one event per joined target
            second = _coordinated(sentence, target, mentions) if target is not None and \
                trigger.event_type in _STATEMENT_TYPES else None
            each_target: tuple[Mention | None, ...] = (target, second) if second is not None else (target,)
            if trigger.mode == "visit" and target is not None:  # "will visit Ukraine, Poland and Russia"
                each_target = (target, *_listed(sentence, target, mentions))
            if mode == "third-party":  # mediation: one event per mediated party
                each_target = _mediated(sentence, start, end, trigger.passive, mentions, actor, actors)
                if not each_target:
                    taken.pop()
                    continue
            each_target = tuple(t for t in each_target if t is None or t.canonical != actor.canonical)
            if not each_target:  # an actor acting on itself is a misreading
                taken.pop()
                continue
            # "Scholz and Macron have both urged Xi": a one-sided act of joined subjects, one event each
            doers = [actor]
            if trigger.event_type in _STATEMENT_TYPES and not trigger.passive:
                doers += [m for m in mentions if actor.end <= m.start and m.end <= start and _JOINED.fullmatch(
                    sentence[actor.end : m.start]) and re.fullmatch(
                    r"\s+(?:(?:have|has|had|both|also|jointly|each|all|\w+ly)\s+){0,3}", sentence[m.end : start])
                    and m.canonical not in {actor.canonical, *(t.canonical for t in each_target if t)}]
            for doer, each in ((d, t) for d in doers for t in each_target):
                found.append(Event(
                    actor=doer.canonical, event_type=trigger.event_type, mode=mode,
                    target=each.canonical if each else None, event_date=day.day, date_basis=day.basis,
                    location=_location(sentence, end, actors) if _PLACED.get(trigger.event_type, True) and
                    mode not in ("phone", "third-party") else None,
                    sentence=sentence, trigger=sentence[start:end],
                ))
    if not any(e.event_type == "ACCUSE" for e in found):
        found.extend(_reported_accusation(sentence, mentions, when, actors))
    found.extend(_received_in_places(sentence, mentions, when, actors, found))
    found.extend(_participle_meeting(sentence, mentions, published, found))
    return _dedupe(found, actors), context


# ("has met Putin more than 40 times": a tally, not an event)
_BACKGROUND = re.compile(r"\b(?:\w+|\d+)\s+(?:years|decades)\s+(?:ago|earlier|before)\b|"
                         r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|dozens?\s+of|several|many)\s+times\b")
_CONDITION = re.compile(r"\b(?:if|provided|providing|as\s+long\s+as|so\s+long\s+as|on\s+condition|unless)\b")
_YEAR = re.compile(r"\b(?:in|since|from)\s+(?:(?:early|late|mid-?)\s*)?(?:[A-Z][a-z]+\s+)?(?P<year>(?:19|20)\d\d)\b")


def _clause(sentence: str, start: int, end: int) -> str:
    """The comma- or semicolon-bounded stretch around a trigger."""
    left = max(sentence.rfind(",", 0, start), sentence.rfind(";", 0, start)) + 1
    right = min((i for i in (sentence.find(",", end), sentence.find(";", end)) if i >= 0), default=len(sentence))
    return sentence[left:right]


def _past_year(clause: str, published: date | None) -> bool:
    """"cut ties in 2016" in a 2023 story: an act of an earlier year is background."""
    return published is not None and any(int(m.group("year")) < published.year for m in _YEAR.finditer(clause))


def _listed(sentence: str, first: Mention, mentions: list[Mention]) -> list[Mention]:
    """The states listed after ``first``: "Ukraine, Poland, France and Russia"."""
    out, last = [], first
    for m in mentions:
        if m.start < last.end:
            continue
        if m.kind == "state" and re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)", sentence[last.end : m.start]) \
                and m.canonical not in {first.canonical, *(o.canonical for o in out)}:
            out.append(m)
            last = m
        else:
            break
    return out


_BARE_MINISTRY = re.compile(r"\b[Tt]he\s+(?:foreign\s+)?ministry\b(?!\s+of\b)")


def _placed_institutions(sentence: str, mentions: list[Mention], actors: ActorTable) -> list[Mention]:
    """"In Moscow, the foreign ministry welcomed ...", "the ministry in Kyiv said": a bare ministry
    placed in a capital is that state's."""
    out = list(mentions)
    for match in _BARE_MINISTRY.finditer(sentence):
        if any(m.start <= match.start() < m.end for m in mentions):
            continue
        placed = next((m for m in mentions if m.kind == "state" and (
            re.fullmatch(r",\s*", sentence[m.end : match.start()]) and re.search(r"\b[Ii]n\s+$", sentence[:m.start])
            or re.fullmatch(r"\s+in\s+", sentence[match.end() : m.start]))), None)
        if placed is None:
            continue
        ministry = actors.canonical(f"{placed.canonical} foreign ministry") or placed.canonical
        out.append(Mention(match.group(0), match.start(), match.end(), ministry, actors.kinds.get(ministry, "state")))
    return sorted(out, key=lambda m: m.start)


def _mediated(sentence: str, start: int, end: int, passive: bool, mentions: list[Mention], mediator: Mention,
              actors: ActorTable) -> tuple[Mention, ...]:
    """The parties a mediator brought together: "mediated the talks between A and B" (after the verb),
    "A and B agreed ... in a deal brokered by C" (before a passive); none named, none coded."""
    side = actors.side(mediator.canonical)
    mentions = [m for m in mentions if not re.search(r"\b(?:in|at)\s+$", sentence[max(0, m.start - 4) : m.start])]
    if passive:
        pool = [m for m in mentions if m.end <= start and actors.side(m.canonical) != side]
        pool = pool[-2:] if len(pool) >= 2 and _JOINED.fullmatch(sentence[pool[-2].end : pool[-1].start]) \
            else pool[-1:]
    else:
        pool = [m for m in mentions if m.start >= end and actors.side(m.canonical) != side][:2]
        if len(pool) == 2 and not _JOINED.fullmatch(sentence[pool[0].end : pool[1].start]):
            pool = pool[:1]
    return tuple(pool)


# "The call was welcomed in Kyiv and, more guardedly, in Washington": a passive with no agent whose
# places are the reacting governments.
_PASSIVE_IN_PLACE = re.compile(r"\b(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:\w+ly\s+)?"
                               r"(?P<verb>welcomed|praised|hailed|applauded|critici[sz]ed|condemned|rejected|"
                               r"dismissed)\s+in\s+")
_REACTIONS = {"welcomed": "SUPPORT", "praised": "SUPPORT", "hailed": "SUPPORT", "applauded": "SUPPORT",
              "criticised": "ACCUSE", "criticized": "ACCUSE", "condemned": "ACCUSE", "rejected": "REJECT",
              "dismissed": "REJECT"}


def _received_in_places(sentence: str, mentions: list[Mention], when: EventDate, actors: ActorTable,
                        found: list[Event]) -> list[Event]:
    """Each state named "in <place>" after an agentless passive reaction acts; the subject's actor
    (if any) is the target. A person "welcomed in Moscow" was received, not backed: no event here."""
    match = _PASSIVE_IN_PLACE.search(sentence)
    if match is None or re.search(r"\bby\b", sentence[match.end() :].split(".")[0]):
        return []
    subject = [m for m in mentions if m.end <= match.start()]
    if any(m.kind == "person" for m in subject):
        return []
    clause_end = re.search(r"[;.]|,\s+(?:but|while|which|who)\b", sentence[match.end() :])
    stop = match.end() + (clause_end.start() if clause_end else len(sentence))
    places = [m for m in mentions if match.end() - 4 <= m.start < stop and actors.kinds.get(m.canonical) == "state"
              and re.search(r"\bin\s+$", sentence[max(0, m.start - 4) : m.start])]
    kind = _REACTIONS[match.group("verb").replace("criticized", "criticised")]
    target = subject[0].canonical if subject else None
    return [Event(m.canonical, kind, None, target, when.day, when.basis, None, sentence, match.group(0).strip())
            for m in places if not any(e.actor == m.canonical and e.event_type == kind for e in found)]


# "Meeting in Beijing on Thursday, the Saudi and Iranian foreign ministers agreed ...": the opening
# participle is a meeting (or call) of the clause's joined subjects.
_OPENING_PARTICIPLE = re.compile(r"^\s*(?:Meeting|Speaking|Talking)\b(?P<how>[^,]{0,80}),\s+(?:the\s+)?")


def _participle_meeting(sentence: str, mentions: list[Mention], published: date | None,
                        found: list[Event]) -> list[Event]:
    match = _OPENING_PARTICIPLE.match(sentence)
    if match is None or any(e.event_type == "CONSULT" for e in found):
        return []
    subjects = [m for m in mentions if m.start >= match.end()][:2]
    if len(subjects) < 2 or subjects[0].start != match.end() or not _JOINED.fullmatch(
            sentence[subjects[0].end : subjects[1].start]):
        return []
    how = match.group("how").lower()
    mode = "phone" if PHONE.search(how) or "by phone" in how else "meeting"
    day = resolve_date(sentence[: match.end()], published)
    return [Event(subjects[0].canonical, "CONSULT", mode, subjects[1].canonical, day.day, day.basis, None, sentence,
                  sentence[: match.end()].strip(" ,"))]


def _reported_accusation(sentence: str, mentions: list[Mention], when: EventDate, actors: ActorTable) -> list[Event]:
    """"Russia's foreign ministry said Kyiv had undermined every peace effort": the speaker accuses."""
    for match in _REPORTING.finditer(sentence):
        complement = sentence[match.end() :]
        if not ACCUSATION.search(complement) or NEGATION.search(complement[: ACCUSATION.search(complement).start()]):
            continue
        speakers = [m for m in mentions if m.end <= match.start() and _subject_like(sentence, m)]
        # "with Moscow's foreign ministry claiming Kyiv ...": a participle's subject is right before it
        right_before = [m for m in mentions if match.group(0).lower().split()[0].endswith("ing")
                        and 0 <= match.start() - m.end <= 1]
        if not speakers and not right_before:
            continue
        speaker = (right_before or speakers)[0]
        targets = [m for m in mentions if m.start >= match.end()
                   and actors.side(m.canonical) != actors.side(speaker.canonical)]
        # "said Li had been told that Russia bore responsibility": the accused is the accusation's subject
        accused = [m for m in targets if m.end <= match.end() + ACCUSATION.search(complement).start()]
        targets = accused[-1:] + [m for m in targets if m not in accused[-1:]]
        if targets:
            return [Event(speaker.canonical, "ACCUSE", None, targets[0].canonical, when.day, when.basis, None,
                          sentence, sentence[match.start() : match.end()].strip())]
    return []


def _actors(trigger: Trigger, sentence: str, start: int, end: int, mentions: list[Mention], actors: ActorTable,
            pronoun: Mention | None = None) -> tuple[Mention, Mention | None] | None:
    lowered = sentence.lower()
    # "..., Kuleba said." at the end: the speaker, not a party to what is reported
    attribution = _TRAILING_ATTRIBUTION.search(sentence)
    speaker = next((m for m in mentions if attribution and m.start >= attribution.start()), None)
    if speaker is not None:
        mentions = [m for m in mentions if m.start < attribution.start()]
    after = [m for m in mentions if m.start >= end]
    # "the Chinese president's first call with Zelensky", "Kyiv's choice of ... as ambassador":
    # the possessor is the actor
    owner = next((m for m in mentions if 0 <= start - m.end <= 16 and re.match(r"['’]s\b", sentence[m.end : m.end + 3])
                  or (0 <= start - m.end <= 16 and m.text.endswith(("'s", "’s")))), None)
    if owner is not None and _OWNED.match(lowered[start:end]):
        return owner, (_ambassador_target(sentence, start, mentions) if trigger.event_type == "COOPERATE" else None) \
            or (_destination(sentence, end, mentions, owner) if trigger.mode == "visit" else None) \
            or next((m for m in after if m.canonical != owner.canonical), None)
    if trigger.nominal(lowered[start:end]) or (_BETWEEN.search(lowered, start, min(len(sentence), end + 12))
                                               and len(after) >= 2):
        inside = [m for m in mentions if m.start > start]  # "the appointment of A's ambassador to B"
        appointing = _ambassador_owner(sentence, start, mentions, actors) if trigger.event_type == "COOPERATE" else None
        if appointing is not None:  # "the appointment of Riabikin as Ukraine's ambassador to China"
            return appointing, _ambassador_target(sentence, start, mentions)
        if inside:  # "a call between A and B"
            return inside[0], (_ambassador_target(sentence, start, mentions)
                               if trigger.event_type == "COOPERATE" else None) or next(
                (m for m in inside[1:] if m.canonical != inside[0].canonical), None)
    if trigger.adjacent_target and not (after and after[0].start - end <= 5):
        return None
    if trigger.joint:
        joined = [m for m in mentions if m.end <= start]
        if len(joined) >= 2 and _JOINED.fullmatch(sentence[joined[-2].end : joined[-1].start]) and \
                not sentence[joined[-1].end : start].strip(" ,").count(" ") > 3:
            return joined[-2], joined[-1]
        return None
    region = _clause_start(sentence, start, mentions)
    before = [m for m in mentions if region <= m.start and m.end <= start and _subject_like(sentence, m)
              and not _in_relative_clause(sentence, m)]
    if trigger.passive:
        agent = after[0] if after else None
        # "The plan, published by Beijing, was dismissed by Washington": with no subject actor, the
        # subject phrase's own actor is what was acted on
        owners = [m for m in mentions if region <= m.start and m.end <= start]
        patient = (_ambassador_target(sentence, max(0, start - 80), mentions) if trigger.event_type == "COOPERATE"
                   else None) or (before[0] if before else None) or (owners[0] if owners else None)
        return (agent, patient) if agent else None
    actor = before[0] if before else (pronoun if pronoun is not None and region == 0 else None)
    # "French officials, who urged Beijing": the relative pronoun's antecedent acts
    if (relative := re.search(r",\s+who\s+(?:(?:also|had|has|have|later|then|\w+ly)\s+){0,2}$", sentence[:start])):
        antecedent = [m for m in mentions if m.end == relative.start()]
        if antecedent:
            actor = antecedent[0]
    # "accused China of ..., a charge Beijing denies": a subject right before the verb, after the first
    # subject's own act, starts a clause of its own
    elif actor is not None and (adjacent := next((m for m in before if re.fullmatch(
            r"\s+(?:(?:has|have|had|also|still|again|repeatedly|\w+ly)\s+){0,2}", sentence[m.end : start])), None)) \
            and adjacent is not actor and any(t.pattern.search(lowered, actor.end, adjacent.start) for t in TRIGGERS):
        actor = adjacent
    if actor is None and trigger.event_type == "CONSULT":
        actor = _visit_owner(sentence, start, end, mentions)
    if actor is None:
        return None
    statement = trigger.event_type in _STATEMENT_TYPES
    # "The ministry said the envoy had met Zelensky": the speaker reports someone else's act
    if not statement and (reports := [r for r in _SAID.finditer(sentence, actor.end, start)]) and re.match(
            r"(?:the|a|an)\s+(?:[\w-]+\s+){1,6}?(?:had|has|have|was|were|is|would|will)\b",
            sentence[reports[-1].end() :]) \
            and len(sentence[reports[-1].end() : start].split()) > 2 and not any(
            reports[-1].end() <= m.start < start for m in mentions):
        return None
    if region > 0 and statement and _REPORTING.search(sentence[:region]):
        # "Kuleba said Kyiv welcomed ...": a person speaking for their own side acts
        speakers = [m for m in mentions if m.end <= region and m.kind == "person" and _subject_like(sentence, m)]
        if speakers and actors.side(speakers[0].canonical) == actors.side(actor.canonical) and actor.kind != "person":
            actor = speakers[0]
    elif region == 0 and statement and speaker is not None and speaker.kind == "person" and \
            actor.kind != "person" and actors.side(speaker.canonical) == actors.side(actor.canonical):
        actor = speaker  # "Kyiv rejects any plan ..., Kuleba said"
    # "Saudi Arabia and Iran agreed": the second of two joined subjects is the other party
    joined = [m for m in mentions if actor.start <= m.start and m.end <= start]
    if trigger.event_type in ("AGREE", "CONSULT", "COOPERATE") and len(joined) >= 2 and _JOINED.fullmatch(
            sentence[joined[0].end : joined[1].start]):
        return joined[0], joined[1]
    if trigger.event_type != "COOPERATE":
        after = [m for m in after if not _described(sentence, m)]
    # "welcomed the call ... and urged Beijing": a target stops at the next coordinated verb or semicolon
    if (next_verb := _NEXT_VERB.search(lowered, end)) is not None:
        after = [m for m in after if m.start < next_verb.start()]
    if (semicolon := sentence.find(";", end)) >= 0:
        after = [m for m in after if m.start < semicolon]
    # "held talks in Moscow with Lavrov": a place the meeting is in is not the other party
    if trigger.event_type == "CONSULT" and trigger.mode != "visit" and not trigger.adjacent_target:
        parties = [m for m in after if not re.search(r"\b(?:in|at)\s+$", lowered[max(0, m.start - 4) : m.start])]
        after = parties or after
    # "dismissed Western criticism of Beijing's efforts": Beijing is the criticised, not the dismissed
    after = [m for m in after if not _OF_CLAIM.search(lowered[end : m.start])]
    # "warned the West against sending weapons to Kyiv": Kyiv is in what was warned against
    after = [m for m in after if not re.search(r"\b(?:against|from|of)\s+\w+ing\b", lowered[end : m.start])]
    # "denied supplying weapons to Russia", "rejected claims that ...": what is denied names no target
    if trigger.event_type == "REJECT" and re.match(r"\s+(?:having\s+)?(?:\w+ing|that)\b", lowered[end:]):
        return actor, None
    if trigger.event_type == "REQUEST" and (asked := _asked(sentence, end, mentions, actor)) is not None:
        return actor, asked[0]
    target = (_ambassador_target(sentence, start, mentions) if trigger.event_type == "COOPERATE" else None) or (
        _destination(sentence, end, mentions, actor) if trigger.mode == "visit" else None) or next(
        (m for m in after if m.canonical != actor.canonical), None)
    return actor, target


_NEXT_VERB = re.compile(r"\s+(?:and|but)\s+(?:also\s+|then\s+|later\s+)?(?:[a-z]+ly\s+)?[a-z]+ed\b(?!\s+(?:by|to)\b)")
_OF_CLAIM = re.compile(r"\b(?:criticism|accusations?|allegations?|claims?|charges?)\s+of\s+(?:\w+\s+){0,1}$")


# Where the object of "urged", "pressed", "called on" ends: "urged Li in Brussels on Thursday to ...".
_OBJECT_END = re.compile(r"\s+(?:to|in|on|at|during|for|from|over|about|after|before|while|which|who|by)\b|[,;.:“\"]")


def _asked(sentence: str, end: int, mentions: list[Mention], actor: Mention) -> tuple[Mention | None] | None:
    """The one urged or pressed: the mention in the verb's object ("urged the Chinese envoy to ..."),
    none when the object names no actor ("urged all parties to ..."), and for "pressed him" the
    last person named before; None (no answer) when the verb has a clause, not an object."""
    rest = sentence[end:]
    if re.match(r"\s+(?:that|whether|if)\b", rest):
        return None
    stop = _OBJECT_END.search(rest)
    phrase_end = end + (stop.start() if stop else len(rest))
    inside = [m for m in mentions if end <= m.start and m.end <= phrase_end and m.canonical != actor.canonical]
    if inside:
        return (inside[0],)
    if re.match(r"\s+(?:him|her)\b", rest):
        people = [m for m in mentions if m.end <= end and m.kind == "person" and m.canonical != actor.canonical]
        return (people[-1] if people else None,)
    return (None,)


def _described(sentence: str, mention: Mention) -> bool:
    """A mention that only describes another actor ("its ambassador to France, Lu Shaye") or that the
    actor pointedly leaves out ("without naming China"): not a target."""
    head = sentence[max(0, mention.start - 40) : mention.start].lower()
    return bool(re.search(r"\b(?:ambassador|envoy|representative)\s+(?:to|in)\s+$", head) or _WITHOUT.search(head))


def _coordinated(sentence: str, target: Mention, mentions: list[Mention]) -> Mention | None:
    """The second of two joined targets: "urged French and German officials", "accused Kyiv and Washington"."""
    following = [m for m in mentions if m.start >= target.end]
    if following and following[0].canonical != target.canonical and \
            _JOINED.fullmatch(sentence[target.end : following[0].start]):
        return following[0]
    return None


def _visit_owner(sentence: str, start: int, end: int, mentions: list[Mention]) -> Mention | None:
    """"During his state visit to China earlier this month, Macron urged ...", "in his call with
    Zelensky, that Xi had promised": the visitor or caller is the subject of the clause after the phrase."""
    if not _OWN_VISIT.search(sentence[:start].lower()):
        return None
    comma = sentence.find(",", end)
    if comma < 0:
        return None
    return next((m for m in mentions if m.start > comma and _subject_like(sentence, m)), None)


def _destination(sentence: str, end: int, mentions: list[Mention], actor: Mention) -> Mention | None:
    """Where a visit or an envoy goes: the direct object ("visited Beijing"), else the state after
    "to" or "in", not an apposition's "ambassador to Russia"."""
    direct = next((m for m in mentions if 0 <= m.start - end <= 1 and m.canonical != actor.canonical
                   and m.kind == "state"), None)
    if direct is not None:
        return direct
    for match in re.finditer(r"\b(?:to|in)\s+", sentence[end:]):
        if re.search(r"ambassador\s*$", sentence[end : end + match.start()]):
            continue
        at = end + match.end()
        found = next((m for m in mentions if m.start == at and m.canonical != actor.canonical), None)
        if found is not None:
            return found
    return None


def _clause_start(sentence: str, start: int, mentions: list[Mention]) -> int:
    """Where the trigger's clause begins: after a reporting verb whose complement holds a mention
    ("the ministry said Kuleba had rejected"), or after the last comma or semicolon followed by one
    ("Despite ..., Macron urged"); else the sentence's start."""
    head = sentence[:start]
    cut = 0
    for match in _REPORTING.finditer(head):
        if any(match.end() <= m.start < start and _subject_like(sentence, m) for m in mentions):
            cut = match.end()
    for match in _THAT.finditer(head):  # "..., and that Berlin would welcome"
        if any(m.start == match.end() and _subject_like(sentence, m) for m in mentions):
            cut = max(cut, match.start())
    for match in _NEW_CLAUSE.finditer(sentence):  # "...; Scholz did not meet him, but officials held talks"
        if match.end() <= start:  # (the whole sentence: the look-ahead must see the next word)
            cut = max(cut, match.end())
    for match in re.finditer(r"[,;]\s+", head):
        # "Despite ..., Macron urged": a new clause whose subject follows the comma; not an
        # apposition ("Wang Yi, China's top diplomat, met"), whose possessive is no subject.
        if match.end() > cut and any((m.start == match.end() or (m.start > match.end() and not head[
                match.end() : m.start].strip(" ").split()[1:])) and _subject_like(sentence, m)
                for m in mentions if m.end <= start):
            cut = match.end()
    return cut


def _in_relative_clause(sentence: str, mention: Mention) -> bool:
    """Inside ", who visited Beijing earlier this month," (background, not the clause's subject)."""
    head = sentence[: mention.start]
    opening = max(head.rfind(", who "), head.rfind(", which "), head.rfind(", whose "))
    return opening >= 0 and "," not in sentence[opening + 2 : mention.start]


def _ambassador_target(sentence: str, start: int, mentions: list[Mention]) -> Mention | None:
    """The host state of an ambassador: the mention right after "ambassador to" (or "in")."""
    match = re.compile(r"ambassador\s+(?:to|in)\s+", re.IGNORECASE).search(sentence, start)
    if match is None:
        return None
    return next((m for m in mentions if m.start == match.end()), None)


_AMBASSADOR_OF = re.compile(r"(?P<who>[\w'’]+)\s+(?:new\s+|next\s+|first\s+)?ambassador\b", re.IGNORECASE)


def _ambassador_owner(sentence: str, start: int, mentions: list[Mention], actors: ActorTable) -> Mention | None:
    """Whose ambassador: "Ukraine's ambassador", "a new Ukrainian ambassador" (the appointing state)."""
    match = _AMBASSADOR_OF.search(sentence, start)
    if match is None:
        return None
    owned = next((m for m in mentions if m.end == match.end("who") or m.end + 2 == match.end("who")), None)
    if owned is not None and re.search(r"['’]s$", match.group("who")):
        return owned
    state = demonym_state(match.group("who"))
    if state is not None and state in actors.kinds:
        return Mention(match.group("who"), match.start("who"), match.end("who"), state, "state")
    return None


def _first_person_events(text: str, quotes: Sequence[Quote], published: date | None, actors: ActorTable,
                         events: list[Event]) -> list[Event]:
    """"I had a long call with President Xi," Zelensky wrote: the speaker's own report of what they did."""
    found = []
    sentences = split_sentences(text)
    for quote in quotes:
        if quote.speaker is None or actors.kinds.get(quote.speaker) is None:
            continue
        match = re.match(r"\s*(?:I|We)\b", quote.quote)
        if match is None:
            continue
        # "our ambassador" in the speaker's words is the speaker's side's
        told = quote.speaker + re.sub(r"\b(?:our|my|Our|My)\b", f"{quote.speaker}'s", quote.quote[match.end() :])
        sentence = _sentence_of(quote, sentences)
        when = resolve_date(sentence, published)
        for event in sentence_events(told, published, actors):
            if event.actor == quote.speaker and not any(
                    e.event_type == event.event_type and e.sentence == sentence for e in events + found):
                found.append(replace(event, sentence=sentence, event_date=when.day, date_basis=when.basis))
    return found


def _sentence_of(quote: Quote, sentences: Sequence[Sentence]) -> str:
    """The sentence a quotation stands in (the quote itself when it spans sentences)."""
    return next((s.text for s in sentences if quote.quote[:40] in s.text), quote.quote)


def _quoted_accusations(text: str, quotes: Sequence[Quote], published: date | None, actors: ActorTable,
                        events: list[Event]) -> list[Event]:
    """A speaker's own accusing words about another actor ("Kyiv has no interest in peace,"
    Zakharova said) are the speaker's ACCUSE event."""
    found = []
    sentences = split_sentences(text)
    for quote in quotes:
        if quote.speaker is None or quote.speaker not in actors.kinds or not ACCUSATION.search(quote.quote) or \
                _FIRST_PERSON_START.match(quote.quote):
            continue
        side = actors.side(quote.speaker)
        targets = [m for m in actors.mentions(quote.quote) if actors.side(m.canonical) != side]
        if not targets:
            continue
        sentence = _sentence_of(quote, sentences)
        if any(e.actor == quote.speaker and e.event_type == "ACCUSE" and e.sentence == sentence for e in events):
            continue
        when = resolve_date(sentence, published)
        found.append(Event(quote.speaker, "ACCUSE", None, targets[0].canonical, when.day, when.basis, None,
                           sentence, quote.quote[:60]))
    return found


# "Ukraine will not accept any proposals ...," the ministry said: the speaker's side refusing is a REJECT
_REFUSAL = re.compile(r"\b(?:will|would|shall|can|could|do|does|did)\s*(?:not|never|n't)\s+(?:\w+\s+)?"
                      r"(?:accept|agree\s+to|recogni[sz]e|tolerate|negotiate\s+on)\b|\b(?:cannot|won't)\s+"
                      r"(?:accept|agree\s+to|recogni[sz]e|tolerate)\b|\b(?:rejects?|refuses?)\b")


def _quoted_refusals(text: str, quotes: Sequence[Quote], published: date | None, actors: ActorTable,
                     events: list[Event]) -> list[Event]:
    found = []
    sentences = split_sentences(text)
    for quote in quotes:
        if quote.speaker is None or quote.speaker not in actors.kinds or not (refusal := _REFUSAL.search(quote.quote)):
            continue
        side = actors.side(quote.speaker)
        head = quote.quote[: refusal.start()]
        subjects = actors.mentions(head)
        if not (re.match(r"\s*We\b", head) or (subjects and re.match(rf"\s*{re.escape(subjects[0].text)}\b", head)
                                                and actors.side(subjects[0].canonical) == side)):
            continue
        sentence = _sentence_of(quote, sentences)
        if any(e.event_type == "REJECT" and e.sentence == sentence for e in events + found):
            continue
        targets = [m for m in actors.mentions(quote.quote[refusal.end() :]) if actors.side(m.canonical) != side]
        when = resolve_date(sentence, published)
        found.append(Event(quote.speaker, "REJECT", None, targets[0].canonical if targets else None, when.day,
                           when.basis, None, sentence, refusal.group(0)))
    return found


_PREPOSITIONS = frozenset({"of", "to", "with", "for", "by", "from", "in", "on", "at", "against", "about", "over",
                           "told", "asked", "urged", "informed", "assured", "between", "and", "backing", "than"})


_HOLDERS_OF = re.compile(r"^\s*(?:the\s+)?(?:[a-z]+\s+)?(?:ministers|leaders|presidents|heads|governments|"
                         r"delegations|representatives|envoys|officials)\s+of\s+(?:(?:[A-Za-z]+\s+){1,3}and\s+)?$")


def _subject_like(sentence: str, mention: Mention) -> bool:
    """Whether a mention can be a clause's subject: not a possessive ("China's readiness") and not
    the object of a preposition or of a verb of telling ("of China", "told Zelensky")."""
    if re.match(r"['’][sS]\b", sentence[mention.end : mention.end + 3]) or \
            mention.text.endswith(("'s", "’s", "'S", "’S")):
        return False
    head = sentence[max(0, mention.start - 40) : mention.start].lower()
    # "the foreign ministers of Saudi Arabia and Iran met": the office holders of a state are the state
    if _HOLDERS_OF.search(head):
        return True
    previous = re.findall(r"[\w'’]+", head[-20:])
    return not previous or previous[-1] not in _PREPOSITIONS


def quoted_spans(sentence: str) -> list[tuple[tuple[int, int], str]]:
    """Quoted stretches of a sentence with their words; a quote opened and not closed in the
    sentence (it goes on in the next) runs to the sentence's end, and one closed but not opened
    runs from its start."""
    spans = [((m.start(), m.end()), m.group(0)) for m in _QUOTED.finditer(sentence)]
    rest = _QUOTED.sub(lambda m: " " * len(m.group(0)), sentence)
    if (opening := re.search(r"[“\"]", rest)) and not re.search(r"[”\"]", rest[opening.end():]):
        if not re.search(r"[”]", rest[: opening.start()]):
            spans.append(((opening.start(), len(sentence)), sentence[opening.start():]))
    elif closing := re.search(r"[”]", rest):
        spans.append(((0, closing.end()), sentence[: closing.end()]))
    return spans


def _own_clause(lowered: str, start: int) -> str:
    """"visited Moscow, where he held talks with Lavrov": the talks' channel is their own clause's."""
    cut = lowered.rfind(", where ", 0, start)
    if cut >= 0:
        return lowered[cut:]
    after = lowered.find(", where ", start)
    return lowered[:after] if after >= 0 else lowered


def _mode(trigger: Trigger, lowered: str, matched: str = "") -> str | None:
    if trigger.event_type != "CONSULT":
        return trigger.mode
    if trigger.adjacent_target:  # "told X ...": a phone call only if the sentence says so
        return "phone" if PHONE.search(lowered) else None
    if trigger.mode == "third-party":
        return "third-party"
    if trigger.mode == "visit" or VISIT.search(lowered) and not PHONE.search(lowered):
        return "visit"
    if PHONE.search(lowered):
        return "phone"
    if MEETING.search(lowered) or re.search(r"\b(?:talks|discussions?)\b", matched):
        return "meeting"  # "held talks in Beijing": in person unless a phone is named
    return trigger.mode


def _location(sentence: str, after: int, actors: ActorTable) -> str | None:
    for match in _LOCATION.finditer(sentence, after):
        place = actors.canonical(match.group("place"))
        if place is not None and actors.kinds.get(place) == "state":
            return place
    return None


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < position < e for s, e in spans)


def _dedupe(events: list[Event], actors: ActorTable) -> list[Event]:
    """One event per (sides, type) in a sentence: "visited Moscow for talks with Putin" is one
    consultation, named by its most specific target (a person over a state)."""
    best: dict[tuple[str, str, str | None, str | None], Event] = {}
    for e in events:
        if actors.kinds.get(e.actor) == "person" and e.actor not in actors.affiliations:
            continue  # someone the text names only by name, for no state: whose act it is is unknown
        if e.event_type == "CONSULT" and e.target is None:
            continue  # a consultation is between two parties: "spoke to reporters" names no second one
        key = (actors.side(e.actor), e.event_type, e.mode, actors.side(e.target) if e.target else None)
        kept = best.get(key)
        if kept is None or (actors.kinds.get(e.target or "") == "person"
                            and actors.kinds.get(kept.target or "") != "person"):
            best[key] = e
    return [e for e in events if e in best.values()]
