"""The PLOVER event dictionary: the verb phrases news uses for each event type, and its modes.

PLOVER (Political Language Ontology for Verifiable Event Records) codes an event
as source actor, event type, target actor, with a mode for some types (CONSULT:
phone, visit, meeting, third-party). Each :class:`Trigger` is a regular
expression over the lower-cased sentence; ``passive`` marks a phrase whose
grammatical subject is the target ("was criticised by ..."). Only actions and
policy statements are listed: opinion verbs ("believes", "thinks") and
forecasts are not, so commentary codes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EVENT_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
               "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")


@dataclass(frozen=True)
class Trigger:
    event_type: str
    pattern: re.Pattern[str]
    mode: str | None = None
    passive: bool = False
    adjacent_target: bool = False  # codes only when an actor follows at once ("told Xi", not "told reporters")
    joint: bool = False  # codes only with two joined subjects ("Zelensky and Xi spoke")

    def nominal(self, text: str) -> bool:
        """A noun phrase ("the appointment of A's ambassador", "a call between A and B"): the actors follow it."""
        return bool(NOMINAL.match(text))


def _t(event_type: str, regex: str, mode: str | None = None, passive: bool = False,
       adjacent_target: bool = False, joint: bool = False) -> Trigger:
    return Trigger(event_type, re.compile(regex), mode, passive, adjacent_target, joint)


_W = r"(?:\s+[\w'’-]+){0,4}?"  # up to four words in between
# up to four words, none a speech verb or "that": "have repeatedly said that any discussion" is no talks
# nor a past participle: "had encouraged Xi during their talks", "had repeated its call" are other verbs
# nor another verb ("has long sought a call", "had been pushing for the call")
_W_SAME_CLAUSE = (r"(?:\s+(?!(?:said|says|say|that|sought|made|took|gave|been|for)\b)(?![\w'’-]+ed\b)"
                  r"(?![\w'’-]+ing\b)[\w'’-]+){0,4}?")

# Words of a negative verdict on something ("unacceptable"), for "called X ..." and "described X as ...".
NEGATIVE_VERDICT = (r"(?:unacceptable|irresponsible|dangerous|absurd|outrageous|shameful|regrettable|deplorable|"
                    r"provocative|provocation|hypocritical|reckless|baseless|groundless|misleading|false|"
                    r"destabili[sz]ing|counterproductive|unhelpful|inappropriate|cynical|lies|nonsense|wrong)\b")

TRIGGERS: tuple[Trigger, ...] = (
    # CONSULT: talks, calls, meetings, visits, envoys.
    _t("CONSULT", rf"\b(?:held|holds|hold|had|has|have|having){_W_SAME_CLAUSE}\s+(?:(?:phone|telephone)\s+)?"
                  r"(?:call|calls|conversation|talks|discussions?)\b", "phone"),
    _t("CONSULT", r"\b(?:spoke|speaks|speak|speaking|talked|talks|talk|chatted)\b(?:\s+by\s+(?:phone|telephone))?"
                  r"(?:\s+[\w'’-]+){0,3}?\s+(?:with|to)\b", "phone"),
    _t("CONSULT", r"\b(?:phoned|telephoned|rang|dialled|dialed)\b", "phone"),
    # "took a phone call from Zelensky", "picked up the phone to Zelensky"
    _t("CONSULT", r"\b(?:took|takes|take|taking|received|receives|accepted|answered|returned)\s+(?:a|an|the|his|her)\s+"
                  r"(?:[\w-]+\s+)?(?:phone\s+|telephone\s+)?call\s+(?:from|with)\b", "phone"),
    _t("CONSULT", r"\b(?:picked|picks|pick|got|gets|get)\s+(?:up\s+|on\s+)the\s+(?:phone|telephone)\s+(?:to|with)\b",
       "phone"),
    _t("CONSULT", r"\b(?:phone|telephone)\s+(?:call|conversation|talks)\s+(?:between|with)\b", "phone"),
    # "the conversation on Wednesday between Xi and Zelensky": a day may stand between noun and parties
    _t("CONSULT", r"\b(?:call|conversation|talks)\s+(?:(?:late\s+|early\s+)?on\s+\w+\s+|last\s+(?:week|month)\s+|"
                  r"yesterday\s+)?(?:between|with)\b", "phone"),
    # "the meeting between Lavrov and Wang took place on Monday"
    _t("CONSULT", r"\b(?:meeting|summit)\s+(?:(?:late\s+|early\s+)?on\s+\w+\s+|last\s+(?:week|month)\s+|"
                  r"yesterday\s+)?between\b", "meeting"),
    # "discussed the peace plan with Kuleba": talks whose channel is not stated
    _t("CONSULT", r"\b(?:discussed|discusses|discussing)\b(?:\s+[\w'’-]+){0,6}?\s+with\b"),
    _t("CONSULT", r"\b(?:told|informed|briefed)\b(?!\s+by\b)", None,
       adjacent_target=True),
    _t("CONSULT", r"\b(?:spoke|speak|speaks|talked|talk|talks|met|meet|meets|conferred)\b(?!\s+(?:of|about|out)\b)",
       None, joint=True),
    # (not "was received by": the passive below names the host)
    _t("CONSULT", r"(?<!was\s)(?<!were\s)(?<!been\s)(?<!being\s)"
                  r"\b(?:met|meets|meet|meeting with|hosted|hosts|received)\b", "meeting"),
    _t("CONSULT", rf"\b(?:send|sends|sent|sending|dispatch|dispatched|dispatches|appoint|appointed|name|named)"
                  rf"{_W}\s+(?:special\s+)?(?:envoy|representative|delegation)\b", "visit"),
    # (not "sent weapons to Kyiv", "sent a letter to Xi": things sent are no visit)
    _t("CONSULT", r"\b(?:send|sends|sent|sending|dispatch|dispatches|dispatched|dispatching)\b"
                  r"(?!\s+(?:[\w'’-]+\s+){0,3}?(?:weapons|arms|aid|tanks|missiles|ammunition|shells|jets|troops|"
                  r"equipment|supplies|money|funds|letters?|messages?|condolences|greetings|signals?|invitations?)\b)"
                  r"(?=[^.;]{0,120}?\bto\s+[a-z])", "visit"),
    _t("CONSULT", r"\b(?:visit|visits|visited|visiting|travel(?:led|ed|s)?\s+to|trip\s+to|tour(?:ed)?\s+of|"
                  r"arrived\s+in|arrives\s+in|arriving\s+in|landed\s+in|"
                  r"spent\s+(?:\w+\s+){0,2}(?:days?|nights?|hours?|weeks?)\s+in)\b", "visit"),
    # "a deal brokered by China", "talks mediated by Oman": the agent mediated between the parties named
    _t("CONSULT", r"\b(?:mediated|brokered|facilitated)\s+by\b", "third-party", passive=True),
    _t("CONSULT", r"\b(?:mediate|mediated|mediating|broker talks)\b", "third-party"),
    _t("CONSULT", r"\b(?:was|were|had\s+been|has\s+been|have\s+been)\s+briefed\s+by\b", passive=True),
    # COOPERATE: diplomatic steps.
    _t("COOPERATE", r"\b(?:appoint|appointed|appoints|appointment\s+of|choice\s+of|nomination\s+of|named|names|"
                    r"nominated)\b"
                    r"(?:\s+[\w'’,-]+){0,12}?\s+ambassador\b"),
    _t("COOPERATE", r"\bambassador\b(?:\s+[\w'’-]+){0,4}?\s+(?:was|has\s+been|had\s+been)\s+(?:appointed|named)"
                    r"\s+by\b", passive=True),
    _t("COOPERATE", r"\bambassador\b(?:\s+[\w'’-]+){0,4}?\s+(?:was\s+)?(?:appointed|named)\b"),
    # "Ukraine's new ambassador to China": a fresh appointment, by the possessor
    _t("COOPERATE", r"\bnew\s+ambassador\b"),
    _t("COOPERATE", r"\b(?:normali[sz]e|normali[sz]ed|normali[sz]ing|restore|restored|restoring|resume|resumed|"
                    r"resuming|reopen|reopened|reopening|establish|established)\b(?:\s+[\w'’-]+){0,3}?\s+"
                    r"(?:relations|ties|diplomatic|embassies|missions)\b"),
    # AGREE
    _t("AGREE", r"\b(?:agreed|agrees|signed|signs|struck\s+a\s+deal|reached\s+an?\s+(?:agreement|deal)|"
                r"brokered\s+a\s+deal|broker\s+a\s+deal)\b"),
    # SUPPORT: backing, welcoming, praise.
    _t("CONSULT", r"\b(?:was|were|had\s+been|has\s+been)\s+(?:received|hosted|welcomed|greeted|met)\s+"
                  r"(?:[\w'’,-]+\s+){0,6}?by\b", "meeting", passive=True),
    # (not "behind our backs")
    _t("SUPPORT", r"\b(?:welcome(?!\s+to\b)|welcomed|welcomes|"
                  r"(?<!our\s)(?<!their\s)(?<!his\s)(?<!her\s)(?<!its\s)(?<!['’]s\s)backs|"
                  r"backed|praised|praises|praising|supports|"
                  r"supported|endorsed|endorses|hailed|hails|applauded|commended|voiced\s+support|"
                  r"valued|values|appreciated|appreciates|grateful\s+for|thanked|thanks(?!\s+to\b)|"
                  r"(?:was|is|are|were)\s+in\s+favou?r\s+of)\b"),
    # AID
    _t("AID", r"\breceiv(?:ed|es|ing|e)\s+(?:\w+\s+){0,2}?(?:support|aid|assistance|weapons|arms)\s+from\b",
       passive=True),
    # "has sent tanks and air defence systems to Kyiv"
    _t("AID", r"\b(?:sent|sends|send|sending|supplied|supplies|supply|supplying|delivered|delivers|deliver|"
              r"provided|provides|provide|gave|gives)\s+(?:[\w'’-]+\s+){0,3}?(?:weapons|arms|tanks|missiles|"
              r"ammunition|shells|artillery|jets|drones|air\s+defen[cs]es?|military\s+aid)\b"),
    _t("AID", r"\b(?:arming|armed|arms\s+to|weapons\s+to|military\s+(?:aid|support|assistance)|"
              r"humanitarian\s+aid|sent\s+weapons|supplied)\b"),
    # REQUEST: urging, appeals, demands.
    _t("REQUEST", r"\b(?:urged|urges|urging|called\s+on|calls\s+on|called\s+for|calls\s+for|appealed|appeals|"
                  r"demanded|demands|pressed|encouraged(?!\s+by\b)|encourages|"
                  # (not "when asked whether", "was asked about": a question put to the speaker)
                  r"(?<!when\s)(?<!if\s)(?<!was\s)(?<!were\s)(?<!been\s)asked(?!\s+(?:about|whether|if|how|why|what|"
                  r"when|where|by)\b))\b"),
    # "repeated its call for a full Russian withdrawal", "renewed its appeal for"
    _t("REQUEST", r"\b(?:repeated|repeats|renewed|renews|reiterated|reiterates|issued|made|makes)\s+"
                  r"(?:its|his|her|their|a|an)\s+(?:[\w-]+\s+)?(?:call|calls|appeal|appeals|demand|demands)\s+for\b"),
    # ACCUSE: criticism, blame.
    _t("ACCUSE", r"\b(?:was|were|been|being)\s+(?:sharply\s+|strongly\s+)?(?:criticised|criticized|accused|blamed|"
                 r"condemned|lambasted|denounced|faulted)\s+(?:(?:of|for)\s+[^.;,]{1,60}?\s+)?by\b", passive=True),
    # "called the remarks “unacceptable”", "described the plan as irresponsible": a negative verdict
    _t("ACCUSE", r"\b(?:called|calls|calling|described|describes|describing|branded|brands|labell?ed|termed|dubbed)\b"
                 rf"(?!\s+(?:on|for|off)\b)(?=[^.;]{{0,60}}?[\s“\"‘]{NEGATIVE_VERDICT})"),
    # "expressed its “dismay” at", "voiced concern over"
    _t("ACCUSE", r"\b(?:expressed|expresses|voiced|voices)\s+(?:(?:its|his|her|their|deep|strong|grave|serious)\s+)*"
                 r"[“\"‘]?(?:dismay|concern|outrage|indignation|displeasure|anger|regret|disappointment|protest)\b"),
    # ("firms accused of helping Russia": a participle with no object is a passive, not the subject's act)
    _t("ACCUSE", r"\b(?:accused(?!\s+of\b)|accuses|accuse|accusing|criticised|criticized|criticises|criticizes|"
                 r"criticising|"
                 r"criticizing|criticism\s+of|lambasted|lambasts|blamed|blames|blaming|condemned|condemns|"
                 r"denounced|denounces|slammed|slams|rebuked|faulted|chided)\b"),
    # REJECT
    _t("REJECT", r"\b(?:was|were|been|being)\s+(?:\w+ly\s+)?(?:dismissed|rejected|rebuffed|denied|brushed\s+aside)"
                 r"\s+by\b", passive=True),
    _t("REJECT", r"\b(?:rejected|rejects|rejecting|dismissed|dismisses|dismissing|denied|denies|"
                 r"(?:refused|refuses)(?!\s+to\s+(?:condemn|critici[sz]e|blame|denounce|name|comment|say|confirm|rule|"
                 r"disclose|discuss|answer|specify|elaborate)\b)|"
                 r"ruled\s+out|rebuffed|brushed\s+aside|turn(?:ed|s|ing)?\s+down|"
                 r"distanced\s+(?:itself|himself|herself|themselves)(?:\s+\w+){0,3}?\s+from|"
                 r"(?:saw|sees|see)\s+no\s+(?:basis|reason|grounds|need|point)\s+for)\b"),
    # THREATEN
    _t("THREATEN", r"\b(?:threatened|threatens|threatening|warned|warns)\b"),
    # SANCTION
    _t("SANCTION", r"\b(?:sanctioned|imposed\s+sanctions|sever(?:ed|ing)\s+(?:formal\s+|diplomatic\s+)?ties|"
                   r"expelled|cut\s+ties|recalled\s+(?:its\s+)?ambassador)\b"),
    # ASSAULT
    _t("ASSAULT", r"\b(?:attacked|shelled|bombed|struck|invaded|launched\s+(?:strikes|an?\s+attack|missiles))\b"),
)

# Noun phrases whose actors follow them: "the appointment of A's ambassador", "a call between A and B".
NOMINAL = re.compile(r"(?:appointment\s+of|choice\s+of|nomination\s+of|criticism\s+of|.*\bbetween$)",
                     re.IGNORECASE)
# Accusations made in a speaker's own words: a quote holding one of these, about another actor,
# is the speaker's ACCUSE event ("Kyiv has no interest in peace").
ACCUSATION = re.compile(
    r"\b(?:wreck|wrecks|wrecked|mess(?:ed)?\s+up|undermin\w*|sabotag\w*|derail\w*|no\s+interest\s+in\s+peace|"
    r"lies|lying|lied|provocation\w*|irresponsible|aggress\w*|hypocri\w*|blame\w*|obstruct\w*|escalat\w*|"
    r"destroy\w*|crimes?|criminal|terror\w*|puppet\w*|minders|handlers|reckless|betray\w*|ruin\w*|torpedo\w*|"
    r"spoil\w*|scuttl\w*|(?:bears?|bore|bearing)\s+(?:\w+\s+)?responsibility)\b", re.IGNORECASE)
# Words that make the clause not an event report.
NEGATION = re.compile(r"(?:\b(?:not|n't|never|no|neither|nor|without)\b(?:\s+[\w'’-]+){0,2}|"
                      r"\b(?:refused|refuses|refusing|declined|declines|declining|failed|fails)\s+to)\s*$")
# "would" is left out: in reported speech it is the future of the past ("Xi said Beijing would send").
# "is expected to visit" is a forecast, not an announced plan ("will visit").
HYPOTHETICAL = re.compile(r"\b(?:could|might|may|unlikely|likely to|expected to|if|whether|should)\b"
                          r"(?:\s+[\w'’-]+){0,3}\s*$|"
                          # "did not rule out a meeting", "a possible visit": not (yet) an act
                          r"\b(?:rule|rules|ruled|ruling)\s+out\s+(?:[\w'’-]+\s+){0,2}$|"
                          r"\b(?:possible|potential|proposed|future|prospective|eventual|hypothetical)\s+$")
PHONE = re.compile(r"\b(?:phone|telephone|call|called|phoned|conversation|dialled|rang)\b")
VISIT = re.compile(r"\b(?:visit|visits|visited|visiting|envoy|trip|travel|travelled|traveled|delegation)\b")
MEETING = re.compile(r"\b(?:met|meet|meeting|summit|hosted|received)\b")
