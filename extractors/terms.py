"""Words, shingles and key terms: the text features judging is built on.

In: plain text. Out: tokens, word shingles, and a seed's weighted key terms.
A key term is a content word or a pair of adjacent content words; its weight
is how often the seed uses it times how unusual it is in general English
(word frequencies from ``wordfreq``), so "Zelensky" and "special envoy" count
for much more than "said" or "president".
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from functools import cache, lru_cache

from extractors.workers import soon

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# Words more common than this (Zipf 6 = once per thousand words: "the", "said",
# "was") carry no topic and are not key terms.
STOPWORD_ZIPF = 5.6
# Zipf above which a word is too general to be specific (specificity floor), and
# the ceiling that keeps one rare misspelling from dominating a seed's terms.
SPECIFICITY_CEILING = 6.5
MIN_SPECIFICITY, MAX_SPECIFICITY = 0.3, 5.0
# Twenty-five terms cover the who, what and where of a news story; more drags in
# the seed's background paragraphs, which coverage is least likely to repeat.
KEY_TERMS = 25
FOLD_LETTERS = 7


@cache
def _zipf_frequency() -> Callable[[str, str], float]:
    # Imported when a word is first scored: the import takes a quarter of a second, and a
    # run whose seed terms come from the warehouse (warehouse/term_cache.py) scores none.
    from wordfreq import zipf_frequency

    return zipf_frequency


def _zipf(word: str) -> float:
    return _zipf_frequency()(word, "en")


@dataclass(frozen=True)
class KeyTerm:
    term: str  # one word or two words joined by a space, casefolded
    weight: float

    @property
    def match_key(self) -> str:
        """The form looked up in :func:`term_set`."""
        return " ".join(fold(w) for w in self.term.split(" "))


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalize(text))


def fold(word: str) -> str:
    """Crude stem for matching: the first seven letters.

    News spells foreign names many ways (Zelensky, Zelenskiy, Zelenskyy) and
    inflects ordinary words (negotiation, negotiations); seven letters keep
    names apart while merging those variants.
    """
    return word[:FOLD_LETTERS]


def shingles(words: list[str], size: int) -> set[str]:
    """Overlapping runs of ``size`` words; short texts yield one shingle of all their words."""
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


@lru_cache(maxsize=65536)
def specificity(word: str) -> float:
    return min(MAX_SPECIFICITY, max(MIN_SPECIFICITY, SPECIFICITY_CEILING - _zipf(word)))


@lru_cache(maxsize=65536)
def is_content_word(word: str) -> bool:
    return len(word) > 1 and not word.isdigit() and _zipf(word) < STOPWORD_ZIPF


def term_set(words: Iterable[str]) -> set[str]:
    """Content words and adjacent content-word pairs: what a key term is matched against."""
    words = list(words)
    found = {fold(w) for w in words if is_content_word(w)}
    found.update(
        f"{fold(a)} {fold(b)}"
        for a, b in zip(words, words[1:], strict=False)
        if is_content_word(a) and is_content_word(b)
    )
    return found


def present_terms(words: Sequence[str], wanted: Iterable[str]) -> set[str]:
    """``term_set(words) & set(wanted)``, without forming the pairs no wanted term starts with."""
    wanted = set(wanted)
    starts = {term.split(" ", 1)[0] for term in wanted if " " in term}
    found: set[str] = set()
    for i, word in enumerate(words):
        key = fold(word)
        if (key in wanted or key in starts) and is_content_word(word):
            if key in wanted:
                found.add(key)
            if key in starts and i + 1 < len(words) and is_content_word(words[i + 1]):
                pair = f"{key} {fold(words[i + 1])}"
                if pair in wanted:
                    found.add(pair)
    return found


def relevance(terms: Sequence[KeyTerm], found: set[str] | frozenset[str],
              keys: Sequence[str] | None = None) -> float:
    """The weighted share of ``terms`` found; ``keys``: their match keys, when made already."""
    total = sum(t.weight for t in terms)
    if total == 0:
        return 0.0
    keys = [t.match_key for t in terms] if keys is None else keys
    return sum(t.weight for t, key in zip(terms, keys, strict=True) if key in found) / total


def key_terms(text: str, limit: int = KEY_TERMS) -> list[KeyTerm]:
    """The seed's most telling terms, heaviest first."""
    return list(_ranking(text)[:limit])


# Seed texts' rankings, kept for the process: a run asks for its seed's terms three or four
# times (the query, the pre-filter, the judge's profile), and a first run has its workers
# rank them while the command line imports Prefect (derive_soon), so this process never
# loads wordfreq's word list (0.23 s for the first ranking, 1 ms for later ones) for them.
_RANKINGS: OrderedDict[str, Future[tuple[KeyTerm, ...]]] = OrderedDict()
_KEPT_RANKINGS = 16


def derive_soon(texts: Iterable[str]) -> None:
    """Have the run's workers, when started, rank these texts' terms now; :func:`key_terms`
    then takes theirs."""
    for text in texts:
        if text not in _RANKINGS and (future := soon(_rank, text)) is not None:
            _keep(text, future)


def _ranking(text: str) -> tuple[KeyTerm, ...]:
    future = _RANKINGS.get(text)
    if future is not None:
        try:
            return future.result()
        except Exception:  # the worker died or the pool closed first: ranked here instead
            pass
    ranking = _rank(text)
    done: Future[tuple[KeyTerm, ...]] = Future()
    done.set_result(ranking)
    _keep(text, done)
    return ranking


def _keep(text: str, future: Future[tuple[KeyTerm, ...]]) -> None:
    _RANKINGS[text] = future
    while len(_RANKINGS) > _KEPT_RANKINGS:
        _RANKINGS.popitem(last=False)


def _rank(text: str) -> tuple[KeyTerm, ...]:
    """Every term of ``text`` that scores, heaviest first (:func:`key_terms` keeps the first ``limit``)."""
    words = tokens(text)
    counts: Counter[str] = Counter(w for w in words if is_content_word(w))
    pairs: Counter[str] = Counter(
        f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if is_content_word(a) and is_content_word(b)
    )
    scored: dict[str, float] = {}
    for word, n in counts.items():
        # Words unknown to wordfreq (handles, typos, another script's quote)
        # count only when the seed repeats them.
        if n < 2 and _zipf(word) == 0:
            continue
        scored[word] = (1 + math.log(n)) * specificity(word)
    for pair, n in pairs.items():
        # A pair must recur to be a phrase rather than an accident of word order.
        if n < 2:
            continue
        a, b = pair.split(" ")
        scored[pair] = (1 + math.log(n)) * (specificity(a) + specificity(b)) / 2 * 1.5
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(KeyTerm(term, round(weight, 4)) for term, weight in ranked)
