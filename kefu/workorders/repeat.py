"""Repeat detection (same customer, similar matter within 30 days) and merging duplicates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q

from . import conf
from .choices import SEVERITY_ORDER, Kind
from .models import WorkOrder


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the jieba token sets of two texts (0..1)."""
    from .search import tokenize

    return _jaccard(set(tokenize(a)), set(tokenize(b)))


def _jaccard(ta: set[str], tb: set[str]) -> float:
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def find_repeat(workorder: WorkOrder) -> WorkOrder | None:
    same_customer = Q(pk__in=[])
    if workorder.customer_id:
        same_customer |= Q(customer_id=workorder.customer_id)
    if workorder.customer_cif_no:
        same_customer |= Q(customer_cif_no=workorder.customer_cif_no)
    if workorder.contact_phone_index:
        same_customer |= Q(contact_phone_index=workorder.contact_phone_index)
    since = workorder.received_at - timedelta(days=conf.repeat_window_days())
    # Only what the comparison reads: a repeat caller has many rows, and each full row would decrypt its
    # contact fields for nothing.
    candidates = WorkOrder.objects.filter(same_customer, received_at__gte=since)
    if workorder.pk is not None:  # the intake looks before it inserts the new case
        candidates = candidates.exclude(pk=workorder.pk)
    candidates = (candidates.exclude(kind=Kind.PRAISE).order_by("-received_at")
                  .only("pk", "number", "title", "description", "business_line", "category", "received_at")[:20])
    from .search import tokenize

    threshold = conf.repeat_similarity()
    mine: set[str] | None = None  # the new case's words, segmented once and only if a comparison needs them
    for other in candidates:
        same_line = bool(workorder.business_line and workorder.business_line == other.business_line
                         and workorder.category == other.category)
        if same_line:
            return other
        if mine is None:
            mine = set(tokenize(f"{workorder.title} {workorder.description}"))
        if _jaccard(mine, set(tokenize(f"{other.title} {other.description}"))) >= threshold:
            return other
    return None


def one_up(severity: str) -> str:
    index = SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else 0
    return SEVERITY_ORDER[min(index + 1, len(SEVERITY_ORDER) - 1)]


def flag_repeat(*, workorder: WorkOrder) -> WorkOrder | None:
    """Mark a repeat and suggest one severity up (the agent decides; nothing is raised silently)."""
    if workorder.kind == Kind.PRAISE:
        return None
    other = find_repeat(workorder)
    if other is not None:
        workorder.is_repeat = True
        workorder.repeat_of = other
        workorder.suggested_severity = one_up(workorder.severity)
    return other


def merge_target(into: Any, workorder: WorkOrder) -> WorkOrder:
    from .errors import InvalidWorkOrder

    target = into if isinstance(into, WorkOrder) else WorkOrder.objects.filter(number=str(into)).first()
    if target is None or target.pk == workorder.pk or target.merged_into_id:
        raise InvalidWorkOrder(code="workorder.invalid_merge_target", fields={"into": str(into)})
    return target
