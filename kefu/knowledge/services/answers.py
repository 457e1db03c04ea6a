"""Answers for the chat bot and suggestions for agent assist, both read-only over the search index."""

from __future__ import annotations

from dataclasses import dataclass

from ..choices import Audience
from ..search import SearchHit, search

# Weights of the confidence features (see docs/knowledge.md, "Bot confidence").
BASE, QUESTION_WEIGHT, MARGIN_WEIGHT = 0.3, 0.5, 0.2
MAX_ASSIST_CHARS = 500


@dataclass
class BotAnswer:
    article_id: int
    title: str
    answer_text: str
    confidence: float
    hit: SearchHit | None = None


def answer_confidence(hits: list[SearchHit]) -> float:
    """0..1: how sure we are the first hit answers the question.

    ``coverage`` (share of the question's information the article contains) gates everything: an
    article matching one word of a long question is no answer. Within that, closeness to one of the
    article's own questions (paraphrases) counts most, and a clear lead over the runner-up adds the
    rest: two near-equal hits mean the question is ambiguous and a human should ask back.
    """
    if not hits:
        return 0.0
    top = hits[0]
    margin = 1.0 if len(hits) == 1 or top.score <= 0 else max(0.0, (top.score - hits[1].score) / top.score)
    value = top.coverage * (BASE + QUESTION_WEIGHT * top.question_similarity + MARGIN_WEIGHT * margin)
    return round(min(1.0, max(0.0, value)), 3)


def best_answer(question: str, *, audience: str = Audience.CUSTOMER) -> BotAnswer | None:
    """The best published article for a customer's question with a calibrated confidence, or None.

    The caller compares ``confidence`` with ``KEFU_BOT_CONFIDENCE`` (default 0.6) and hands over to a
    human below it.
    """
    hits = search(question, audience=audience, limit=3)
    if not hits:
        return None
    from ..models import Article

    article = Article.objects.filter(pk=hits[0].article_id).only("pk", "title", "body").first()
    if article is None:
        return None
    return BotAnswer(article_id=article.pk, title=article.title, answer_text=article.body,
                     confidence=answer_confidence(hits), hit=hits[0])


def suggest_articles(text: str, *, limit: int = 3) -> list[SearchHit]:
    """Top articles for an agent's live notes (agent audience: internal articles included)."""
    if not text or not text.strip():
        return []
    # The most recent notes matter most: keep the tail of a long text.
    return search(text[-MAX_ASSIST_CHARS:], audience=Audience.AGENT, limit=limit)
