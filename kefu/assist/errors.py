"""Error codes of the assist app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.common.errors import KefuError, ValidationFailed


class ModelMissing(KefuError):
    """No trained triage model: callers skip suggestions (run ``manage.py train_triage``)."""

    status = 503
    code = "assist.model_missing"
    default_message = _("分类模型尚未训练，请运行 manage.py train_triage")


class InvalidLabels(ValidationFailed):
    code = "assist.invalid_labels"
    default_message = _("标签取值不在允许范围内")
