"""Enumerations of the sandbox core bank (stored values are stable English codes)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    SAVINGS = "savings", _("活期储蓄")
    TIME_DEPOSIT = "time_deposit", _("定期存款")
    CREDIT = "credit", _("信用卡账户")
    LOAN = "loan", _("贷款")
    INTERNAL = "internal", _("内部账户")


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    FROZEN = "frozen", _("冻结")
    DORMANT = "dormant", _("久悬")
    CLOSED = "closed", _("销户")


class MediumKind(models.TextChoices):
    DEBIT = "debit", _("借记卡")
    CREDIT = "credit", _("信用卡")
    PASSBOOK = "passbook", _("存折")


class MediumStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    FROZEN = "frozen", _("冻结")
    LOST = "lost", _("已挂失")
    CANCELLED = "cancelled", _("已注销")


class Channel(models.TextChoices):
    COUNTER = "counter", _("柜面")
    ATM = "atm", _("ATM")
    POS = "pos", _("POS")
    ONLINE = "online", _("网银")
    MOBILE = "mobile", _("手机银行")
    PHONE = "phone", _("电话银行")
    IVR = "ivr", _("自助语音")
    TRANSFER = "transfer", _("转账")
    SYSTEM = "system", _("系统")


class JournalKind(models.TextChoices):
    TRANSFER = "transfer", _("转账")
    DEPOSIT = "deposit", _("存入")
    WITHDRAWAL = "withdrawal", _("支取")
    PURCHASE = "purchase", _("消费")
    REPAYMENT = "repayment", _("还款")
    INTEREST = "interest", _("结息")
    FEE = "fee", _("收费")
    SALARY = "salary", _("代发工资")
    OPENING = "opening", _("开户存入")
