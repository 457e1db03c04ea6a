"""Work-order rollups per day, rebuilt from the work-order table (idempotent; today's row every few minutes).

On time: a closed case whose resolution came by its handling deadline and whose reply to the customer came
by the regulatory deadline (cases without a deadline count as on time). Callbacks: required for every
closed complaint; done when a callback was recorded or the customer was recorded unreachable.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from .models import WorkOrderRollup

SHANGHAI = ZoneInfo("Asia/Shanghai")
GROUP = ["kind", "channel", "category", "severity", "handling_unit_id", "jrt_reason__code"]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=SHANGHAI)
    return start, start + timedelta(days=1)


def rebuild_workorder_rollups(day: date) -> int:
    from kefu.workorders.models import WorkOrder

    start, end = _day_bounds(day)
    created = (WorkOrder.objects.filter(received_at__gte=start, received_at__lt=end).values(*GROUP)
               .annotate(n=Count("pk")))
    on_time = (Q(due_at__isnull=True) | Q(resolved_at__lte=F("due_at")) | Q(resolved_at__isnull=True, closed_at__lte=F("due_at"))) & \
              (Q(regulatory_due_at__isnull=True) | Q(replied_at__isnull=True) | Q(replied_at__lte=F("regulatory_due_at")))
    closed = (WorkOrder.objects.filter(closed_at__gte=start, closed_at__lt=end).values(*GROUP)
              .annotate(n=Count("pk"), on_time=Count("pk", filter=on_time),
                        cb_required=Count("pk", filter=Q(kind="complaint")),
                        cb_done=Count("pk", filter=Q(kind="complaint") & (Q(callback_at__isnull=False)
                                                                           | Q(callback_unreachable=True))),
                        sat_sum=Coalesce(Sum("callback_satisfaction"), Value(0)),
                        sat_n=Count("callback_satisfaction")))
    rows: dict[tuple, dict[str, int]] = {}

    def key(r: dict) -> tuple:
        return (r["kind"], r["channel"] or "", r["category"] or "", r["severity"] or "", r["handling_unit_id"] or 0,
                r["jrt_reason__code"] or "")

    for r in created:
        rows.setdefault(key(r), {})["created"] = r["n"]
    for r in closed:
        row = rows.setdefault(key(r), {})
        row.update(closed=r["n"], closed_on_time=r["on_time"], callbacks_required=r["cb_required"],
                   callbacks_done=r["cb_done"], satisfaction_sum=r["sat_sum"], satisfaction_count=r["sat_n"])
    with transaction.atomic():
        WorkOrderRollup.objects.filter(day=day).delete()
        WorkOrderRollup.objects.bulk_create([
            WorkOrderRollup(day=day, kind=k[0], channel=k[1], category=k[2], severity=k[3], unit_id=k[4],
                            jrt_reason=k[5], **values) for k, values in rows.items()])
    return len(rows)


