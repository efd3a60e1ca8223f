"""trafilatura's pruning XPaths, answered by Python instead of libxml2 while storywatch extracts.

In: nothing at call time; importing this module wraps nine of trafilatura's pruning
expressions (comment sections, share bars, footers, hidden blocks, teasers, captions and
the like). Out: :func:`accelerated`, a context in which those wrappers select the same
elements as the XPath would, in the same order, by reading each candidate element's
attributes in Python.

Why: the expressions test ``@id`` and ``@class`` with EXSLT's ``re:test``, which lxml
answers by calling back into Python for every candidate element and every test, and
libxml2 first builds the node-set of every descendant. On the throughput corpus they
cost 3.6 ms of a page's 12-15 ms of extraction; the same selections read in one pass
over the candidates cost a tenth of that (``tests/extractors/test_prune_paths.py``
compares the two on every benchmark page, raw and cleaned).

How it stays exact: each replacement is written for one expression's text and installed
only where trafilatura's expression has exactly that text, so a trafilatura release that
changes an expression leaves it to libxml2. Outside :func:`accelerated` (trafilatura
called by anyone else, the extraction benchmark's own trafilatura rows) every wrapper
evaluates its XPath. The XPath semantics kept: ``.//*`` is every descendant element in
document order; a missing attribute reads as the empty string; ``@id|@class`` is the
first of the two in the element's source order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from lxml import etree
from trafilatura import xpaths

__all__ = ["accelerated", "installed"]

Select = Callable[[etree._Element], list[etree._Element]]

_ON: ContextVar[bool] = ContextVar("storywatch_prune_paths", default=False)

_SECTIONS = ("div", "section", "aside")
_BLOCKS = ("div", "item", "list", "p", "section", "span")  # "item" and "list": trafilatura's converted li/ul


def _value(element: etree._Element, name: str) -> str:
    return element.get(name) or ""


def _first(element: etree._Element, one: str, other: str) -> str:
    """The string value of ``@one|@other``: the first of the two in the element's source order."""
    first, second = element.get(one), element.get(other)
    if first is None:
        return second or ""
    if second is None:
        return first
    names = element.keys()
    return first if names.index(one) < names.index(other) else second


def _test(pattern: str) -> Callable[[str], bool]:
    """``re:test(value, pattern)``: lxml's EXSLT search, no flags."""
    search = re.compile(pattern).search
    return lambda value: search(value) is not None


def _selector(tags: tuple[str, ...] | None, keep: Callable[[etree._Element], bool]) -> Select:
    """``.//*[self::tag or ...][keep]``; ``tags`` None for every element."""
    if tags is None:
        return lambda tree: [e for e in tree.iterdescendants(etree.Element) if keep(e)]
    return lambda tree: [e for e in tree.iterdescendants(*tags) if keep(e)]


# ---------------------------------------------------------------- the expressions, by their text

_INFINITE = _test("mvp-post-add-(?:box|wrap)|infinite-?scroll")
_APPENDED = _test("mvp-post-add-(?:box|wrap)")


def _infinite_scroll(e: etree._Element) -> bool:
    id_, class_ = _value(e, "id"), _value(e, "class")
    return ((_INFINITE(id_) or _INFINITE(class_))
            and (next(e.iterdescendants("h1"), None) is None or _APPENDED(id_) or _APPENDED(class_)))


_COMMENTS_ID = _test("^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)")
_COMMENTS_LIST_ID = _test("^(?:[Cc]omment(?!ary)|comol)")
_COMMENTS_CLASS = _test("^[Cc]omment(?!ary)|(?:article|post)-comments")


def _comments(e: etree._Element) -> bool:
    return _COMMENTS_ID(_value(e, "id")) or _COMMENTS_CLASS(_value(e, "class"))


def _comments_or_lists(e: etree._Element) -> bool:
    id_, class_ = _value(e, "id"), _value(e, "class")
    return ((_COMMENTS_ID(id_) or _COMMENTS_CLASS(class_))
            and (e.tag not in ("ol", "ul") or _COMMENTS_LIST_ID(id_) or _COMMENTS_CLASS(class_)))


_COOKIE = _test("cookie")
_OVERALL_ID = _test(
    "^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author|^(?:jp-|dpsp-content)"
    "|bmdh|footer|Footer|share|Share|nav|Nav|menu|related|message-container|premium|^ad-")
_OVERALL_CLASS = _test(
    "^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author"
    "|^(?:nav|post-nav|ZendeskForm)|subnav|avigation|navbar|navbox|menu|bar| ad |-ad-|(?:^| )ad-|dfp[Aa]d|outbrain"
    "|taboola|criteo|paid-?content|widget|footer|Footer|byline|Byline|share-|sociable|embedded|embed|tag-list"
    "|consent|modal-content|permission|elated|next-|-stories|most-popular|more-on|meta|rating|attachment|timestamp"
    "|user-info|user-profile|-icon|article-infos|message-container|slide|viewport|overlay|options|expand"
    "|obfuscated|blurred|mol-factbox|yin|zlylin|nfoline")


def _boilerplate(e: etree._Element) -> bool:
    return (e.get("data-lp-replacement-content") is not None
            or "nav" in _value(e, "role").replace("N", "n")
            or "MostPopularStories" in _value(e, "data-component")
            or _COOKIE(_first(e, "id", "class"))
            or _OVERALL_ID(_value(e, "id"))
            or _OVERALL_CLASS(_value(e, "class")))


_HIDDEN = _test("hidden")
_HIDDEN_ID = _test("reader-comments|akismet")
_HIDDEN_CLASS = _test("^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print"
                      "| hidden| hide|noprint|notloaded")


def _hidden(e: etree._Element) -> bool:
    if not e.attrib:  # every test below needs an attribute, and none matches the empty string
        return False
    style = _value(e, "style")
    return (e.get("class") == "comments-title"
            or _first(e, "id", "class").startswith("reply-")
            or _HIDDEN(_first(e, "id", "style"))
            or "display:none" in style or "display: none" in style
            or _HIDDEN_ID(_value(e, "id"))
            or _HIDDEN_CLASS(_value(e, "class"))
            or e.get("aria-hidden") == "true")


_BOTTOM = _test(r"(^|\s)bottom|bottom(\s|$)")
_LINK = _test(r"(^|\s)link(\s|$)")


def _precision(e: etree._Element) -> bool:
    first = _first(e, "id", "class")
    return _BOTTOM(first) or _LINK(first) or "border" in _value(e, "style")


_BODIES = ("article", "div", "main", "section")
_BODY_ID = _test("(?:entry|article|art)-content|article__content|article(?:-|__)?body|articleBody|body-text")
_BODY_CLASS = _test("post[-_]text|post-body|post-?entry|post[-_]?content|postContent|post_inner_wrapper|article-?text"
                    "|articleText|(?:entry|page|text|article|art)-content|article__content|article(?:-|__)?body"
                    "|articleBody|ArticleContent|body-text|article__container")


def _body(e: etree._Element) -> bool:
    return (e.get("class") in ("post", "entry") or e.get("itemprop") == "articleBody"
            or e.get("id") == "articleContent" or _BODY_ID(_value(e, "id")) or _BODY_CLASS(_value(e, "class")))


def _first_body_children(tree: etree._Element) -> list[etree._Element]:
    """``.//*[self::article or ...][body][1]``: the ``[1]`` belongs to the child step, so
    it is every parent's first matching child, not the first match in the document."""
    return [e for e in tree.iterdescendants(*_BODIES) if _body(e)
            and not any(_body(s) for s in e.itersiblings(*_BODIES, preceding=True))]


_STORY_ID = _test("^primary|story-body")
_FULLTEXT = re.compile("fulltext", re.IGNORECASE).search
_STORY_CLASS = _test("^article |post-bodycopy|story-?content|(?:theme|blog|section|single)-content|single-post"
                     "|main-column|wpb_text_column|story-body|field-body")


def _story(e: etree._Element) -> bool:
    class_ = _value(e, "class")
    return (e.get("role") == "article" or e.get("id") in ("article", "story")
            or e.get("class") in ("postarea", "art-postcontent", "text", "cell", "story")
            or _STORY_ID(_value(e, "id")) or _FULLTEXT(class_) is not None or _STORY_CLASS(class_))


_CONTENT_ID = _test("content-main|content-body|contentBody")
_CONTENT_CLASS = _test("content[-_]main|content(?:-|__)body")


def _content(e: etree._Element) -> bool:
    id_, class_ = _value(e, "id"), _value(e, "class")
    return (e.get("id") == "content" or e.get("class") == "content" or _CONTENT_ID(id_) or _CONTENT_CLASS(class_)
            or "main-content" in id_.replace("C", "c").replace("M", "m")
            or "main-content" in class_.replace("C", "c").replace("M", "m")
            or "page-content" in class_.replace("C", "c").replace("P", "p"))


def _first_match(tags: tuple[str, ...], keep: Callable[[etree._Element], bool]) -> Select:
    """``(.//*[self::tag or ...][keep])[1]``: the first match in the document."""

    def select(tree: etree._Element) -> list[etree._Element]:
        first = next((e for e in tree.iterdescendants(*tags) if keep(e)), None)
        return [] if first is None else [first]

    return select


_RULES: dict[str, Select] = {
    # RAW_TREE_PRUNE_XPATH
    "\n        .//*[self::div or self::section or self::aside][\n"
    "        re:test(@id, 'mvp-post-add-(?:box|wrap)|infinite-?scroll') or\n"
    "        re:test(@class, 'mvp-post-add-(?:box|wrap)|infinite-?scroll')][\n"
    "        not(.//h1) or re:test(@id, 'mvp-post-add-(?:box|wrap)') or re:test(@class, 'mvp-post-add-(?:box|wrap)')]\n"
    "        ": _selector(_SECTIONS, _infinite_scroll),
    ".//*[self::div or self::section or self::aside][contains(@class, 'elementor-share-buttons')]":
        _selector(_SECTIONS, lambda e: "elementor-share-buttons" in _value(e, "class")),
    # REMOVE_COMMENTS_AND_LISTS_XPATH
    "\n        .//*[self::div or self::list or self::section or self::details or self::ol or self::ul][\n"
    "        re:test(@id, '^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)') or\n"
    "        re:test(@class, '^[Cc]omment(?!ary)|(?:article|post)-comments')][\n"
    "        not(self::ol or self::ul) or re:test(@id, '^(?:[Cc]omment(?!ary)|comol)') or "
    "re:test(@class, '^[Cc]omment(?!ary)|(?:article|post)-comments')]\n"
    "        ": _selector(("div", "list", "section", "details", "ol", "ul"), _comments_or_lists),
    # REMOVE_COMMENTS_XPATH
    "\n        .//*[self::div or self::list or self::section or self::details][\n"
    "        re:test(@id, '^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)') or\n"
    "        re:test(@class, '^[Cc]omment(?!ary)|(?:article|post)-comments')]\n"
    "        ": _selector(("div", "list", "section", "details"), _comments),
    # OVERALL_DISCARD_XPATH
    "\n        .//*[self::div or self::item or self::list or self::p or self::section or self::span][\n"
    "        @data-lp-replacement-content or\n"
    "        contains(translate(@role, 'N', 'n'), 'nav') or\n"
    "        contains(@data-component, 'MostPopularStories') or\n"
    "        re:test(@id|@class, 'cookie') or\n"
    "        re:test(@id, '^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author"
    "|^(?:jp-|dpsp-content)|bmdh|footer|Footer|share|Share|nav|Nav|menu|related|message-container|premium|^ad-') or\n"
    "        re:test(@class, '^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author"
    "|^(?:nav|post-nav|ZendeskForm)|subnav|avigation|navbar|navbox|menu|bar| ad |-ad-|(?:^| )ad-|dfp[Aa]d|outbrain"
    "|taboola|criteo|paid-?content|widget|footer|Footer|byline|Byline|share-|sociable|embedded|embed|tag-list"
    "|consent|modal-content|permission|elated|next-|-stories|most-popular|more-on|meta|rating|attachment|timestamp"
    "|user-info|user-profile|-icon|article-infos|message-container|slide|viewport|overlay|options|expand"
    "|obfuscated|blurred|mol-factbox|yin|zlylin|nfoline')]\n"
    "        ": _selector(_BLOCKS, _boilerplate),
    "\n        .//*[@class='comments-title' or\n"
    "        starts-with(@id|@class, 'reply-') or\n"
    "        re:test(@id|@style, 'hidden') or\n"
    "        contains(@style, 'display:none') or contains(@style, 'display: none') or\n"
    "        re:test(@id, 'reader-comments|akismet') or\n"
    "        re:test(@class, '^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print"
    "| hidden| hide|noprint|notloaded') or @aria-hidden='true']\n"
    "        ": _selector(None, _hidden),
    # PRECISION_DISCARD_XPATH
    "\n    .//*[self::div or self::item or self::list or self::p or self::section or self::span][\n"
    "    re:test(@id|@class, '(^|\\s)bottom|bottom(\\s|$)') or re:test(@id|@class, '(^|\\s)link(\\s|$)') or\n"
    "    contains(@style, 'border')]\n"
    "    ": _selector(_BLOCKS, _precision),
    # TEASER_DISCARD_XPATH
    "\n    .//*[self::div or self::item or self::list or self::p or self::section or self::span][\n"
    "    contains(translate(@id, 'T', 't'), 'teaser') or contains(translate(@class, 'T', 't'), 'teaser')]\n"
    "    ": _selector(_BLOCKS, lambda e: "teaser" in _value(e, "id").replace("T", "t")
                  or "teaser" in _value(e, "class").replace("T", "t")),
    # DISCARD_IMAGE_ELEMENTS
    "\n    .//*[self::div or self::item or self::list or self::p or self::section or self::span][\n"
    "    contains(@id, 'caption') or contains(@class, 'caption')]\n"
    "    ": _selector(_BLOCKS, lambda e: "caption" in _value(e, "id") or "caption" in _value(e, "class")),
    # BODY_XPATH (the main-content candidates, in trafilatura's order of preference)
    "\n        .//*[self::article or self::div or self::main or self::section][\n"
    "        @class='post' or @class='entry' or\n"
    "        @itemprop='articleBody' or @id='articleContent' or\n"
    "        re:test(@id, '(?:entry|article|art)-content|article__content|article(?:-|__)?body|articleBody"
    "|body-text') or\n"
    "        re:test(@class, 'post[-_]text|post-body|post-?entry|post[-_]?content|postContent|post_inner_wrapper"
    "|article-?text|articleText|(?:entry|page|text|article|art)-content|article__content|article(?:-|__)?body"
    "|articleBody|ArticleContent|body-text|article__container')\n"
    "        ][1]\n"
    "        ": _first_body_children,
    "\n        (.//*[self::article or self::div or self::main or self::section][\n"
    "        @role='article' or\n"
    "        @id='article' or @id='story' or\n"
    "        @class='postarea' or @class='art-postcontent' or @class='text' or @class='cell' or @class='story' or\n"
    "        re:test(@id, '^primary|story-body') or\n"
    "        re:test(@class, 'fulltext', 'i') or\n"
    "        re:test(@class, '^article |post-bodycopy|story-?content|(?:theme|blog|section|single)-content"
    "|single-post|main-column|wpb_text_column|story-body|field-body')\n"
    "        ])[1]\n"
    "        ": _first_match(_BODIES, _story),
    "\n        (.//*[self::article or self::div or self::main or self::section][\n"
    "        @id='content' or @class='content' or\n"
    "        re:test(@id, 'content-main|content-body|contentBody') or\n"
    "        re:test(@class, 'content[-_]main|content(?:-|__)body') or\n"
    "        contains(translate(@id, 'CM','cm'), 'main-content') or "
    "contains(translate(@class, 'CM','cm'), 'main-content') or\n"
    "        contains(translate(@class, 'CP','cp'), 'page-content')\n"
    "        ])[1]\n"
    "        ": _first_match(_BODIES, _content),
}

_LISTS = ("BODY_XPATH", "RAW_TREE_PRUNE_XPATH", "REMOVE_COMMENTS_AND_LISTS_XPATH", "REMOVE_COMMENTS_XPATH",
          "OVERALL_DISCARD_XPATH", "PRECISION_DISCARD_XPATH", "TEASER_DISCARD_XPATH", "DISCARD_IMAGE_ELEMENTS")


class _Accelerated:
    """One of trafilatura's XPath objects, answered by ``select`` inside :func:`accelerated`."""

    def __init__(self, xpath: etree.XPath, select: Select) -> None:
        self.xpath, self.select = xpath, select

    def __call__(self, tree: Any, **variables: Any) -> Any:
        if _ON.get() and not variables and isinstance(tree, etree._Element):
            return self.select(tree)
        return self.xpath(tree, **variables)

    def __getattr__(self, name: str) -> Any:  # .path, .error_log: the XPath's own
        return getattr(self.xpath, name)


def _install(module: Any = xpaths) -> list[str]:
    """Wrap every expression of trafilatura's pruning lists that has a rule, in place (the
    lists are the objects trafilatura's modules imported); the names of those wrapped."""
    done = []
    for name in _LISTS:
        expressions = getattr(module, name, None)
        if not isinstance(expressions, list):
            continue
        for i, expression in enumerate(expressions):
            if isinstance(expression, _Accelerated):
                done.append(f"{name}[{i}]")
            elif (select := _RULES.get(getattr(expression, "path", None))) is not None:
                expressions[i] = _Accelerated(expression, select)
                done.append(f"{name}[{i}]")
    return done


_INSTALLED = tuple(_install())


def installed() -> tuple[str, ...]:
    """The expressions answered in Python (``OVERALL_DISCARD_XPATH[0]``, ...)."""
    return _INSTALLED


@contextmanager
def accelerated() -> Iterator[None]:
    """trafilatura's wrapped pruning expressions answered in Python within this context."""
    token = _ON.set(True)
    try:
        yield
    finally:
        _ON.reset(token)
