from kefu.org.permissions import grant, register


class NotifyP:
    VIEW = register("notify.view", "查看通知记录", read_only=True)
    MANAGE_TEMPLATES = register("notify.manage_templates", "管理通知模板")
    RECEIPT = register("notify.receipt", "回写投递回执（网关）")


for _role in ("agent", "shift_lead", "center_director", "clerk", "system_maintainer", "branch_complaint_manager",
              "branch_head", "department_handler", "compliance_auditor", "admin"):
    grant(_role, NotifyP.VIEW)
grant("system_maintainer", NotifyP.MANAGE_TEMPLATES)
grant("admin", NotifyP.MANAGE_TEMPLATES)
grant("service_account", NotifyP.RECEIPT)
