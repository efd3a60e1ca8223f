"""Extraction benchmark: how much of each page's hand-checked article body extract_articles recovers.

In: ``tests/fixtures/extraction-benchmark/`` (``ground-truth.json`` mapping a
page id to its URL and ``articleBody``, and ``html/<id>.html.gz``). Out: the
token precision, recall and F1 per page, their means, the median F1, the
throughput and the failures, printed.

The measure is the one used in the trafilatura evaluation and the article
extraction benchmark: bag-of-words overlap of lowercased ``\\w+`` tokens between
the extracted text and the true body (a token counts as many times as it occurs
in both). A failed page scores 0.

    .venv/bin/python benchmarks/extraction.py [--workers N] [--worst K]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from extractors.article import PageInput, extract_articles
from extractors.records import Article

BENCHMARK = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "extraction-benchmark"
_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class BenchmarkPage:
    page_id: str
    url: str
    html: bytes
    expected: str  # the hand-checked article body


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


def load_benchmark(root: Path = BENCHMARK) -> list[BenchmarkPage]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        BenchmarkPage(page_id, item["url"], gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes()),
                      item["articleBody"])
        for page_id, item in sorted(truth.items())
    ]


def score_tokens(extracted: str, expected: str) -> Score:
    """Bag-of-words precision, recall and F1 of ``extracted`` against ``expected``."""
    got, want = Counter(_TOKEN.findall(extracted.casefold())), Counter(_TOKEN.findall(expected.casefold()))
    shared = sum((got & want).values())
    precision = shared / sum(got.values()) if got else 0.0
    recall = shared / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1)


def as_inputs(pages: list[BenchmarkPage]) -> list[PageInput]:
    return [PageInput(url=p.url, final_url=p.url, body=p.html, content_type="text/html", fallback_published_at=None)
            for p in pages]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: every core)")
    parser.add_argument("--worst", type=int, default=5, help="list the K pages with the lowest F1")
    args = parser.parse_args(argv)

    pages = load_benchmark()
    started = time.perf_counter()
    results = extract_articles(as_inputs(pages), workers=args.workers)
    elapsed = time.perf_counter() - started

    texts = [r.text if isinstance(r, Article) else "" for r in results]
    scores = [score_tokens(text, p.expected) for p, text in zip(pages, texts, strict=True)]
    failed = [(p, r) for p, r in zip(pages, results, strict=True) if not isinstance(r, Article)]
    f1s = [s.f1 for s in scores]
    print(f"pages            {len(pages)}")
    print(f"failed           {len(failed)}")
    print(f"precision (mean) {statistics.mean(s.precision for s in scores):.3f}")
    print(f"recall (mean)    {statistics.mean(s.recall for s in scores):.3f}")
    print(f"F1 mean          {statistics.mean(f1s):.3f}")
    print(f"F1 median        {statistics.median(f1s):.3f}")
    print(f"pages/second     {len(pages) / elapsed:.1f}  ({elapsed:.1f} s, pool start-up included)")
    for page, result in failed:
        print(f"  failed: {page.url}: {result.reason}")
    if args.worst:
        print("lowest F1:")
        for score, page in sorted(zip(scores, pages, strict=True), key=lambda sp: sp[0].f1)[: args.worst]:
            print(f"  {score.f1:.3f} (P {score.precision:.2f} R {score.recall:.2f})  {page.page_id[:12]}  {page.url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
