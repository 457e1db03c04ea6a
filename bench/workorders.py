"""Work-order benchmark: a bank-sized PostgreSQL table of work orders with events and search documents.

    .venv/bin/python bench/workorders.py [--scale 1.0] [--creates 300] [--lists 300] [--searches 300]
                                         [--reload] [--database-url postgres://.../kefu_workorders_bench]

--scale S     fraction of 1,000,000 work orders (each with 3 events and a jieba-segmented search document);
              0.01 is a quick run (10,000).
--creates N   timed ``POST /api/v1/workorders`` (a phone complaint accepted by the agent: number, deadline
              clocks through the calendar, repeat check, search document, events, audit chain), one at a time
--create-workers W  then the same creates from W processes at once (like W app-server processes, each with
              its own database connection): the throughput figure the target is about
--lists N     timed ``GET /api/v1/workorders`` page 1 with filters (status + kind + severity, overdue,
              unit subtree for a branch user), exact count included
--searches N  timed ``GET /api/v1/workorders?q=...`` Chinese full-text (GIN over tsvector)

Requests go through the whole stack in-process (Django test client: middleware, bearer-token auth,
permission, visibility, JSON) with the production settings (DEBUG off; the acknowledgment SMS a create
queues is delivered later by the worker). Baseline measured in the same run: the smallest authenticated
endpoint ``GET /api/v1/me``; ratios say how much each operation costs above it. The CPU a create costs is
printed too (this process, and the PostgreSQL backend serving it when the server is local): on 2 cores,
2 / (that sum) is the most creates per second any number of app processes could reach.
Targets (issue 4): create >= 300/s, list p95 <= 50 ms, search p95 <= 100 ms, detail <= 10 queries.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_db import ensure_database, setup_django  # noqa: E402,F401  (shared PostgreSQL set-up)

FULL = 1_000_000
CHUNK = 20_000
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kefu_workorders_bench"
UNITS = ["CC", "BR-DC", "BR-DC-01", "BR-DC-02", "BR-DC-03", "BR-XC", "BR-XC-01", "BR-XC-02", "BR-XC-03",
         "HO-SVC", "HO-CARD", "HO-RETAIL"]
SUBJECTS = ["信用卡年费", "借记卡挂失", "网银转账", "手机银行登录", "房贷提前还款", "理财产品赎回", "ATM吞卡", "短信通知",
            "柜面排队", "大额取现预约", "信用卡分期手续费", "境外消费", "外币兑换", "账户冻结", "征信异议", "代发工资"]
PROBLEMS = ["扣费有异议", "迟迟未到账", "服务态度差", "系统报错无法办理", "等待时间过长", "未告知风险", "多次来电未解决",
            "要求退还费用", "操作流程复杂", "密码重置失败"]
STATUSES = [("archived", 55), ("closed", 20), ("in_progress", 8), ("dispatched", 5), ("accepted", 4),
            ("replied", 3), ("resolved", 2), ("waiting_customer", 1), ("pending_signoff", 1), ("new", 1)]
KINDS = [("complaint", 45), ("consultation", 35), ("suggestion", 8), ("service_request", 10), ("praise", 2)]
PREFIX = {"complaint": "TS", "consultation": "ZX", "suggestion": "JY", "service_request": "FW", "praise": "BY"}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--creates", type=int, default=300)
    p.add_argument("--create-workers", type=int, default=4)
    p.add_argument("--lists", type=int, default=300)
    p.add_argument("--searches", type=int, default=300)
    p.add_argument("--seed", type=int, default=4)
    p.add_argument("--reload", action="store_true")
    p.add_argument("--database-url", default=os.environ.get("KEFU_BENCH_DATABASE_URL", DEFAULT_URL))
    return p.parse_args()


def prepare() -> dict:
    from kefu.calendar.setup import seed as seed_calendar
    from kefu.common.testing import make_user
    from kefu.org.demo import load as load_org
    from kefu.org.models import Unit, User
    from kefu.workorders.setup import seed

    load_org()
    seed_calendar(None)
    seed(None)
    users = {}
    for name, role, unit in [("bench_agent", "agent", "CC"), ("bench_branch", "branch_complaint_manager", "BR-DC")]:
        users[name] = User.objects.filter(username=name).first() or make_user(
            name, roles=[role], unit=Unit.objects.get(code=unit))
    return users


def _copy(cursor, table: str, columns: list[str], buffer: io.StringIO) -> None:
    buffer.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while data := buffer.read(1 << 20):
            copy.write(data)


def _text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime):
        value = value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def reset_data() -> None:
    from django.db import connection

    with connection.cursor() as c:
        # Everything keyed by a work-order id goes too: the reload reuses the ids, and an acknowledgment or
        # deadline clock left from an earlier load would belong to a different case.
        c.execute("TRUNCATE workorders_searchdocument, workorders_workorderevent, workorders_handoff, "
                  "workorders_note, workorders_attachment, workorders_involvedaccount, workorders_extensionrequest, "
                  "workorders_webhookdelivery, workorders_workorder, workorders_numbersequence, "
                  "notify_deliveryattempt, notify_notification, calendar_clockpause, calendar_deadlineclock, "
                  "django_tasks_database_dbtaskresult CASCADE")


def load(n: int, rng: random.Random) -> float:
    from django.db import connection

    from kefu.org.models import Unit
    from kefu.workorders.models import WorkOrder
    from kefu.workorders.search import tokenize

    units = dict(Unit.objects.filter(code__in=UNITS).values_list("code", "pk"))
    cc = units["CC"]
    fields = [f for f in WorkOrder._meta.concrete_fields if not f.primary_key]
    columns = ["id"] + [f.column for f in fields]
    defaults = {f.column: f.get_default() for f in fields}
    token_cache: dict[str, str] = {}
    now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    t0 = time.perf_counter()
    with connection.cursor() as c:
        c.execute("SELECT COALESCE(MAX(id), 0) FROM workorders_workorder")
        base_id = c.fetchone()[0]
    raw = connection.connection
    for start in range(0, n, CHUNK):
        wo_buf, ev_buf, doc_buf = io.StringIO(), io.StringIO(), io.StringIO()
        for i in range(start, min(start + CHUNK, n)):
            pk = base_id + i + 1
            kind, status = _weighted(rng, KINDS), _weighted(rng, STATUSES)
            received = now - timedelta(days=1 + rng.random() * 364)
            title = f"{rng.choice(SUBJECTS)}{rng.choice(PROBLEMS)}"
            unit = units[rng.choice(UNITS)]
            row = dict(defaults)
            row.update({
                "number": f"{PREFIX[kind]}{received:%Y%m%d}{i:07d}", "kind": kind, "channel": "phone",
                "status": status, "severity": rng.choices(["general", "major", "urgent"], [85, 12, 3])[0],
                "title": title, "description": f"客户反映{title}，要求尽快处理。", "handling_unit_id": unit,
                "intake_unit_id": cc, "received_at": received, "updated_at": received,
                "due_at": received + timedelta(days=9), "regulatory_due_at": received + timedelta(days=15)
                if kind == "complaint" else None, "contact_phone_masked": f"13{i % 10}****{i % 10000:04d}",
                "customer_cif_no": f"B{rng.randrange(1, 200_000):09d}",
            })
            wo_buf.write("\t".join([str(pk)] + [_text(row[c]) for c in columns[1:]]) + "\n")
            for k, (action, frm, to) in enumerate([("created", "", "new"), ("accept", "new", "accepted"),
                                                   ("dispatch", "accepted", "dispatched")]):
                ev_buf.write(f"{pk}\t{action}\t{frm}\t{to}\t\\N\tsystem\t"
                             f"{(received + timedelta(minutes=k)).isoformat()}\t{{}}\t\n")
            if title not in token_cache:
                token_cache[title] = " ".join(tokenize(f"{title} 客户反映{title}，要求尽快处理。"))
            doc_buf.write(f"{pk}\t{row['number']} {token_cache[title]}\n")
        with raw.cursor() as cur:
            _copy(cur, "workorders_workorder", columns, wo_buf)
            _copy(cur, "workorders_workorderevent", ["workorder_id", "action", "from_status", "to_status", "actor_id",
                                                     "actor_label", "created_at", "data", "note"], ev_buf)
            _copy(cur, "workorders_searchdocument", ["workorder_id", "tokens"], doc_buf)
        raw.commit() if not raw.autocommit else None
        print(f"  loaded {min(start + CHUNK, n):,} / {n:,} ({time.perf_counter() - t0:.0f} s)", flush=True)
    with connection.cursor() as c:
        c.execute("SELECT setval(pg_get_serial_sequence('workorders_workorder', 'id'), "
                  "(SELECT MAX(id) FROM workorders_workorder))")
        c.execute("ANALYZE workorders_workorder; ANALYZE workorders_workorderevent; ANALYZE workorders_searchdocument")
    return time.perf_counter() - t0


def timed(fn, n: int) -> dict:
    samples = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()

    def pct(p):
        return samples[min(len(samples) - 1, int(len(samples) * p))]

    return {"p50": statistics.median(samples), "p95": pct(0.95), "p99": pct(0.99), "max": samples[-1],
            "total_s": sum(samples) / 1000, "n": n}


def _caller_base() -> int:
    """An offset that makes this run's callers new: a phone that called in an earlier run of the bench on the
    same database would make every later create a repeat (up to 20 earlier cases read and compared)."""
    from kefu.workorders.models import WorkOrder

    return (WorkOrder.objects.order_by("-id").values_list("id", flat=True).first() or 0) % 5_000_000


def _complaint(rng: random.Random, i: int) -> dict:
    return {"kind": "complaint", "channel": "phone", "title": f"{rng.choice(SUBJECTS)}{rng.choice(PROBLEMS)}",
            "description": "基准测试：客户来电投诉", "contact_phone": f"139{i:08d}", "severity": "general",
            "business_line": "credit_card", "category": "product", "accept": True}


def _create_worker(job: tuple[int, int, int, object]) -> tuple[list[float], float, float, float, float]:
    """One app-server-like process: its own connection and token, ``count`` creates after the barrier."""
    from kefu.common.testing import ApiClient
    from kefu.org.models import User

    worker, count, agent_pk, barrier = job
    callers = _caller_base()
    rng = random.Random(worker)
    client = ApiClient(User.objects.get(pk=agent_pk))
    client.get("/me")  # connect and warm up before the clock starts
    barrier.wait()
    start, cpu, pg_cpu = time.perf_counter(), time.process_time(), _backend_cpu_seconds()
    samples = []
    for i in range(count):
        t = time.perf_counter()
        r = client.post("/workorders", _complaint(rng, 50_000_000 + worker * 5_000_000 + callers + i))
        if r.status_code != 201:
            raise SystemExit(f"unexpected {r.status_code}: {r.content[:300]!r}")
        samples.append((time.perf_counter() - t) * 1000)
    end = time.perf_counter()
    pg_used = (_backend_cpu_seconds() - pg_cpu) if pg_cpu is not None else 0.0
    return samples, start, end, time.process_time() - cpu, pg_used


def concurrent_creates(total: int, workers: int, agent_pk: int) -> dict:
    import multiprocessing

    from django.db import connections

    connections.close_all()  # each forked worker opens its own connection
    ctx = multiprocessing.get_context("fork")
    manager = ctx.Manager()
    barrier = manager.Barrier(workers)
    per_worker = max(1, total // workers)
    with ctx.Pool(workers) as pool:
        results = pool.map(_create_worker, [(w, per_worker, agent_pk, barrier) for w in range(workers)])
    manager.shutdown()
    samples = sorted(x for r in results for x in r[0])
    wall = max(r[2] for r in results) - min(r[1] for r in results)
    return {"n": len(samples), "throughput": len(samples) / wall, "p50": statistics.median(samples),
            "app_cpu_ms": sum(r[3] for r in results) / len(samples) * 1000,
            "pg_cpu_ms": sum(r[4] for r in results) / len(samples) * 1000,
            "p95": samples[min(len(samples) - 1, int(len(samples) * 0.95))],
            "p99": samples[min(len(samples) - 1, int(len(samples) * 0.99))], "max": samples[-1], "total_s": wall}


def _backend_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL backend (None when the server is not on this machine)."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        pid = c.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(args, users, rng) -> tuple[dict, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kefu.common.testing import ApiClient

    agent, branch = ApiClient(users["bench_agent"]), ApiClient(users["bench_branch"])
    results: dict[str, dict] = {}
    extra: dict[str, float] = {}

    def check(response, status=200):
        if response.status_code != status:
            raise SystemExit(f"unexpected {response.status_code}: {response.content[:300]!r}")
        return response

    for client in (agent, branch):  # first requests load URL resolvers, jieba, templates: not what is measured
        for _ in range(5):
            check(client.get("/me"))
            check(client.get("/workorders", q="年费"))
    results["baseline GET /me"] = timed(lambda i: check(agent.get("/me")), args.lists)
    created: list[str] = []
    callers = _caller_base()

    def create(i):
        r = check(agent.post("/workorders", _complaint(rng, callers + i)), 201)
        created.append(r.json()["number"])

    app_cpu, pg_cpu = time.process_time(), _backend_cpu_seconds()
    results["create POST /workorders"] = timed(create, args.creates)
    extra["create: app CPU ms each"] = (time.process_time() - app_cpu) / args.creates * 1000
    if pg_cpu is not None:
        extra["create: PostgreSQL CPU ms each"] = (_backend_cpu_seconds() - pg_cpu) / args.creates * 1000
    extra["create /s, one at a time"] = args.creates / results["create POST /workorders"]["total_s"]
    if args.create_workers > 1:
        par = concurrent_creates(args.creates, args.create_workers, users["bench_agent"].pk)
        results[f"create, {args.create_workers} processes"] = par
        extra[f"create /s, {args.create_workers} processes"] = par["throughput"]
        extra[f"create, {args.create_workers} proc.: app CPU ms each"] = par["app_cpu_ms"]
        extra[f"create, {args.create_workers} proc.: PG CPU ms each"] = par["pg_cpu_ms"]
    list_params = [
        {"status": ["in_progress"], "kind": "complaint", "severity": "general"},
        {"overdue": "true", "kind": "complaint"},
        {"status": ["dispatched", "in_progress"], "channel": "phone"},
        {"date_from": (datetime.now() - timedelta(days=30)).date().isoformat()},
    ]
    results["list page 1, filters (center)"] = timed(
        lambda i: check(agent.get("/workorders", **list_params[i % len(list_params)])), args.lists)
    results["list page 1, filters (branch)"] = timed(
        lambda i: check(branch.get("/workorders", **list_params[i % len(list_params)])), args.lists)
    terms = ["年费", "手机银行 登录", "转账 到账", "理财产品", "服务态度", "ATM", "境外消费", "密码重置"]
    results["search q= (center)"] = timed(lambda i: check(agent.get("/workorders", q=terms[i % len(terms)])),
                                          args.searches)
    detail_number = created[0] if created else None
    if detail_number:
        results["detail GET /workorders/{n}"] = timed(lambda i: check(agent.get(f"/workorders/{detail_number}")),
                                                      min(args.lists, 200))
        with CaptureQueriesContext(connection) as ctx:
            check(agent.get(f"/workorders/{detail_number}"))
        extra["queries per detail view"] = len(ctx.captured_queries)
    return results, extra


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    n = max(1000, int(FULL * args.scale))
    ensure_database(args.database_url)
    t = time.perf_counter()
    # Production settings (DEBUG off, the database task queue: the acknowledgment SMS is queued by the
    # request and delivered by the worker, as deployed), not the test settings' inline tasks.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    os.environ.setdefault("KEFU_DEBUG", "0")
    os.environ.setdefault("KEFU_LOG_LEVEL", "WARNING")
    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)
    print(f"migrate: {time.perf_counter() - t:.1f} s")
    users = prepare()
    from kefu.workorders.models import WorkOrder

    have = WorkOrder.objects.count()
    if args.reload or abs(have - n) > max(args.creates * 3, 1000):
        print(f"loading {n:,} work orders with {3 * n:,} events (existing: {have:,})", flush=True)
        reset_data()
        print(f"load: {load(n, rng):.1f} s")
    else:
        print(f"reusing {have:,} loaded work orders")
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT pg_size_pretty(pg_database_size(current_database())), "
                  "(SELECT count(*) FROM workorders_workorderevent)")
        size, events = c.fetchone()
    print(f"data: {WorkOrder.objects.count():,} work orders, {events:,} events, database {size}")
    print("load average before measuring (2 cores shared): " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    results, extra = measure(args, users, rng)
    base = results["baseline GET /me"]
    print(f"\n{'operation':34} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'p95/base':>9}")
    for name, r in results.items():
        print(f"{name:34} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f} {r['max']:8.1f} "
              f"{r['p95'] / base['p95']:9.2f}")
    for name, value in extra.items():
        print(f"{name:34} {value:8.1f}")
    print("load average after measuring: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    lists = max(results["list page 1, filters (center)"]["p95"], results["list page 1, filters (branch)"]["p95"])
    search = results["search q= (center)"]["p95"]
    rate = max(v for k, v in extra.items() if k.startswith("create /s"))
    cpu_each = extra["create: app CPU ms each"] + extra.get("create: PostgreSQL CPU ms each", 0)
    print(f"CPU per create, one at a time: {cpu_each:.1f} ms (app + its PostgreSQL backend); 300/s on 2 cores "
          f"needs at most {2000 / 300:.1f} ms")
    queries = extra.get("queries per detail view", 0)
    print(f"\ntarget create >= 300/s: {rate:.1f}/s -> {'PASS' if rate >= 300 else 'MISS'}")
    print(f"target list p95 <= 50 ms: {lists:.2f} ms -> {'PASS' if lists <= 50 else 'MISS'}")
    print(f"target search p95 <= 100 ms: {search:.2f} ms -> {'PASS' if search <= 100 else 'MISS'}")
    print(f"target detail <= 10 queries: {queries:.0f} -> {'PASS' if queries <= 10 else 'MISS'}")


if __name__ == "__main__":
    main()
