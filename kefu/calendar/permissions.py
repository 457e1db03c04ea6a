"""Permission names of the calendar app and their default grants."""

from kefu.org.permissions import grant, register


class CalendarPerm:
    VIEW = register("calendar.view", "查看工作日历与计算期限", read_only=True)
    MANAGE = register("calendar.manage", "维护节假日安排（编辑、导入、发布年度）")
    POLICY_MANAGE = register("calendar.policy_manage", "维护期限规则版本")
    RECOMPUTE_VIEW = register("calendar.recompute_view", "查看因日历调整而重算的期限", read_only=True)
    RECOMPUTE_REVIEW = register("calendar.recompute_review", "确认重算后的期限")


for _role in ("agent", "shift_lead", "center_director", "clerk", "system_maintainer", "branch_complaint_manager",
              "branch_head", "department_handler", "compliance_auditor", "admin", "service_account"):
    grant(_role, CalendarPerm.VIEW)
grant("system_maintainer", CalendarPerm.MANAGE, CalendarPerm.POLICY_MANAGE, CalendarPerm.RECOMPUTE_VIEW)
grant("admin", CalendarPerm.MANAGE, CalendarPerm.POLICY_MANAGE, CalendarPerm.RECOMPUTE_VIEW,
      CalendarPerm.RECOMPUTE_REVIEW)
grant("center_director", CalendarPerm.RECOMPUTE_VIEW, CalendarPerm.RECOMPUTE_REVIEW)
grant("shift_lead", CalendarPerm.RECOMPUTE_VIEW)
grant("compliance_auditor", CalendarPerm.RECOMPUTE_VIEW)
