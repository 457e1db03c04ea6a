"""Writing articles: drafts and new versions, feedback and usage counts, attachments."""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.services import record
from kefu.org.access import require_perm

from .. import conf
from ..choices import FeedbackChannel
from ..choices import VersionStatus as S
from ..errors import ArticleInvalid, DraftExists, KnowledgeInvalidTransition
from ..models import Article, ArticleVersion, Attachment, Feedback
from ..permissions import KP
from .validation import clean_article_fields, clean_text

OPEN_STATUSES = (S.DRAFT, S.IN_REVIEW, S.PENDING_COMPLIANCE, S.APPROVED, S.REJECTED)
VERSION_FIELDS = ("kind", "script_kind", "audience", "category", "title", "question", "paraphrases", "body",
                  "tags", "effective_from", "effective_until", "change_note")


def create_article(*, actor, **data: Any) -> ArticleVersion:
    """A new article with its first draft version (not visible anywhere until published)."""
    require_perm(actor, KP.AUTHOR)
    values = clean_article_fields(data)
    with transaction.atomic():
        article = Article.objects.create(
            kind=values["kind"], script_kind=values["script_kind"], category=values["category"],
            audience=values["audience"], title=values["title"], created_by=actor,
        )
        version = ArticleVersion.objects.create(article=article, number=1, author=actor, **values)
        record(actor=actor, action="knowledge.article_created", obj=article,
               changes={"title": [None, values["title"]], "kind": [None, values["kind"]]})
    return version


def start_version(*, article: Article, actor, **data: Any) -> ArticleVersion:
    """A new draft of an existing article; only one unpublished version may be open at a time."""
    require_perm(actor, KP.AUTHOR)
    base = article.live_version
    merged = {name: getattr(base, name) for name in VERSION_FIELDS} if base else {}
    merged.update({k: v for k, v in data.items() if k in VERSION_FIELDS})
    merged["change_note"] = data.get("change_note", "")
    values = clean_article_fields(merged)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.versions.filter(status__in=OPEN_STATUSES).exists():
            raise DraftExists()
        number = (article.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = ArticleVersion.objects.create(article=article, number=number, author=actor, **values)
        record(actor=actor, action="knowledge.version_started", obj=version,
               changes={"number": [None, number]}, reason=values["change_note"])
    return version


def update_draft(*, version: ArticleVersion, actor, **data: Any) -> ArticleVersion:
    """Edit a draft in place (only its author, only while it is a draft)."""
    require_perm(actor, KP.AUTHOR)
    with transaction.atomic():
        version = ArticleVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != S.DRAFT:
            raise KnowledgeInvalidTransition(_("只有草稿可以修改"))
        if version.author_id != actor.pk:
            raise KnowledgeInvalidTransition(_("只能修改自己编写的草稿"), code="knowledge.not_author")
        merged = {name: getattr(version, name) for name in VERSION_FIELDS}
        merged.update({k: v for k, v in data.items() if k in VERSION_FIELDS})
        values = clean_article_fields(merged)
        changes = {k: [getattr(version, k), v] for k, v in values.items() if getattr(version, k) != v}
        for name, value in values.items():
            setattr(version, name, value)
        version.save()
        record(actor=actor, action="knowledge.draft_updated", obj=version,
               changes={k: [str(a)[:80], str(b)[:80]] for k, (a, b) in changes.items()})
    return version


def record_feedback(*, article: Article, helpful: bool, actor=None, channel: str = FeedbackChannel.AGENT,
                    comment: str = "") -> Feedback:
    """A helpful/not-helpful vote; staff need knowledge.feedback, customers vote anonymously on the FAQ."""
    if channel == FeedbackChannel.AGENT:
        require_perm(actor, KP.FEEDBACK)
    if channel not in FeedbackChannel.values:
        raise ArticleInvalid(fields={"channel": _("无效的来源")})
    comment = clean_text("comment", comment, max_length=500)
    with transaction.atomic():
        feedback = Feedback.objects.create(article=article, version_id=article.live_version_id, helpful=bool(helpful),
                                           channel=channel, user=actor if getattr(actor, "pk", None) else None,
                                           comment=comment)
        counter = "helpful_count" if helpful else "not_helpful_count"
        Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
        record(actor=actor, action="knowledge.feedback", obj=article,
               changes={"helpful": [None, bool(helpful)], "channel": [None, channel]})
    return feedback


def record_usage(*, article_ids: list[int], kind: str = "view") -> None:
    """Count views (article opened) or uses (suggested to an agent, answered by the bot).

    Counters only, no personal data; not audited individually (they are statistics, not business writes).
    """
    counter = "view_count" if kind == "view" else "use_count"
    if article_ids:
        Article.objects.filter(pk__in=list(article_ids)).update(**{counter: F(counter) + 1})


def add_attachment(*, article: Article, actor, name: str, content: bytes) -> Attachment:
    """Store a file outside the web root (MEDIA_ROOT) for a permission-checked download view."""
    require_perm(actor, KP.AUTHOR)
    name = clean_text("name", PurePath(name or "").name, max_length=200, required=True)
    suffix = PurePath(name).suffix.lower()
    content_type = conf.ALLOWED_ATTACHMENT_TYPES.get(suffix)
    if content_type is None:
        raise ArticleInvalid(_("不支持的附件类型"), code="knowledge.attachment_type", fields={"file": suffix})
    if not content or len(content) > conf.max_attachment_bytes():
        raise ArticleInvalid(_("附件为空或超过大小限制"), code="knowledge.attachment_size", fields={"file": len(content)})
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        attachment = Attachment(article=article, original_name=name, content_type=content_type, size=len(content),
                                sha256=digest, uploaded_by=actor, uploaded_at=timezone.now())
        attachment.file.save(name, ContentFile(content), save=False)
        attachment.save()
        record(actor=actor, action="knowledge.attachment_added", obj=attachment,
               changes={"name": [None, name], "size": [None, len(content)], "sha256": [None, digest]})
    return attachment
