"""Reads of the knowledge base: what a user may see, review queues, scripts."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kefu.common.errors import NotFound

from .choices import ArticleKind, Audience
from .choices import VersionStatus as S
from .models import Article, ArticleVersion, Attachment
from .permissions import KP


def articles_visible_to(user) -> QuerySet[Article]:
    """Staff with knowledge.view see every article (drafts included for authors/reviewers' pages);
    everyone else (customers on the FAQ) only published, in-force customer articles."""
    qs = Article.objects.select_related("category", "live_version")
    if user is not None and getattr(user, "is_authenticated", False) and user.has_kefu_perm(KP.VIEW):
        return qs
    return qs.live().filter(audience=Audience.CUSTOMER)


def public_articles() -> QuerySet[Article]:
    return Article.objects.live().filter(audience=Audience.CUSTOMER).select_related("category")


def get_article_for(user, pk: int) -> Article:
    article = articles_visible_to(user).filter(pk=pk).first()
    if article is None:
        raise NotFound(code="knowledge.not_found")
    return article


def get_public_article(pk: int) -> Article:
    article = public_articles().filter(pk=pk).first()
    if article is None:
        raise NotFound(code="knowledge.not_found")
    return article


def review_queue(user) -> QuerySet[ArticleVersion]:
    """Versions waiting for a step this user may perform (never their own for checker steps)."""
    wanted = Q(pk__in=[])
    if user.has_kefu_perm(KP.APPROVE):
        wanted |= Q(status=S.IN_REVIEW) & ~Q(author=user)
    if user.has_kefu_perm(KP.COMPLIANCE_REVIEW):
        wanted |= Q(status=S.PENDING_COMPLIANCE) & ~Q(author=user) & ~Q(approved_by=user)
    if user.has_kefu_perm(KP.PUBLISH):
        wanted |= Q(status=S.APPROVED)
    if user.has_kefu_perm(KP.AUTHOR):
        wanted |= Q(author=user, status__in=[S.DRAFT, S.REJECTED])
    return (ArticleVersion.objects.filter(wanted).select_related("article", "category", "author")
            .order_by("submitted_at", "created_at"))


def scripts(kind: str) -> list[Article]:
    """Published, in-force greeting or closing scripts, most used first."""
    return list(Article.objects.live().filter(kind=ArticleKind.SCRIPT, script_kind=kind)
                .order_by("-use_count", "title"))


def attachment_for(user, pk: int) -> Attachment:
    """An attachment if its article is visible to ``user`` (anonymous: published customer articles)."""
    attachment = Attachment.objects.select_related("article").filter(pk=pk).first()
    if attachment is None or not articles_visible_to(user).filter(pk=attachment.article_id).exists():
        raise NotFound(code="knowledge.not_found")
    return attachment
