from __future__ import annotations

import pytest

from kefu.audit.models import AuditEntry
from kefu.common.errors import Forbidden, ValidationFailed
from kefu.knowledge import services
from kefu.knowledge.errors import (
    ComplianceReviewerRequired,
    DraftExists,
    KnowledgeInvalidTransition,
    MakerCheckerViolation,
)
from kefu.knowledge.models import Article, WorkflowEvent
from kefu.knowledge.workflow import TRANSITIONS, allowed_actions

pytestmark = pytest.mark.django_db


def _draft(people, **extra):
    data = {"title": "借记卡丢失如何挂失", "body": "可拨打客服热线办理口头挂失，五日内到网点办理正式挂失。",
            "category": "debit-card", "audience": "customer"}
    data.update(extra)
    return services.create_article(actor=people["author"], **data)


def test_full_workflow_publishes_and_copies_live_content(categories, people):
    version = _draft(people, paraphrases=["卡丢了怎么办"], tags=["挂失"])
    assert not version.article.is_live
    services.transition(version=version, action="submit", actor=people["author"])
    version = services.transition(version=version, action="approve", actor=people["approver"])
    assert version.status == "approved"
    services.transition(version=version, action="publish", actor=people["approver"])
    article = Article.objects.get(pk=version.article_id)
    assert article.is_live and article.live_version_id == version.pk
    assert article.paraphrases == ["卡丢了怎么办"]
    assert list(article.tags.values_list("name", flat=True)) == ["挂失"]
    actions = list(WorkflowEvent.objects.filter(version=version).values_list("action", flat=True))
    assert actions == ["submit", "approve", "publish"]
    audited = set(AuditEntry.objects.filter(object_id=str(version.pk)).values_list("action", flat=True))
    assert {"knowledge.version_submit", "knowledge.version_approve", "knowledge.version_publish"} <= audited


def test_author_cannot_approve_own_version(categories, people):
    lead = people["approver"]
    version = services.create_article(actor=lead, title="转账限额", body="手机银行单日转账限额为5万元。",
                                      category="e-banking")
    services.transition(version=version, action="submit", actor=lead)
    with pytest.raises(MakerCheckerViolation):
        services.transition(version=version, action="approve", actor=lead)
    version.refresh_from_db()
    assert version.status == "in_review"
    assert "approve" not in allowed_actions(version, lead)


def test_publish_before_approval_is_refused(categories, people):
    version = _draft(people)
    with pytest.raises(KnowledgeInvalidTransition):
        services.transition(version=version, action="publish", actor=people["approver"])


def test_agent_cannot_author_or_approve(categories, people):
    with pytest.raises(Forbidden):
        services.create_article(actor=people["agent"], title="x", body="y", category="debit-card")
    version = _draft(people)
    services.transition(version=version, action="submit", actor=people["author"])
    with pytest.raises(Forbidden):
        services.transition(version=version, action="approve", actor=people["agent"])


@pytest.mark.parametrize("extra", [{"kind": "product"}, {"category": "fees"}])
def test_product_and_fee_articles_need_compliance_review(categories, people, extra):
    version = _draft(people, **extra)
    services.transition(version=version, action="submit", actor=people["author"])
    version = services.transition(version=version, action="approve", actor=people["approver"])
    assert version.status == "pending_compliance" and version.requires_compliance
    with pytest.raises(KnowledgeInvalidTransition):
        services.transition(version=version, action="publish", actor=people["approver"])
    # A department handler outside risk/compliance holds the permission but not the independence.
    with pytest.raises(ComplianceReviewerRequired):
        services.transition(version=version, action="compliance_approve", actor=people["card_dept"])
    version = services.transition(version=version, action="compliance_approve", actor=people["compliance"])
    assert version.status == "approved" and version.compliance_by == people["compliance"]
    services.transition(version=version, action="publish", actor=people["approver"])
    assert Article.objects.get(pk=version.article_id).is_live


def test_compliance_reviewer_cannot_review_own_article(categories, people):
    risk = people["compliance"]
    version = services.create_article(actor=risk, title="理财产品说明", body="本产品为R2级。", kind="product",
                                      category="deposit")
    services.transition(version=version, action="submit", actor=risk)
    version = services.transition(version=version, action="approve", actor=people["approver"])
    with pytest.raises(MakerCheckerViolation):
        services.transition(version=version, action="compliance_approve", actor=risk)


def test_reject_needs_reason_and_reopen_resets_review(categories, people):
    version = _draft(people)
    services.transition(version=version, action="submit", actor=people["author"])
    with pytest.raises(ValidationFailed):
        services.transition(version=version, action="reject", actor=people["approver"])
    version = services.transition(version=version, action="reject", actor=people["approver"], comment="补充网点办理时限")
    assert version.status == "rejected" and version.review_comment == "补充网点办理时限"
    version = services.transition(version=version, action="reopen", actor=people["author"])
    assert version.status == "draft" and version.approved_by is None
    version = services.update_draft(version=version, actor=people["author"], body="口头挂失后五日内到网点正式挂失。")
    assert version.body.startswith("口头挂失")


def test_new_version_supersedes_previous_and_only_one_open(publish, people):
    article = publish(title="短信通收费", body="短信通每月2元。", category="e-banking")
    v2 = services.start_version(article=article, actor=people["author"], body="短信通每月3元，首年免费。",
                                change_note="调价")
    with pytest.raises(DraftExists):
        services.start_version(article=article, actor=people["author"])
    assert v2.number == 2 and v2.title == "短信通收费"
    services.transition(version=v2, action="submit", actor=people["author"])
    services.transition(version=v2, action="approve", actor=people["approver"])
    services.transition(version=v2, action="publish", actor=people["approver"])
    article.refresh_from_db()
    assert article.body.startswith("短信通每月3元")
    statuses = dict(article.versions.values_list("number", "status"))
    assert statuses == {1: "superseded", 2: "published"}


def test_withdraw_takes_article_offline(publish, people):
    article = publish(title="临时公告", body="系统升级期间暂停服务。")
    version = article.live_version
    services.transition(version=version, action="withdraw", actor=people["approver"], comment="升级已结束")
    article.refresh_from_db()
    assert not article.is_live


def test_c3_data_is_refused(categories, people):
    with pytest.raises(ValidationFailed) as exc:
        _draft(people, body="客户的卡CVV 123，请核对")
    assert exc.value.code.startswith("pii.c3")


def test_transitions_map_is_closed():
    targets = {t for actions in TRANSITIONS.values() for t in actions.values()}
    assert targets <= set(TRANSITIONS)
