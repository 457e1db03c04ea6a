"""Work orders (工单) and everything hanging off them: hand-offs, events, notes, attachments, extensions,
the JR/T 0169-2018 classification table, routing rules, webhooks and the search document."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.org.visibility import VisibleManager, visible_unit_ids
from kefu.pii.fields import EncryptedTextField

from .choices import (
    OPEN_STATUSES,
    AttachmentKind,
    BusinessLine,
    Category,
    Channel,
    DeliveryStatus,
    Dimension,
    ExtensionStatus,
    HandoffRole,
    HandoffStatus,
    Kind,
    NoteVisibility,
    ReplyChannel,
    Severity,
    Status,
)


class NumberSequence(models.Model):
    """One counter row per (prefix, day), incremented in place (UPDATE ... RETURNING) to hand out numbers."""

    prefix = models.CharField(max_length=4)
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="wo_sequence_prefix_day")]

    def __str__(self) -> str:
        return f"{self.prefix}{self.day:%Y%m%d}:{self.last_value}"


class Classification(models.Model):
    """A node of JR/T 0169-2018 (dimension A channel / B business type / C reason, three levels each).

    Shipped as editable data: the administrator completes and corrects codes and names."""

    dimension = models.CharField(_("维度"), max_length=1, choices=Dimension.choices)
    level = models.PositiveSmallIntegerField(_("层级"))
    code = models.CharField(_("编码"), max_length=16)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("上级"))
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("投诉分类（JR/T 0169）")
        verbose_name_plural = _("投诉分类（JR/T 0169）")
        ordering = ["dimension", "code"]
        constraints = [models.UniqueConstraint(fields=["dimension", "code"], name="wo_classification_code")]

    def __str__(self) -> str:
        return f"{self.dimension}{self.code} {self.name}"


# Work-order references that most cases leave empty: indexed only where set (see WorkOrder.Meta.indexes).
SPARSE_REFERENCES = ("jrt_channel", "jrt_business", "jrt_reason", "complained_unit", "complained_staff",
                     "signed_off_by", "repeat_of", "merged_into")


class WorkOrder(models.Model):
    number = models.CharField(_("工单号"), max_length=24, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("受理渠道"), max_length=20, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.NEW)
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    category = models.CharField(_("客服分类"), max_length=20, choices=Category.choices, blank=True)
    business_line = models.CharField(_("业务条线"), max_length=20, choices=BusinessLine.choices, blank=True)
    title = models.CharField(_("事项"), max_length=200)
    description = models.TextField(_("描述"), blank=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)

    # The customer: linked by CIF number (the profile lives in kefu.customers) or named contact details.
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="workorders", verbose_name=_("客户"))
    customer_cif_no = models.CharField(_("客户号"), max_length=32, blank=True, db_index=False)  # Meta.indexes
    contact_name = EncryptedTextField(_("联系人"), blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    contact_phone_index = models.CharField(max_length=64, blank=True, db_index=False)  # Meta.indexes
    contact_phone_masked = models.CharField(_("联系电话"), max_length=32, blank=True)
    contact_email = EncryptedTextField(_("电子邮箱"), blank=True)
    preferred_reply_channel = models.CharField(_("答复方式"), max_length=10, choices=ReplyChannel.choices,
                                               default=ReplyChannel.PHONE)
    amount_fen = models.BigIntegerField(_("涉及金额（分）"), null=True, blank=True)

    jrt_channel = models.ForeignKey(Classification, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("JR/T 渠道"), db_index=False)
    jrt_business = models.ForeignKey(Classification, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("JR/T 业务类型"), db_index=False)
    jrt_reason = models.ForeignKey(Classification, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("JR/T 投诉原因"), db_index=False)

    complained_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("被投诉机构"), db_index=False)
    complained_staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name=_("被投诉人员"), db_index=False)
    complained_person_name = models.CharField(_("被投诉人（姓名/工号）"), max_length=60, blank=True)

    intake_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("受理机构"))
    handling_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("承办机构"), db_index=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("首问负责人"), db_index=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("经办人"), db_index=False)

    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", db_index=False)
    replied_at = models.DateTimeField(_("答复（处理决定）时间"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    answer = models.TextField(_("当场答复内容"), blank=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    reply_text = models.TextField(_("答复客户内容"), blank=True)

    callback_attempts = models.PositiveSmallIntegerField(_("回访尝试次数"), default=0)
    callback_at = models.DateTimeField(null=True, blank=True)
    callback_satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    callback_accepted = models.BooleanField(_("客户认可处理结果"), null=True, blank=True)
    callback_unreachable = models.BooleanField(_("回访无法联系"), default=False)

    # Denormalised from the deadline clocks so queues can filter and sort on an index.
    due_at = models.DateTimeField(_("办理时限"), null=True, blank=True)
    regulatory_due_at = models.DateTimeField(_("监管时限"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("答复时限"), null=True, blank=True)
    deadline_provisional = models.BooleanField(default=False)
    extension_level = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    is_supervised = models.BooleanField(_("督办"), default=False)
    supervised_at = models.DateTimeField(null=True, blank=True)

    is_repeat = models.BooleanField(_("重复投诉"), default=False)
    repeat_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  db_index=False)
    suggested_severity = models.CharField(max_length=10, choices=Severity.choices, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_children", db_index=False)
    recheck_count = models.PositiveSmallIntegerField(default=0)
    recheck_requested_at = models.DateTimeField(null=True, blank=True)

    source_ref = models.CharField(_("来源编号"), max_length=200, blank=True)
    interaction_ref = models.CharField(max_length=64, blank=True)

    objects = VisibleManager()

    VISIBILITY_UNIT_FIELDS = ("handling_unit", "intake_unit")

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "-received_at"], name="wo_status_received"),
            models.Index(fields=["handling_unit", "status"], name="wo_unit_status"),
            models.Index(fields=["kind", "status"], name="wo_kind_status"),
            models.Index(fields=["due_at"], name="wo_due"),
            models.Index(fields=["assignee", "status"], name="wo_assignee_status"),
            models.Index(fields=["owner", "status"], name="wo_owner_status"),
            models.Index(fields=["-received_at"], name="wo_received"),
            # Queue filters (status + kind + severity) with the default order: page 1 stops after 50 index
            # entries and the exact count can be answered from the index.
            models.Index(fields=["status", "kind", "severity", "-received_at"], name="wo_queue_filters"),
            # Open cases newest first (overdue / near-breach queues): page 1 walks only the open rows.
            models.Index(fields=["-received_at"], name="wo_open_received",
                         condition=Q(status__in=sorted(OPEN_STATUSES))),
            # Every INSERT updates every index (there were 31). Exact-match keys without the LIKE twin
            # Django adds to an indexed CharField; handling unit, owner and assignee are served by the
            # (column, status) indexes above; references most cases leave empty are indexed where set
            # (the lookups and the PROTECT checks when a unit, user or code is deleted stay indexed).
            models.Index(fields=["contact_phone_index"], name="wo_contact_phone_index"),
            models.Index(fields=["customer_cif_no"], name="wo_customer_cif_no"),
            *[models.Index(fields=[name], name=f"wo_{name}_set", condition=Q(**{f"{name}__isnull": False}))
              for name in SPARSE_REFERENCES],
        ]
        constraints = [
            models.UniqueConstraint(fields=["channel", "source_ref"], condition=~Q(source_ref=""),
                                    name="wo_channel_source_ref"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("workorders:detail", kwargs={"number": self.number})

    @classmethod
    def visibility_extra_q(cls, user):
        """Hand-off units (co-handlers, escalations) see the case too, and so do its owner and assignee."""
        handed = Handoff.objects.filter(to_unit_id__in=visible_unit_ids(user) or []).values("workorder_id")
        return Q(pk__in=handed) | Q(owner=user) | Q(assignee=user)

    @property
    def is_open(self) -> bool:
        from .choices import OPEN_STATUSES

        return self.status in OPEN_STATUSES


class Handoff(models.Model):
    """One hand-off of the case to a unit (primary, co-handling, escalation, re-check) with its own deadline."""

    workorder = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="handoffs")
    role = models.CharField(max_length=12, choices=HandoffRole.choices, default=HandoffRole.PRIMARY)
    from_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    status = models.CharField(max_length=12, choices=HandoffStatus.choices, default=HandoffStatus.OPEN)
    reason = models.TextField(blank=True)
    override_reason = models.TextField(blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    deadline_provisional = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["to_unit", "status"], name="wo_handoff_unit_status")]

    def __str__(self) -> str:
        return f"{self.workorder_id}->{self.to_unit_id} ({self.role})"


class WorkOrderEvent(models.Model):
    """The case's timeline: one row per transition or other change, never updated."""

    workorder = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["workorder", "created_at"], name="wo_event_wo_time")]

    def __str__(self) -> str:
        return f"{self.workorder_id} {self.action}"


class Note(models.Model):
    workorder = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    visibility = models.CharField(max_length=10, choices=NoteVisibility.choices, default=NoteVisibility.INTERNAL)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.workorder_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random name: the original name is kept in the row, never trusted as a path.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"workorders/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file stored under MEDIA_ROOT (outside the web root), served only by a permission-checked view."""

    workorder = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=12, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    customer_visible = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class InvolvedAccount(models.Model):
    """An account or card the case concerns: masked for display, blind index for lookup, never clear."""

    workorder = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="accounts")
    kind = models.CharField(max_length=10, choices=[("card", _("卡号")), ("account", _("账号"))])
    masked = models.CharField(max_length=40)
    blind_index = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workorder", "blind_index"], name="wo_account_once")]

    def __str__(self) -> str:
        return self.masked


class ExtensionRequest(models.Model):
    """Maker-checker request to extend the regulatory deadline (15 -> 30 -> 60 calendar days)."""

    workorder = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="extensions")
    level = models.PositiveSmallIntegerField()
    policy_code = models.CharField(max_length=60)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [models.UniqueConstraint(fields=["workorder"], condition=Q(status="pending"),
                                               name="wo_one_pending_extension")]

    def __str__(self) -> str:
        return f"extension {self.level} of {self.workorder_id} ({self.status})"


class RoutingRule(models.Model):
    """Type, category, business line and the customer's home branch -> handling unit (blank = any)."""

    priority = models.PositiveIntegerField(_("优先级"), default=100, help_text=_("数字小者优先"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, blank=True)
    category = models.CharField(_("客服分类"), max_length=20, choices=Category.choices, blank=True)
    business_line = models.CharField(_("业务条线"), max_length=20, choices=BusinessLine.choices, blank=True)
    home_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("客户归属机构"))
    target_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("承办机构"))
    description = models.CharField(_("说明"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单规则")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.description or f"rule {self.pk}"


class RoundRobinCursor(models.Model):
    unit = models.OneToOneField("org.Unit", on_delete=models.CASCADE, related_name="+")
    last_user_id = models.BigIntegerField(null=True)

    def __str__(self) -> str:
        return f"cursor of unit {self.unit_id}"


class WebhookSubscription(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("回调地址"), max_length=500)
    secret = EncryptedTextField(_("签名密钥"))
    actions = models.JSONField(_("订阅动作"), default=list, blank=True, help_text=_("为空表示全部状态变化"))
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Webhook 订阅")
        verbose_name_plural = _("Webhook 订阅")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="wo_webhook_due")]
        constraints = [models.UniqueConstraint(fields=["subscription", "event_id"], name="wo_webhook_once")]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.subscription_id} ({self.status})"


class SearchDocument(models.Model):
    """jieba-segmented text of title, description and notes; indexed by FTS5 (SQLite) or GIN (PostgreSQL)."""

    workorder = models.OneToOneField(WorkOrder, on_delete=models.CASCADE, primary_key=True,
                                     related_name="search_document")
    tokens = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"search document of {self.workorder_id}"


