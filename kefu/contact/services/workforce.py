"""Rosters, shift swaps and the staffing forecast (history by weekday and interval -> Erlang C)."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from kefu.audit.services import record
from kefu.common.errors import Conflict, Forbidden, ValidationFailed
from kefu.org.access import require_perm

from ..erlang import agents_needed
from ..models import AgentProfile, RosterEntry, ShiftPattern, ShiftSwapRequest
from ..models.workforce import SwapStatus
from ..permissions import ContactP

SHANGHAI = ZoneInfo("Asia/Shanghai")


def generate_rotation(*, teams: dict[str, list[AgentProfile]], patterns: list[ShiftPattern], start: date,
                      days: int, actor: Any, rest: ShiftPattern | None = None) -> int:
    """Rotate teams through the patterns day by day (team i works pattern (i + day) mod n); existing
    entries are kept, so a hand-edited roster is never overwritten."""
    require_perm(actor, ContactP.SUPERVISE)
    cycle = patterns + ([rest] if rest else [])
    created = 0
    with transaction.atomic():
        for offset in range(days):
            day = start + timedelta(days=offset)
            for i, (_team, agents) in enumerate(sorted(teams.items())):
                pattern = cycle[(i + offset) % len(cycle)]
                for agent in agents:
                    _, made = RosterEntry.objects.get_or_create(agent=agent, day=day, defaults={"pattern": pattern})
                    created += int(made)
        record(actor=actor, action="contact.roster_generated", object_type="contact.rosterentry",
               changes={"start": start.isoformat(), "days": days, "created": created})
    return created


def request_swap(*, requester_entry: RosterEntry, counterpart_entry: RosterEntry, reason: str,
                 actor: Any) -> ShiftSwapRequest:
    if requester_entry.agent.user_id != actor.pk:
        raise Forbidden("只能为本人的班次申请换班", code="contact.swap_not_own")
    if requester_entry.agent_id == counterpart_entry.agent_id:
        raise ValidationFailed("不能与自己换班", code="contact.swap_self")
    if requester_entry.day < timezone.localdate():
        raise ValidationFailed("不能调换已过去的班次", code="contact.swap_past")
    if not reason.strip():
        raise ValidationFailed("请填写换班原因", code="contact.reason_required", fields={"reason": "required"})
    with transaction.atomic():
        swap = ShiftSwapRequest.objects.create(requester_entry=requester_entry, counterpart_entry=counterpart_entry,
                                               reason=reason, requested_by=actor)
        record(actor=actor, action="contact.swap_requested", obj=swap,
               changes={"entries": [requester_entry.pk, counterpart_entry.pk]})
    return swap


def decide_swap(*, swap: ShiftSwapRequest, approve: bool, actor: Any) -> ShiftSwapRequest:
    """The shift lead approves (patterns are exchanged atomically) or rejects; never their own request."""
    require_perm(actor, ContactP.SUPERVISE)
    if swap.requested_by_id == actor.pk:
        raise Forbidden("不能审批本人的换班申请", code="contact.swap_self_approval")
    with transaction.atomic():
        swap = ShiftSwapRequest.objects.select_for_update().get(pk=swap.pk)
        if swap.status != SwapStatus.PENDING:
            raise Conflict("该申请已处理", code="contact.swap_decided")
        if approve:
            a = RosterEntry.objects.select_for_update().get(pk=swap.requester_entry_id)
            b = RosterEntry.objects.select_for_update().get(pk=swap.counterpart_entry_id)
            a.pattern_id, b.pattern_id = b.pattern_id, a.pattern_id
            a.save(update_fields=["pattern"])
            b.save(update_fields=["pattern"])
        swap.status = SwapStatus.APPROVED if approve else SwapStatus.REJECTED
        swap.decided_by, swap.decided_at = actor, timezone.now()
        swap.save(update_fields=["status", "decided_by", "decided_at"])
        record(actor=actor, action=f"contact.swap_{swap.status}", obj=swap)
    return swap


def interval_history(*, weeks: int = 8, today: date | None = None, channel: str = "phone") -> dict[tuple[int, time], dict]:
    """Average offered contacts and AHT per (weekday, half-hour) over the last ``weeks`` weeks."""
    from kefu.reports.models import InteractionRollup

    today = today or timezone.localdate()
    start = datetime.combine(today - timedelta(weeks=weeks), time.min, tzinfo=SHANGHAI)
    end = datetime.combine(today, time.min, tzinfo=SHANGHAI)
    rows = (InteractionRollup.objects.filter(bucket_start__gte=start, bucket_start__lt=end, channel=channel)
            .values("bucket_start").annotate(offered=Sum("offered"), handled=Sum("handled"), talk=Sum("talk_seconds"),
                                             hold=Sum("hold_seconds"), acw=Sum("acw_seconds")))
    sums: dict[tuple[int, time], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in rows:
        local = r["bucket_start"].astimezone(SHANGHAI)
        key = (local.weekday(), local.time())
        for k in ("offered", "handled", "talk", "hold", "acw"):
            sums[key][k] += r[k] or 0
    out = {}
    for key, s in sums.items():
        aht = (s["talk"] + s["hold"] + s["acw"]) / s["handled"] if s["handled"] else None
        out[key] = {"calls": s["offered"] / weeks, "aht": aht}
    return out


def staffing_forecast(*, day: date, weeks: int = 8, target_seconds: float = 20, service_level: float = 0.8,
                      default_aht: float = 180, shrinkage: float = 0.3) -> list[dict[str, Any]]:
    """Agents needed per half hour of ``day``: history by weekday and interval, then Erlang C, then shrinkage."""
    history = interval_history(weeks=weeks, today=day)
    plan = []
    for half_hour in range(48):
        slot = time(half_hour // 2, 30 * (half_hour % 2))
        h = history.get((day.weekday(), slot))
        if not h or h["calls"] <= 0:
            plan.append({"interval": slot, "calls": 0, "aht": None, "agents": 0, "scheduled": 0})
            continue
        aht = h["aht"] or default_aht
        need = agents_needed(calls=h["calls"], interval_seconds=1800, aht_seconds=aht, target_seconds=target_seconds,
                             service_level=service_level)
        plan.append({"interval": slot, "calls": round(h["calls"], 1), "aht": round(aht), "agents": need.agents,
                     # round() first: 14 / 0.7 is 20.000000000000004 in floating point
                     "scheduled": math.ceil(round(need.agents / (1 - shrinkage), 6))})
    return plan
