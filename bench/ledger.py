"""Ledger benchmark: transfer throughput with 16 concurrent clients, and zero balance drift.

Builds (or reuses) a bulk ledger with ``kefu.corebank.bulk`` (COPY), then runs phone-channel transfers
through ``SandboxCoreBank.transfer`` (row locks, limits, idempotency, balanced journals):

1. baseline: one client, in the same run;
2. concurrent: 16 clients (threads, one DB connection each), 5 % of requests re-sending an earlier key
   from another client (must replay, never post twice).

Then it checks drift: the sum of all balances is unchanged (0: every journal balances), the bench
customers' total is unchanged (transfers only move money between them), every touched account's balance
equals the sum of its postings, journals created == transfers that were not replays.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_ledger .venv/bin/python bench/ledger.py
    ... bench/ledger.py --scale 0.1          # quick run (2,000 customers, 30 transfers per client)
    ... bench/ledger.py --scale 1 --reuse    # keep the bulk data of an earlier run of the same scale

PostgreSQL only (SQLite serialises writers, so concurrency would measure nothing). Uses a database of its
own: ``--reuse`` aside, the ledger tables are truncated.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    os.environ.setdefault("KEFU_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/ledger.py needs PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_ledger")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare(customers: int, reuse: bool) -> None:
    from kefu.corebank import bulk
    from kefu.corebank.models import TransferLimitRule

    if reuse and bulk.existing_customers() == customers:
        print(f"reusing bulk ledger: {customers:,} customers")
    else:
        stats = bulk.generate(customers=customers, replace=True)
        print(f"bulk ledger: {stats.customers:,} customers, {stats.accounts:,} accounts, {stats.postings:,} postings "
              f"in {stats.seconds:.1f}s ({', '.join(f'{k} {v:.1f}s' for k, v in stats.phases.items())})")
    # Generous phone limits so the benchmark measures posting, not refusals.
    TransferLimitRule.objects.update_or_create(channel="phone", cif_no="", defaults={
        "per_transaction_fen": 10**9, "daily_fen": 10**13, "daily_count": 10**6})


class Run:
    def __init__(self, customers: int) -> None:
        self.customers = customers
        self.lock = threading.Lock()
        self.posted = 0
        self.replayed = 0
        self.refused = 0
        self.errors: list[str] = []
        self.keys: list[tuple] = []
        self.touched: set[int] = set()


def client(run: Run, index: int, count: int, tag: str, seed: int, duplicate_rate: float) -> None:
    from django.db import connections

    from kefu.corebank import bulk
    from kefu.corebank.adapter import CoreBankError
    from kefu.corebank.sandbox import SandboxCoreBank

    bank = SandboxCoreBank()
    rng = random.Random(seed)
    try:
        for n in range(count):
            if run.keys and rng.random() < duplicate_rate:
                with run.lock:
                    request = rng.choice(run.keys)
            else:
                who = rng.randrange(run.customers)
                request = (bulk.account_numbers(who, 1)[0], bulk.payee_id(who), rng.randint(1, 20_000),
                           f"{tag}-{index}-{n}")
            try:
                result = bank.transfer(from_account_no=request[0], payee_id=request[1], amount_fen=request[2],
                                       idempotency_key=request[3])
            except CoreBankError:
                with run.lock:
                    run.refused += 1
                continue
            except Exception as exc:  # counted: any of these fails the benchmark
                with run.lock:
                    run.errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            with run.lock:
                if result.replayed:
                    run.replayed += 1
                else:
                    run.posted += 1
                    run.keys.append(request)
    finally:
        connections.close_all()


def measure(customers: int, clients: int, per_client: int, tag: str, duplicate_rate: float) -> tuple[Run, float]:
    run = Run(customers)
    threads = [threading.Thread(target=client, args=(run, i, per_client, tag, 1000 * clients + i, duplicate_rate))
               for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return run, time.perf_counter() - started


def snapshot() -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(SUM(balance_fen), 0), "
                    "COALESCE(SUM(balance_fen) FILTER (WHERE NOT is_internal), 0) FROM corebank_ledgeraccount")
        total, customers = cur.fetchone()
        cur.execute("SELECT count(*) FROM corebank_journal WHERE kind = 'transfer' AND idempotency_key IS NOT NULL")
        transfers = cur.fetchone()[0]
    return {"total": total, "customers": customers, "transfers": transfers}


def drift_problems(before: dict, after: dict, posted: int) -> list[str]:
    from django.db import connection

    problems = []
    if after["total"] != before["total"] or after["total"] != 0:
        problems.append(f"sum of all balances {before['total']} -> {after['total']}")
    if after["customers"] != before["customers"]:
        problems.append(f"customer balances drifted by {after['customers'] - before['customers']} fen")
    if after["transfers"] - before["transfers"] != posted:
        problems.append(f"{after['transfers'] - before['transfers']} journals for {posted} posted transfers")
    with connection.cursor() as cur:
        # Accounts touched by bench transfers: balance must equal the sum of postings and the last balance_after.
        cur.execute("""
            WITH touched AS (SELECT DISTINCT p.account_id FROM corebank_posting p
                             JOIN corebank_journal j ON j.id = p.journal_id
                             WHERE j.idempotency_key IS NOT NULL)
            SELECT count(*) FROM corebank_ledgeraccount a JOIN touched t ON t.account_id = a.id
            WHERE a.balance_fen <> (SELECT SUM(amount_fen) FROM corebank_posting WHERE account_id = a.id)
               OR a.balance_fen <> (SELECT balance_after_fen FROM corebank_posting WHERE account_id = a.id
                                    ORDER BY posted_at DESC, id DESC LIMIT 1)""")
        bad_accounts = cur.fetchone()[0]
        cur.execute("""SELECT count(*) FROM (SELECT p.journal_id FROM corebank_posting p JOIN corebank_journal j
                       ON j.id = p.journal_id WHERE j.idempotency_key IS NOT NULL
                       GROUP BY p.journal_id HAVING SUM(p.amount_fen) <> 0) t""")
        unbalanced = cur.fetchone()[0]
    if bad_accounts:
        problems.append(f"{bad_accounts} accounts whose balance is not the sum of their postings")
    if unbalanced:
        problems.append(f"{unbalanced} unbalanced transfer journals")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1 = 20,000 customers (60,000 accounts, 400,000 postings), 300 transfers per client")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--reuse", action="store_true", help="reuse bulk data of the same size if present")
    args = parser.parse_args()
    customers = max(200, int(20_000 * args.scale))
    per_client = max(20, int(300 * args.scale))
    setup_django()
    prepare(customers, args.reuse)
    tag = f"b{int(time.time())}"

    before = snapshot()
    base_run, base_seconds = measure(customers, 1, per_client, tag + "s", 0.0)
    conc_run, conc_seconds = measure(customers, args.clients, per_client, tag + "c", 0.05)
    after = snapshot()

    base_rate = base_run.posted / base_seconds
    conc_rate = (conc_run.posted + conc_run.replayed) / conc_seconds
    print(f"baseline  1 client : {base_run.posted:6d} transfers in {base_seconds:6.2f}s = {base_rate:7.1f} transfers/s")
    print(f"concurrent {args.clients:2d} clients: {conc_run.posted:6d} posted + {conc_run.replayed} replayed "
          f"duplicates in {conc_seconds:6.2f}s = {conc_rate:7.1f} requests/s "
          f"({conc_run.posted / conc_seconds:.1f} postings/s)")
    print(f"ratio concurrent/baseline: {conc_rate / base_rate:.2f}x")
    refused = base_run.refused + conc_run.refused
    errors = base_run.errors + conc_run.errors
    problems = drift_problems(before, after, base_run.posted + conc_run.posted)
    print(f"refused (insufficient funds etc.): {refused}; unexpected errors: {len(errors)}")
    for error in errors[:5]:
        print("  ", error)
    print(f"drift check: sum of balances {before['total']} -> {after['total']} fen; customer total "
          f"{before['customers']} -> {after['customers']} fen; "
          + ("OK, zero drift" if not problems else "FAILED: " + "; ".join(problems)))
    return 1 if problems or errors else 0


if __name__ == "__main__":
    sys.exit(main())
