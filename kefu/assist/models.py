"""Corrections kept as training data, and a label-only log of triage calls for the hot-topics view."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Business, Category, FeedbackSource, Intent, Kind, Severity


class TriageFeedback(models.Model):
    """An agent's confirmed or corrected labels for one text; ``train_triage`` adds these to the corpus."""

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("提交人"))
    source = models.CharField(_("来源"), max_length=32, choices=FeedbackSource.choices,
                              default=FeedbackSource.API)
    # The text is masked (card, ID and mobile numbers) before it is stored; C3 data is refused.
    text = models.TextField(_("文本"))
    predicted = models.JSONField(_("模型建议"), default=dict, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    intent = models.CharField(_("意图"), max_length=40, choices=Intent.choices)
    category = models.CharField(_("投诉类别"), max_length=32, choices=Category.choices, blank=True)
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices, blank=True)
    business = models.CharField(_("业务"), max_length=32, choices=Business.choices)
    changed_labels = models.JSONField(_("修改的标签"), default=list, blank=True)
    used_for_training = models.BooleanField(_("用于训练"), default=True)

    class Meta:
        verbose_name = _("分类纠正")
        verbose_name_plural = _("分类纠正")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind}/{self.intent}"

    def labels(self) -> dict[str, str | None]:
        return {
            "kind": self.kind,
            "intent": self.intent,
            "category": self.category or None,
            "severity": self.severity or None,
            "business": self.business,
        }


class TriageRecord(models.Model):
    """One triage result (labels and a few non-identifying key terms, never the text)."""

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    source = models.CharField(_("来源"), max_length=32, choices=FeedbackSource.choices,
                              default=FeedbackSource.API)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices, db_index=True)
    intent = models.CharField(_("意图"), max_length=40, choices=Intent.choices)
    category = models.CharField(_("投诉类别"), max_length=32, choices=Category.choices, blank=True)
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices, blank=True)
    business = models.CharField(_("业务"), max_length=32, choices=Business.choices)
    terms = models.JSONField(_("关键词"), default=list, blank=True)

    class Meta:
        verbose_name = _("分类记录")
        verbose_name_plural = _("分类记录")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind}/{self.intent}"
