"""Every write of the knowledge base, and the read-only answer helpers other apps call."""

from .answers import BotAnswer, answer_confidence, best_answer, suggest_articles
from .articles import (
    add_attachment,
    create_article,
    record_feedback,
    record_usage,
    start_version,
    update_draft,
)
from .workflow import check_actor, requires_compliance, transition

__all__ = [
    "BotAnswer", "add_attachment", "answer_confidence", "best_answer", "check_actor", "create_article",
    "record_feedback", "record_usage", "requires_compliance", "start_version", "suggest_articles", "transition",
    "update_draft",
]
