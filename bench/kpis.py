"""KPI report benchmark: a monthly center report over 10,000,000 interactions and 1,000,000 work orders.

    .venv/bin/python bench/kpis.py [--scale 1.0] [--repeat 5] [--reload]
                                   [--database-url postgres://.../kefu_kpis_bench]

--scale S   fraction of the full data set (10,000,000 interactions over twelve months, 1,000,000 work orders);
            0.01 is a quick run.
The interactions are generated in PostgreSQL (generate_series), the work orders with bench/workorders.py's
COPY loader; the 30-minute rollups are then rebuilt set-based (the same code a back-fill uses), and the
work-order day rollups day by day.

Measured: the whole monthly report (``kefu.reports.builder.build_report``: contact KPIs, per-day series,
per-channel, occupancy, QA score, IVR containment, work-order totals by kind/category/severity/branch and
the JR/T 0169 complaint table), p50 and max over --repeat runs. Baseline in the same run: the month's contact
KPIs computed by scanning the raw interaction table (what a report without rollups would do).
Target (issue 8): monthly report <= 5 s on this 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

FULL_INTERACTIONS = 10_000_000
FULL_WORKORDERS = 1_000_000
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kefu_kpis_bench"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--reload", action="store_true")
    p.add_argument("--database-url", default=os.environ.get("KEFU_BENCH_DATABASE_URL", DEFAULT_URL))
    return p.parse_args()


def load_interactions(n: int, first_day: date) -> float:
    """``n`` finished contacts spread over 365 days from ``first_day``, generated inside PostgreSQL."""
    from django.db import connection

    from kefu.contact.models import AgentProfile, Interaction, Queue

    queues = list(Queue.objects.values_list("pk", flat=True))
    agents = list(AgentProfile.objects.values_list("pk", flat=True))
    overrides = {
        "channel": "CASE WHEN g % 10 < 8 THEN 'phone' ELSE 'chat' END",
        "direction": "'inbound'",
        "status": "CASE WHEN g % 17 = 0 THEN 'abandoned' ELSE 'ended' END",
        "queue_id": f"(ARRAY{queues})[1 + g % {len(queues)}]",
        "agent_id": f"CASE WHEN g % 17 = 0 THEN NULL ELSE (ARRAY{agents})[1 + g % {len(agents)}] END",
        "offered_at": "t", "queued_at": "t",
        "answered_at": "CASE WHEN g % 17 = 0 THEN NULL ELSE t + (g % 41) * interval '1 second' END",
        "ended_at": "t + interval '4 minutes'",
        "wait_seconds": "g % 41", "talk_seconds": "CASE WHEN g % 17 = 0 THEN 0 ELSE 60 + g % 400 END",
        "hold_seconds": "CASE WHEN g % 9 = 0 THEN 30 ELSE 0 END", "acw_seconds": "CASE WHEN g % 17 = 0 THEN 0 ELSE 20 + g % 40 END",
        "transfer_count": "CASE WHEN g % 23 = 0 THEN 1 ELSE 0 END",
        "first_contact_resolved": "g % 3 <> 0", "csat": "CASE WHEN g % 4 = 0 THEN 1 + g % 5 ELSE NULL END",
        "contact_masked": "'138****0000'",
    }
    columns, values = [], []
    for field in Interaction._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column in overrides:
            values.append(overrides[field.column])
        elif field.null:
            values.append("NULL")
        else:
            kind = field.get_internal_type()
            values.append({"BooleanField": "false", "JSONField": "'{}'::jsonb"}.get(
                kind, "0" if "Integer" in kind else "''"))
    sql = (f"INSERT INTO contact_interaction ({', '.join(columns)}) "  # noqa: S608 (generated from model fields)
           f"SELECT {', '.join(values)} FROM (SELECT g, TIMESTAMPTZ %s + (g::float8 / %s) * interval '365 days' "
           f"+ ((g::bigint * 7919) % 86400) * interval '1 second' / 2 AS t FROM generate_series(1, %s) g) s")
    sql = sql.replace("% ", "%% ")  # modulo operators, not placeholders
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        step = 1_000_000
        for start in range(0, n, step):
            chunk = min(step, n - start)
            cur.execute(sql.replace("generate_series(1, %s)", f"generate_series({start + 1}, {start + chunk})"),
                        [f"{first_day.isoformat()} 00:00:00+08", n])
            print(f"  interactions {start + chunk:,} / {n:,} ({time.perf_counter() - t0:.0f} s)", flush=True)
        cur.execute("ANALYZE contact_interaction")
    return time.perf_counter() - t0


def build_rollups(first_day: date) -> float:
    from datetime import datetime
    from datetime import time as dtime
    from zoneinfo import ZoneInfo

    from django.db import connection

    from kefu.reports.rollups import rebuild_interaction_rollups_sql
    from kefu.reports.workorder_rollups import rebuild_workorder_rollups

    sh = ZoneInfo("Asia/Shanghai")
    t0 = time.perf_counter()
    rebuild_interaction_rollups_sql(start=datetime.combine(first_day, dtime.min, tzinfo=sh),
                                    end=datetime.combine(first_day + timedelta(days=367), dtime.min, tzinfo=sh))
    with connection.cursor() as cur:
        # The work-order loader leaves closure times empty: close finished cases five days after receipt.
        cur.execute("UPDATE workorders_workorder SET closed_at = received_at + interval '5 days', "
                    "resolved_at = received_at + interval '4 days' WHERE status IN ('closed', 'archived')")
        cur.execute("ANALYZE workorders_workorder")
    day = first_day
    while day < first_day + timedelta(days=367):
        rebuild_workorder_rollups(day)
        day += timedelta(days=1)
    return time.perf_counter() - t0


def raw_scan_baseline(month_start: date) -> float:
    """The month's contact KPIs straight from the interaction table (no rollups)."""
    from django.db import connection

    next_month = (month_start + timedelta(days=32)).replace(day=1)
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("""SELECT count(*), count(answered_at), sum(wait_seconds), sum(talk_seconds + hold_seconds + acw_seconds),
                              count(*) FILTER (WHERE wait_seconds <= 20 AND answered_at IS NOT NULL), avg(csat)
                       FROM contact_interaction WHERE queued_at >= %s AND queued_at < %s""",
                    [f"{month_start} 00:00+08", f"{next_month} 00:00+08"])
        cur.fetchall()
    return time.perf_counter() - t0


def main() -> None:
    args = parse_args()
    import workorders as wo_bench  # bench/workorders.py: database set-up and the COPY loader

    wo_bench.ensure_database(args.database_url)
    wo_bench.setup_django(args.database_url)
    from kefu.contact.demo import QUEUES, SKILLS
    from kefu.contact.models import AgentProfile, Interaction, Queue, Skill
    from kefu.org.models import User
    from kefu.reports.builder import build_report

    wo_bench.prepare()
    skills = {c: Skill.objects.get_or_create(code=c, defaults={"name": n})[0] for c, n in SKILLS}
    for code, name, channel, skill in QUEUES:
        Queue.objects.get_or_create(code=code, defaults={"name": name, "channel": channel, "skill": skills[skill]})
    for i, user in enumerate(User.objects.order_by("pk")[:20]):
        AgentProfile.objects.get_or_create(user=user, defaults={"agent_no": f"B{i:03d}", "team": f"T{i % 4}"})
    n_interactions = int(FULL_INTERACTIONS * args.scale)
    n_workorders = int(FULL_WORKORDERS * args.scale)
    first_day = date(2025, 11, 1)
    month = date(2026, 5, 1)
    if args.reload or not Interaction.objects.exists():
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("TRUNCATE contact_interaction, reports_interactionrollup, reports_workorderrollup CASCADE")
        wo_bench.reset_data()
        print(f"loading {n_interactions:,} interactions and {n_workorders:,} work orders ...", flush=True)
        load_s = load_interactions(n_interactions, first_day)
        wo_s = wo_bench.load(n_workorders, random.Random(8))
        roll_s = build_rollups(first_day)
        print(f"load: interactions {load_s:.1f} s, work orders {wo_s:.1f} s, rollups {roll_s:.1f} s")
    else:
        print("reusing loaded data (pass --reload to regenerate)")

    report = build_report("monthly", month)  # warm-up: connections, imports, caches
    timings = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        report = build_report("monthly", month)
        timings.append(time.perf_counter() - t0)
    baseline = [raw_scan_baseline(month) for _ in range(args.repeat)]
    p50, worst, base = statistics.median(timings), max(timings), statistics.median(baseline)
    print(f"month {month:%Y-%m}: offered {report.contact.offered:,}, answered {report.contact.answered:,}, "
          f"SL {report.contact.service_level}, work orders created {report.workorders['created']:,}, "
          f"JR/T rows {len(report.jrt_table)}")
    print(f"monthly report (rollups): p50 {p50 * 1000:.0f} ms, max {worst * 1000:.0f} ms  [target <= 5000 ms]")
    print(f"baseline raw scan of the month's interactions (contact KPIs only): p50 {base * 1000:.0f} ms")
    print(f"ratio full report / raw contact-KPI scan: {p50 / base:.2f}")


if __name__ == "__main__":
    main()
