from django.db import models
from django.utils.translation import gettext_lazy as _


class FlowStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class NodeKind(models.TextChoices):
    MENU = "menu", _("按键菜单")
    FUNCTION = "function", _("自助功能")
    TRANSFER = "transfer", _("转人工")
    HANGUP = "hangup", _("结束通话")


class Function(models.TextChoices):
    BALANCE = "balance", _("余额查询")
    TRANSACTIONS = "transactions", _("交易明细查询")
    TRANSFER = "transfer", _("转账")
    LOSS_REPORT = "loss_report", _("口头挂失")
    RATES = "rates", _("存款利率")
    FEES = "fees", _("收费标准")
    BUSINESS_SCOPE = "business_scope", _("业务范围")
    ALERTS = "alerts", _("短信通")
    SURVEY = "survey", _("满意度评价")


class CallChannel(models.TextChoices):
    AGI = "agi", _("Asterisk FastAGI")
    HTTP = "http", _("HTTP 会话接口")
    SOFTPHONE = "softphone", _("浏览器软电话")


class CallStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    ENDED = "ended", _("已结束")


class Disposition(models.TextChoices):
    IN_PROGRESS = "", _("进行中")
    SELF_SERVED = "self_served", _("自助完成")
    TRANSFERRED = "transferred", _("转人工")
    CALLBACK = "callback", _("预约回电")
    ABANDONED = "abandoned", _("中途挂机")
    LOCKED = "locked", _("密码锁定")
    FAILED = "failed", _("系统故障")


class CallbackStatus(models.TextChoices):
    PENDING = "pending", _("待回电")
    DONE = "done", _("已回电")
    CANCELLED = "cancelled", _("已取消")
