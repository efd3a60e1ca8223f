"""Fetch planning: stored URLs are linked not fetched, plain noise is passed over, barred URLs say why."""

from pathlib import Path

from extractors.plan import ALREADY_FETCHED, PREFILTERED, plan_fetches, skipped_results
from extractors.records import Candidate
from extractors.seed import load_seed
from extractors.settings import PrefilterSettings

SEED = load_seed(Path(__file__).resolve().parents[2] / "seeds" / "xi-zelensky-call.txt")


def candidate(path: str, title: str | None = None) -> Candidate:
    url = f"http://news.example/{path}"
    return Candidate(url, url, "http://news.example/rss", "feed", title=title)


RELATED = candidate("call", "Xi Jinping holds first phone call with Zelensky, names special envoy to Ukraine")
NOISE = candidate("bake", "Bake-off final: the judges pick a lemon drizzle cake")
STORED = candidate("old", "Zelensky and Xi speak by phone")


def test_stored_urls_are_known_and_noise_is_passed_over_with_the_reason():
    plan = plan_fetches([RELATED, NOISE, STORED], {STORED.canonical_url}, SEED.text, PrefilterSettings())
    assert plan.fetch == (RELATED,)
    assert plan.known == (STORED,)
    assert plan.passed_over == ((NOISE, PREFILTERED),)
    assert plan.prefiltered == 1


def test_a_disabled_prefilter_fetches_everything_new():
    plan = plan_fetches([RELATED, NOISE], set(), SEED.text, PrefilterSettings(enabled=False))
    assert plan.fetch == (RELATED, NOISE) and plan.passed_over == ()


def test_bar_moves_urls_to_passed_over_and_every_unfetched_candidate_gets_a_skipped_row():
    plan = plan_fetches([RELATED, NOISE, STORED], {STORED.canonical_url}, SEED.text, PrefilterSettings())
    plan = plan.bar({RELATED.canonical_url: "disallowed by robots.txt"})
    assert plan.fetch == ()
    rows = {r.url: (r.outcome, r.reason) for r in skipped_results(plan)}
    assert rows == {
        STORED.canonical_url: ("skipped", ALREADY_FETCHED),
        NOISE.canonical_url: ("skipped", PREFILTERED),
        RELATED.canonical_url: ("skipped", "disallowed by robots.txt"),
    }
