"""An in-memory BM25F index over knowledge articles (pure Python, no Django: the benchmark uses it too).

Each article has four fields with their own weight and length normalisation: title, questions (the
standard question plus paraphrases), tags and body. At indexing time every (term, article) pair gets
its saturated, field-weighted term frequency

    tf~ = sum_f w_f * tf_f / (1 - b_f + b_f * len_f / avglen_f);   weight = tf~ * (k1 + 1) / (k1 + tf~)

so a query only multiplies by the idf and sums: one dictionary walk per query term. Average field
lengths are taken when the index is (re)built; incremental additions reuse them, and the owner rebuilds
from scratch once a tenth of the collection has changed so the approximation never drifts far.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from .text import analyzer_fingerprint, tokenize

FIELD_WEIGHTS = {"title": 3.0, "questions": 2.5, "tags": 2.0, "body": 1.0}
FIELD_B = {"title": 0.5, "questions": 0.6, "tags": 0.3, "body": 0.75}
K1 = 1.2
# Terms found in more than this share of articles are "common": they only re-score candidates.
COMMON_FRACTION = 0.2
PRUNE_MIN_DOCS = 1000
MAX_QUERY_TERMS = 12  # small collections are scored exhaustively


@dataclass
class Document:
    id: int
    title: str
    body: str
    questions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    audience: str = "agent"
    kind: str = "faq"
    category: str = ""
    effective_from: date | None = None
    effective_until: date | None = None
    # Tokens computed when the article was published (see ``analyze``); None: tokenise when indexing.
    analysis: dict | None = None
    # Filled by the index: every canonical term of the article, and the term set of each question.
    terms: frozenset[str] = frozenset()
    question_terms: tuple[frozenset[str], ...] = ()

    def in_force(self, on: date) -> bool:
        return ((self.effective_from is None or self.effective_from <= on)
                and (self.effective_until is None or self.effective_until >= on))


def analyze(*, title: str, questions: list[str], tags: list[str], body: str) -> dict:
    """The tokens of each field, stored with the article at publication so that building an index at
    process start needs no word segmentation (jieba is the slow part: ~2 ms per article)."""
    return {
        "v": analyzer_fingerprint(),
        "title": tokenize(title),
        "questions": [tokenize(q) for q in questions],
        "tags": [t for tag in tags for t in tokenize(tag)],
        "body": tokenize(body),
    }


def analysis_of(doc: Document) -> dict:
    if doc.analysis and doc.analysis.get("v") == analyzer_fingerprint():
        return doc.analysis
    return analyze(title=doc.title, questions=doc.questions, tags=doc.tags, body=doc.body)


@dataclass
class Match:
    doc: Document
    score: float
    matched: list[str]


class SearchIndex:
    def __init__(self) -> None:
        self.docs: dict[int, Document] = {}
        self.postings: dict[str, dict[int, float]] = {}
        self.avg_len: dict[str, float] = dict.fromkeys(FIELD_WEIGHTS, 1.0)
        self.changes_since_build = 0
        self._idf: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self.docs)

    @staticmethod
    def _field_terms(doc: Document) -> dict[str, list[str]]:
        analysis = analysis_of(doc)
        doc.question_terms = tuple(frozenset(q) for q in [analysis["title"], *analysis["questions"]] if q)
        return {
            "title": analysis["title"],
            "questions": [t for q in analysis["questions"] for t in q],
            "tags": analysis["tags"],
            "body": analysis["body"],
        }

    def build(self, documents: Iterable[Document]) -> None:
        """Index a whole collection from scratch (computes the average field lengths first)."""
        self.docs.clear()
        self.postings.clear()
        prepared = [(doc, self._field_terms(doc)) for doc in documents]
        if prepared:
            for name in FIELD_WEIGHTS:
                total = sum(len(fields[name]) for _, fields in prepared)
                self.avg_len[name] = max(total / len(prepared), 1.0)
        for doc, fields in prepared:
            self._insert(doc, fields)
        self.changes_since_build = 0

    def add(self, doc: Document) -> None:
        """Insert or replace one article using the current average lengths."""
        self.remove(doc.id)
        self._insert(doc, self._field_terms(doc))
        self.changes_since_build += 1

    def remove(self, doc_id: int) -> None:
        old = self.docs.pop(doc_id, None)
        if old is None:
            return
        for term in old.terms:
            posting = self.postings.get(term)
            if posting is not None:
                posting.pop(doc_id, None)
                if not posting:
                    del self.postings[term]
        self.changes_since_build += 1
        self._idf.clear()

    def _insert(self, doc: Document, fields: dict[str, list[str]]) -> None:
        combined: dict[str, float] = {}
        for name, terms in fields.items():
            if not terms:
                continue
            b = FIELD_B[name]
            norm = 1 - b + b * len(terms) / self.avg_len[name]
            weight = FIELD_WEIGHTS[name] / norm
            for term, tf in Counter(terms).items():
                combined[term] = combined.get(term, 0.0) + weight * tf
        for term, tf_tilde in combined.items():
            self.postings.setdefault(term, {})[doc.id] = tf_tilde * (K1 + 1) / (K1 + tf_tilde)
        doc.terms = frozenset(combined)
        doc.analysis = None  # the postings hold what is needed; do not keep the tokens twice
        self.docs[doc.id] = doc
        self._idf.clear()

    def idf(self, term: str) -> float:
        value = self._idf.get(term)
        if value is None:
            df = len(self.postings.get(term, ()))
            value = math.log(1 + (len(self.docs) - df + 0.5) / (df + 0.5))
            if df:  # only indexed terms are memoised, so odd queries cannot grow the cache
                self._idf[term] = value
        return value

    def query(self, terms: list[str], *, limit: int = 10,
              accept: Callable[[Document], bool] | None = None) -> list[Match]:
        """Best ``limit`` documents for canonical ``terms`` among those ``accept`` lets through."""
        unique = list(dict.fromkeys(terms))
        # Rarest first; a long text (an agent's notes) keeps only its most specific words.
        present = sorted((t for t in unique if t in self.postings), key=lambda t: len(self.postings[t]))
        present = present[:MAX_QUERY_TERMS]
        scores: dict[int, float] = {}
        common = COMMON_FRACTION * len(self.docs) if len(self.docs) >= PRUNE_MIN_DOCS else float("inf")
        for term in present:
            posting = self.postings[term]
            idf = self.idf(term)
            if not scores:
                scores = {doc_id: idf * weight for doc_id, weight in posting.items()}
            elif len(posting) > common and len(scores) < len(posting):
                # A word in most articles only re-ranks the candidates the rarer words found; walking the
                # candidates instead of its long posting list keeps queries fast (exact for candidates).
                for doc_id in scores:
                    weight = posting.get(doc_id)
                    if weight is not None:
                        scores[doc_id] += idf * weight
            else:
                get = scores.get
                for doc_id, weight in posting.items():
                    scores[doc_id] = get(doc_id, 0.0) + idf * weight
        if not scores:
            return []
        # Filtering is cheap but not free: look at a few times ``limit`` first, everything only if needed.
        window = limit * 4
        ranked = heapq.nlargest(window, scores, key=scores.__getitem__)
        results = self._accepted(ranked, scores, limit, accept)
        if len(results) < limit and len(scores) > window:
            ranked = sorted(scores, key=scores.__getitem__, reverse=True)
            results = self._accepted(ranked, scores, limit, accept)
        kept = set(present)
        return [Match(doc=d, score=s, matched=[t for t in unique if t in kept and t in d.terms]) for d, s in results]

    def _accepted(self, ranked, scores, limit, accept):
        results = []
        for doc_id in ranked:
            doc = self.docs[doc_id]
            if accept is None or accept(doc):
                results.append((doc, scores[doc_id]))
                if len(results) == limit:
                    break
        return results
