"""parse_html gives trafilatura's load_html tree, whether it takes its own path or load_html's."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.utils import load_html

from extractors.html_parse import drop_code, parse_html, xml_safe_utf8

BENCHMARK = Path(__file__).resolve().parents[1] / "fixtures" / "extraction-benchmark" / "html"
PAGES = sorted(BENCHMARK.glob("*.html.gz"))


def _same_tree(text: str, utf8: bytes | None) -> None:
    expected, got = load_html(text), parse_html(text, utf8)
    if expected is None:
        assert got is None
        return
    assert got is not None
    assert etree.tostring(got, encoding="unicode") == etree.tostring(expected, encoding="unicode")


def _utf8_pages() -> Iterator[tuple[str, bytes, str]]:
    """(name, body, text) of each benchmark page whose body is UTF-8."""
    for path in PAGES:
        body = gzip.decompress(path.read_bytes())
        try:
            yield path.name, body, body.decode("utf-8")
        except UnicodeDecodeError:
            continue


def test_the_benchmark_pages_parse_as_load_html_parses_them() -> None:
    assert len(PAGES) > 80
    fast = 0
    for _, body, text in _utf8_pages():
        fast += xml_safe_utf8(body)
        _same_tree(text, body)
    assert fast > 60  # most real pages take the path without the scan


@pytest.mark.parametrize("html", [
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" />\n<html><body><p>doctype closed by a slash</p></body></html>',
    '<html lang="en" />\n<head><title>t</title></head><body><p>self-closing html</p></body></html>',
    '<?xml version="1.0" encoding="utf-8"?>\n<html><body><p>an encoding declaration</p></body></html>',
    "<p>a bare fragment</p>",
    "plain text, no markup at all",
    "<html><body><p>caf\u00e9 \u2014 \u4e2d\u6587</p></body></html>",
    # UTF-8 whatever the page declares: the bytes it is parsed from must not be re-read as Latin-1
    '<html><head><meta charset="windows-1252"></head><body><p>caf\u00e9 \u2014 na\u00efve</p></body></html>',
    '<?xml version="1.0" encoding="iso-8859-1"?>\n<html><body><p>d\u00e9j\u00e0 vu</p></body></html>',
])
def test_repairs_and_rejections_match_load_html(html: str) -> None:
    body = html.encode("utf-8")
    assert xml_safe_utf8(body)
    _same_tree(html, body)


@pytest.mark.parametrize("bad", ["\x00", "\x01", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff"])
def test_a_character_xml_forbids_sends_the_page_through_load_html(bad: str) -> None:
    html = f"<html><body><p>one{bad}two</p><p>three</p></body></html>"
    body = html.encode("utf-8")
    assert not xml_safe_utf8(body)
    _same_tree(html, body)
    tree = parse_html(html, body)
    assert tree is not None and bad not in tree.text_content()


def test_tab_newline_and_carriage_return_are_allowed() -> None:
    assert xml_safe_utf8(b"<p>a\tb\r\nc</p>")


def test_trafilatura_extracts_the_same_text_from_our_trees_as_from_load_html_trees() -> None:
    # Our trees give every element lxml.html's HtmlElement class (no form-control
    # classes); trafilatura must not notice. It prunes the tree it is given, so each
    # side gets its own.
    compared = 0
    for name, body, text in _utf8_pages():
        ours, theirs = parse_html(text, body), load_html(text)
        if ours is None or theirs is None:
            continue
        _same_extraction(ours, theirs, name)
        compared += 1
    assert compared > 60


def _same_extraction(got_from: HtmlElement, expected_from: HtmlElement, name: str) -> None:
    """trafilatura's text from both trees (as storywatch asks for it) is the same."""
    options = {"fast": True, "favor_precision": True, "include_tables": True, "with_metadata": False}
    got, expected = bare_extraction(got_from, **options), bare_extraction(expected_from, **options)
    assert (got.text if got else None) == (expected.text if expected else None), name


def test_form_controls_keep_the_element_methods_trafilatura_calls() -> None:
    html = "<html><body><form><label>Name <input name='q' value='x'></label><select><option>o</option></select>" \
           "</form><p>text</p></body></html>"
    tree = parse_html(html, html.encode("utf-8"))
    assert tree is not None
    for element in tree.iter("form", "input", "select", "label"):
        assert isinstance(element, HtmlElement)
        element.text_content()
        list(element.iterancestors())


def test_dropping_code_first_leaves_trafilatura_the_same_text_on_every_benchmark_page() -> None:
    compared = 0
    for path in PAGES:
        text = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        plain, dropped = parse_html(text), parse_html(text)
        if plain is None:
            continue
        _same_extraction(drop_code(dropped), plain, path.name)
        compared += 1
    assert compared == len(PAGES)


def test_drop_code_keeps_json_ld_and_the_text_after_what_it_drops() -> None:
    html = ('<html><head><script type="application/ld+json">{"@type": "NewsArticle"}</script>'
            '<script>var x = 1;</script><style>p {}</style></head><body><p>one<script>track()</script> two'
            '<svg><text>logo</text></svg> three</p><p><style>.a{}</style>four</p></body></html>')
    tree = drop_code(parse_html(html, html.encode("utf-8")))
    assert [e.get("type") for e in tree.iter("script")] == ["application/ld+json"]
    assert not list(tree.iter("style", "svg"))
    assert [p.text_content() for p in tree.iter("p")] == ["one two three", "four"]
