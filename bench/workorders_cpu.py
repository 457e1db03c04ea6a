"""CPU cost of one work-order create through the API, measured in-process (not wall clock).

    .venv/bin/python bench/workorders_cpu.py [--creates 300] [--batches 6] [--scale 0.01] [--profile 40]
                                             [--database-url postgres://.../kefu_wo_cpu]

Production settings (``kefu.settings``, DEBUG off, the database task queue), a PostgreSQL database of its
own loaded with ``--scale`` × 1,000,000 work orders (bench/workorders.py's loader), the same agent and
payload as bench/workorders.py. Prints per create: ``time.process_time`` of this process, the CPU of the
PostgreSQL backend serving it (read from /proc when the server is local) and the statements run
(CaptureQueriesContext); with ``--profile N`` a cProfile run of the same creates, top N by tottime and by
cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_db import ensure_database, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kefu_wo_cpu"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--creates", type=int, default=300)
    p.add_argument("--scale", type=float, default=0.01)
    p.add_argument("--profile", type=int, default=0, help="cProfile top N (0: no profile run)")
    p.add_argument("--batches", type=int, default=6)
    p.add_argument("--profile-out", default="", help="also write the cProfile data to this file")
    p.add_argument("--server-side-binding", action="store_true",
                   help="experiment: psycopg server-side parameter binding (the settings use client-side binding)")
    p.add_argument("--repeat-caller", type=int, default=0, metavar="K",
                   help="K callers only (every create is then a repeat with up to 20 earlier cases to compare)")
    p.add_argument("--other-line", action="store_true",
                   help="with --repeat-caller: a different business line, so similarity decides (jieba)")
    p.add_argument("--statements", action="store_true", help="print the statements of one create")
    p.add_argument("--database-url", default=DEFAULT_URL)
    args = p.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    os.environ.setdefault("KEFU_DEBUG", "0")
    os.environ.setdefault("KEFU_LOG_LEVEL", "WARNING")
    ensure_database(args.database_url)
    setup_django(args.database_url)
    import workorders as bench
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kefu.common.testing import ApiClient
    from kefu.workorders.models import WorkOrder

    call_command("createcachetable", verbosity=0)
    if args.server_side_binding:
        from django.db import connections

        connections.close_all()
        connection.settings_dict.setdefault("OPTIONS", {})["server_side_binding"] = True
    users = bench.prepare()
    n = max(1000, int(bench.FULL * args.scale))
    rng = random.Random(4)
    if abs(WorkOrder.objects.count() - n) > max(3 * args.creates, 1000):
        bench.reset_data()
        print(f"loaded {n:,} work orders in {bench.load(n, rng):.1f} s")
    agent = ApiClient(users["bench_agent"])
    serial = [0]

    def create() -> None:
        serial[0] += 1
        caller = 99_999_999 - (serial[0] % args.repeat_caller) if args.repeat_caller else \
            50_000_000 + os.getpid() * 10_000 + serial[0]
        body = bench._complaint(rng, caller)
        if args.repeat_caller and args.other_line:
            body["business_line"] = ""  # no line to match: each earlier case is compared by its words (jieba)
        r = agent.post("/workorders", body)
        if r.status_code != 201:
            raise SystemExit(f"unexpected {r.status_code}: {r.content[:300]!r}")

    for _ in range(20):  # warm: URL resolvers, jieba, templates, reference-row caches
        agent.get("/me")
        create()
    with CaptureQueriesContext(connection) as ctx:
        create()
    statements = len(ctx.captured_queries)
    if args.statements:
        for q in ctx.captured_queries:
            print("  ", q["sql"][:220])
    kinds = Counter(q["sql"].split(None, 1)[0].upper() for q in ctx.captured_queries)
    with CaptureQueriesContext(connection) as ctx:
        agent.get("/me")
    me_statements = len(ctx.captured_queries)

    def run(fn, count: int) -> tuple[float, float, float | None]:
        """Per call: the smallest and the median batch's app CPU (other work on the 2 cores inflates the
        CPU time a process is charged, so the smallest batch is the steadiest figure), and PG CPU."""
        batches, pg_used, size = [], 0.0, max(1, count // args.batches)
        for _ in range(args.batches):
            pg0, cpu0 = bench._backend_cpu_seconds(), time.process_time()
            for _ in range(size):
                fn()
            batches.append((time.process_time() - cpu0) / size * 1000)
            pg1 = bench._backend_cpu_seconds()
            pg_used += (pg1 - pg0) if pg0 is not None else 0.0
        pg = pg_used / (size * args.batches) * 1000 if pg0 is not None else None
        return min(batches), statistics.median(batches), pg

    me_min, me_med, me_pg = run(lambda: agent.get("/me"), args.creates)
    cpu_min, cpu_med, pg = run(create, args.creates)
    counter = cProfile.Profile()  # Python function calls: a count that other load on the machine cannot skew
    counter.enable()
    for _ in range(20):
        create()
    counter.disable()
    calls = pstats.Stats(counter).total_calls / 20
    print(f"work orders: {WorkOrder.objects.count():,}; load average {os.getloadavg()[0]:.2f}")
    print(f"GET /me:  app CPU {me_min:.2f} ms (median batch {me_med:.2f}), PG CPU {me_pg or 0:.2f} ms, "
          f"{me_statements} statements")
    print(f"create:   app CPU {cpu_min:.2f} ms (median batch {cpu_med:.2f}), PG CPU {pg or 0:.2f} ms, "
          f"{statements} statements ({', '.join(f'{k} {v}' for k, v in kinds.most_common())}), "
          f"{calls:,.0f} Python calls; 2 cores -> at most {2000 / (cpu_min + (pg or 0)):.0f}/s")
    if args.profile:
        prof = cProfile.Profile(time.process_time)  # CPU, not waiting for the server
        prof.enable()
        for _ in range(args.creates):
            create()
        prof.disable()
        if args.profile_out:
            prof.dump_stats(args.profile_out)
        for key in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats(key).print_stats(args.profile)
            print(out.getvalue())


if __name__ == "__main__":
    main()
