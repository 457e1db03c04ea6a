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
_LATIN = re.compile(r"[0-9a-z]+")


def tokenize(text: str, *, for_query: bool = False) -> list[str]:
    """Search terms of ``text``: the knowledge tokenizer's canonical words plus, for a document, the
    words as written and the Latin/digit runs inside mixed words, so that "ATM" finds "ATM吞卡" (which
    the banking dictionary keeps as one word whose canonical form is 吞卡)."""
    if not text:
        return []
    try:
        from kefu.knowledge.text import STOPWORDS, cut, normalize, synonym_map
    except ImportError:
        import jieba

        words = [w.strip() for w in jieba.lcut_for_search(text.lower())]
        return [w for w in words if w and _WORD.search(w)]
    synonyms = synonym_map()
    terms: list[str] = []
    for word in cut(normalize(text)):
        if word in STOPWORDS:
            continue
        canonical = synonyms.get(word, word)
        terms.append(canonical)
        if _LATIN.search(word) and not _LATIN.fullmatch(word):
            terms.extend(_LATIN.findall(word))
        if not for_query and canonical != word:
            terms.append(word)
    return terms


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
    for t in tokenize(q, for_query=True):
        c = _clean(t)
        if c and c not in terms:
            terms.append(c)
    return terms[:12]


def result_limit() -> int:
    from . import conf

    return int(conf.get("KEFU_WORKORDER_SEARCH_LIMIT", 1000))


def recent_window() -> int:
    from . import conf

    return int(conf.get("KEFU_WORKORDER_SEARCH_RECENT_WINDOW", 50_000))


_MATCHES_SQL = (
    "SELECT workorder_id FROM workorders_searchdocument WHERE workorder_id {op} %s "
    "AND tsv @@ to_tsquery('simple', %s) ORDER BY workorder_id DESC LIMIT %s"
)


def _newest_matches_postgresql(tsquery: str, limit: int) -> list[int]:
    """The newest ``limit`` matching work-order ids, first among the most recent documents, then the rest.

    One query over the whole table lets the planner pick between walking the newest documents and reading
    every match from the GIN index by its estimate, and the estimate is wrong for words that go together
    (手机银行 + 登录): it then reads tens of thousands of matches to keep 1,000. Looking in the newest
    ``KEFU_WORKORDER_SEARCH_RECENT_WINDOW`` documents first bounds the common case; only a search with
    fewer matches there goes on into the older ones, where its matches are few by definition of rare.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(workorder_id) FROM workorders_searchdocument")
        newest = cursor.fetchone()[0]
        if newest is None:
            return []
        boundary = newest - recent_window()
        cursor.execute(_MATCHES_SQL.format(op=">"), [boundary, tsquery, limit])
        ids = [row[0] for row in cursor.fetchall()]
        if len(ids) < limit and boundary > 0:
            cursor.execute(_MATCHES_SQL.format(op="<="), [boundary, tsquery, limit - len(ids)])
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def filter_search(queryset: QuerySet, q: str) -> QuerySet:
    """Restrict to work orders matching every term: the newest ``KEFU_WORKORDER_SEARCH_LIMIT`` matches
    (default 1000), so a common word never makes the exact count walk the whole table."""
    terms = query_terms(q)
    if not terms:
        return queryset
    limit = result_limit()
    if connection.vendor == "postgresql":
        ids = _newest_matches_postgresql(" & ".join(terms), limit)
        # One array parameter instead of up to 1,000 placeholders (binding those cost ~10 ms per query).
        return queryset.extra(  # noqa: S610 (bound parameter)
            where=[f"{WorkOrder._meta.db_table}.id = ANY(%s)"], params=[ids])
    if connection.vendor == "sqlite":
        match = " AND ".join(f'"{t}"' for t in terms)
        return queryset.extra(  # noqa: S610 (bound parameters)
            where=["workorders_workorder.id IN (SELECT rowid FROM workorders_fts WHERE workorders_fts MATCH %s "
                   "ORDER BY rowid DESC LIMIT %s)"],
            params=[match, limit])
    for term in terms:  # other vendors: plain containment on the segmented text
        queryset = queryset.filter(search_document__tokens__contains=term)
    return queryset
