"""Workflow transitions of article versions: review, maker-checker, compliance, publication."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.services import record
from kefu.common.errors import Forbidden
from kefu.org.access import require_perm

from .. import conf
from ..choices import VersionStatus as S
from ..choices import WorkflowAction as A
from ..errors import ArticleInvalid, ComplianceReviewerRequired, KnowledgeInvalidTransition, MakerCheckerViolation
from ..index import analyze
from ..models import Article, ArticleVersion, Tag, WorkflowEvent
from ..search import bump_index_seq
from ..workflow import CHECKER_ACTIONS, REASON_REQUIRED, permission_for, target_status
from .validation import clean_text


def requires_compliance(version: ArticleVersion) -> bool:
    """Product sheets and anything in a fee/product category need a compliance reviewer."""
    from ..choices import ArticleKind

    return version.kind == ArticleKind.PRODUCT or version.category.requires_compliance


def _in_compliance_unit(user) -> bool:
    unit = getattr(user, "unit", None)
    return bool(unit and (unit.is_risk_department or unit.is_service_management))


def check_actor(*, version: ArticleVersion, action: str, actor) -> str:
    """Raise unless ``actor`` may fire ``action`` on ``version`` now; returns the target status."""
    target = target_status(version.status, action,
                           requires_compliance=version.requires_compliance or requires_compliance(version))
    if target is None:
        raise KnowledgeInvalidTransition(fields={"status": version.status, "action": action})
    permission = permission_for(version.status, action)
    if permission is None:
        raise Forbidden(code="auth.permission_required")
    require_perm(actor, permission)
    if action in CHECKER_ACTIONS and version.author_id is not None and version.author_id == actor.pk:
        raise MakerCheckerViolation()
    if action == A.COMPLIANCE_APPROVE:
        if version.approved_by_id == actor.pk:
            # The compliance review is a second, independent check: not the same person as the approver.
            raise MakerCheckerViolation(_("合规审查人不能与审核人为同一人"))
        if conf.compliance_units_only() and not _in_compliance_unit(actor):
            raise ComplianceReviewerRequired(_("合规审查须由风险合规或规范服务管理部门人员进行"))
    if action == A.PUBLISH:
        if version.approved_by_id is None:
            raise KnowledgeInvalidTransition(_("版本未经审核，不能发布"))
        if version.requires_compliance and version.compliance_by_id is None:
            raise ComplianceReviewerRequired()
    return target


def transition(*, version: ArticleVersion, action: str, actor, comment: str = "") -> ArticleVersion:
    """Fire one workflow action on a version (the only way its status changes)."""
    comment = clean_text("comment", comment or "", max_length=500)
    if action in REASON_REQUIRED and not comment:
        raise ArticleInvalid(_("请填写退回或撤下的理由"), fields={"comment": _("必填")})
    with transaction.atomic():
        version = ArticleVersion.objects.select_for_update().select_related("category", "article").get(pk=version.pk)
        # Frozen at submission so a later category change cannot skip the compliance step.
        if action == A.SUBMIT:
            version.requires_compliance = requires_compliance(version)
        target = check_actor(version=version, action=action, actor=actor)
        now = timezone.now()
        before = version.status
        version.status = target
        fields = ["status", "requires_compliance"]
        if action == A.SUBMIT:
            version.submitted_at = now
            fields.append("submitted_at")
        elif action == A.APPROVE:
            version.approved_by, version.approved_at = actor, now
            fields += ["approved_by", "approved_at"]
        elif action == A.COMPLIANCE_APPROVE:
            version.compliance_by, version.compliance_at = actor, now
            fields += ["compliance_by", "compliance_at"]
        elif action == A.PUBLISH:
            version.published_by, version.published_at = actor, now
            fields += ["published_by", "published_at"]
        elif action == A.REOPEN:
            # A reworked version must be reviewed again from scratch.
            version.approved_by = version.compliance_by = None
            version.approved_at = version.compliance_at = version.submitted_at = None
            fields += ["approved_by", "approved_at", "compliance_by", "compliance_at", "submitted_at"]
        if comment and action in (A.REJECT, A.APPROVE, A.COMPLIANCE_APPROVE):
            version.review_comment = comment
            fields.append("review_comment")
        version.save(update_fields=fields)
        WorkflowEvent.objects.create(version=version, action=action, from_status=before, to_status=target,
                                     actor=actor, comment=comment)
        if action == A.PUBLISH:
            _go_live(version=version, actor=actor, now=now)
        elif action == A.WITHDRAW:
            _take_down(version=version, now=now)
        record(actor=actor, action=f"knowledge.version_{action}", obj=version,
               changes={"status": [before, target]}, reason=comment)
    return version


def _go_live(*, version: ArticleVersion, actor, now) -> None:
    article = Article.objects.select_for_update().get(pk=version.article_id)
    previous = (ArticleVersion.objects.filter(article=article, status=S.PUBLISHED).exclude(pk=version.pk))
    for old in previous:
        old.status = S.SUPERSEDED
        old.save(update_fields=["status"])
        WorkflowEvent.objects.create(version=old, action="supersede", from_status=S.PUBLISHED,
                                     to_status=S.SUPERSEDED, actor=actor,
                                     comment=_("被版本 v%(n)s 取代") % {"n": version.number})
    for name in ("kind", "script_kind", "category_id", "audience", "title", "question", "paraphrases", "body",
                 "effective_from", "effective_until"):
        setattr(article, name, getattr(version, name))
    article.search_tokens = analyze(title=version.title, tags=version.tags, body=version.body,
                                    questions=[q for q in [version.question, *version.paraphrases] if q])
    article.live_version = version
    article.is_live = True
    article.updated_at = now
    article.index_seq = bump_index_seq()
    article.save()
    article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in version.tags])


def _take_down(*, version: ArticleVersion, now) -> None:
    article = Article.objects.select_for_update().get(pk=version.article_id)
    if article.live_version_id == version.pk:
        article.is_live = False
        article.updated_at = now
        article.index_seq = bump_index_seq()
        article.save(update_fields=["is_live", "updated_at", "index_seq"])
