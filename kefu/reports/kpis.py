"""KPI computation from the rollups (definitions in docs/kpis.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Sum

from .models import AgentTimeRollup, InteractionRollup, WorkOrderRollup

COUNTERS = [f.name for f in InteractionRollup._meta.fields
            if f.get_internal_type() in ("IntegerField", "BigIntegerField") and f.name not in ("queue_id", "agent_id")]


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None


@dataclass
class ContactKpis:
    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    abandon_rate: float | None
    service_level: float | None
    service_level_rings: float | None
    asa_seconds: float | None
    aht_seconds: float | None
    transfer_rate: float | None
    fcr_rate: float | None
    csat: float | None
    csat_satisfied_rate: float | None
    nps: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def contact_kpis_from(t: dict[str, int]) -> ContactKpis:
    answered, offered = t["answered"], t["offered"]
    handle = t["talk_seconds"] + t["hold_seconds"] + t["acw_seconds"]
    nps = None
    if t["nps_count"]:
        nps = round(100 * (t["nps_promoters"] - t["nps_detractors"]) / t["nps_count"], 1)
    return ContactKpis(
        offered=offered, answered=answered, abandoned=t["abandoned"], short_abandoned=t["short_abandoned"],
        abandon_rate=_ratio(t["abandoned"], offered),
        # Service level counts abandons after the short-abandon threshold as failures.
        service_level=_ratio(t["answered_within_sl"], answered + t["abandoned"]),
        service_level_rings=_ratio(t["answered_within_rings"], answered + t["abandoned"]),
        asa_seconds=_ratio(t["wait_seconds_answered"], answered),
        aht_seconds=_ratio(handle, t["handled"]),
        transfer_rate=_ratio(t["transfers"], answered),
        fcr_rate=_ratio(t["fcr_resolved"], t["handled"]),
        csat=_ratio(t["csat_sum"], t["csat_count"]),
        csat_satisfied_rate=_ratio(t["csat_satisfied"], t["csat_count"]),
        nps=nps,
    )


def _totals(qs) -> dict[str, int]:
    sums = qs.aggregate(**{c: Sum(c) for c in COUNTERS})
    return {k: int(v or 0) for k, v in sums.items()}


def contact_kpis(*, start: datetime, end: datetime, channel: str = "", queue_id: int | None = None,
                 agent_id: int | None = None, team: str = "", using: str = "default") -> ContactKpis:
    qs = InteractionRollup.objects.using(using).filter(bucket_start__gte=start, bucket_start__lt=end)
    if channel:
        qs = qs.filter(channel=channel)
    if queue_id is not None:
        qs = qs.filter(queue_id=queue_id)
    if agent_id is not None:
        qs = qs.filter(agent_id=agent_id)
    if team:
        qs = qs.filter(team=team)
    return contact_kpis_from(_totals(qs))


def contact_kpis_by(dimension: str, *, start: datetime, end: datetime, using: str = "default") -> dict[Any, ContactKpis]:
    """KPIs grouped by ``channel``, ``queue_id``, ``agent_id``, ``team`` or ``bucket_start``."""
    rows = (InteractionRollup.objects.using(using).filter(bucket_start__gte=start, bucket_start__lt=end)
            .values(dimension).annotate(**{c: Sum(c) for c in COUNTERS}).order_by(dimension))
    return {row[dimension]: contact_kpis_from({c: int(row[c] or 0) for c in COUNTERS}) for row in rows}


def occupancy(*, start: date, end: date, agent_id: int | None = None, using: str = "default") -> float | None:
    """Handle time (on call + after-call work) over staffed time (ready + on call + after-call work)."""
    qs = AgentTimeRollup.objects.using(using).filter(day__gte=start, day__lt=end)
    if agent_id is not None:
        qs = qs.filter(agent_id=agent_id)
    by_state = {r["state"]: r["s"] for r in qs.values("state").annotate(s=Sum("seconds"))}
    busy = by_state.get("on_call", 0) + by_state.get("after_call_work", 0)
    return _ratio(busy, busy + by_state.get("ready", 0))


def workorder_kpis(*, start: date, end: date, kind: str = "", unit_id: int | None = None,
                   using: str = "default") -> dict[str, Any]:
    qs = WorkOrderRollup.objects.using(using).filter(day__gte=start, day__lt=end)
    if kind:
        qs = qs.filter(kind=kind)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    names = ["created", "closed", "closed_on_time", "callbacks_required", "callbacks_done", "satisfaction_sum",
             "satisfaction_count"]
    t = {k: int(v or 0) for k, v in qs.aggregate(**{n: Sum(n) for n in names}).items()}
    return {
        **t,
        "on_time_rate": _ratio(t["closed_on_time"], t["closed"]),
        "callback_completion_rate": _ratio(t["callbacks_done"], t["callbacks_required"]),
        "satisfaction": _ratio(t["satisfaction_sum"], t["satisfaction_count"]),
    }
