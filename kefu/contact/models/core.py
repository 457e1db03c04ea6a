"""One interaction model for calls, chats and emails, with queues, skills and agent states.

KPIs are computed from ``InteractionEvent`` rows and the timestamps/durations kept on ``Interaction``
(see docs/kpis.md); nothing is derived from wall-clock reads at report time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.pii.fields import EncryptedTextField

from ..choices import AgentState, ContactChannel, Direction, EventKind, InteractionStatus, SenderKind


class Skill(models.Model):
    code = models.CharField(_("技能代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)

    class Meta:
        verbose_name = _("技能")
        verbose_name_plural = _("技能")

    def __str__(self) -> str:
        return self.name


class Queue(models.Model):
    code = models.CharField(_("队列代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    channel = models.CharField(_("渠道"), max_length=10, choices=ContactChannel.choices, default=ContactChannel.PHONE)
    skill = models.ForeignKey(Skill, verbose_name=_("所需技能"), on_delete=models.PROTECT, related_name="queues")
    service_level_seconds = models.PositiveIntegerField(_("服务水平目标秒数"), default=20)
    service_level_target = models.DecimalField(_("服务水平目标"), max_digits=4, decimal_places=3, default=0.8)
    max_wait_alert_seconds = models.PositiveIntegerField(_("最长等待告警秒数"), default=60)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("队列")
        verbose_name_plural = _("队列")

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    """An agent's routing profile and current state (history in AgentStateLog)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile")
    agent_no = models.CharField(_("座席工号"), max_length=20, blank=True)
    team = models.CharField(_("班组"), max_length=40, blank=True)
    skills = models.ManyToManyField(Skill, verbose_name=_("技能"), blank=True, related_name="agents")
    max_concurrent_chats = models.PositiveSmallIntegerField(_("最大并发会话"), default=3)
    state = models.CharField(_("状态"), max_length=20, choices=AgentState.choices, default=AgentState.OFFLINE,
                             db_index=True)
    state_reason = models.CharField(_("原因码"), max_length=40, blank=True)
    state_since = models.DateTimeField(_("状态开始"), default=timezone.now)
    # When the agent last became free: routing picks the longest-idle ready agent.
    idle_since = models.DateTimeField(null=True, blank=True, db_index=True)
    hired_on = models.DateField(_("入职日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("座席")
        verbose_name_plural = _("座席")

    def __str__(self) -> str:
        return f"{self.agent_no or self.user.username} {self.user}"


class AgentStateLog(models.Model):
    agent = models.ForeignKey(AgentProfile, on_delete=models.CASCADE, related_name="state_log")
    state = models.CharField(max_length=20, choices=AgentState.choices)
    reason = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("座席状态记录")
        ordering = ["started_at"]
        indexes = [models.Index(fields=["agent", "started_at"])]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.state} {self.started_at:%H:%M}"


class StateReason(models.Model):
    """Reason codes for non-ready states (小休, 培训, 会议, 就餐...)."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    state = models.CharField(max_length=20, choices=AgentState.choices)
    productive = models.BooleanField(_("计入工作时长"), default=False)

    class Meta:
        verbose_name = _("状态原因码")
        verbose_name_plural = _("状态原因码")

    def __str__(self) -> str:
        return self.name


class WrapUpCode(models.Model):
    code = models.CharField(_("小结代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    resolved = models.BooleanField(_("已解决（计入一次解决率）"), default=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("话后小结代码")
        verbose_name_plural = _("话后小结代码")

    def __str__(self) -> str:
        return self.name


class Interaction(models.Model):
    channel = models.CharField(max_length=10, choices=ContactChannel.choices, db_index=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.INBOUND)
    status = models.CharField(max_length=12, choices=InteractionStatus.choices, default=InteractionStatus.OFFERED,
                              db_index=True)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="interactions")
    contact_address = EncryptedTextField(blank=True)  # caller number / chat visitor / email address
    contact_masked = models.CharField(max_length=120, blank=True)
    contact_index = models.CharField(max_length=64, blank=True, db_index=True)
    queue = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.PROTECT, related_name="interactions")
    agent = models.ForeignKey(AgentProfile, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="interactions")
    priority = models.SmallIntegerField(default=0, help_text=_("数值越大越优先；老年及特殊客户提高优先级"))
    vulnerable = models.BooleanField(default=False)
    ivr_call_id = models.CharField(max_length=64, blank=True, db_index=True)
    ivr_context = models.JSONField(default=dict, blank=True)
    offered_at = models.DateTimeField(default=timezone.now, db_index=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    wrapped_up_at = models.DateTimeField(null=True, blank=True)
    held_since = models.DateTimeField(null=True, blank=True)
    hold_seconds = models.PositiveIntegerField(default=0)
    talk_seconds = models.PositiveIntegerField(default=0)
    acw_seconds = models.PositiveIntegerField(default=0)
    wait_seconds = models.PositiveIntegerField(default=0)
    transfer_count = models.PositiveSmallIntegerField(default=0)
    transferred_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="transferred_to")
    wrap_up_code = models.ForeignKey(WrapUpCode, null=True, blank=True, on_delete=models.PROTECT)
    disposition_note = models.TextField(blank=True)
    first_contact_resolved = models.BooleanField(null=True, blank=True)
    csat = models.PositiveSmallIntegerField(null=True, blank=True)
    nps = models.PositiveSmallIntegerField(null=True, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    # Channel specifics, e.g. the hash of a chat visitor's session key.
    meta = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("联络记录")
        verbose_name_plural = _("联络记录")
        indexes = [models.Index(fields=["status", "queue", "priority", "queued_at"]),
                   models.Index(fields=["agent", "offered_at"])]
        ordering = ["-offered_at"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk}"

    @property
    def handle_seconds(self) -> int:
        return self.talk_seconds + self.hold_seconds + self.acw_seconds


class InteractionEvent(models.Model):
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    agent = models.ForeignKey(AgentProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    queue = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("联络事件")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.interaction_id} {self.kind}"


class InteractionWorkOrder(models.Model):
    """Work orders opened from (or linked to) an interaction."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="workorder_links")
    workorder_number = models.CharField(max_length=32, db_index=True)
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("关联工单")
        constraints = [models.UniqueConstraint(fields=["interaction", "workorder_number"],
                                               name="contact_interaction_workorder_unique")]

    def __str__(self) -> str:
        return self.workorder_number


class ChatMessage(models.Model):
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=10, choices=SenderKind.choices)
    agent = models.ForeignKey(AgentProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    meta = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("会话消息")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.sender}: {self.text[:20]}"


class RetentionCategory(models.TextChoices):
    GENERAL = "general", _("一般通话")
    COMPLAINT = "complaint", _("投诉相关")
    TRANSACTION = "transaction", _("交易类（转账、挂失）")
    MARKETING = "marketing", _("营销及风险提示")


class RetentionPolicy(models.Model):
    category = models.CharField(_("类别"), max_length=20, choices=RetentionCategory.choices, unique=True)
    days = models.PositiveIntegerField(_("保存天数"), default=3 * 365)

    class Meta:
        verbose_name = _("录音保存策略")
        verbose_name_plural = _("录音保存策略")

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.days}"


class Recording(models.Model):
    """A call recording: the file lives in the ``recordings`` storage (filesystem or S3), never the web root."""

    interaction = models.ForeignKey(Interaction, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="recordings")
    ivr_call_id = models.CharField(max_length=64, blank=True, db_index=True)
    storage_name = models.CharField(max_length=300)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=60, default="audio/wav")
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=[("pbx", "PBX"), ("upload", _("上传"))], default="pbx")
    category = models.CharField(max_length=20, choices=RetentionCategory.choices, default=RetentionCategory.GENERAL)
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)
    retain_until = models.DateField(db_index=True)
    legal_hold = models.BooleanField(_("法律保全"), default=False)
    legal_hold_reason = models.CharField(max_length=200, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")

    class Meta:
        verbose_name = _("录音")
        verbose_name_plural = _("录音")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"录音 #{self.pk}"
