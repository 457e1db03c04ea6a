"""Knowledge search: the process-wide BM25 index kept in step with the database, and highlighting.

Every change that affects search bumps ``IndexState.seq`` in the same transaction and stamps the
article's ``index_seq``; each process compares its index's sequence with the shared one (at most every
``KEFU_KNOWLEDGE_INDEX_CHECK_SECONDS``, immediately after a change in this process) and loads only
the articles changed since, so several app servers converge without a broadcast.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import conf
from .choices import Audience
from .index import Document, Match, SearchIndex
from .text import normalize, surface_forms, tokenize

logger = logging.getLogger("kefu.knowledge")

SNIPPET_CHARS = 110
REBUILD_FRACTION = 0.1


@dataclass
class SearchHit:
    article_id: int
    title: str
    snippet_html: str
    score: float
    title_html: str = ""
    kind: str = ""
    category: str = ""
    audience: str = ""
    # Share of the query's information (idf-weighted) found in the article, 0..1.
    coverage: float = 0.0
    # Best overlap between the query and one of the article's questions (title included), 0..1.
    question_similarity: float = 0.0
    matched_terms: list[str] = field(default_factory=list)


class _Holder:
    def __init__(self) -> None:
        # Queries and incremental updates never interleave: a posting list must not change while a query
        # walks it. Holding one lock costs little since the GIL serialises pure-Python work anyway.
        self.lock = threading.RLock()
        self.index: SearchIndex | None = None
        self.seq = -1
        self.generation = ""
        self.checked_at = 0.0
        self.dirty = True


_holder = _Holder()


# --- keeping the index fresh -------------------------------------------------------------------------

def bump_index_seq() -> int:
    """Reserve the next change number (call inside the transaction that changes an article)."""
    from .models import IndexState

    with transaction.atomic():
        state, _ = IndexState.objects.select_for_update().get_or_create(pk=1)
        IndexState.objects.filter(pk=1).update(seq=F("seq") + 1)
        state.refresh_from_db(fields=["seq"])
    # This process must not serve a stale index even within the check interval.
    _holder.dirty = True
    return state.seq


def document_from_article(article) -> Document:
    questions = [q for q in [article.question, *(article.paraphrases or [])] if q]
    return Document(
        id=article.pk, title=article.title, body=article.body, questions=questions,
        tags=[t.name for t in article.tags.all()], audience=article.audience, kind=article.kind,
        category=article.category.name if article.category_id else "",
        effective_from=article.effective_from, effective_until=article.effective_until,
        analysis=article.search_tokens or None,
    )


def _live_articles(**filters):
    from .models import Article

    return (Article.objects.filter(is_live=True, **filters)
            .select_related("category").prefetch_related("tags").order_by("pk"))


def _rebuild(holder: _Holder, seq: int, generation: str) -> None:
    started = time.perf_counter()
    index = SearchIndex()
    index.build(document_from_article(a) for a in _live_articles().iterator(chunk_size=500))
    holder.index, holder.seq, holder.generation = index, seq, generation
    logger.info("knowledge index built: %d articles in %.2f s", len(index), time.perf_counter() - started)


def _catch_up(holder: _Holder, seq: int) -> None:
    from .models import Article

    index = holder.index
    assert index is not None
    changed = (Article.objects.filter(index_seq__gt=holder.seq)
               .select_related("category").prefetch_related("tags"))
    for article in changed:
        if article.is_live:
            index.add(document_from_article(article))
        else:
            index.remove(article.pk)
    holder.seq = seq


def current_index() -> SearchIndex:
    """This process's index, refreshed from the shared change counter when due."""
    from .models import IndexState

    holder = _holder
    now = time.monotonic()
    if holder.index is not None and not holder.dirty and now - holder.checked_at < conf.index_check_seconds():
        return holder.index
    with holder.lock:
        state = IndexState.objects.filter(pk=1).values("seq", "generation").first() or {"seq": 0, "generation": ""}
        seq, generation = state["seq"], state["generation"]
        if holder.index is None or generation != holder.generation or seq < holder.seq:
            _rebuild(holder, seq, generation)
        elif seq > holder.seq:
            _catch_up(holder, seq)
            if holder.index.changes_since_build > REBUILD_FRACTION * max(len(holder.index), 50):
                _rebuild(holder, seq, generation)
        holder.checked_at = now
        holder.dirty = False
        return holder.index


def reset_index() -> None:
    """Forget the process's index (tests, or after a bulk import outside the services)."""
    with _holder.lock:
        _holder.index = None
        _holder.seq = -1
        _holder.generation = ""
        _holder.dirty = True


# --- querying ----------------------------------------------------------------------------------------

def highlight_pattern(terms: list[str]) -> re.Pattern | None:
    forms = surface_forms(terms)
    if not forms:
        return None
    return re.compile("|".join(re.escape(html.escape(f)) for f in forms), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern | None) -> str:
    """HTML-escaped ``text`` with every match wrapped in ``<mark>``."""
    escaped = html.escape(text)
    if pattern is None:
        return escaped
    return pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)


def snippet(text: str, pattern: re.Pattern | None, width: int = SNIPPET_CHARS) -> str:
    """A window of ``text`` around its first match, highlighted."""
    flat = " ".join(text.split())
    start = 0
    if pattern is not None:
        first = pattern.search(html.escape(flat))
        if first is not None:
            # Position in escaped text approximates the raw one; entities are rare in article text.
            start = max(0, first.start() - width // 4)
    piece = flat[start:start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(flat) else ""
    return prefix + highlight(piece, pattern) + suffix


def _question_similarity(index: SearchIndex, query_terms: set[str], doc: Document) -> float:
    """idf-weighted Jaccard between the query and the closest question of the article."""
    if not query_terms:
        return 0.0
    best = 0.0
    for question in doc.question_terms:
        union = query_terms | question
        if not union:
            continue
        inter = sum(index.idf(t) for t in query_terms & question)
        best = max(best, inter / sum(index.idf(t) for t in union))
    return best


def run_search(index: SearchIndex, query: str, *, audience: str = Audience.AGENT, limit: int = 10,
               on: date | None = None) -> list[SearchHit]:
    """Pure search over ``index`` (no database): used by :func:`search` and the benchmark."""
    terms = tokenize(query)
    if not terms:
        return []
    on = on or timezone.localdate()
    customer = audience == Audience.CUSTOMER

    def accept(doc: Document) -> bool:
        return (not customer or doc.audience == Audience.CUSTOMER) and doc.in_force(on)

    matches = index.query(terms, limit=limit, accept=accept)
    if not matches:
        return []
    unique = set(terms)
    # Words the knowledge base has never seen count against coverage (the question is about something
    # else), except single characters, which are mostly segmentation leftovers.
    total_idf = sum(index.idf(t) for t in unique if len(t) > 1 or t in index.postings) or 1.0
    raw_words = [w for w in normalize(query).split() if w]
    return [_hit(index, m, unique, total_idf, raw_words) for m in matches]


def _hit(index: SearchIndex, match: Match, unique: set[str], total_idf: float, raw_words: list[str]) -> SearchHit:
    marked = match.matched + [w for w in raw_words if len(w) > 1]
    if any(len(t) > 1 for t in marked):
        # Single characters (卡, 吞) would light up half the text; mark them only when nothing longer matched.
        marked = [t for t in marked if len(t) > 1]
    pattern = highlight_pattern(marked)
    doc = match.doc
    source = doc.body if pattern is None or pattern.search(html.escape(doc.body)) else " / ".join(doc.questions)
    return SearchHit(
        article_id=doc.id, title=doc.title, snippet_html=snippet(source or doc.body, pattern),
        score=round(match.score, 4), title_html=highlight(doc.title, pattern), kind=doc.kind,
        category=doc.category, audience=doc.audience,
        coverage=round(sum(index.idf(t) for t in match.matched) / total_idf, 4),
        question_similarity=round(_question_similarity(index, unique, doc), 4),
        matched_terms=list(match.matched),
    )


def search(query: str, *, audience: str = Audience.AGENT, limit: int = 10) -> list[SearchHit]:
    """Published, in-force articles for ``query`` ranked by BM25F; customers see customer articles only."""
    if not query or not query.strip():
        return []
    limit = max(1, min(int(limit), 50))
    with _holder.lock:
        return run_search(current_index(), query[:200], audience=audience, limit=limit)
