"""Actors: who a news text talks about, each under one canonical name.

In: the seed's text, an article's text and the user's alias corrections. Out: an
:class:`ActorTable` that finds actor mentions in a sentence and names each
canonically:

* people by the full name the seed or the article introduces ("Chinese President
  Xi Jinping"): later short forms ("Xi", "President Xi", "Mr Zelensky"), role
  phrases learned from the introduction ("the Chinese leader", "the Ukrainian
  president", "his Ukrainian counterpart") and spelling variants ("Zelenskyy",
  "Zelenskiy") all map to that name, the seed's spelling first;
* governments by their country ("Kyiv", "Beijing", "the Kremlin", "Washington",
  "the White House"), foreign ministries by one name each ("Russia's foreign
  ministry" -> "Russian Foreign Ministry").

The built-in table is small and general (capitals and seats of government);
everything story-specific is learned from the texts, and the warehouse keeps the
whole table (``actor_aliases``) so a user can correct it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

from extractors.known_actors import KNOWN_ACTORS, KNOWN_NAMES

ActorKind = Literal["person", "state", "organisation"]

# country -> (demonym, other names and seats of government that stand for its government)
_STATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "China": ("chinese", ("china", "beijing", "prc", "people's republic of china", "chinese government",
                          "zhongnanhai")),
    "Ukraine": ("ukrainian", ("ukraine", "kyiv", "kiev", "ukrainian government", "ukrainian authorities")),
    "Russia": ("russian", ("russia", "moscow", "kremlin", "russian government", "russian federation",
                           "russian authorities")),
    "France": ("french", ("france", "paris", "elysee", "elysee palace", "french government",
                          "french president's office", "french presidency")),
    "United States": ("american", ("united states", "us", "u.s.", "usa", "america", "washington", "white house",
                                   "us government", "biden administration", "us administration", "pentagon",
                                   "state department", "us state department")),
    "United Kingdom": ("british", ("united kingdom", "uk", "britain", "london", "downing street")),
    "Germany": ("german", ("germany", "berlin")),
    "Saudi Arabia": ("saudi", ("saudi arabia", "riyadh", "saudis")),
    "Iran": ("iranian", ("iran", "tehran")),
    "Poland": ("polish", ("poland", "warsaw")),
    "Italy": ("italian", ("italy", "rome")),
    "Japan": ("japanese", ("japan", "tokyo")),
    "Belarus": ("belarusian", ("belarus", "minsk")),
    "Hungary": ("hungarian", ("hungary", "budapest")),
    "Kazakhstan": ("kazakh", ("kazakhstan", "astana")),
    "Taiwan": ("taiwanese", ("taiwan", "taipei")),
    "India": ("indian", ("india", "new delhi")),
    "Turkey": ("turkish", ("turkey", "turkiye", "ankara")),
    "South Korea": ("south korean", ("south korea", "seoul", "republic of korea")),
    "North Korea": ("north korean", ("north korea", "pyongyang")),
    "Israel": ("israeli", ("israel", "jerusalem")),
    "Qatar": ("qatari", ("qatar", "doha")),
    "Oman": ("omani", ("oman", "muscat")),
    "United Arab Emirates": ("emirati", ("united arab emirates", "uae", "abu dhabi")),
    "Brazil": ("brazilian", ("brazil", "brasilia")),
    "South Africa": ("south african", ("south africa", "pretoria")),
    "Indonesia": ("indonesian", ("indonesia", "jakarta")),
    "Canada": ("canadian", ("canada", "ottawa")),
    "Australia": ("australian", ("australia", "canberra")),
    "Spain": ("spanish", ("spain", "madrid")),
    "Netherlands": ("dutch", ("netherlands", "the hague")),
    "Switzerland": ("swiss", ("switzerland", "bern")),
    "Moldova": ("moldovan", ("moldova", "chisinau")),
    "Lithuania": ("lithuanian", ("lithuania", "vilnius")),
    "European Union": ("european", ("european union", "eu", "brussels", "european commission")),
    "NATO": ("nato", ("nato", "north atlantic treaty organization")),
    "United Nations": ("un", ("united nations", "un", "u.n.")),
}
_STATE_GROUPS = ("officials", "official", "diplomats", "diplomat", "authorities", "government", "leadership",
                 "side", "delegation", "negotiators", "effort", "efforts", "initiative", "position", "proposal",
                 "plan", "mediation", "foreign office", "contribution", "stance", "readiness", "role", "presidency",
                 "president's office", "presidential office", "embassy", "capital")
_AGENT_GROUPS = frozenset({"officials", "diplomats", "authorities", "government", "leadership", "delegation",
                           "negotiators", "presidency", "president's office", "presidential office", "embassy",
                           "foreign office"})
# ("foreign office" is a state group: "Germany's foreign office" acts for Germany)
_MINISTRIES = ("foreign ministry", "ministry of foreign affairs", "foreign affairs ministry", "mfa")
# The foreign ministries coded as actors of their own: those whose spokespeople brief daily on the
# China-Russia-Ukraine story. Any other state's foreign ministry speaks for its state.
_MINISTRY_ACTORS = frozenset({"China", "Russia", "Ukraine"})
# Unnamed office holders ("the Polish foreign minister") whom no dictionary entry names: the state acts.
_STATE_ROLES = ("foreign minister", "prime minister", "president", "premier", "chancellor", "defence minister",
                "defense minister", "foreign secretary", "leader", "head of state", "ambassador", "spokesman",
                "spokeswoman", "spokesperson")
# Titles written before a name; absorbed into the mention ("President Xi", "Mr Zelensky").
_TITLES = frozenset({
    "president", "premier", "prime", "minister", "chancellor", "king", "queen", "prince", "ambassador",
    "envoy", "spokesperson", "spokesman", "spokeswoman", "secretary", "general", "mr", "mrs", "ms", "dr",
    "foreign", "defence", "defense", "state", "vice", "deputy", "leader", "counterpart", "head", "chief",
    "representative", "special", "senior", "adviser", "advisor", "official", "director", "commissioner",
})
# Capitalised words that never start or make a person's name.
_NOT_NAMES = frozenset({
    "the", "a", "an", "and", "or", "but", "in", "on", "at", "of", "for", "to", "by", "with", "from", "as",
    "meanwhile", "however", "despite", "both", "they", "he", "she", "it", "his", "her", "its", "their", "this",
    "that", "these", "those", "after", "before", "while", "when", "since", "during", "also", "asked",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "ministry", "foreign", "affairs", "office", "house", "news", "agency", "times", "post", "global",
    "twitter", "state", "west", "western", "east", "eastern", "asia", "asian", "europe", "european", "union",
    "republic", "federation", "council", "security", "army", "forces", "party", "government", "palace",
    "eurasian", "crimea", "kremlin", "white", "said", "says", "told", "read", "more",
    # articles of quoted French, German and Spanish ("„Die Gespräche waren offen“")
    "die", "der", "das", "le", "la", "les", "el", "los", "las",
    # sentence openers that are not first names ("Later Li said")
    "later", "earlier", "then", "now", "yesterday", "today", "speaking", "having", "meeting",
    "reuters", "afp", "bloomberg", "xinhua", "tass", "cnn", "bbc", "ap",
    "sea", "ocean", "river", "gulf", "strait", "bay", "lake", "mountains", "street", "square", "bank", "fund",
    "charter", "nations", "capital", "corridor", "plan", "deal", "formula", "summit", "committee", "department",
} | _TITLES)
_CHINESE_SURNAMES = frozenset({
    "xi", "li", "wang", "zhang", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu", "xu", "sun", "hu", "zhu",
    "gao", "lin", "he", "guo", "ma", "luo", "liang", "song", "zheng", "xie", "han", "tang", "feng", "yu", "dong",
    "xiao", "cheng", "cao", "yuan", "deng", "fu", "shen", "zeng", "peng", "lu", "su", "jiang", "cai", "jia",
    "ding", "wei", "xue", "ye", "yan", "pan", "du", "dai", "xia", "zhong", "tian", "ren", "fan", "fang", "shi",
    "yao", "tan", "liao", "zou", "xiong", "jin", "qin", "qiu", "hou", "bai", "cui", "kong", "mao", "wen",
})
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’.\-](?=[^\W\d_]))*", re.UNICODE)
_CAPITALISED = re.compile(r"^[A-Z\u00C0-\u00DE][a-z\u00DF-\u00FF'’\-]+$|^[A-Z]{2,}$")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """A matching key: accents and case gone, possessives dropped, transliteration variants merged
    ("Zelenskyy", "Zelenskiy", "Zelensky" -> "zelensky"; "Kiev" stays apart from "Kyiv" via the table)."""
    plain = unicodedata.normalize("NFKD", text.replace("’", "'")).encode("ascii", "ignore").decode("ascii").lower()
    words = []
    for word in re.findall(r"[a-z0-9]+(?:[.'][a-z0-9]+)*\.?", plain):
        word = word.removesuffix("'s").rstrip(".")
        word = re.sub(r"(?:iy|yy|ii|yi)$", "y", word)
        if word:
            words.append(word)
    return " ".join(words)


@dataclass(frozen=True)
class Mention:
    text: str
    start: int
    end: int
    canonical: str
    kind: ActorKind


@dataclass
class ActorTable:
    """alias (folded) -> canonical name; canonical name -> kind."""

    aliases: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, ActorKind] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # alias -> builtin | seed | article | user
    # person -> the state their introduction names ("Chinese President Xi Jinping" -> China)
    affiliations: dict[str, str] = field(default_factory=dict)
    # Lookup aids, rebuilt by add(): the first word of every alias, and mentions per sentence.
    _first_words: set[str] = field(default_factory=set, repr=False)
    _cache: dict[str, list[Mention]] = field(default_factory=dict, repr=False)

    def side(self, name: str) -> str:
        """The state an actor acts for: itself for a state, its affiliation for a person or ministry."""
        if name in self.affiliations:
            return self.affiliations[name]
        if name.endswith(" Foreign Ministry"):
            return self.aliases.get(fold(name.removesuffix(" Foreign Ministry")), name)
        return name

    def add(self, alias: str, canonical: str, kind: ActorKind, source: str, *, override: bool = False) -> None:
        key = fold(alias)
        if not key or (key in self.aliases and not override):
            return
        self.aliases[key] = canonical
        self.kinds.setdefault(canonical, kind)
        self.sources[key] = source
        self._first_words.add(key.split(" ", 1)[0])
        self._cache.clear()

    def copy(self) -> ActorTable:
        return ActorTable(dict(self.aliases), dict(self.kinds), dict(self.sources), dict(self.affiliations),
                          set(self._first_words))

    def canonical(self, mention: str) -> str | None:
        key = fold(mention)
        found = self.aliases.get(key)
        if found is None:
            words = key.split()
            while words and words[0] in _TITLES:
                words = words[1:]
            found = self.aliases.get(" ".join(words)) if words else None
        return found

    def mentions(self, sentence: str) -> list[Mention]:
        """Actor mentions in ``sentence``, longest match first, left to right, titles absorbed;
        "the Chinese and Ukrainian presidents" is two mentions."""
        cached = self._cache.get(sentence)
        if cached is None:
            cached = self._cache[sentence] = self._find(sentence)
        return list(cached)

    def _find(self, sentence: str) -> list[Mention]:
        return self._possessive_roles(sentence, self._find_plain(sentence))

    def _possessive_roles(self, sentence: str, found: list[Mention]) -> list[Mention]:
        """"China's strongman leader", "Ukraine's war hero president": a state's role holder, whatever
        words stand between (tabloid epithets)."""
        for match in _POSSESSIVE_ROLE.finditer(sentence):
            canonical = self.aliases.get(fold(f"{match.group('state')} {match.group('role')}"))
            if canonical is None or self.kinds.get(canonical) != "person":
                continue
            found = [m for m in found if not match.start() <= m.start < match.end()]
            found.append(Mention(match.group(0), match.start(), match.end(), canonical, "person"))
        return sorted(found, key=lambda m: m.start)

    def _find_plain(self, sentence: str) -> list[Mention]:
        resolved = [(match, self._role_pair(sentence, match)) for match in _ROLE_PAIR.finditer(sentence)]
        resolved = [(match, pair) for match, pair in resolved if pair]
        if resolved:
            blank = sentence
            for match, _pair in resolved:
                blank = blank[: match.start()] + " " * (match.end() - match.start()) + blank[match.end() :]
            pairs = [m for _match, pair in resolved for m in pair]
            return sorted(pairs + self._mentions(blank), key=lambda m: m.start)
        return self._mentions(sentence)

    def _role_pair(self, sentence: str, match: re.Match[str]) -> list[Mention]:
        """"the Chinese and Ukrainian presidents": the two people; "French and German officials",
        "the Saudi and Iranian foreign ministers" (no one the table knows): the two states."""
        out = []
        for group in ("a", "b"):
            canonical = self.aliases.get(fold(f"{match.group(group)} {match.group('role')}")) or \
                _DEMONYM_STATES.get(match.group(group).lower())
            if canonical is not None and canonical in self.kinds:
                out.append(Mention(match.group(group), match.start(group), match.end(group), canonical,
                                   self.kinds[canonical]))
        return out if len(out) == 2 else []

    def _mentions(self, sentence: str) -> list[Mention]:
        words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(sentence)]
        folded = [fold(w) for w, _, _ in words]
        out: list[Mention] = []
        i = 0
        while i < len(words):
            if folded[i] not in self._first_words:
                i += 1
                continue
            for n in range(min(6, len(words) - i), 0, -1):
                key = " ".join(f for f in folded[i : i + n] if f)
                canonical = self.aliases.get(key)
                if canonical is None:
                    continue
                start, end = words[i][1], words[i + n - 1][2]
                j = i
                while j > 0 and (_is_title(words, folded, j - 1) or (
                        folded[j - 1] == "of" and j > 1 and _is_title(words, folded, j - 2))):
                    j -= 1  # "Secretary of State Antony Blinken": a title may run across "of"
                    start = words[j][1]
                out.append(Mention(sentence[start:end], start, end, canonical, self.kinds[canonical]))
                i += n
                break
            else:
                i += 1
        return _merge_adjacent(sentence, out)

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(alias, canonical, kind, source) for the warehouse's actor_aliases."""
        return [(alias, name, self.kinds[name], self.sources.get(alias, "")) for alias, name in
                sorted(self.aliases.items())]


def _is_title(words: list[tuple[str, int, int]], folded: list[str], i: int) -> bool:
    """A capitalised title word ("President", "Secretary") at position ``i``."""
    return folded[i] in _TITLES and words[i][0][:1].isupper()


def _merge_adjacent(sentence: str, mentions: list[Mention]) -> list[Mention]:
    """"Chinese President Xi Jinping" is one mention, not a role phrase and a name side by side."""
    merged: list[Mention] = []
    for m in mentions:
        last = merged[-1] if merged else None
        gap = sentence[last.end : m.start].strip() if last is not None else "-"
        if last is not None and (not gap or _title_words(gap) and last.kind != "person") and (
                last.canonical == m.canonical or m.kind == "person"):
            # "Chinese President Xi Jinping"; "Russian foreign ministry spokeswoman Maria Zakharova" is her;
            # "his Chinese counterpart Qin Gang" is Qin Gang, whoever the role phrase alone would name
            merged[-1] = Mention(sentence[last.start : m.end], last.start, m.end, m.canonical, m.kind)
        else:
            merged.append(m)
    return merged


# Words of a lower-case job title between an institution and a name ("EU foreign policy chief Josep Borrell").
_TITLE_MODIFIERS = frozenset({"policy", "affairs", "national", "security", "council", "presidential", "press",
                              "top", "chief", "political", "foreign", "ministry"})


def _title_words(gap: str) -> bool:
    """Whether ``gap`` is a lower-case title ending in a title noun ("foreign policy chief", "spokesman")."""
    words = gap.split()
    return 0 < len(words) <= 4 and all(w.islower() and (w in _TITLES or w in _TITLE_MODIFIERS) for w in words) \
        and words[-1] in _TITLES


def demonym_state(word: str) -> str | None:
    """The state a demonym names ("Ukrainian" -> Ukraine), or None."""
    return _DEMONYM_STATES.get(word.lower())


def builtin_table() -> ActorTable:
    table = ActorTable()
    roles: dict[str, list[str]] = {}
    shorts: dict[str, int] = {}
    for name, _state, _role in KNOWN_ACTORS + KNOWN_NAMES:
        shorts[fold(_short_form(name))] = shorts.get(fold(_short_form(name)), 0) + 1
    for name, state, role in KNOWN_ACTORS:
        # "Li" is Li Qiang or Li Hui: a surname two entries share names no one until a text says which.
        canonical = _add_person(table, name, "builtin", short=shorts[fold(_short_form(name))] == 1)
        table.affiliations.setdefault(canonical, state)
        demonym = _STATES.get(state, ("", ()))[0]
        # "the Kremlin spokesman", "the Commission president": a role an institution's name makes unique
        own = [role.lower()] if role[:1].isupper() else []
        owners = [f"{name} {role.lower()}" for name in _STATES.get(state, ("", ()))[1][:3]]  # "US secretary of state"
        for phrase in _role_phrases(demonym, role.lower(), state) + [f"{state} {role.lower()}"] + own + owners:
            roles.setdefault(fold(phrase), []).append(canonical)
        if "envoy" in role or "representative" in role:  # "the Chinese envoy", "Beijing's envoy"
            for owner in (demonym, *_STATES.get(state, ("", ()))[1][:2]):
                for title in ("envoy", "special envoy", "special representative"):
                    roles.setdefault(fold(f"{owner} {title}"), []).append(canonical)
    for name, state, _role in KNOWN_NAMES:  # names only: their roles name no one
        canonical = _add_person(table, name, "builtin", short=shorts[fold(_short_form(name))] == 1)
        table.affiliations.setdefault(canonical, state)
    presidents = {name for name, _state, role in KNOWN_ACTORS if role == "president"}
    for phrase, listed in roles.items():
        names = list(dict.fromkeys(listed))  # one entry may list a phrase twice ("Russia president")
        if len(names) == 1:  # a role two entries share (two foreign ministers in turn) names no one
            table.add(phrase, names[0], "person", "builtin")
        elif phrase.endswith(("leader", "head of state")) and len(set(names) & presidents) == 1:
            # "the Chinese leader" is the president, not the premier
            table.add(phrase, next(n for n in names if n in presidents), "person", "builtin")
    for state, (demonym, names) in _STATES.items():
        for name in names:
            table.add(name, state, "state", "builtin")
        for group in _STATE_GROUPS:  # "French diplomats", "Chinese officials", "the German side"
            table.add(f"{demonym} {group}", state, "state", "builtin")
            if group in _AGENT_GROUPS:  # "France's presidency said" (not "Beijing's efforts", which is no agent)
                for name in names[:2]:
                    table.add(f"{name} {group}", state, "state", "builtin")
        for role in _STATE_ROLES:  # "the Polish foreign minister", unnamed and in no entry: the state
            for owner in (demonym, state, *names[:2]):
                if fold(f"{owner} {role}") not in roles:
                    table.add(f"{owner} {role}", state, "state", "builtin")
        for ministry in _MINISTRIES:
            canonical = f"{demonym.capitalize()} Foreign Ministry" if demonym.isalpha() else f"{state} Foreign Ministry"
            if state not in _MINISTRY_ACTORS:  # "Poland's foreign ministry said" is Poland speaking
                canonical = state
                table.add(f"{demonym} {ministry}", state, "state", "builtin")
                table.add(f"{state} {ministry}", state, "state", "builtin")
                for name in names[:2]:
                    table.add(f"{name} {ministry}", state, "state", "builtin")
                continue
            table.add(f"{demonym} {ministry}", canonical, "organisation", "builtin")
            table.add(f"{state} {ministry}", canonical, "organisation", "builtin")
            for name in names[:2]:
                table.add(f"{name} {ministry}", canonical, "organisation", "builtin")
            table.affiliations.setdefault(canonical, state)
    return table


def build_table(texts: Iterable[str], corrections: Mapping[str, str] | None = None,
                base: ActorTable | None = None) -> ActorTable:
    """The built-in table, then the people each text introduces (earlier texts' spellings win),
    then the user's corrections (alias -> canonical name), which override everything."""
    table = base if base is not None else builtin_table()
    texts = list(texts)
    for text in texts:
        learn_people(table, text)
    _disambiguate_surnames(table, texts)
    for alias, canonical in (corrections or {}).items():
        table.add(alias, canonical, table.kinds.get(canonical, "person"), "user", override=True)
    return table


def _disambiguate_surnames(table: ActorTable, texts: list[str]) -> None:
    """A surname two dictionary entries share ("Li": Li Qiang, premier; Li Hui, special envoy) names
    the one whose role the texts speak of, when only one's is: a story about "a special envoy" means
    the envoy when it later says "Li"."""
    lowered = " ".join(texts).lower()
    by_surname: dict[str, list[tuple[str, str]]] = {}
    for name, _state, role in KNOWN_ACTORS:
        by_surname.setdefault(fold(_short_form(name)), []).append((name, role.lower()))
    for surname, entries in by_surname.items():
        if len(entries) < 2 or surname in table.aliases:
            continue
        named = [name for name, role in entries if re.search(rf"\b{re.escape(role)}\b", lowered)]
        if len(named) == 1:
            # (recorded as built-in, so an article that introduces the other one still takes it)
            table.add(surname, table.canonical(named[0]) or named[0], "person", "builtin")


_ROLE_PAIR = re.compile(r"\b(?P<a>[A-Z][a-z]+)\s+and\s+(?P<b>[A-Z][a-z]+)\s+(?P<role>president|leader|prime minister|"
                        r"foreign minister|minister|official|diplomat|negotiator|government)s\b")
_POSSESSIVE_ROLE = re.compile(r"\b(?P<state>[A-Z][a-z]+)['’]s\s+(?:[a-z][\w-]*\s+){1,2}?(?P<role>leader|president|"
                              r"prime\s+minister|premier|foreign\s+minister|chancellor)\b")
_DEPUTY_MINISTER = re.compile(r"(?:Vice|Deputy|First\s+Deputy)\s+Foreign\s+Minister$", re.IGNORECASE)
_DEMONYM_STATES = {demonym: state for state, (demonym, _names) in _STATES.items()}
_ROLE_INTRO = re.compile(
    r"\b(?P<demonym>[A-Z][a-z]+)(?:['’]s)?\s+(?P<role>(?:[A-Z][a-z]+\s+){0,2}?(?:President|Prime Minister|Premier|"
    r"Foreign Minister|Chancellor|[Aa]mbassador(?:\s+to\s+[A-Z][a-z]+)?|[Ee]nvoy|[Ss]pokes(?:man|woman|person)))"
    r"\s+(?P<name>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){1,2})"
)


_ROLE_NOUN = (r"(?:[a-z]+\s+){0,3}(?:spokes(?:man|woman|person)|adviser|advisor|aide|minister|ambassador|envoy|"
              r"official|diplomat|director|secretary|negotiator|representative|president|chancellor|premier)")
_NAME = r"[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){1,2}"
# "Chinese foreign ministry spokesman Yu Jun", "the Polish deputy foreign minister, Jan Nowak,",
# "Jan Nowak, Poland's deputy foreign minister,"
_TITLED_INTRO = re.compile(
    rf"\b(?P<demonym>[A-Z][a-z]+)(?:['’]s)?\s+{_ROLE_NOUN}(?:\s+|,\s+)(?P<name>{_NAME})|"
    rf"(?P<name2>{_NAME}),\s+(?:the\s+|a\s+)?(?P<demonym2>[A-Z][a-z]+)(?:['’]s)?\s+{_ROLE_NOUN}\b")


def learn_people(table: ActorTable, text: str) -> None:
    """Add the people ``text`` introduces by full name, with their short forms and role phrases."""
    for match in _ROLE_INTRO.finditer(text):
        name = _person_name(match.group("name"))
        if name is None:
            continue
        state = table.aliases.get(fold(match.group("demonym")))
        home = state or _DEMONYM_STATES.get(match.group("demonym").lower())
        ministry = table.canonical(f"{home} foreign ministry") if home else None
        if ministry and _DEPUTY_MINISTER.match(match.group("role")) and fold(name) not in table.aliases:
            # A vice or deputy foreign minister acts for the ministry, as event coders code them.
            table.add(name, ministry, "organisation", "learned")
            continue
        canonical = _add_person(table, name)
        if home is not None and table.kinds.get(home) == "state":  # "Hungarian Foreign Minister X" acts for Hungary
            table.affiliations.setdefault(canonical, home)
        role = match.group("role").lower()
        demonym = match.group("demonym").lower()
        for phrase in _role_phrases(demonym, role, state):
            table.add(phrase, canonical, "person", "learned")
    for match in _TITLED_INTRO.finditer(text):  # "Chinese foreign ministry spokesman Yu Jun": whose, at least
        name = _person_name(match.group("name") or match.group("name2"))
        demonym = match.group("demonym") or match.group("demonym2")
        home = table.aliases.get(fold(demonym)) or _DEMONYM_STATES.get(demonym.lower())
        if name is not None and home is not None and table.kinds.get(home) == "state":
            table.affiliations.setdefault(_add_person(table, name), home)
    for match in re.finditer(r"(?<![\w'’])(?:[A-Z][\w'’\-]+)(?:\s+[A-Z][\w'’\-]+){1,2}", text):
        name = _person_name(match.group(0))
        if name is not None:
            _add_person(table, name)


def _role_phrases(demonym: str, role: str, state: str | None) -> list[str]:
    phrases = [f"{demonym} {role}"]
    if role in ("president", "prime minister", "premier", "chancellor"):
        phrases += [f"{demonym} leader", f"{demonym} counterpart", f"{demonym} head of state"]
        if state:
            phrases += [f"{state} president" if role == "president" else f"{state} {role}", f"{state} leader"]
    return phrases


def _person_name(candidate: str) -> str | None:
    """``candidate`` as a person's full name, or None: two or three capitalised words, none of
    them a title, a state, a month or a common word."""
    words = candidate.split()
    while words and (words[0].lower().strip("'’") in _NOT_NAMES or fold(words[0]) in _STATE_KEYS):
        words = words[1:]
    if not 2 <= len(words) <= 3:
        return None
    if all(w.isupper() for w in words):  # a headline in capitals ("XI FINALLY PICKS UP THE PHONE")
        return None
    if any(w.lower().removesuffix("'s").removesuffix("’s") in _NOT_NAMES or not _CAPITALISED.match(w)
           for w in words):
        return None
    if fold(" ".join(words)) in _STATE_KEYS or any(fold(w) in _STATE_KEYS for w in words):
        return None
    return " ".join(w.removesuffix("'s").removesuffix("’s") for w in words)


_STATE_KEYS = frozenset(fold(n) for _, (demonym, names) in _STATES.items() for n in (*names, demonym)) | frozenset(
    fold(state) for state in _STATES)


def _short_form(name: str) -> str:
    words = name.split()
    return words[0] if words[0].lower() in _CHINESE_SURNAMES and len(words) == 2 else words[-1]


def _add_person(table: ActorTable, name: str, source: str = "learned", short: bool = True) -> str:
    """Register a full name and its short form; returns the canonical spelling (the first seen).

    A name the texts introduce takes the short form over the built-in dictionary's
    ("Li" is Li Hui in a story about the envoy, not Li Qiang)."""
    key = fold(name)
    canonical = table.aliases.get(key)
    if canonical is not None:
        short = fold(_short_form(canonical))
        if source != "builtin" and table.kinds.get(canonical) == "person" and table.sources.get(short, "builtin") == \
                "builtin" and table.aliases.get(short) != canonical:
            # a text naming "Li Qiang" in full means him by "Li", whichever "Li" the dictionary guessed
            table.add(short, canonical, "person", source, override=True)
        return canonical
    surname = _short_form(name)
    existing = table.aliases.get(fold(surname))
    if existing is not None and table.kinds.get(existing) == "person" and _variant(existing, name):
        table.add(name, existing, "person", source)  # "Volodymyr Zelenskiy" for "Volodymyr Zelensky"
        return existing
    table.add(name, name, "person", source)
    if short:
        builtin_short = table.sources.get(fold(surname)) == "builtin"
        table.add(surname, name, "person", source, override=builtin_short and source != "builtin")
    return name


def _variant(a: str, b: str) -> bool:
    """Two spellings of one name: as many words, each pair alike (transliterations differ by a letter or two)."""
    wa, wb = fold(a).split(), fold(b).split()
    return len(wa) == len(wb) and all(SequenceMatcher(None, x, y).ratio() >= 0.75 for x, y in zip(wa, wb, strict=True))
