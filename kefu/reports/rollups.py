"""Incremental KPI rollups, updated inside the transaction of the event that changes them.

``rebuild_interaction_rollups(start, end)`` recomputes a period from the raw rows (repair, back-fill,
or after a threshold change); both paths use :func:`interaction_increments`, so they cannot disagree.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F

from . import conf
from .models import AgentTimeRollup, InteractionRollup, WorkOrderRollup

SHANGHAI = ZoneInfo("Asia/Shanghai")


def bucket_of(moment: datetime) -> datetime:
    local = moment.astimezone(SHANGHAI)
    minutes = conf.bucket_minutes()
    return local.replace(minute=(local.minute // minutes) * minutes, second=0, microsecond=0)


def interaction_increments(interaction) -> dict[str, int]:
    """What one finished interaction adds to its rollup row (the KPI definitions of docs/kpis.md)."""
    inc: dict[str, int] = defaultdict(int)
    if interaction.status == "abandoned":
        if interaction.wait_seconds < conf.short_abandon_seconds():
            inc["short_abandoned"] += 1
        else:
            inc["offered"] += 1
            inc["abandoned"] += 1
        return inc
    inc["offered"] += 1
    if interaction.answered_at or interaction.talk_seconds:
        inc["answered"] += 1
        inc["handled"] += 1
        inc["wait_seconds_answered"] += interaction.wait_seconds
        inc["answered_within_sl"] += int(interaction.wait_seconds <= conf.service_level_seconds())
        inc["answered_within_rings"] += int(interaction.wait_seconds <= conf.rings_seconds())
        inc["talk_seconds"] += interaction.talk_seconds
        inc["hold_seconds"] += interaction.hold_seconds
        inc["acw_seconds"] += interaction.acw_seconds
        inc["transfers"] += interaction.transfer_count
        inc["fcr_resolved"] += int(bool(interaction.first_contact_resolved))
    return inc


def satisfaction_increments(interaction) -> dict[str, int]:
    inc: dict[str, int] = defaultdict(int)
    if interaction.csat is not None:
        inc["csat_sum"] += interaction.csat
        inc["csat_count"] += 1
        inc["csat_satisfied"] += int(interaction.csat >= 4)
    if interaction.nps is not None:
        inc["nps_count"] += 1
        inc["nps_promoters"] += int(interaction.nps >= 9)
        inc["nps_detractors"] += int(interaction.nps <= 6)
    return inc


def _interaction_key(interaction) -> dict:
    agent = getattr(interaction, "agent", None)
    return {
        "bucket_start": bucket_of(interaction.queued_at or interaction.offered_at),
        "channel": interaction.channel,
        "queue_id": interaction.queue_id or 0,
        "agent_id": interaction.agent_id or 0,
        "team": getattr(agent, "team", "") or "",
    }


def _add(model, key: dict, increments: dict[str, int], defaults: dict | None = None) -> None:
    if not any(increments.values()):
        return
    with transaction.atomic():
        try:
            row, _ = model.objects.get_or_create(**key, defaults=defaults or {})
        except IntegrityError:  # a concurrent writer created it first
            row = model.objects.get(**key)
        model.objects.filter(pk=row.pk).update(**{k: F(k) + v for k, v in increments.items() if v})


def add_interaction(interaction) -> None:
    key = _interaction_key(interaction)
    team = key.pop("team")
    _add(InteractionRollup, key, interaction_increments(interaction), {"team": team})


def add_satisfaction(interaction) -> None:
    key = _interaction_key(interaction)
    team = key.pop("team")
    _add(InteractionRollup, key, satisfaction_increments(interaction), {"team": team})


def add_agent_time(*, agent_id: int, team: str, state: str, started_at: datetime, ended_at: datetime) -> None:
    """Split a state period across local days and add its seconds."""
    start = started_at.astimezone(SHANGHAI)
    end = ended_at.astimezone(SHANGHAI)
    while start < end:
        next_midnight = datetime.combine(start.date() + timedelta(days=1), datetime.min.time(), tzinfo=SHANGHAI)
        chunk_end = min(end, next_midnight)
        seconds = int((chunk_end - start).total_seconds())
        _add(AgentTimeRollup, {"day": start.date(), "agent_id": agent_id, "state": state}, {"seconds": seconds},
             {"team": team})
        start = chunk_end


def add_workorder(*, day, kind: str, increments: dict[str, int], channel: str = "", category: str = "",
                  severity: str = "", unit_id: int | None = None, jrt_reason: str = "") -> None:
    key = {"day": day, "kind": kind, "channel": channel or "", "category": category or "",
           "severity": severity or "", "unit_id": unit_id or 0, "jrt_reason": jrt_reason or ""}
    _add(WorkOrderRollup, key, increments)


def rebuild_interaction_rollups(*, start: datetime, end: datetime) -> int:
    """Recompute the rollups of [start, end) from the interactions themselves."""
    from kefu.contact.models import Interaction

    buckets_start, buckets_end = bucket_of(start), bucket_of(end)
    with transaction.atomic():
        InteractionRollup.objects.filter(bucket_start__gte=buckets_start, bucket_start__lt=buckets_end).delete()
        n = 0
        for interaction in (Interaction.objects.filter(status__in=["ended", "abandoned"])
                            .filter(queued_at__gte=buckets_start, queued_at__lt=buckets_end)
                            .select_related("agent").iterator(chunk_size=2000)):
            add_interaction(interaction)
            add_satisfaction(interaction)
            n += 1
    return n


def rebuild_interaction_rollups_sql(*, start: datetime, end: datetime) -> int:
    """Set-based rebuild on PostgreSQL (back-fill after an import, or millions of rows): one GROUP BY.

    Same definitions as :func:`interaction_increments`; ``test_sql_rebuild_matches_python`` keeps them equal.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return rebuild_interaction_rollups(start=start, end=end)
    sl, rings, short = conf.service_level_seconds(), conf.rings_seconds(), conf.short_abandon_seconds()
    buckets_start, buckets_end = bucket_of(start), bucket_of(end)
    answered = "(i.answered_at IS NOT NULL OR i.talk_seconds > 0) AND i.status <> 'abandoned'"
    sql = f"""
        INSERT INTO reports_interactionrollup (bucket_start, channel, queue_id, agent_id, team, offered, answered,
            abandoned, short_abandoned, answered_within_sl, answered_within_rings, wait_seconds_answered, handled,
            talk_seconds, hold_seconds, acw_seconds, transfers, fcr_resolved, csat_sum, csat_count, csat_satisfied,
            nps_promoters, nps_detractors, nps_count)
        SELECT date_bin('30 minutes', COALESCE(i.queued_at, i.offered_at), TIMESTAMPTZ '2000-01-01 00:00:00+08'),
            i.channel, COALESCE(i.queue_id, 0), COALESCE(i.agent_id, 0), COALESCE(MAX(a.team), ''),
            COUNT(*) FILTER (WHERE i.status <> 'abandoned' OR i.wait_seconds >= {short}),
            COUNT(*) FILTER (WHERE {answered}),
            COUNT(*) FILTER (WHERE i.status = 'abandoned' AND i.wait_seconds >= {short}),
            COUNT(*) FILTER (WHERE i.status = 'abandoned' AND i.wait_seconds < {short}),
            COUNT(*) FILTER (WHERE {answered} AND i.wait_seconds <= {sl}),
            COUNT(*) FILTER (WHERE {answered} AND i.wait_seconds <= {rings}),
            COALESCE(SUM(i.wait_seconds) FILTER (WHERE {answered}), 0),
            COUNT(*) FILTER (WHERE {answered}),
            COALESCE(SUM(i.talk_seconds) FILTER (WHERE {answered}), 0),
            COALESCE(SUM(i.hold_seconds) FILTER (WHERE {answered}), 0),
            COALESCE(SUM(i.acw_seconds) FILTER (WHERE {answered}), 0),
            COALESCE(SUM(i.transfer_count) FILTER (WHERE {answered}), 0),
            COUNT(*) FILTER (WHERE {answered} AND i.first_contact_resolved),
            COALESCE(SUM(i.csat), 0), COUNT(i.csat), COUNT(*) FILTER (WHERE i.csat >= 4),
            COUNT(*) FILTER (WHERE i.nps >= 9), COUNT(*) FILTER (WHERE i.nps <= 6), COUNT(i.nps)
        FROM contact_interaction i LEFT JOIN contact_agentprofile a ON a.id = i.agent_id
        WHERE i.status IN ('ended', 'abandoned') AND COALESCE(i.queued_at, i.offered_at) >= %s
          AND COALESCE(i.queued_at, i.offered_at) < %s
        GROUP BY 1, 2, 3, 4
    """  # noqa: S608 (only integers from settings are interpolated)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM reports_interactionrollup WHERE bucket_start >= %s AND bucket_start < %s",
                    [buckets_start, buckets_end])
        cur.execute(sql, [buckets_start, buckets_end])
        return cur.rowcount
