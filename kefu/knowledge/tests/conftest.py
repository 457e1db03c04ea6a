"""Fixtures of the knowledge tests: categories, the people of the workflow, a publish helper."""

from __future__ import annotations

import pytest

from kefu.knowledge.choices import BusinessLine
from kefu.knowledge.models import Category
from kefu.knowledge.search import reset_index


@pytest.fixture(autouse=True)
def _fresh_index():
    reset_index()
    yield
    reset_index()


@pytest.fixture
def categories(db):
    rows = [
        ("debit-card", "借记卡", BusinessLine.DEBIT_CARD, False),
        ("credit-card", "信用卡", BusinessLine.CREDIT_CARD, False),
        ("fees", "收费标准", BusinessLine.SERVICE, True),
        ("e-banking", "电子银行", BusinessLine.E_BANKING, False),
        ("deposit", "储蓄存款", BusinessLine.SAVINGS_DEPOSIT, False),
        ("scripts", "服务话术", BusinessLine.SERVICE, False),
    ]
    return {code: Category.objects.create(code=code, name=name, business_line=line, requires_compliance=rc)
            for code, name, line, rc in rows}


@pytest.fixture
def people(org_tree, user_factory):
    return {
        "author": user_factory("kb_author", roles=["clerk"], unit=org_tree["CC"]),
        "approver": user_factory("kb_lead", roles=["shift_lead"], unit=org_tree["CC"]),
        "compliance": user_factory("kb_risk", roles=["department_handler"], unit=org_tree["HO-RISK"]),
        "card_dept": user_factory("kb_card", roles=["department_handler"], unit=org_tree["HO-CARD"]),
        "agent": user_factory("kb_agent", roles=["agent"], unit=org_tree["CC"]),
        "auditor": user_factory("kb_auditor", roles=["compliance_auditor"], unit=org_tree["HO"]),
    }


@pytest.fixture
def publish(categories, people):
    """Create and publish an article through the full workflow; returns the Article."""
    from kefu.knowledge import services

    def _publish(**data):
        data.setdefault("category", "debit-card")
        data.setdefault("audience", "customer")
        version = services.create_article(actor=people["author"], **data)
        services.transition(version=version, action="submit", actor=people["author"])
        version = services.transition(version=version, action="approve", actor=people["approver"])
        if version.status == "pending_compliance":
            services.transition(version=version, action="compliance_approve", actor=people["compliance"])
        services.transition(version=version, action="publish", actor=people["approver"])
        version.article.refresh_from_db()
        return version.article

    return _publish
