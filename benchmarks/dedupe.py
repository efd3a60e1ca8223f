"""Copy detection at archive scale: pair precision and recall, time and peak memory.

Generates a corpus of English-like articles (words drawn from wordfreq's list,
each story with its own topic words, each outlet with its own boilerplate
paragraph that also lands in unrelated articles) with known copy families: a
story and its variants (headline changed, a paragraph dropped, boilerplate
added, paragraphs reordered, a sentence inserted, and a longer piece embedding
the whole story). True Jaccard of word 5-shingles is computed exactly for every
pair inside a family. The articles then go through the pipeline's path:
signatures, the DuckDB copy index in a temporary file (``warehouse.dedupe_store``)
in runs of ``--run-size`` new articles, LSH candidates, verification, stable
clusters. A predicted pair is two articles in one stored cluster; it is right when
both come from one family.

    .venv/bin/python benchmarks/dedupe.py                     # 10,000 and 100,000, each in its own process
    .venv/bin/python benchmarks/dedupe.py --n 10000 --sweep   # one size, plus a threshold sweep
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.dedupe import (  # noqa: E402
    assign_clusters,
    band_keys,
    bucket_pairs,
    shingle_sets,
    sign_texts,
    signature_matrix,
)
from extractors.judge import copy_rule, dedupe_scheme  # noqa: E402
from extractors.settings import JudgeSettings  # noqa: E402
from warehouse import dedupe_store  # noqa: E402
from warehouse.db import connect  # noqa: E402

VARIANTS = ("headline", "drop_paragraph", "boilerplate", "reorder", "insert_sentence", "embed", "rewrite")
COMMON, TOPIC_FROM, VOCAB = 400, 1500, 40000


@dataclass(frozen=True)
class Doc:
    article_id: str
    family: int  # -1: no known copy
    variant: str  # "base" for a family's story, or one of VARIANTS, or "single"
    text: str


class Writer:
    """English-like text: common words by Zipf weight, a story's topic words mixed in."""

    def __init__(self, seed: int) -> None:
        from wordfreq import top_n_list

        words = [w for w in top_n_list("en", VOCAB) if w.isalpha()]
        self.rng = np.random.default_rng(seed)
        self.common = np.array(words[:COMMON])
        weights = 1.0 / np.arange(1, COMMON + 1)
        self.weights = weights / weights.sum()
        self.pool = np.array(words[TOPIC_FROM:])

    def topic(self) -> np.ndarray:
        return self.rng.choice(self.pool, size=40, replace=False)

    def sentence(self, topic: np.ndarray) -> str:
        n = int(self.rng.integers(10, 23))
        common = self.rng.choice(self.common, size=n, p=self.weights)
        topical = self.rng.choice(topic, size=n)
        words = np.where(self.rng.random(n) < 0.35, topical, common)
        return " ".join(words).capitalize() + "."

    def paragraphs(self, topic: np.ndarray, count: int) -> list[str]:
        return [" ".join(self.sentence(topic) for _ in range(int(self.rng.integers(2, 5)))) for _ in range(count)]


def generate(n: int, seed: int = 7) -> list[Doc]:
    """About 30% of the articles belong to a copy family, the rest are unrelated singletons."""
    w = Writer(seed)
    rng = w.rng
    outlets = [w.paragraphs(w.topic(), 1)[0] for _ in range(200)]  # each outlet's boilerplate
    docs: list[Doc] = []
    family = 0
    while len(docs) < n:
        topic = w.topic()
        body = w.paragraphs(topic, int(rng.integers(5, 10)))
        if rng.random() < 0.7:
            text = "\n\n".join(body)
            if rng.random() < 0.5:  # an outlet's furniture on an unrelated article
                text += "\n\n" + outlets[int(rng.integers(len(outlets)))]
            docs.append(Doc(f"s{len(docs)}", -1, "single", text))
            continue
        docs.append(Doc(f"f{family}-base", family, "base", "\n\n".join(body)))
        for k, kind in enumerate(rng.choice(VARIANTS, size=int(rng.integers(1, 5)), replace=False)):
            docs.append(Doc(f"f{family}-{k}-{kind}", family, str(kind), "\n\n".join(_vary(w, kind, body, topic,
                                                                                           outlets))))
        if rng.random() < 0.5:
            # Independent reporting of the same story: same topic words, and it quotes one
            # or two of the story's paragraphs. Not a copy: pairing it is a false positive.
            own = w.paragraphs(topic, int(rng.integers(4, 9)))
            for quoted in rng.choice(len(body), size=int(rng.integers(1, 3)), replace=False):
                own.insert(int(rng.integers(len(own) + 1)), body[int(quoted)])
            docs.append(Doc(f"f{family}-sibling", -1, "sibling", "\n\n".join(own)))
        family += 1
    return docs[:n]


def _vary(w: Writer, kind: str, body: list[str], topic: np.ndarray, outlets: list[str]) -> list[str]:
    rng = w.rng
    paras = list(body)
    if kind == "headline":  # the body as is: only the title differs
        return paras
    if kind == "drop_paragraph":
        del paras[int(rng.integers(1, len(paras)))]
    elif kind == "boilerplate":
        paras = [f"{w.sentence(topic)[:-1]} (Wire)", *paras, outlets[int(rng.integers(len(outlets)))]]
    elif kind == "reorder":
        i, j = rng.choice(len(paras), size=2, replace=False)
        paras[i], paras[j] = paras[j], paras[i]
    elif kind == "insert_sentence":
        i = int(rng.integers(len(paras)))
        sentences = paras[i].split(". ")
        sentences.insert(int(rng.integers(len(sentences) + 1)), w.sentence(topic)[:-1])
        paras[i] = ". ".join(sentences)
    elif kind == "rewrite":  # an edit desk's pass: a paragraph cut, two sentences added, furniture
        del paras[int(rng.integers(1, len(paras)))]
        for _ in range(2):
            i = int(rng.integers(len(paras)))
            paras[i] = f"{paras[i]} {w.sentence(topic)}"
        paras.append(outlets[int(rng.integers(len(outlets)))])
    elif kind == "embed":  # a longer piece: its own reporting around the whole story
        own = w.paragraphs(w.topic(), max(2, int(len(paras) * rng.uniform(0.3, 1.0))))
        cut = int(rng.integers(1, len(own)))
        paras = own[:cut] + paras + own[cut:]
    return paras


def truth(docs: list[Doc], sets: list[np.ndarray]) -> dict[tuple[int, int], tuple[float, bool]]:
    """(i, j) -> (exact Jaccard, is an embedding pair) for every pair inside a family."""
    families: dict[int, list[int]] = {}
    for i, d in enumerate(docs):
        if d.family >= 0:
            families.setdefault(d.family, []).append(i)
    pairs = {}
    for members in families.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                common = len(np.intersect1d(sets[i], sets[j], assume_unique=True))
                jac = common / (len(sets[i]) + len(sets[j]) - common)
                embed = "embed" in (docs[i].variant, docs[j].variant) and "base" in (docs[i].variant, docs[j].variant)
                pairs[(i, j)] = (jac, embed)
    return pairs


def score(docs: list[Doc], clusters: dict[str, str], known: dict[tuple[int, int], tuple[float, bool]]) -> dict:
    index = {d.article_id: i for i, d in enumerate(docs)}
    groups: dict[str, list[int]] = {}
    for aid, cid in clusters.items():
        groups.setdefault(cid, []).append(index[aid])
    predicted = {(min(i, j), max(i, j)) for g in groups.values() for x, i in enumerate(g) for j in g[x + 1 :]}
    right = sum(1 for p in predicted if p in known)
    high = [p for p, (jac, _) in known.items() if jac >= 0.8]
    embeds = [p for p, (_, embed) in known.items() if embed]
    return {
        "predicted_pairs": len(predicted),
        "precision": right / len(predicted) if predicted else 1.0,
        "recall_j08": sum(p in predicted for p in high) / len(high) if high else 1.0,
        "pairs_j08": len(high),
        "recall_containment": sum(p in predicted for p in embeds) / len(embeds) if embeds else 1.0,
        "pairs_containment": len(embeds),
        "recall_all_family": right / len(known) if known else 1.0,
    }


def index_corpus(corpus: Path, db: Path, run_size: int, settings: JudgeSettings) -> dict:
    """The pipeline's path over a corpus file, read one run of ``run_size`` articles at a time."""
    scheme, rule = dedupe_scheme(settings), copy_rule(settings)
    with connect(db):
        pass
    seconds, cpu_seconds, runs = 0.0, 0.0, 0
    per_run: list[tuple[float, float]] = []  # (signing, indexing) seconds of each run
    with corpus.open(encoding="utf-8") as lines:
        while True:
            batch = [json.loads(line) for _, line in zip(range(run_size), lines, strict=False)]
            if not batch:
                break
            started, cpu = time.perf_counter(), time.process_time()
            signatures = sign_texts([(d["article_id"], _hash(d["text"]), d["text"]) for d in batch], scheme)
            signed = time.perf_counter()
            dedupe_store.index_signatures(db, f"run{runs}", signatures, scheme, rule)
            seconds += time.perf_counter() - started
            per_run.append((round(signed - started, 2), round(time.perf_counter() - signed, 2)))
            cpu_seconds += time.process_time() - cpu
            runs += 1
    # CPU seconds (all threads, DuckDB's included) are reported beside wall time: on a
    # shared machine they vary far less from one measurement to the next.
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds, 2), "runs": runs,
            "peak_rss_mb": round(_peak_rss_mb(), 1), "sign_index_seconds_per_run": per_run}


def _peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM belongs to the process image, so
    unlike ru_maxrss it does not carry over the parent's peak through fork and exec."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sweep(docs: list[Doc], known: dict, settings: JudgeSettings) -> list[dict]:
    """Pair precision and recall as one rule's threshold moves, the other rule off."""
    scheme, rule = dedupe_scheme(settings), copy_rule(settings)
    signatures = sign_texts([(d.article_id, _hash(d.text), d.text) for d in docs], scheme)
    matrix = signature_matrix(signatures, scheme.num_perm)
    pairs = sorted(bucket_pairs(band_keys(matrix, scheme)))
    i, j = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    jac = (matrix[i] == matrix[j]).mean(axis=1)
    sizes = np.array([s.shingle_count for s in signatures])
    small = np.minimum(sizes[i], sizes[j])
    contained = np.minimum(1.0, jac * (sizes[i] + sizes[j]) / ((1.0 + jac) * np.maximum(small, 1)))
    rows = []
    ids = [s.article_id for s in signatures]
    for rule_name, values, grid in (("near_duplicate_jaccard", jac, (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)),
                                    ("copy_containment", np.where(small >= rule.min_containment_shingles,
                                                                  contained, 0.0), (0.5, 0.6, 0.7, 0.8, 0.9))):
        for t in grid:
            keep = np.flatnonzero(values >= t)
            links = [_Link(ids[i[k]], ids[j[k]]) for k in keep.tolist()]
            rows.append({"rule": rule_name, "threshold": t, **score(docs, assign_clusters(links, {}).assignments,
                                                                     known)})
    unrelated = [x for a, b, x in zip(i.tolist(), j.tolist(), jac.tolist(), strict=True)
                 if (min(a, b), max(a, b)) not in known]
    rows.append({"candidate_pairs": len(pairs), "unrelated_candidates": len(unrelated),
                 "max_estimated_jaccard_unrelated": round(max(unrelated, default=0.0), 4)})
    return rows


@dataclass(frozen=True)
class _Link:
    a: str
    b: str


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def measure(n: int, run_size: int, do_sweep: bool, threshold: float | None) -> dict:
    settings = JudgeSettings()
    if threshold is not None:
        settings = replace(settings, near_duplicate_jaccard=threshold)
    docs = generate(n)
    known = truth(docs, shingle_sets([d.text for d in docs], settings.shingle_words))
    with tempfile.TemporaryDirectory() as tmp:
        corpus, db = Path(tmp) / "corpus.jsonl", Path(tmp) / "bench.duckdb"
        with corpus.open("w", encoding="utf-8") as out:
            for d in docs:
                out.write(json.dumps({"article_id": d.article_id, "text": d.text}) + "\n")
        # The indexing runs in its own process, so its peak memory is the path's, not the generator's.
        cmd = [sys.executable, __file__, "--index", str(corpus), "--db", str(db), "--run-size", str(run_size),
               "--threshold", str(settings.near_duplicate_jaccard)]
        indexed = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()[-1])
        with connect(db, read_only=True) as con:
            clusters = dict(con.execute("SELECT article_id, cluster_id FROM article_clusters").fetchall())
            buckets = con.execute("SELECT count(*) FROM lsh_buckets").fetchall()[0][0]
        db_mb = db.stat().st_size / 2**20
    result = {
        "n": n, "run_size": run_size, "threshold": settings.near_duplicate_jaccard,
        "copy_containment": settings.copy_containment, **indexed, "db_mb": round(db_mb, 1), "bucket_rows": buckets,
        "family_articles": sum(d.family >= 0 for d in docs), "siblings": sum(d.variant == "sibling" for d in docs),
        "known_pairs": len(known), **score(docs, clusters, known),
    }
    if do_sweep:
        result["sweep"] = sweep(docs, known, settings)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, help="one corpus size")
    parser.add_argument("--sizes", default="10000,100000", help="corpus sizes (default 10,000 and 100,000)")
    parser.add_argument("--run-size", type=int, default=5000, help="new articles per simulated pipeline run")
    parser.add_argument("--threshold", type=float, help="near-duplicate Jaccard (default: JudgeSettings)")
    parser.add_argument("--sweep", action="store_true", help="also sweep both thresholds (in memory)")
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)  # the measured child process
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.index:
        settings = replace(JudgeSettings(), near_duplicate_jaccard=args.threshold)
        print(json.dumps(index_corpus(args.index, args.db, args.run_size, settings)))
        return
    results = []
    for n in [args.n] if args.n else [int(s) for s in args.sizes.split(",")]:
        results.append(measure(n, args.run_size, args.sweep, args.threshold))
        print(json.dumps(results[-1]), flush=True)
    print(f"{'n':>8} {'precision':>9} {'R(J>=.8)':>9} {'R(embed)':>9} {'seconds':>8} {'cpu s':>8} {'peak MB':>8} "
          f"{'db MB':>7}")
    for r in results:
        print(f"{r['n']:>8} {r['precision']:>9.4f} {r['recall_j08']:>9.4f} {r['recall_containment']:>9.4f} "
              f"{r['seconds']:>8.1f} {r['cpu_seconds']:>8.1f} {r['peak_rss_mb']:>8.0f} {r['db_mb']:>7.0f}")
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(f"time ratio {last['n']}/{first['n']}: {last['seconds'] / first['seconds']:.2f} wall, "
              f"{last['cpu_seconds'] / first['cpu_seconds']:.2f} cpu")


if __name__ == "__main__":
    main()
