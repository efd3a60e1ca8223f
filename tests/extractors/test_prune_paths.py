"""The pruning expressions answered in Python select what libxml2 selects, and the text is the same."""

from __future__ import annotations

import gzip
from copy import deepcopy
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction, xpaths
from trafilatura.htmlprocessing import convert_tags, tree_cleaning
from trafilatura.settings import Extractor

from extractors import prune_paths
from extractors.html_parse import drop_code, parse_html
from extractors.prune_paths import accelerated, installed

BENCHMARK = Path(__file__).resolve().parents[1] / "fixtures" / "extraction-benchmark" / "html"
PAGES = sorted(BENCHMARK.glob("*.html.gz"))
# As storywatch asks trafilatura for the text (extractors/article.py).
OPTIONS = {"fast": True, "favor_precision": True, "include_comments": False, "include_tables": True,
           "deduplicate": False, "with_metadata": False}


def _wrapped() -> list[tuple[str, prune_paths._Accelerated]]:
    found = []
    for name in prune_paths._LISTS:
        for i, expression in enumerate(getattr(xpaths, name)):
            if isinstance(expression, prune_paths._Accelerated):
                found.append((f"{name}[{i}]", expression))
    return found


def _stages(tree: HtmlElement) -> list[HtmlElement]:
    """The trees trafilatura prunes: the raw page, without code, and cleaned with its tags converted."""
    options = Extractor(output_format="txt", fast=True, precision=True, comments=False, tables=True)
    dropped = drop_code(deepcopy(tree))
    return [tree, dropped, convert_tags(tree_cleaning(deepcopy(dropped), options), options, "https://example.org/")]


def _text(tree: HtmlElement) -> str | None:
    document = bare_extraction(tree, **OPTIONS)
    return document.text if document is not None else None


def test_the_wrapped_expressions_are_the_ones_installed() -> None:
    assert [name for name, _ in _wrapped()] == list(installed())
    assert installed()


def test_python_selects_what_the_xpath_selects_on_every_benchmark_page() -> None:
    selected: dict[str, int] = {}
    for path in PAGES:
        tree = parse_html(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        if tree is None:
            continue
        for stage in _stages(tree):
            for name, expression in _wrapped():
                expected = expression.xpath(stage)
                assert expression.select(stage) == expected, (path.name, name)
                selected[name] = selected.get(name, 0) + len(expected)
    # Not a comparison of empty lists: the busiest expressions select on these pages.
    for name in ("OVERALL_DISCARD_XPATH[0]", "OVERALL_DISCARD_XPATH[1]", "BODY_XPATH[0]"):
        if name in selected:
            assert selected[name] > 20, name


EDGES = """<html><body>
<div class="cookie-bar" id="x">class first</div><div id="x" class="cookie-bar">id first</div>
<div class="" id="cookie">empty class first</div><div id="">empty id</div>
<nav><div role="Navigation">role</div><span data-lp-replacement-content="">flag</span></nav>
<p data-component="MostPopularStoriesList">popular</p><section id="sidebar-1">side</section>
<div class="post-footer share-buttons">footer</div><span class="byline">by</span><div class="yin-yang">yin</div>
<div style="display: none">hidden</div><div id="reply-3">reply</div><div class="x" id="reply-4">not first</div>
<div style="color:red" id="hidden-box">style first</div><div id="hidden-box" style="color:red">id first</div>
<b aria-hidden="true">aria</b><em class="comments-title">title</em><div class="a hide">hide</div>
<ol id="comments"><li>c</li></ol><ul class="comment-list"><li>c</li></ul><ol id="disqus_thread"><li>d</li></ol>
<div id="commentary">commentary</div><div class="article-comments">ac</div><details id="comol">x</details>
<div class="mvp-post-add-box"><h1>appended</h1></div><section id="infinite-scroll"><h1>real</h1></section>
<aside class="infinite-scroll">no h1</aside><div class="elementor-share-buttons">share</div>
<div class="page-bottom">bottom</div><div class="Padding-bottom-lg">spacing</div><p class="link">link</p>
<p class="permalink">permalink</p><div style="border:1px">border</div><div id="TeaserBox">teaser</div>
<div class="image-caption">caption</div>
<main><div class="sidebar"/><article class="entry">one</article><article class="entry">two</article></main>
<section><div><div class="article-body">nested</div></div><div class="post-content">second child</div></section>
<div class="Fulltext">fulltext</div><div id="story">story</div><div class="MAIN-CONTENT">main</div>
<div class="Page-Content">page</div><div id="content">content</div>
</body></html>"""


def test_python_selects_what_the_xpath_selects_on_attribute_edge_cases() -> None:
    # Attribute order (@id|@class is the first in the source), empty and missing
    # attributes, case, and BODY_XPATH[0]'s [1] (every parent's first match).
    tree = parse_html(EDGES)
    assert tree is not None
    stages = _stages(tree)
    for name, expression in _wrapped():
        for stage in stages:
            assert expression.select(stage) == expression.xpath(stage), name
    assert len(xpaths.BODY_XPATH[0].xpath(tree)) > 1  # the case the [1] decides is in the document


def test_storywatch_gets_the_same_text_with_the_python_answers_on_every_benchmark_page() -> None:
    compared = 0
    for path in PAGES:
        text = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        plain, fast = parse_html(text), parse_html(text)
        if plain is None:
            continue
        with accelerated():
            got = _text(drop_code(fast))
        assert got == _text(drop_code(plain)), path.name
        compared += 1
    assert compared == len(PAGES)


def test_outside_the_context_trafilatura_evaluates_its_own_xpath(monkeypatch: pytest.MonkeyPatch) -> None:
    name, expression = _wrapped()[0]

    def refuse(tree: etree._Element) -> list[etree._Element]:
        raise AssertionError(f"{name} answered in Python outside accelerated()")

    monkeypatch.setattr(expression, "select", refuse)
    tree = parse_html(EDGES)
    assert expression(tree) == expression.xpath(tree)
    with accelerated(), pytest.raises(AssertionError):
        expression(tree)


def test_an_expression_whose_text_changed_is_left_to_libxml2() -> None:
    known = xpaths.TEASER_DISCARD_XPATH[0].path
    changed = etree.XPath(known.replace("teaser", "teasers"))
    module = SimpleNamespace(TEASER_DISCARD_XPATH=[changed, etree.XPath(known)])
    assert prune_paths._install(module) == ["TEASER_DISCARD_XPATH[1]"]
    assert module.TEASER_DISCARD_XPATH[0] is changed
    assert isinstance(module.TEASER_DISCARD_XPATH[1], prune_paths._Accelerated)
