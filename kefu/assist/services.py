"""Writes of the assist app: agents' corrections (new training data) and the triage log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kefu.audit.choices import AuditKind
from kefu.audit.services import record
from kefu.common.errors import ValidationFailed
from kefu.pii.masking import mask_text
from kefu.pii.validators import reject_c3

from .choices import COMPLAINT_ONLY, FOREIGN_CODES, LABEL_CHOICES, LABELS, FeedbackSource
from .conf import max_text_chars
from .errors import InvalidLabels
from .models import TriageFeedback, TriageRecord
from .terms import key_terms


def clean_labels(labels: dict[str, Any], *, predicted: dict | None = None, strict: bool = True
                 ) -> dict[str, str | None]:
    """Validate a full label set: exact codes; category and severity required for complaints, else null.

    ``strict=False`` serves callers that only show some labels to the agent (work-order intake): labels
    not given are taken from ``predicted``, other apps' codes are mapped (``FOREIGN_CODES``), and
    complaint-only labels sent for a non-complaint are dropped instead of refused.
    """
    errors: dict[str, str] = {}
    cleaned: dict[str, str | None] = {}
    merged = dict(labels)
    if not strict:
        for label in LABELS:
            if not merged.get(label) and (predicted or {}).get(label):
                merged[label] = predicted[label]
            value = merged.get(label)
            if isinstance(value, str):
                merged[label] = FOREIGN_CODES.get(label, {}).get(value, value)
    complaint = merged.get("kind") == "complaint"
    for label in LABELS:
        value = merged.get(label) or None
        if label in COMPLAINT_ONLY and not complaint:
            if value is not None and strict:
                errors[label] = "只有投诉才有此标签，请留空"
            cleaned[label] = None
            continue
        if value is None:
            errors[label] = "必填"
        elif value not in LABEL_CHOICES[label]:
            errors[label] = f"取值无效: {value}"
        cleaned[label] = value
    if errors:
        raise InvalidLabels(fields=errors)
    return cleaned


def clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(code="assist.text_required", fields={"text": "必填"})
    if len(text) > max_text_chars():
        raise ValidationFailed(code="assist.text_too_long", fields={"text": f"最多 {max_text_chars()} 字"})
    try:
        reject_c3(text)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], code=exc.code or "pii.c3", fields={"text": exc.messages[0]}) \
            from exc
    return text


def record_triage_feedback(*, text: str, predicted: dict, corrected: dict, actor: Any,
                           source: str = FeedbackSource.API, strict: bool = False) -> TriageFeedback:
    """Keep an agent's corrected (or confirmed) labels as new training data for ``train_triage``.

    The text is masked (card, ID and mobile numbers) before it is stored; C3 data is refused. Labels
    missing from ``corrected`` are the confirmed predictions (see :func:`clean_labels`); the API passes
    ``strict=True`` so a client gets every mistake back as a 422.
    """
    text = clean_text(text)
    predicted = predicted if isinstance(predicted, dict) else {}
    labels = clean_labels(corrected, predicted=predicted, strict=strict)
    if source not in FeedbackSource.values:
        raise ValidationFailed(code="assist.invalid_source", fields={"source": f"取值无效: {source}"})
    predicted = {k: predicted.get(k) for k in LABELS if k in predicted}
    changed = [label for label in LABELS if predicted and predicted.get(label) != labels[label]]
    with transaction.atomic():
        feedback = TriageFeedback.objects.create(
            actor=actor if getattr(actor, "pk", None) else None,
            source=source,
            text=mask_text(text),
            predicted=predicted,
            changed_labels=changed,
            **{label: labels[label] or "" for label in LABELS},
        )
        record(actor=actor, action="assist.feedback_recorded", obj=feedback,
               changes={label: [predicted.get(label), labels[label]] for label in changed})
    return feedback


def record_triage(*, labels: dict, text: str, source: str = FeedbackSource.API, actor: Any = None
                  ) -> TriageRecord:
    """Log one triage result (labels and vocabulary terms only) for the weekly hot-topics view."""
    with transaction.atomic():
        entry = TriageRecord.objects.create(
            source=source,
            terms=key_terms(text),
            **{label: labels.get(label) or "" for label in LABELS},
        )
        record(actor=actor, action="assist.triage_logged", obj=entry, kind=AuditKind.SYSTEM)
    return entry
