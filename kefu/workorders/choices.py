"""Enumerations of work orders. Values are stored; labels are shown (Chinese first, translatable)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")
    SERVICE_REQUEST = "service_request", _("服务请求")


# Number prefixes by kind: readable on the phone and unambiguous in letters (TS = 投诉).
NUMBER_PREFIX = {
    Kind.CONSULTATION: "ZX",
    Kind.COMPLAINT: "TS",
    Kind.SUGGESTION: "JY",
    Kind.PRAISE: "BY",
    Kind.SERVICE_REQUEST: "FW",
}


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    CHAT = "chat", _("在线客服")
    EMAIL = "email", _("电子邮件")
    APP = "app", _("手机银行/网银")
    BRANCH_BOOK = "branch_book", _("网点意见簿")
    LETTER = "letter", _("来信")
    ONSITE = "onsite", _("现场口头")
    IVR = "ivr", _("语音自助")


# Channels a branch complaint manager enters (opinion book, letters, on-site verbal complaints).
BRANCH_CHANNELS_UI = frozenset({Channel.BRANCH_BOOK, Channel.LETTER, Channel.ONSITE})


class Status(models.TextChoices):
    NEW = "new", _("新建")
    ACCEPTED = "accepted", _("已受理")
    ANSWERED = "answered", _("当场答复")
    DISPATCHED = "dispatched", _("已派单")
    IN_PROGRESS = "in_progress", _("处理中")
    WAITING_CUSTOMER = "waiting_customer", _("等待客户")
    RETURNED = "returned", _("已退回")
    ESCALATED = "escalated", _("已上报")
    PENDING_SIGNOFF = "pending_signoff", _("待负责人签批")
    RESOLVED = "resolved", _("已办结")
    REPLIED = "replied", _("已答复客户")
    CALLED_BACK = "called_back", _("已回访")
    CLOSED = "closed", _("已关闭")
    RECHECK = "recheck", _("核查中")
    WITHDRAWN = "withdrawn", _("已撤诉")
    MERGED = "merged", _("已合并")
    ARCHIVED = "archived", _("已归档")


# Statuses in which the case still runs against its deadlines.
OPEN_STATUSES = frozenset({
    Status.NEW, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.WAITING_CUSTOMER,
    Status.RETURNED, Status.ESCALATED, Status.PENDING_SIGNOFF, Status.RESOLVED, Status.RECHECK,
})
# Statuses that still need someone's action (queues): open ones plus those awaiting callback or closing.
ACTIVE_STATUSES = OPEN_STATUSES | {Status.ANSWERED, Status.REPLIED, Status.CALLED_BACK}
# Statuses in which a unit is working on the case (handler actions allowed).
HANDLING_STATUSES = frozenset({Status.DISPATCHED, Status.IN_PROGRESS, Status.ESCALATED, Status.RECHECK})


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    MAJOR = "major", _("重大")
    URGENT = "urgent", _("紧急")


SEVERITY_ORDER = [Severity.GENERAL, Severity.MAJOR, Severity.URGENT]


class Category(models.TextChoices):
    SERVICE = "service", _("服务类")
    PRODUCT = "product", _("产品类")
    SYSTEM_TECH = "system_tech", _("系统技术类")
    POLICY_PROCESS = "policy_process", _("制度流程类")


class BusinessLine(models.TextChoices):
    DEPOSIT = "deposit", _("储蓄存款")
    LOAN = "loan", _("贷款")
    DEBIT_CARD = "debit_card", _("借记卡")
    CREDIT_CARD = "credit_card", _("信用卡")
    PAYMENT = "payment", _("支付结算")
    E_BANKING = "e_banking", _("电子银行")
    WEALTH = "wealth", _("理财代销")
    CASH = "cash", _("人民币管理")
    OTHER = "other", _("其他")


class ReplyChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")
    LETTER = "letter", _("书面")
    ONSITE = "onsite", _("当面")


class Dimension(models.TextChoices):
    CHANNEL = "A", _("A 渠道")
    BUSINESS = "B", _("B 业务类型")
    REASON = "C", _("C 投诉原因")


class HandoffRole(models.TextChoices):
    PRIMARY = "primary", _("主办")
    CO = "co", _("协办")
    ESCALATION = "escalation", _("上报")
    RECHECK = "recheck", _("核查")


class HandoffStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已完成")
    RETURNED = "returned", _("已退回")
    SUPERSEDED = "superseded", _("已转出")


class NoteVisibility(models.TextChoices):
    INTERNAL = "internal", _("内部备注")
    CUSTOMER = "customer", _("客户可见")


class AttachmentKind(models.TextChoices):
    SCAN = "scan", _("扫描件")
    EVIDENCE = "evidence", _("证据材料")
    EMAIL = "email", _("原始邮件")
    RECORDING = "recording", _("录音")
    OTHER = "other", _("其他")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("失败")
