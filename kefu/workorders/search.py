"""Chinese full-text search over title, description and notes.

Text is segmented with jieba (through ``kefu.knowledge.text.tokenize`` when the knowledge app provides
it, for its banking dictionary and synonyms) and stored space-separated in ``SearchDocument.tokens``.
The index is FTS5 on SQLite and a GIN-indexed tsvector ('simple' config) on PostgreSQL; see migration
0002. Queries segment the same way and require every term (AND).
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import QuerySet

from .models import SearchDocument, WorkOrder

_WORD = re.compile(r"\w", re.UNICODE)


def tokenize(text: str) -> list[str]:
    if not text:
        return []
    try:
        from kefu.knowledge.text import normalize
        from kefu.knowledge.text import tokenize as knowledge_tokenize
    except ImportError:
        import jieba

        words = jieba.lcut_for_search(text.lower())
    else:
        words = knowledge_tokenize(normalize(text).lower())
    return [w.strip() for w in words if w.strip() and _WORD.search(w)]


def _clean(term: str) -> str:
    # Only word characters reach the query syntax of FTS5 / tsquery.
    return "".join(ch for ch in term if ch.isalnum() or ch == "_")


def update_document(workorder: WorkOrder, *, new: bool = False) -> None:
    """(Re)build the search document; ``new`` skips the notes lookup and the upsert for a fresh case."""
    notes = "" if new else " ".join(workorder.notes.values_list("body", flat=True))
    text = " ".join([workorder.number, workorder.title, workorder.description, notes])
    tokens = " ".join(_clean(t) for t in tokenize(text) if _clean(t))
    if new:
        SearchDocument.objects.create(workorder=workorder, tokens=tokens)
    else:
        SearchDocument.objects.update_or_create(workorder=workorder, defaults={"tokens": tokens})


def query_terms(q: str) -> list[str]:
    terms = []
    for t in tokenize(q):
        c = _clean(t)
        if c and c not in terms:
            terms.append(c)
    return terms[:12]


def result_limit() -> int:
    from . import conf

    return int(conf.get("KEFU_WORKORDER_SEARCH_LIMIT", 1000))


def filter_search(queryset: QuerySet, q: str) -> QuerySet:
    """Restrict to work orders matching every term: the newest ``KEFU_WORKORDER_SEARCH_LIMIT`` matches
    (default 1000), so a common word never makes the exact count walk the whole table."""
    terms = query_terms(q)
    if not terms:
        return queryset
    limit = result_limit()
    if connection.vendor == "postgresql":
        tsquery = " & ".join(terms)
        ids = (SearchDocument.objects.extra(  # noqa: S610 (bound parameter, terms are word characters only)
            where=["tsv @@ to_tsquery('simple', %s)"], params=[tsquery])
            .order_by("-workorder_id").values("workorder_id")[:limit])
        return queryset.filter(pk__in=ids)
    if connection.vendor == "sqlite":
        match = " AND ".join(f'"{t}"' for t in terms)
        return queryset.extra(  # noqa: S610 (bound parameters)
            where=["workorders_workorder.id IN (SELECT rowid FROM workorders_fts WHERE workorders_fts MATCH %s "
                   "ORDER BY rowid DESC LIMIT %s)"],
            params=[match, limit])
    for term in terms:  # other vendors: plain containment on the segmented text
        queryset = queryset.filter(search_document__tokens__contains=term)
    return queryset
