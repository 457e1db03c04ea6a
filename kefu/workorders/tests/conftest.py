from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar_index():
    """Deadline math sees the calendar of this test's database (rolled back between tests)."""
    try:
        from kefu.calendar.deadlines import reset_index
    except ImportError:
        yield
        return
    reset_index()
    yield
    reset_index()


@pytest.fixture
def wo_users(org_tree, user_factory):
    """One user per role the journey needs, placed in the demo organisation."""
    return {
        "agent": user_factory("wo_agent", roles=["agent"], unit=org_tree["CC"]),
        "agent2": user_factory("wo_agent2", roles=["agent"], unit=org_tree["CC"]),
        "lead": user_factory("wo_lead", roles=["shift_lead"], unit=org_tree["CC"]),
        "director": user_factory("wo_director", roles=["center_director"], unit=org_tree["CC"]),
        "clerk": user_factory("wo_clerk", roles=["clerk"], unit=org_tree["CC"]),
        "dc_manager": user_factory("wo_dc_manager", roles=["branch_complaint_manager"], unit=org_tree["BR-DC"]),
        "dc_head": user_factory("wo_dc_head", roles=["branch_head"], unit=org_tree["BR-DC"]),
        "dc01_manager": user_factory("wo_dc01_manager", roles=["branch_complaint_manager"],
                                     unit=org_tree["BR-DC-01"]),
        "xc_manager": user_factory("wo_xc_manager", roles=["branch_complaint_manager"], unit=org_tree["BR-XC"]),
        "svc": user_factory("wo_svc", roles=["department_handler"], unit=org_tree["HO-SVC"]),
        "auditor": user_factory("wo_auditor", roles=["compliance_auditor"], unit=org_tree["HO"]),
        "ivr": user_factory("wo_ivr", roles=["service_account"], unit=org_tree["CC"]),
    }


@pytest.fixture
def seeded(db):
    """Reference data of the app (classification table, notification templates, calendar policies)."""
    import importlib

    from kefu.workorders.setup import seed

    for app in ("kefu.calendar", "kefu.notify"):
        try:
            module = importlib.import_module(f"{app}.setup")
        except ImportError:
            continue
        if hasattr(module, "seed"):
            module.seed(None)
    seed(None)


@pytest.fixture
def complaint(wo_users, seeded):
    from kefu.workorders.services import create_workorder

    return create_workorder(
        actor=wo_users["agent"], kind="complaint", channel="phone", title="信用卡年费扣收有异议",
        description="客户称已办理年费减免但仍被扣收年费200元，要求退还。", contact_name="张三",
        contact_phone="13800138000", severity="general", business_line="credit_card", category="product",
        amount_fen=20000, auto_accept=True)
