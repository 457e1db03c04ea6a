"""Reads: the weekly hot topics of complaints (this week against the week before).

Work orders are read lazily through ``kefu.workorders`` when that app provides them (row visibility via
``visible_to``); otherwise from this app's own triage log and corrections, so the view works with
whatever exists.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from .choices import Intent
from .models import TriageFeedback, TriageRecord
from .terms import key_terms

# Upper bound of work orders read per week: the view must stay fast on a big centre.
MAX_WORKORDERS = 5000


@dataclass
class TopicRow:
    code: str
    label: str
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def change_pct(self) -> float | None:
        return None if self.previous == 0 else round(100.0 * self.change / self.previous, 1)

    def as_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "current": self.current, "previous": self.previous,
                "change": self.change, "change_pct": self.change_pct}


@dataclass
class HotTopics:
    source: str
    current_start: datetime
    previous_start: datetime
    end: datetime
    total_current: int = 0
    total_previous: int = 0
    intents: list[TopicRow] = field(default_factory=list)
    terms: list[TopicRow] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "current_start": self.current_start, "previous_start": self.previous_start, "end": self.end,
            "total_current": self.total_current, "total_previous": self.total_previous,
            "intents": [r.as_dict() for r in self.intents], "terms": [r.as_dict() for r in self.terms],
        }


def _workorder_items(user: Any, since: datetime, end: datetime) -> list[tuple[datetime, str | None, list[str]]] | None:
    """(time, intent, terms) of complaint work orders, or None when the work-order app is not there yet."""
    try:
        from kefu.workorders.models import WorkOrder  # noqa: PLC0415 (optional app, read lazily)
    except ImportError:
        return None
    names = {f.name for f in WorkOrder._meta.get_fields()}
    stamp = next((n for n in ("received_at", "created_at", "opened_at") if n in names), None)
    if stamp is None or "kind" not in names:
        return None
    manager = WorkOrder.objects
    # No user = a centre-wide report whose caller checked its own permission; a user sees their rows.
    qs = manager.visible_to(user) if user is not None and hasattr(manager, "visible_to") else manager.all()
    qs = qs.filter(kind="complaint", **{f"{stamp}__gte": since, f"{stamp}__lt": end})
    text_fields = [n for n in ("title", "description") if n in names]
    rows = list(qs.order_by(f"-{stamp}").values(stamp, *text_fields)[:MAX_WORKORDERS])
    texts = [" ".join(str(r.get(n) or "") for n in text_fields) for r in rows]
    intents: list[str | None] = [None] * len(rows)
    from .triage import is_available, triage_many  # noqa: PLC0415

    if texts and is_available():
        intents = [r.intent for r in triage_many(texts)]
    return [(r[stamp], intent, key_terms(text)) for r, intent, text in zip(rows, intents, texts, strict=True)]


def _log_items(since: datetime, end: datetime) -> list[tuple[datetime, str | None, list[str]]]:
    items = [(r.created_at, r.intent, list(r.terms or [])) for r in
             TriageRecord.objects.filter(kind="complaint", created_at__gte=since, created_at__lt=end)
             .only("created_at", "intent", "terms")[:MAX_WORKORDERS * 2]]
    items += [(f.created_at, f.intent, key_terms(f.text)) for f in
              TriageFeedback.objects.filter(kind="complaint", created_at__gte=since, created_at__lt=end)
              .only("created_at", "intent", "text")[:MAX_WORKORDERS]]
    return items


def _rows(current: Counter, previous: Counter, labels: dict[str, str], top: int) -> list[TopicRow]:
    codes = sorted(set(current) | set(previous), key=lambda c: (-current[c], -previous[c], c))[:top]
    return [TopicRow(c, labels.get(c, c), current[c], previous[c]) for c in codes]


def weekly_hot_topics(*, user: Any, now: datetime | None = None, top: int = 10) -> HotTopics:
    """Top complaint intents and terms of the last 7 days against the 7 days before."""
    end = now or timezone.now()
    current_start = end - timedelta(days=7)
    previous_start = end - timedelta(days=14)
    items = _workorder_items(user, previous_start, end)
    source = "workorders"
    if not items:
        items, source = _log_items(previous_start, end), "triage_log"
    result = HotTopics(source, current_start, previous_start, end)
    intents_now, intents_before, terms_now, terms_before = Counter(), Counter(), Counter(), Counter()
    for at, intent, terms in items:
        recent = at >= current_start
        if recent:
            result.total_current += 1
        else:
            result.total_previous += 1
        if intent:
            (intents_now if recent else intents_before)[intent] += 1
        (terms_now if recent else terms_before).update(set(terms))
    intent_labels = {code: str(label) for code, label in Intent.choices}
    result.intents = _rows(intents_now, intents_before, intent_labels, top)
    result.terms = _rows(terms_now, terms_before, {}, top)
    return result
