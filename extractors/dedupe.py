"""Who copied whom: signatures, LSH band keys, copy tests and stable clusters.

In: article texts (or their stored signatures) and the article -> cluster map
already known. Out: :class:`Signature` values (MinHash of word shingles, the
shingle count and the exact-text hash), LSH band keys, verified copy
:class:`Link` values between articles, and a :class:`ClusterUpdate` that keeps
cluster ids stable across runs.

Three layers, cheapest first:
1. exact duplicates: the same ``content_hash`` (sha256 of the normalised text);
2. near-duplicates: estimated Jaccard of word 5-shingles >= ``near_duplicate_jaccard``;
3. partial copies: estimated containment of the shorter text in the longer
   >= ``copy_containment``, from the same signatures:
   ``C(B in A) = J * (|A| + |B|) / ((1 + J) * |B|)``.

MinHash is vectorised with numpy: each shingle is a 64-bit hash, and the
``k``-th of ``num_perm`` hash functions is multiply-shift hashing
``(a_k * x + b_k) >> 32`` with fixed odd ``a_k`` (seeded, so signatures are
comparable across runs and machines). LSH uses ``bands`` bands of ``rows``
rows; a band key is a 64-bit hash of the band number and its rows, so one
integer column indexes every band. Candidates are only proposals: the
signature estimate decides, so the thresholds hold whatever the banding.
Nothing here compares an article with every other one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Literal

import numpy as np

from extractors.terms import tokens

LinkKind = Literal["exact", "near_duplicate", "containment"]

# Fixed seeds: signatures stored by one run must be comparable with the next run's.
_PERMUTATION_SEED = 20230426
_SHIFT32 = np.uint64(32)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
# Shingles per numpy block when computing signatures: 4 MB of uint64 at 128
# permutations, which stays in cache (measured 1.7x faster than 32k-shingle blocks).
_BLOCK_SHINGLES = 4096
# Texts shingled at once: bounds the word lists and index arrays held in memory
# (about 100 bytes per word) whatever the batch size.
_SIGN_CHUNK = 1000
# Above this many articles sharing one band key, propose each with the bucket's first
# member only: a wire story carried by hundreds of sites would otherwise propose every
# pair, and one verified link per member is enough to put it in the cluster.
_MAX_BUCKET_PAIRS = 64
# Word hashes a process keeps (about 100 bytes each): a story's vocabulary fits many times.
_WORD_HASHES_KEPT = 200_000
_WORD_HASHES: dict[str, int] = {}


@dataclass(frozen=True)
class Scheme:
    """How signatures are made; stored signatures are only comparable within one scheme."""

    shingle_words: int = 5
    num_perm: int = 128
    bands: int = 42
    rows: int = 3

    def __post_init__(self) -> None:
        if self.bands * self.rows > self.num_perm or min(self.shingle_words, self.bands, self.rows) < 1:
            raise ValueError(f"bands x rows must fit in num_perm: {self}")

    @property
    def name(self) -> str:
        return f"w{self.shingle_words}-p{self.num_perm}-b{self.bands}r{self.rows}-v1"


@dataclass(frozen=True)
class Signature:
    article_id: str
    content_hash: str
    shingle_count: int  # distinct word shingles: the set size containment needs
    hashvalues: bytes  # num_perm little-endian uint32 minima

    @property
    def values(self) -> np.ndarray:
        return np.frombuffer(self.hashvalues, dtype="<u4")


@dataclass(frozen=True)
class Link:
    """Two articles found to be copies of one another, and how."""

    a: str
    b: str
    kind: LinkKind
    score: float  # estimated Jaccard (near_duplicate), containment of the shorter (containment), 1.0 (exact)


@dataclass(frozen=True)
class CopyRule:
    near_duplicate_jaccard: float
    copy_containment: float
    # The shorter text needs this many shingles before containment counts: a
    # two-line brief is "contained" in any long piece that repeats its wording.
    min_containment_shingles: int = 40


@dataclass(frozen=True)
class ClusterMember:
    cluster_id: str
    is_origin: bool  # the earliest published member (then first seen, then smallest id)


@dataclass(frozen=True)
class ClusterUpdate:
    assignments: dict[str, str]  # article_id -> cluster_id, for every article linked this time
    created: tuple[str, ...]  # new cluster ids
    merged: dict[str, str]  # cluster id retired -> the cluster id it joined


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijection of uint64 that spreads every input bit."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(_PERMUTATION_SEED)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a, b



def _word_ids(token_lists: Sequence[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Every text's tokens as 64-bit word hashes, concatenated, and each text's token count.

    A process keeps the hashes it made (news reuses its words), and each token is looked up
    in that cache directly: only words new to the process are hashed in Python.
    """
    cache = _WORD_HASHES
    if len(cache) > _WORD_HASHES_KEPT:
        cache.clear()
    words = list(chain.from_iterable(token_lists))
    for word in set(words).difference(cache):
        cache[word] = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
    counts = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    return np.fromiter(map(cache.__getitem__, words), dtype=np.uint64, count=len(words)), counts


def shingle_sets(texts: Sequence[str], size: int) -> list[np.ndarray]:
    """Each text's distinct 64-bit shingle hashes, sorted; shingles as
    :func:`extractors.terms.shingles` defines them (``size`` consecutive words; a
    text shorter than that is one shingle of all its words)."""
    return token_shingle_sets([tokens(text) for text in texts], size)


def token_shingle_sets(token_lists: Sequence[list[str]], size: int) -> list[np.ndarray]:
    """:func:`shingle_sets` of texts already split by :func:`extractors.terms.tokens`."""
    ids, counts = _word_ids(token_lists)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    widths = np.minimum(counts, size)
    n_shingles = np.where(counts > 0, counts - widths + 1, 0)
    owner = np.repeat(np.arange(len(token_lists)), n_shingles)
    # position of each shingle's first word in ``ids``
    first = np.repeat(starts, n_shingles) + (np.arange(n_shingles.sum()) - np.repeat(
        np.cumsum(n_shingles) - n_shingles, n_shingles))
    # Every run of ``size`` consecutive ids is hashed over slices of ``ids``, then each
    # shingle's run picked by its first word: one gather instead of one per word. Runs that
    # cross into the next text are never picked.
    runs = max(len(ids) - size + 1, 0)
    h = np.zeros(runs, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(size):
            h = (h ^ ids[k : k + runs]) * _GOLDEN + np.uint64(k + 1)
        h = h[np.minimum(first, runs - 1)] if runs else np.zeros(len(first), dtype=np.uint64)
        # A text shorter than ``size`` words is one shingle of exactly its words.
        for i in np.flatnonzero((counts > 0) & (counts < size)).tolist():
            one = np.uint64(0)
            for k in range(int(counts[i])):
                one = (one ^ ids[starts[i] + k]) * _GOLDEN + np.uint64(k + 1)
            h[np.searchsorted(owner, i)] = one
        h = _mix(h)
    order = np.lexsort((h, owner))
    h, owner = h[order], owner[order]
    keep = np.ones(len(h), dtype=bool)
    keep[1:] = (h[1:] != h[:-1]) | (owner[1:] != owner[:-1])
    h, owner = h[keep], owner[keep]
    return np.split(h, np.cumsum(np.bincount(owner, minlength=len(token_lists)))[:-1])


def minhash(shingle_sets: Sequence[np.ndarray], num_perm: int) -> np.ndarray:
    """(len(shingle_sets), num_perm) uint32 signatures; an empty set gets all 0xFFFFFFFF.

    The minimum of the full 64-bit products is taken before the shift: ``>> 32``
    is monotone, so the top bits of the minimum are the minimum of the top bits.
    """
    a, b = _permutations(num_perm)
    out = np.full((len(shingle_sets), num_perm), 0xFFFFFFFF, dtype=np.uint32)
    nonempty = [i for i, s in enumerate(shingle_sets) if len(s)]
    start = 0
    while start < len(nonempty):
        end, total = start, 0
        while end < len(nonempty) and (end == start or total + len(shingle_sets[nonempty[end]]) <= _BLOCK_SHINGLES):
            total += len(shingle_sets[nonempty[end]])
            end += 1
        chosen = nonempty[start:end]
        block = np.concatenate([shingle_sets[i] for i in chosen])
        offsets = np.cumsum([0] + [len(shingle_sets[i]) for i in chosen[:-1]])
        # One row per permutation, so every minimum runs along contiguous memory (measured 2-3x
        # faster than a column per permutation); reduceat costs twice a plain min for one set.
        with np.errstate(over="ignore"):
            hashed = np.multiply(a[:, None], block[None, :])
            np.add(hashed, b[:, None], out=hashed)
        lowest = (hashed.min(axis=1, keepdims=True) if len(chosen) == 1
                  else np.minimum.reduceat(hashed, offsets, axis=1))
        out[chosen] = (lowest.T >> _SHIFT32).astype(np.uint32)
        start = end
    return out


def sign_texts(items: Sequence[tuple[str, str, str]], scheme: Scheme) -> list[Signature]:
    """Signatures of (article_id, content_hash, text) triples."""
    signatures: list[Signature] = []
    for start in range(0, len(items), _SIGN_CHUNK):
        chunk = items[start : start + _SIGN_CHUNK]
        sets = shingle_sets([text for _, _, text in chunk], scheme.shingle_words)
        matrix = minhash(sets, scheme.num_perm)
        signatures.extend(
            Signature(article_id=aid, content_hash=chash, shingle_count=len(s), hashvalues=row.astype("<u4").tobytes())
            for (aid, chash, _), s, row in zip(chunk, sets, matrix, strict=True)
        )
    return signatures


def signature_matrix(signatures: Sequence[Signature], num_perm: int) -> np.ndarray:
    if not signatures:
        return np.empty((0, num_perm), dtype=np.uint32)
    return np.frombuffer(b"".join(s.hashvalues for s in signatures), dtype="<u4").reshape(len(signatures), num_perm)


def band_keys(matrix: np.ndarray, scheme: Scheme) -> np.ndarray:
    """(n, bands) int64 keys; equal keys mean equal rows in that band (bar 2**-64 collisions)."""
    n = matrix.shape[0]
    rows = matrix[:, : scheme.bands * scheme.rows].astype(np.uint64).reshape(n, scheme.bands, scheme.rows)
    salt = np.uint64(int.from_bytes(hashlib.blake2b(scheme.name.encode(), digest_size=8).digest(), "little"))
    with np.errstate(over="ignore"):
        key = _mix(np.arange(scheme.bands, dtype=np.uint64) ^ salt)[None, :].repeat(n, axis=0)
        for r in range(scheme.rows):
            key = _mix(key ^ rows[:, :, r])
    return key.view(np.int64)


def bucket_pairs(keys: np.ndarray) -> set[tuple[int, int]]:
    """Index pairs (i < j) of rows of ``keys`` that share a band key: the in-batch LSH candidates."""
    n, bands = keys.shape
    flat = keys.reshape(-1)
    owner = np.repeat(np.arange(n), bands)
    # Stable, so each key's rows stay in ascending order: a bucket's distinct members are
    # its entries unlike the one before, found for all buckets at once.
    order = np.argsort(flat, kind="stable")
    flat, owner = flat[order], owner[order]
    distinct = np.ones(len(flat), dtype=bool)
    distinct[1:] = (flat[1:] != flat[:-1]) | (owner[1:] != owner[:-1])
    flat, owner = flat[distinct], owner[distinct]
    starts = np.flatnonzero(np.concatenate([[True], flat[1:] != flat[:-1]]))
    sizes = np.diff(np.append(starts, len(flat)))
    # Only keys held by two rows or more matter; most keys are held by one.
    shared = sizes > 1
    pairs: set[tuple[int, int]] = set()
    for start, size in zip(starts[shared].tolist(), sizes[shared].tolist(), strict=True):
        members = owner[start : start + size].tolist()
        if len(members) > _MAX_BUCKET_PAIRS:
            pairs.update((members[0], m) for m in members[1:])
            continue
        pairs.update((x, y) for i, x in enumerate(members) for y in members[i + 1 :])
    return pairs


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    """Estimated share of the smaller set found in the larger, from their Jaccard and sizes."""
    small = min(size_a, size_b)
    if small == 0:
        return 0.0
    return min(1.0, jaccard * (size_a + size_b) / ((1.0 + jaccard) * small))


def estimated_jaccards(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Row by row, the share of equal hash values of two (n, num_perm) signature matrices."""
    return np.count_nonzero(left == right, axis=1) / left.shape[1]


def compare(x: Signature, y: Signature, rule: CopyRule, jaccard: float | None = None) -> Link | None:
    """A link when ``x`` and ``y`` are copies by one of the three layers, else None; ``jaccard``
    is their estimated Jaccard when the caller has it (:func:`estimated_jaccards` of many pairs
    at once is much cheaper than one pair at a time)."""
    if x.shingle_count == 0 or y.shingle_count == 0:
        return None
    if x.content_hash == y.content_hash:
        return Link(x.article_id, y.article_id, "exact", 1.0)
    if jaccard is None:
        jaccard = float(np.mean(x.values == y.values))
    if jaccard >= rule.near_duplicate_jaccard:
        return Link(x.article_id, y.article_id, "near_duplicate", round(jaccard, 4))
    if min(x.shingle_count, y.shingle_count) >= rule.min_containment_shingles:
        contained = containment(jaccard, x.shingle_count, y.shingle_count)
        if contained >= rule.copy_containment:
            return Link(x.article_id, y.article_id, "containment", round(contained, 4))
    return None


def link_batch(signatures: Sequence[Signature], scheme: Scheme, rule: CopyRule) -> list[Link]:
    """Copies among one batch of signatures, through LSH buckets and exact hashes."""
    matrix = signature_matrix(signatures, scheme.num_perm)
    pairs = bucket_pairs(band_keys(matrix, scheme))
    by_hash: dict[str, int] = {}
    for i, s in enumerate(signatures):
        first = by_hash.setdefault(s.content_hash, i)
        if first != i:
            pairs.add((first, i))
    if not pairs:
        return []
    left, right = np.array(sorted(pairs), dtype=np.int64).T
    # Python floats: round() of a numpy float may round the last digit differently.
    jaccards = estimated_jaccards(matrix[left], matrix[right]).tolist()
    links = (compare(signatures[i], signatures[j], rule, jaccard)
             for i, j, jaccard in zip(left.tolist(), right.tolist(), jaccards, strict=True))
    return [link for link in links if link is not None]


def cluster_id_for(article_id: str) -> str:
    """A new cluster's id, derived from its first member (the smallest article id)."""
    return "c" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:12]


def assign_clusters(
    links: Iterable[Link], existing: Mapping[str, str], cluster_age: Mapping[str, object] | None = None
) -> ClusterUpdate:
    """Fold new links into the clusters already known, keeping ids stable.

    ``existing`` maps already-clustered articles (at least those the links touch)
    to their cluster; ``cluster_age`` maps a cluster id to a sortable creation
    key (its ``created_at``). A component of linked articles that touches no
    cluster becomes a new cluster named after its smallest article id; one that
    touches a cluster joins it, so a cluster that grows keeps its id; one that
    joins several clusters keeps the oldest (earliest created, then smallest
    id) and reports the others as merged into it.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        ra, rb = find(link.a), find(link.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    components: dict[str, list[str]] = {}
    for article_id in list(parent):
        components.setdefault(find(article_id), []).append(article_id)

    age = cluster_age or {}
    assignments: dict[str, str] = {}
    created: list[str] = []
    merged: dict[str, str] = {}
    for members in components.values():
        known = sorted({existing[a] for a in members if a in existing}, key=lambda c: (age.get(c) is None,
                                                                                       age.get(c) or 0, c))
        if known:
            keep = known[0]
            merged.update((other, keep) for other in known[1:])
        else:
            keep = cluster_id_for(min(members))
            created.append(keep)
        assignments.update((a, keep) for a in members)
    return ClusterUpdate(assignments=assignments, created=tuple(created), merged=merged)
