"""Permission names of the assist app and their default grants."""

from __future__ import annotations

from kefu.org.permissions import grant, register


class AssistPerm:
    TRIAGE = register("assist.triage", "使用智能分类建议", read_only=True)
    FEEDBACK = register("assist.feedback", "提交分类纠正（训练数据）")
    HOT_TOPICS = register("assist.hot_topics", "查看投诉热点周报", read_only=True)


for _role in ("agent", "shift_lead", "center_director", "clerk", "branch_complaint_manager", "admin",
              "service_account"):
    grant(_role, AssistPerm.TRIAGE, AssistPerm.FEEDBACK)
for _role in ("shift_lead", "center_director", "clerk", "compliance_auditor", "admin"):
    grant(_role, AssistPerm.HOT_TOPICS)
