"""Pre-filter recall and saved fetches on the bundled offline sample.

Parses the sample's feeds and sitemap straight from disk (no network), keeps
the in-window entries as discovery would, screens them against the seed and
compares with the hand labels in seeds/sample/labels.csv.

    .venv/bin/python benchmarks/prefilter.py [--threshold 0.015]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from urllib.parse import urlsplit

from extractors.feeds import parse_feed
from extractors.prefilter import DEFAULT_PREFILTER_THRESHOLD, prefilter_terms, screen_candidates
from extractors.seed import load_seed
from extractors.settings import load_settings
from extractors.sitemaps import parse_sitemap
from extractors.window import dedupe_candidates, filter_window

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "xi-zelensky-call.txt"
SITES = ROOT / "seeds" / "sample" / "sites"


def sample_candidates():
    settings = load_settings(SEED.with_suffix(".toml"))
    found, queue = [], [(s.kind, s.url) for s in settings.sources]
    while queue:
        kind, url = queue.pop()
        parts = urlsplit(url)
        body = (SITES / parts.hostname / parts.path.lstrip("/")).read_bytes()
        if kind == "feed":
            found += parse_feed(body, url)[0]
        else:
            page = parse_sitemap(body, url)
            found += page.candidates
            queue += [("sitemap", child) for child in page.child_sitemaps]
    seed = load_seed(SEED)
    kept, _ = filter_window(dedupe_candidates(found), seed.seed_date, settings.window)
    return seed, kept


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=DEFAULT_PREFILTER_THRESHOLD)
    args = parser.parse_args()
    with (ROOT / "seeds" / "sample" / "labels.csv").open(encoding="utf-8") as f:
        labels = {row["url"]: row["expected_status"] for row in csv.DictReader(f)}
    seed, candidates = sample_candidates()
    screened = screen_candidates(prefilter_terms(seed.text), candidates, args.threshold)
    related = [s for s in screened if labels[s.candidate.canonical_url] != "unrelated"]
    unrelated = [s for s in screened if labels[s.candidate.canonical_url] == "unrelated"]
    kept_related = sum(s.fetch for s in related)
    saved = sum(not s.fetch for s in unrelated)
    print(f"threshold        {args.threshold}")
    print(f"in-window entries {len(screened)} ({len(related)} related, {len(unrelated)} unrelated)")
    print(f"recall           {kept_related}/{len(related)} related entries kept")
    print(f"saved fetches    {saved}/{len(unrelated)} unrelated entries skipped")
    for s in sorted(screened, key=lambda s: (s.score or 0)):
        print(f"  {s.score!s:>7}  {'fetch' if s.fetch else 'skip ':5}  {labels[s.candidate.canonical_url]:10}  "
              f"{s.candidate.title}")


if __name__ == "__main__":
    main()
