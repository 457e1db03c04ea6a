"""Label codes of the triage (exact codes from issue 7; outside checks compare against them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")
    SELF_SERVICE = "self_service", _("业务办理")


class Intent(models.TextChoices):
    BALANCE_QUERY = "balance_query", _("余额查询")
    TRANSACTION_HISTORY = "transaction_history", _("交易明细")
    TRANSFER = "transfer", _("转账汇款")
    TRANSFER_LIMIT = "transfer_limit", _("转账限额")
    CARD_LOSS_REPORT = "card_loss_report", _("挂失")
    CARD_UNFREEZE = "card_unfreeze", _("解冻/解除限制")
    PASSWORD_RESET = "password_reset", _("密码重置")
    CREDIT_CARD_BILL = "credit_card_bill", _("信用卡账单")
    CREDIT_CARD_INSTALLMENT = "credit_card_installment", _("信用卡分期")
    CREDIT_LIMIT = "credit_limit", _("信用卡额度")
    LOAN_INQUIRY = "loan_inquiry", _("贷款咨询")
    MORTGAGE_PREPAYMENT = "mortgage_prepayment", _("房贷提前还款")
    WEALTH_PRODUCT = "wealth_product", _("理财产品")
    DEPOSIT_RATE = "deposit_rate", _("存款利率")
    FEE_INQUIRY = "fee_inquiry", _("收费咨询")
    ATM_CASH_ISSUE = "atm_cash_issue", _("ATM现金问题")
    UNAUTHORIZED_TRANSACTION = "unauthorized_transaction", _("盗刷/非本人交易")
    ACCOUNT_OPENING = "account_opening", _("开户办卡")
    APPOINTMENT = "appointment", _("预约")
    MOBILE_BANKING_ISSUE = "mobile_banking_issue", _("手机/网上银行问题")
    PERSONAL_INFO_UPDATE = "personal_info_update", _("个人信息变更")
    COMPLAINT_STAFF_ATTITUDE = "complaint_staff_attitude", _("投诉服务态度")
    COMPLAINT_WAIT_TIME = "complaint_wait_time", _("投诉等候时间")
    COMPLAINT_MIS_SELLING = "complaint_mis_selling", _("投诉误导销售")
    COMPLAINT_FEES = "complaint_fees", _("投诉收费")
    COMPLAINT_PRIVACY = "complaint_privacy", _("投诉信息安全")
    COMPLAINT_SYSTEM_OUTAGE = "complaint_system_outage", _("投诉系统故障")
    COMPLAINT_POLICY = "complaint_policy", _("投诉制度流程")
    HUMAN_AGENT = "human_agent", _("转人工")
    OTHER = "other", _("其他")


class Category(models.TextChoices):
    SERVICE = "service", _("服务")
    PRODUCT = "product", _("产品")
    SYSTEM_TECH = "system_tech", _("系统技术")
    POLICY_PROCESS = "policy_process", _("制度流程")


class Severity(models.TextChoices):
    URGENT = "urgent", _("紧急")
    MAJOR = "major", _("重大")
    GENERAL = "general", _("一般")


class Business(models.TextChoices):
    DEBIT_CARD = "debit_card", _("借记卡")
    CREDIT_CARD = "credit_card", _("信用卡")
    LOAN = "loan", _("贷款")
    WEALTH = "wealth", _("理财")
    SAVINGS_DEPOSIT = "savings_deposit", _("储蓄存款")
    PAYMENT_SETTLEMENT = "payment_settlement", _("支付结算")
    E_BANKING = "e_banking", _("电子银行")
    PERSONAL_INFO = "personal_info", _("个人金融信息")
    OTHER = "other", _("其他")


class FeedbackSource(models.TextChoices):
    WORKORDER_INTAKE = "workorder_intake", _("工单受理")
    WORKORDERS = "workorders", _("工单")
    API = "api", _("接口")
    CHAT = "chat", _("在线客服")
    REVIEW = "review", _("人工复核")


# Codes other apps use for the same idea (kefu.workorders' kinds and business lines) -> triage codes.
FOREIGN_CODES: dict[str, dict[str, str]] = {
    "kind": {"service_request": "self_service"},
    "business": {"deposit": "savings_deposit", "payment": "payment_settlement", "cash": "other"},
}

LABELS = ("kind", "intent", "category", "severity", "business")
LABEL_CHOICES: dict[str, list[str]] = {
    "kind": list(Kind.values),
    "intent": list(Intent.values),
    "category": list(Category.values),
    "severity": list(Severity.values),
    "business": list(Business.values),
}
# Category and severity describe complaints only; for every other kind they are null.
COMPLAINT_ONLY = ("category", "severity")
