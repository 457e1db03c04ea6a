from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    CHAT = "chat", _("在线客服")
    EMAIL = "email", _("电子邮件")
    VIDEO = "video", _("视频")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("呼入")
    OUTBOUND = "outbound", _("呼出")


class InteractionStatus(models.TextChoices):
    OFFERED = "offered", _("进线")
    QUEUED = "queued", _("排队中")
    ALERTING = "alerting", _("振铃/分配中")
    ANSWERED = "answered", _("通话/会话中")
    HELD = "held", _("保持")
    WRAP_UP = "wrap_up", _("话后处理")
    ENDED = "ended", _("已结束")
    ABANDONED = "abandoned", _("放弃")


class AgentState(models.TextChoices):
    READY = "ready", _("就绪")
    ON_CALL = "on_call", _("通话中")
    AFTER_CALL_WORK = "after_call_work", _("话后处理")
    BREAK = "break", _("小休")
    TRAINING = "training", _("培训")
    OFFLINE = "offline", _("离线")


class EventKind(models.TextChoices):
    OFFERED = "offered", _("进线")
    QUEUED = "queued", _("排队")
    ROUTED = "routed", _("分配座席")
    ANSWERED = "answered", _("接听")
    HELD = "held", _("保持")
    RESUMED = "resumed", _("恢复")
    TRANSFERRED = "transferred", _("转接")
    ABANDONED = "abandoned", _("放弃")
    ENDED = "ended", _("结束")
    WRAPPED_UP = "wrapped_up", _("话后处理完成")
    MESSAGE = "message", _("消息")


class SenderKind(models.TextChoices):
    CUSTOMER = "customer", _("客户")
    BOT = "bot", _("机器人")
    AGENT = "agent", _("座席")
    SYSTEM = "system", _("系统")
