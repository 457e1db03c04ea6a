"""Phone banking IVR: versioned call flows, call records with their persisted session, phone-banking
credentials, callback requests, SMS alert (短信通) subscriptions and the business-scope catalog."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.pii.fields import EncryptedTextField

from .choices import CallbackStatus, CallChannel, CallStatus, Disposition, FlowStatus, NodeKind


class CallFlow(models.Model):
    """One version of a menu tree. Published versions are immutable; edit a new draft instead."""

    code = models.SlugField(_("流程代码"), max_length=40)
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=100)
    status = models.CharField(_("状态"), max_length=12, choices=FlowStatus.choices, default=FlowStatus.DRAFT)
    entry_key = models.SlugField(_("入口节点"), max_length=40, default="main")
    max_retries = models.PositiveSmallIntegerField(_("输入错误/超时重试次数"), default=3)
    default_queue = models.CharField(_("默认人工队列"), max_length=40, default="general")
    note = models.TextField(_("变更说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        verbose_name = _("IVR流程版本")
        verbose_name_plural = _("IVR流程版本")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="ivr_flow_code_version")]
        ordering = ["code", "-version"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}（{self.get_status_display()}）"


class FlowNode(models.Model):
    """A menu, a self-service function, a transfer to agents or the goodbye; linked by node keys."""

    flow = models.ForeignKey(CallFlow, on_delete=models.CASCADE, related_name="nodes")
    key = models.SlugField(_("节点键"), max_length=40)
    kind = models.CharField(_("类型"), max_length=12, choices=NodeKind.choices)
    function = models.CharField(_("自助功能"), max_length=20, blank=True)
    prompt = models.TextField(_("提示语"), blank=True)
    # Menu: {"1": "balance", "0": "agent", "*": "@repeat"}; "@repeat" replays, "@back" returns to the entry.
    options = models.JSONField(_("按键选项"), default=dict, blank=True)
    next_key = models.SlugField(_("完成后转到"), max_length=40, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    requires_auth = models.BooleanField(_("需要验证身份"), default=False)
    timeout_ms = models.PositiveIntegerField(_("等待按键(毫秒)"), default=5000)
    max_digits = models.PositiveSmallIntegerField(_("最多按键位数"), default=1)
    barge_in = models.BooleanField(_("允许打断提示音"), default=True)

    class Meta:
        verbose_name = _("流程节点")
        verbose_name_plural = _("流程节点")
        constraints = [models.UniqueConstraint(fields=["flow", "key"], name="ivr_node_flow_key")]
        ordering = ["flow", "id"]

    def __str__(self) -> str:
        return f"{self.key}（{self.get_kind_display()}）"


def new_call_id() -> str:
    return uuid.uuid4().hex


class IvrCall(models.Model):
    """One call through the IVR and its persisted session, shared by every app server and the FastAGI
    server. The PIN never reaches this row: inputs at PIN steps are consumed in the step and recorded as ****."""

    call_id = models.CharField(max_length=32, unique=True, default=new_call_id, editable=False)
    channel = models.CharField(_("接入方式"), max_length=12, choices=CallChannel.choices)
    external_id = models.CharField(_("外部呼叫标识"), max_length=80, blank=True, db_index=True)
    flow = models.ForeignKey(CallFlow, on_delete=models.PROTECT, related_name="calls")
    caller_masked = models.CharField(_("主叫号码"), max_length=32, blank=True)
    caller_index = models.CharField(max_length=64, blank=True, db_index=True)
    caller_enc = EncryptedTextField(blank=True)
    called = models.CharField(_("被叫号码"), max_length=32, blank=True)
    started_at = models.DateTimeField(_("开始时间"), db_index=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(max_length=8, choices=CallStatus.choices, default=CallStatus.ACTIVE)
    disposition = models.CharField(_("结果"), max_length=12, choices=Disposition.choices, blank=True, default="")
    verified = models.BooleanField(_("已验证身份"), default=False)
    cif_no = models.CharField(_("客户号"), max_length=32, blank=True, db_index=True)
    path = models.JSONField(_("菜单路径"), default=list)
    outcomes = models.JSONField(_("自助结果"), default=list)
    last_intent = models.CharField(_("最后意图"), max_length=40, blank=True)
    transferred_queue = models.CharField(_("转接队列"), max_length=40, blank=True)
    handoff = models.JSONField(_("转人工上下文"), default=dict, blank=True)
    survey_score = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    recording_file = models.CharField(_("录音文件"), max_length=255, blank=True)
    # Engine session: current node/phase, retries, step counter; sensitive references encrypted inside.
    state = models.JSONField(default=dict)
    step = models.PositiveIntegerField(default=0)
    # The last output, encrypted (it may read back a balance), replayed when a PBX retries a step.
    last_output = EncryptedTextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("IVR通话")
        verbose_name_plural = _("IVR通话")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["channel", "external_id"], name="ivr_call_channel_ext")]

    def __str__(self) -> str:
        return f"{self.call_id[:8]} {self.caller_masked}"


class PhoneBankingCredential(models.Model):
    """A customer's phone-banking PIN, as an argon2 hash only, and the channel lock."""

    cif_no = models.CharField(_("客户号"), max_length=32, unique=True)
    pin_hash = models.CharField(max_length=200)
    failed_attempts = models.PositiveSmallIntegerField(_("连续错误次数"), default=0)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    locked_reason = models.CharField(_("锁定原因"), max_length=100, blank=True)
    pin_set_at = models.DateTimeField(_("密码设置时间"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("电话银行密码")
        verbose_name_plural = _("电话银行密码")

    def __str__(self) -> str:
        return f"{self.cif_no}{'（已锁定）' if self.locked_at else ''}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class CallbackRequest(models.Model):
    call = models.ForeignKey(IvrCall, on_delete=models.CASCADE, related_name="callbacks")
    cif_no = models.CharField(_("客户号"), max_length=32, blank=True)
    phone_enc = EncryptedTextField()
    phone_masked = models.CharField(_("回电号码"), max_length=32)
    phone_index = models.CharField(max_length=64, db_index=True)
    queue = models.CharField(_("队列"), max_length=40)
    waiting_when_requested = models.PositiveIntegerField(_("登记时排队人数"), default=0)
    requested_at = models.DateTimeField(_("登记时间"))
    status = models.CharField(_("状态"), max_length=12, choices=CallbackStatus.choices,
                              default=CallbackStatus.PENDING)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("预约回电")
        verbose_name_plural = _("预约回电")
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"{self.phone_masked} {self.get_status_display()}"


class AlertSubscription(models.Model):
    """短信通: an SMS for every posting on the account whose amount is at least the threshold."""

    cif_no = models.CharField(_("客户号"), max_length=32, db_index=True)
    account_enc = EncryptedTextField()
    account_index = models.CharField(max_length=64, db_index=True)
    account_masked = models.CharField(_("账号"), max_length=32)
    mobile_enc = EncryptedTextField()
    mobile_masked = models.CharField(_("手机号"), max_length=20)
    threshold_fen = models.PositiveBigIntegerField(_("提醒起点(分)"), default=0)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("短信通订阅")
        verbose_name_plural = _("短信通订阅")
        constraints = [models.UniqueConstraint(fields=["account_index"], name="ivr_alert_one_per_account")]

    def __str__(self) -> str:
        return f"{self.account_masked} ≥{self.threshold_fen / 100:.2f}元"


class CatalogEntry(models.Model):
    """Spoken information not held by the core: business scope, service hours, branch notices."""

    topic = models.CharField(_("主题"), max_length=30, default="business_scope")
    title = models.CharField(_("标题"), max_length=100)
    text = models.TextField(_("播报内容"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=100)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("播报信息目录")
        verbose_name_plural = _("播报信息目录")
        ordering = ["topic", "order", "id"]

    def __str__(self) -> str:
        return self.title
