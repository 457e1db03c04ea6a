"""Demo data: routing rules and a handful of work orders in different stages. Idempotent."""

from __future__ import annotations

from django.db import transaction


@transaction.atomic
def load(stdout=None) -> None:
    from kefu.org.models import Unit, User

    from .models import RoutingRule, WorkOrder
    from .services import create_workorder, transition
    from .setup import seed

    seed(None)
    units = {u.code: u for u in Unit.objects.all()}
    if not RoutingRule.objects.exists() and {"HO-CARD", "BR-DC", "BR-XC", "HO-RETAIL"} <= set(units):
        RoutingRule.objects.create(priority=10, business_line="credit_card", target_unit=units["HO-CARD"],
                                   description="信用卡业务由信用卡中心处理")
        RoutingRule.objects.create(priority=20, kind="complaint", home_unit=units["BR-DC"],
                                   target_unit=units["BR-DC"], description="东城分行客户的投诉派东城分行")
        RoutingRule.objects.create(priority=20, kind="complaint", home_unit=units["BR-XC"],
                                   target_unit=units["BR-XC"], description="西城分行客户的投诉派西城分行")
        RoutingRule.objects.create(priority=90, target_unit=units["HO-RETAIL"], description="其他派个人金融部")
    agent = User.objects.filter(username="agent01").first()
    if agent is None or WorkOrder.objects.filter(source_ref__startswith="demo-").exists():
        return
    samples = [
        ("consultation", "咨询大额取现预约流程", "客户询问5万元以上取现是否需要预约", {}, ["answer", "close"]),
        ("complaint", "信用卡年费扣收有异议", "客户称已满足免年费条件仍被扣200元", {"business_line": "credit_card",
                                                               "amount_fen": 20000}, ["dispatch"]),
        ("complaint", "东城分行营业部柜员服务态度差", "客户称柜员办理业务时态度冷淡", {"complained_unit": "BR-DC-01"},
         []),
        ("suggestion", "建议手机银行增加大字版", "老年客户建议", {}, []),
        ("service_request", "ATM取款未吐钞申请调账", "取款1000元未出钞已扣账", {"amount_fen": 100000,
                                                               "tags": ["atm_adjustment"]}, ["dispatch"]),
    ]
    for i, (kind, title, description, extra, steps) in enumerate(samples):
        wo = create_workorder(actor=agent, kind=kind, channel="phone", title=title, description=description,
                              contact_name="演示客户", contact_phone=f"1380013{i:04d}", source_ref=f"demo-{i}",
                              auto_accept=True, **extra)
        for step in steps:
            fields = {"answer": "已当场解答"} if step == "answer" else {}
            if step == "dispatch":
                fields = {"to_unit": "HO-CARD" if extra.get("business_line") == "credit_card" else "HO-OPS",
                          "reason": "演示派单", "override_reason": "演示"}
            if step == "close" and kind == "complaint":
                continue
            wo = transition(workorder=wo, action=step, actor=agent, **fields)
    if stdout is not None:
        stdout.write(f"workorders: {WorkOrder.objects.count()} work orders, {RoutingRule.objects.count()} rules")
