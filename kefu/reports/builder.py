"""The center's daily, weekly and monthly report, from rollups (and the complaint table for JR/T statistics)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Sum

from .kpis import ContactKpis, contact_kpis, contact_kpis_by, occupancy, workorder_kpis
from .models import ReportKind, WorkOrderRollup

SHANGHAI = ZoneInfo("Asia/Shanghai")


def reports_db() -> str:
    # Heavy report reads go to the read replica when one is configured (docs/deploy.md).
    return "reports" if "reports" in settings.DATABASES else "default"


def period_bounds(kind: str, start: date) -> tuple[date, date]:
    if kind == ReportKind.DAILY:
        return start, start + timedelta(days=1)
    if kind == ReportKind.WEEKLY:
        monday = start - timedelta(days=start.weekday())
        return monday, monday + timedelta(days=7)
    first = start.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt


def previous_period_start(kind: str, today: date) -> date:
    if kind == ReportKind.DAILY:
        return today - timedelta(days=1)
    if kind == ReportKind.WEEKLY:
        return today - timedelta(days=today.weekday() + 7)
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _aware(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=SHANGHAI)


@dataclass
class Report:
    kind: str
    start: date
    end: date
    contact: ContactKpis
    by_channel: dict[str, ContactKpis]
    by_day: list[tuple[date, ContactKpis]]
    occupancy: float | None
    qa_score: float | None
    ivr: dict[str, Any]
    workorders: dict[str, Any]
    workorders_by_kind: list[dict[str, Any]]
    complaints_by_category: list[dict[str, Any]]
    complaints_by_severity: list[dict[str, Any]]
    complaints_by_branch: list[dict[str, Any]]
    jrt_table: list[dict[str, Any]]
    hot_topics: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        label = dict(ReportKind.choices)[self.kind]
        return f"客户服务中心{label}（{self.start:%Y-%m-%d} 至 {(self.end - timedelta(days=1)):%Y-%m-%d}）"


def build_report(kind: str, start: date) -> Report:
    start, end = period_bounds(kind, start)
    db = reports_db()
    a_start, a_end = _aware(start), _aware(end)
    contact = contact_kpis(start=a_start, end=a_end, using=db)
    by_channel = {str(k): v for k, v in contact_kpis_by("channel", start=a_start, end=a_end, using=db).items()}
    by_day = []
    day = start
    while day < end and kind != ReportKind.DAILY:
        by_day.append((day, contact_kpis(start=_aware(day), end=_aware(day + timedelta(days=1)), using=db)))
        day += timedelta(days=1)
    wo_rows = WorkOrderRollup.objects.using(db).filter(day__gte=start, day__lt=end)

    def grouped(field_name: str, **filters: Any) -> list[dict[str, Any]]:
        return list(wo_rows.filter(**filters).values(field_name).annotate(
            created=Sum("created"), closed=Sum("closed"), on_time=Sum("closed_on_time")).order_by("-created"))

    return Report(
        kind=kind, start=start, end=end, contact=contact, by_channel=by_channel, by_day=by_day,
        occupancy=occupancy(start=start, end=end, using=db),
        qa_score=_qa(a_start, a_end),
        ivr=_ivr(a_start, a_end),
        workorders=workorder_kpis(start=start, end=end, using=db),
        workorders_by_kind=grouped("kind"),
        complaints_by_category=grouped("category", kind="complaint"),
        complaints_by_severity=grouped("severity", kind="complaint"),
        complaints_by_branch=_by_branch(grouped("unit_id", kind="complaint")),
        jrt_table=jrt_statistics(a_start, a_end, using=db),
        hot_topics=_hot_topics(),
    )


def _qa(start: datetime, end: datetime) -> float | None:
    try:
        from kefu.quality.services import qa_score
    except ImportError:
        return None
    return qa_score(start=start, end=end)


def _ivr(start: datetime, end: datetime) -> dict[str, Any]:
    """IVR containment from the IVR's call records when that app provides them."""
    try:
        from kefu.ivr.models import IvrCall
    except ImportError:
        return {}
    fields = {f.name for f in IvrCall._meta.get_fields()}
    time_field = "started_at" if "started_at" in fields else "created_at"
    calls = IvrCall.objects.filter(**{f"{time_field}__gte": start, f"{time_field}__lt": end})
    total = calls.count()
    if "transferred_queue" in fields:
        transferred = calls.exclude(transferred_queue="").count()
    elif "transferred" in fields:
        transferred = calls.filter(transferred=True).count()
    else:
        return {"calls": total}
    return {"calls": total, "transferred": transferred,
            "containment": round((total - transferred) / total, 4) if total else None}


def _by_branch(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from kefu.org.models import Unit

    units = Unit.objects.in_bulk([r["unit_id"] for r in rows if r["unit_id"]])
    merged: dict[str, dict[str, Any]] = {}
    for r in rows:
        unit = units.get(r["unit_id"])
        branch = unit.branch() if unit else None
        name = branch.name if branch else (unit.name if unit else "客户服务中心/总行")
        slot = merged.setdefault(name, {"branch": name, "created": 0, "closed": 0, "on_time": 0})
        for k in ("created", "closed", "on_time"):
            slot[k] += r[k] or 0
    return sorted(merged.values(), key=lambda r: -r["created"])


def jrt_statistics(start: datetime, end: datetime, using: str = "default") -> list[dict[str, Any]]:
    """Complaints received in the period by JR/T 0169 business type (B) and reason (C), the regulator's table."""
    try:
        from kefu.workorders.models import WorkOrder
    except ImportError:
        return []
    rows = (WorkOrder.objects.using(using).filter(kind="complaint", received_at__gte=start, received_at__lt=end)
            .values("jrt_business__code", "jrt_business__name", "jrt_reason__code", "jrt_reason__name")
            .annotate(n=Count("pk")).order_by("jrt_business__code", "jrt_reason__code"))
    return [{"business_code": r["jrt_business__code"] or "—", "business": r["jrt_business__name"] or "未分类",
             "reason_code": r["jrt_reason__code"] or "—", "reason": r["jrt_reason__name"] or "未分类",
             "count": r["n"]} for r in rows]


def _hot_topics() -> list[dict[str, Any]]:
    try:
        from kefu.assist import hot_topics
    except ImportError:
        return []
    fn = getattr(hot_topics, "weekly_hot_topics", None) or getattr(hot_topics, "hot_topics", None)
    if fn is None:
        return []
    try:
        result = fn()
    except Exception:  # the report must render even if the optional hot-topic view fails
        return []
    rows = result.get("topics", result) if isinstance(result, dict) else result
    return list(rows)[:10] if isinstance(rows, list) else []
