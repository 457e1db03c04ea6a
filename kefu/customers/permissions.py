"""Permission names of the customers app and their default grants."""

from kefu.org.permissions import grant, register


class CP:
    VIEW = register("customers.view", "查看客户信息（脱敏）与客户360视图", read_only=True)
    LOOKUP = register("customers.lookup", "来电弹屏查询客户", read_only=True)
    CREATE = register("customers.create", "新建客户档案")
    SYNC = register("customers.sync", "从核心系统同步客户")
    VERIFY = register("customers.verify", "核验来电客户身份")
    NOTE = register("customers.note", "记录客户备注")
    CHANGE_REQUEST = register("customers.change_request", "提交客户信息变更")
    CHANGE_APPROVE = register("customers.change_approve", "复核敏感信息变更")
    CONSENT_MANAGE = register("customers.consent_manage", "登记与撤回授权同意")
    SHARE_REQUEST = register("customers.share_request", "申请数据共享")
    SHARE_APPROVE = register("customers.share_approve", "审批数据共享")
    ERASURE_MANAGE = register("customers.erasure_manage", "处理删除（匿名化）申请与法律保全")
    FLAG_SUSPICIOUS = register("customers.flag_suspicious", "标记可疑交易或客户")
    RISK_CASE_VIEW = register("customers.risk_case_view", "查看可疑案件", read_only=True)
    RISK_CASE_MANAGE = register("customers.risk_case_manage", "处理可疑案件")


_FRONT_LINE = (CP.VIEW, CP.LOOKUP, CP.SYNC, CP.VERIFY, CP.NOTE, CP.CHANGE_REQUEST, CP.CONSENT_MANAGE,
               CP.FLAG_SUSPICIOUS, CP.RISK_CASE_VIEW, CP.CREATE)
grant("agent", *_FRONT_LINE)
grant("shift_lead", *_FRONT_LINE, CP.CHANGE_APPROVE)
grant("center_director", *_FRONT_LINE, CP.CHANGE_APPROVE, CP.SHARE_APPROVE, CP.ERASURE_MANAGE, CP.SHARE_REQUEST)
grant("clerk", CP.VIEW, CP.LOOKUP, CP.NOTE)
grant("branch_complaint_manager", CP.VIEW, CP.LOOKUP, CP.NOTE, CP.CHANGE_REQUEST, CP.FLAG_SUSPICIOUS,
      CP.RISK_CASE_VIEW)
grant("branch_head", CP.VIEW, CP.CHANGE_APPROVE, CP.FLAG_SUSPICIOUS, CP.RISK_CASE_VIEW)
# Department handlers include the risk department: case access is further restricted by visibility.
grant("department_handler", CP.VIEW, CP.SHARE_REQUEST, CP.FLAG_SUSPICIOUS, CP.RISK_CASE_VIEW,
      CP.RISK_CASE_MANAGE)
grant("compliance_auditor", CP.VIEW)
grant("admin", CP.VIEW, CP.ERASURE_MANAGE, CP.SHARE_APPROVE)
grant("service_account", CP.VIEW, CP.LOOKUP, CP.SYNC)
