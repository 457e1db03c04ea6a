"""Permission names of work orders and their default grants per role."""

from __future__ import annotations

from kefu.org.permissions import grant, register


class WP:
    VIEW = register("workorders.view", "查看工单", read_only=True)
    CREATE = register("workorders.create", "受理工单（登记）")
    HANDLE = register("workorders.handle", "中心处理工单（受理、当场答复、派单、答复、回访）")
    PROCESS = register("workorders.process", "承办工单（机构处理、退回、上报、办结）")
    SIGN_OFF = register("workorders.sign_off", "签批网点办理的投诉")
    APPROVE_EXTENSION = register("workorders.approve_extension", "审批延期申请")
    SUPERVISE = register("workorders.supervise", "督办与监督看板", read_only=False)
    MERGE = register("workorders.merge", "合并重复工单")
    ARCHIVE = register("workorders.archive", "归档工单")
    REASSIGN = register("workorders.reassign", "人工改派（需说明理由）")
    INTAKE_BRANCH = register("workorders.intake_branch", "录入网点意见簿与来信")
    INTAKE_PUBLIC = register("workorders.intake_public", "对外渠道提交（手机银行/网站/邮件网关）")
    CONFIGURE = register("workorders.configure", "配置派单规则、分类表与Webhook")


_CENTER_BASE = (WP.VIEW, WP.CREATE, WP.HANDLE)
grant("agent", *_CENTER_BASE)
grant("shift_lead", *_CENTER_BASE, WP.REASSIGN, WP.MERGE, WP.SUPERVISE)
grant("center_director", *_CENTER_BASE, WP.REASSIGN, WP.MERGE, WP.SUPERVISE, WP.APPROVE_EXTENSION, WP.ARCHIVE,
      WP.PROCESS)
grant("clerk", *_CENTER_BASE, WP.ARCHIVE)
grant("branch_complaint_manager", WP.VIEW, WP.CREATE, WP.PROCESS, WP.INTAKE_BRANCH)
grant("branch_head", WP.VIEW, WP.PROCESS, WP.SIGN_OFF, WP.APPROVE_EXTENSION)
grant("department_handler", WP.VIEW, WP.PROCESS)
grant("compliance_auditor", WP.VIEW)
grant("admin", WP.VIEW, WP.CONFIGURE)
grant("system_maintainer", WP.VIEW, WP.CONFIGURE)
grant("service_account", WP.CREATE, WP.INTAKE_PUBLIC, WP.VIEW)
