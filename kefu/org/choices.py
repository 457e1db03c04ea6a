from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    HEAD_OFFICE = "head_office", _("总行")
    DEPARTMENT = "department", _("总行部门")
    CENTER = "center", _("客户服务中心")
    BRANCH = "branch", _("分行")
    OUTLET = "outlet", _("支行/网点")


class RoleCode(models.TextChoices):
    AGENT = "agent", _("座席员")
    SHIFT_LEAD = "shift_lead", _("座席班长")
    CENTER_DIRECTOR = "center_director", _("中心主任")
    CLERK = "clerk", _("综合员")
    SYSTEM_MAINTAINER = "system_maintainer", _("系统维护员")
    BRANCH_COMPLAINT_MANAGER = "branch_complaint_manager", _("网点投诉管理人")
    BRANCH_HEAD = "branch_head", _("网点负责人")
    DEPARTMENT_HANDLER = "department_handler", _("部门处理人")
    COMPLIANCE_AUDITOR = "compliance_auditor", _("合规审计员")
    ADMIN = "admin", _("系统管理员")
    SERVICE_ACCOUNT = "service_account", _("系统服务账号")
