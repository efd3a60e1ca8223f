"""Parsing a page's decoded HTML into the lxml tree trafilatura works on.

In: the page's text and, when that text is the page's own UTF-8, its bytes. Out:
the tree trafilatura's ``load_html`` would give, or None where it gives None.

``load_html`` first removes the characters XML forbids with a regular expression
over the whole text: 1.3 ms of a 180 kB page, 5% of an article's extraction, and
nearly always for nothing. In UTF-8 those characters are the C0 bytes other than
tab, LF and CR, and the encodings of U+FFFE and U+FFFF; numpy finds them in the
bytes in a twentieth of the time. Pages that hold none take ``load_html``'s other
steps here (the same steps, so the same tree: ``tests/extractors/test_html_parse.py``
compares them on the extraction benchmark's pages); every other page goes through
``load_html`` itself.

Those trees are made by a parser that gives every element lxml.html's ``HtmlElement``
class in C. lxml.html's own parser asks a Python method which class each element
should have (a form control gets one of its own) every time trafilatura touches an
element, about 1,700 times a page: 0.47 ms of the page's 12 (88 benchmark pages, six
alternating rounds, identical extractions). Neither trafilatura nor storywatch uses a
form control's methods.
"""

from __future__ import annotations

import logging

import numpy as np
from lxml.etree import ElementDefaultClassLookup
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HTMLParser, HtmlProcessingInstruction, fromstring
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, fromstring_bytes, is_dubious_html, load_html
from trafilatura.xml import delete_element

__all__ = ["drop_code", "parse_html", "xml_safe_utf8"]

LOGGER = logging.getLogger(__name__)

_XML_ALLOWED_C0 = np.array([0x09, 0x0A, 0x0D], dtype=np.uint8)
_NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")  # U+FFFE, U+FFFF

# trafilatura.utils.HTML_PARSER's options, with the class lookup done in C (see above).
_PARSER = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
                     remove_pis=True)
_PARSER.set_element_class_lookup(ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))


def xml_safe_utf8(body: bytes) -> bool:
    """Whether UTF-8 ``body`` decodes to text without a character XML forbids."""
    codes = np.frombuffer(body, dtype=np.uint8)
    control = codes[codes < 0x20]
    if control.size and not np.isin(control, _XML_ALLOWED_C0).all():
        return False
    return not any(mark in body for mark in _NONCHARACTERS)


def parse_html(text: str, utf8: bytes | None = None) -> HtmlElement | None:
    """``trafilatura.utils.load_html(text)``; ``utf8``: the bytes ``text`` was decoded
    from as UTF-8, if it was, so that the scan for forbidden characters can be skipped."""
    if utf8 is None or not xml_safe_utf8(utf8):
        return load_html(text)
    original = text
    beginning = text[:50].lower()
    text = _repaired(text, beginning)
    tree, fallback_parse = None, False
    try:
        # The bytes, when the repairs changed nothing: libxml2 reads UTF-8 without the
        # conversion a str costs (1.2 ms a page instead of 1.4-1.8; the same trees).
        tree = fromstring(utf8 if text == original else text, parser=_PARSER)
    except ValueError:  # a string with an encoding declaration: lxml wants bytes
        tree, fallback_parse = fromstring_bytes(text), True
    except Exception as exc:
        LOGGER.error("lxml parsing failed: %s", exc)
    if (tree is None or len(tree) < 1) and not fallback_parse:
        tree = fromstring_bytes(text)
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None  # not HTML at all, as load_html judges it
    return tree


def _repaired(text: str, beginning: str) -> str:
    """``trafilatura.utils.repair_faulty_html`` but its scan: libxml2 chokes on a doctype
    that closes with a slash, and on a self-closing ``<html/>``."""
    if "doctype" in beginning:
        first, _, rest = text.partition("\n")
        text = DOCTYPE_TAG.sub("", first, count=1) + "\n" + rest
    for line in text[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", text, count=1)
    return text


def drop_code(tree: HtmlElement) -> HtmlElement:
    """``tree`` without its scripts (but JSON-LD), stylesheets and inline SVG, keeping the
    text that follows each; in place, once the page's metadata has been read from it.

    trafilatura's cleaning removes the same elements the same way, but only after it has
    copied the tree twice and searched it with its pruning XPaths: on a real news page
    they are half the markup, and dropping them first saves 0.4 ms of the page's 12
    (176 benchmark-corpus pages, eight alternating rounds; the same text on all 88
    extraction-benchmark pages). JSON-LD stays: trafilatura reads it to recognise forum
    threads and for an article body its fallbacks may use."""
    for element in [e for e in tree.iter("script", "style", "svg") if not _json_ld(e)]:
        delete_element(element)  # trafilatura's own removal: the tail joins what precedes it
    return tree


def _json_ld(element: HtmlElement) -> bool:
    return element.tag == "script" and (element.get("type") or "").strip().lower() == "application/ld+json"
