"""Identity verification attempts and suspicious-activity cases (restricted to the risk department)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.org.visibility import VisibleManager
from kefu.pii.fields import EncryptedTextField

from ..choices import CaseCategory, CaseStatus, CaseSubject, VerificationOutcome
from .profile import Customer


class VerificationAttempt(models.Model):
    """One identity check of a caller: the factors the agent chose and the outcome (never the answers)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="verifications")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    interaction_ref = models.CharField(_("交互编号"), max_length=64, db_index=True)
    factors = models.JSONField(_("验证要素"), default=list)
    outcome = models.CharField(_("结果"), max_length=10, choices=VerificationOutcome.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("身份验证记录")
        verbose_name_plural = _("身份验证记录")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["customer", "created_at"])]

    def __str__(self) -> str:
        return f"{self.outcome} {self.created_at:%H:%M}"


def _user_in_risk_department(user) -> bool:
    unit = getattr(user, "unit", None)
    if unit is None:
        return False
    return unit.is_risk_department or any(u.is_risk_department for u in unit.ancestors())


class SuspiciousCase(models.Model):
    """A flagged customer or transaction: a restricted case only the risk department and the flagger see."""

    VISIBILITY_UNIT_FIELDS = ("flagged_unit",)

    number = models.CharField(_("案件编号"), max_length=24, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="suspicious_cases")
    subject = models.CharField(_("对象"), max_length=12, choices=CaseSubject.choices)
    txn_id = models.CharField(_("交易流水号"), max_length=64, blank=True, default="")
    account_no_masked = models.CharField(_("账号（脱敏）"), max_length=32, blank=True, default="")
    amount_fen = models.BigIntegerField(_("金额（分）"), null=True, blank=True)
    category = models.CharField(_("可疑类型"), max_length=20, choices=CaseCategory.choices)
    description = EncryptedTextField(_("情况说明"))
    status = models.CharField(_("状态"), max_length=14, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    flagged_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    resolution = EncryptedTextField(_("核查结论"), blank=True, default="")

    objects = VisibleManager()

    class Meta:
        verbose_name = _("可疑交易/客户案件")
        verbose_name_plural = _("可疑交易/客户案件")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def visibility_restrict_q(cls, user) -> Q | None:
        # Restricted whatever the user's scope: even center staff with org.scope_all_units only see the
        # cases they flagged themselves; the risk department sees all of them.
        if _user_in_risk_department(user):
            return None
        return Q(flagged_by=user)

    @classmethod
    def visibility_extra_q(cls, user) -> Q | None:
        if _user_in_risk_department(user):
            return Q(pk__isnull=False)
        return Q(flagged_by=user)
