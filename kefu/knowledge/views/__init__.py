from .public import faq, faq_article, faq_attachment, faq_feedback, faq_results
from .staff import (
    article,
    assist,
    attachment,
    edit_article,
    edit_version,
    feedback,
    home,
    mark_used,
    new_article,
    results,
    review,
    transition,
    upload_attachment,
    version,
)

__all__ = [
    "article", "assist", "attachment", "edit_article", "edit_version", "faq", "faq_article", "faq_attachment",
    "faq_feedback", "faq_results", "feedback", "home", "mark_used", "new_article", "results", "review",
    "transition", "upload_attachment", "version",
]
