"""A page's JSON-LD (schema.org structured data), read once and sorted by what it describes.

In: an lxml tree. Out: :class:`StructuredData` with the article-typed objects
(``NewsArticle``, ``ReportageNewsArticle``, ``BlogPosting``...) apart from the
rest (``WebSite``, ``Organization``, ``BreadcrumbList``, related items), with
``@graph`` containers flattened. Broken JSON, which is common, is skipped per
script, never raised.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

# JSON-LD types whose fields describe the article on the page itself.
ARTICLE_TYPE = re.compile(r"Article|Posting|Report|Story|NewsArticle", re.IGNORECASE)
# A hostile page could nest objects deeply to make the walk expensive.
MAX_OBJECTS = 500


@dataclass(frozen=True)
class StructuredData:
    articles: list[dict[str, Any]] = field(default_factory=list)
    others: list[dict[str, Any]] = field(default_factory=list)

    def first(self, key: str, *, articles_only: bool = False) -> Any:
        """The first value of ``key`` in article objects, then (unless ``articles_only``) the others."""
        for item in self.articles + ([] if articles_only else self.others):
            value = item.get(key)
            if value not in (None, "", []):
                return value
        return None

    def of_type(self, pattern: str) -> Iterator[dict[str, Any]]:
        wanted = re.compile(pattern, re.IGNORECASE)
        return (item for item in self.articles + self.others if wanted.search(type_names(item)))


def type_names(item: dict[str, Any]) -> str:
    kinds = item.get("@type")
    if isinstance(kinds, list):
        return " ".join(k for k in kinds if isinstance(k, str))
    return kinds if isinstance(kinds, str) else ""


def read_json_ld(tree: HtmlElement) -> StructuredData:
    data = StructuredData()
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            parsed = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        for item in _objects(parsed):
            (data.articles if ARTICLE_TYPE.search(type_names(item)) else data.others).append(item)
            if len(data.articles) + len(data.others) >= MAX_OBJECTS:
                return data
    return data


def _objects(parsed: Any) -> Iterator[dict[str, Any]]:
    """Top-level objects and the members of their ``@graph`` (one level: that is where sites put them)."""
    items = parsed if isinstance(parsed, list) else [parsed]
    for item in items:
        if not isinstance(item, dict):
            continue
        yield item
        graph = item.get("@graph")
        if isinstance(graph, list):
            yield from (g for g in graph if isinstance(g, dict))
