"""Customer benchmark: screen-pop lookup and customer 360 view over a bank-sized PostgreSQL database.

    .venv/bin/python bench/customers.py [--scale 1.0] [--lookups 1000] [--views 300] [--reload]
                                        [--database-url postgres://postgres@127.0.0.1:5432/kefu_customers_bench]

--scale S     fraction of the full data set: 1,000,000 customers (kefu profiles with encrypted PII, blind
              indexes, phones, cards, plus the sandbox core's CIF rows), 3,000,000 accounts, 1,000,000
              cards and 20,000,000 postings (10,000,000 balanced two-leg journals). 0.01 is a quick run.
--lookups N   timed screen-pop requests ``GET /api/v1/customers/lookup?phone=...`` (random callers)
--views N     timed ``GET /api/v1/customers/{id}?interaction=...`` 360 views of verified callers (accounts,
              cards and the 10 latest transactions from the sandbox ledger, work orders, consents, notes,
              history, and the read-audit entry)
--reload      drop and load the data again (otherwise data of the same scale is reused)

Requests go through the whole stack in-process (Django test client: middleware, bearer-token auth,
permission, visibility, audit chain write, JSON). The baseline measured in the same run is the smallest
authenticated endpoint ``GET /api/v1/me``; ratios say how much each endpoint costs above it.
Targets (issue 5): lookup p99 <= 20 ms, 360 view p95 <= 150 ms.

The database is a dedicated one (created when missing): loading uses COPY with triggers and foreign-key
checks off (``session_replication_role = replica``) and builds the posting index afterwards.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_db import ensure_database, setup_django  # noqa: E402,F401  (shared PostgreSQL set-up)

FULL_CUSTOMERS = 1_000_000
ACCOUNTS_PER_CUSTOMER = 3
POSTINGS_PER_CUSTOMER = 20
CHUNK = 10_000
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kefu_customers_bench"
BRANCHES = ["BR-DC-01", "BR-DC-02", "BR-DC-03", "BR-XC-01", "BR-XC-02", "BR-XC-03"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红建国志海燕文斌晓"
MERCHANTS = ["美团外卖", "京东商城", "盒马鲜生", "中国石化加油站", "国家电网电费", "中国移动话费", "滴滴出行", "工资代发"]
REGIONS = ["110101", "110102", "110105", "310104", "440305", "510107"]


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--lookups", type=int, default=1000)
    p.add_argument("--views", type=int, default=300)
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--reload", action="store_true")
    p.add_argument("--database-url", default=os.environ.get("KEFU_BENCH_DATABASE_URL", DEFAULT_URL))
    return p.parse_args()


# --- deterministic identifiers (serial -> value) -------------------------------------------------
def mobile_of(serial: int) -> str:
    return f"13{serial:09d}"


def card_of(serial: int) -> str:
    from kefu.pii.checks import luhn_check_digit

    partial = f"622619{serial:012d}"
    return partial + luhn_check_digit(partial)


def id_of(serial: int, birth: date) -> str:
    from kefu.pii.checks import id_check_char

    first17 = f"{REGIONS[serial % len(REGIONS)]}{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + id_check_char(first17)


def account_of(serial: int, k: int) -> str:
    return f"6217{serial:010d}{k}"


# --- loading --------------------------------------------------------------------------------------
def copy_rows(cursor, table: str, columns: list[str], buffer: io.StringIO) -> None:
    buffer.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while data := buffer.read(1 << 20):
            copy.write(data)


def load(n_customers: int, rng: random.Random) -> dict[str, float]:
    from django.db import connection

    from kefu.customers.models import Customer, CustomerPhone
    from kefu.org.models import Unit
    from kefu.pii.crypto import blind_index, encrypt
    from kefu.pii.masking import mask_card

    aad = {f: Customer._meta.get_field(f)._aad for f in ("name", "id_number", "mobile", "email", "address")}
    phone_aad = CustomerPhone._meta.get_field("number")._aad
    units = dict(Unit.objects.filter(code__in=BRANCHES).values_list("code", "pk"))
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    with connection.cursor() as c:
        c.execute("DROP INDEX IF EXISTS corebank_posting_acct_time")
    raw = connection.connection
    raw.execute("SET session_replication_role = replica")
    timings = {"kefu": 0.0, "core": 0.0}
    journal_id = posting_id = 0
    for start in range(1, n_customers + 1, CHUNK):
        serials = range(start, min(start + CHUNK, n_customers + 1))
        kefu_buf, phone_buf, card_buf = io.StringIO(), io.StringIO(), io.StringIO()
        cif_buf, acct_buf, medium_buf, journal_buf, posting_buf = (io.StringIO() for _ in range(5))
        t_k = time.perf_counter()
        ts = now.isoformat()
        acct_rows: list[tuple[int, str, str]] = []
        for s in serials:
            birth = date(1940 + s % 70, 1 + s % 12, 1 + s % 28)
            name = SURNAMES[s % len(SURNAMES)] + GIVEN[(s // 7) % len(GIVEN)] + GIVEN[(s // 13) % len(GIVEN)]
            idn, mob, email = id_of(s, birth), mobile_of(s), f"c{s}@example.com"
            addr = f"北京市东城区和平里{s % 300}号"
            branch = BRANCHES[s % len(BRANCHES)]
            kefu_buf.write("\t".join([
                str(s), f"B{s:09d}", encrypt(name, aad=aad["name"]), "id_card", encrypt(idn, aad=aad["id_number"]),
                blind_index("id", idn), encrypt(mob, aad=aad["mobile"]), blind_index("mobile", mob),
                encrypt(email, aad=aad["email"]), encrypt(addr, aad=aad["address"]), birth.isoformat(), "mass",
                "active", "standard", "f", "f", "", "phone", "f", str(units[branch]), "core", "active", "f", "",
                ts, ts, ts]) + "\n")
            phone_buf.write(f"{s}\t{s}\t{encrypt(mob, aad=phone_aad)}\t{blind_index('mobile', mob)}\tmobile\tt\t{ts}\n")
            card = card_of(s)
            card_buf.write(f"{s}\t{s}\t{blind_index('card', card)}\t{mask_card(card)}\tdebit\tactive\t{ts}\n")
            cif_buf.write(f"{s}\tB{s:09d}\t{name}\tid_card\t{idn}\t{mob}\t{branch}\t{birth}\t{email}\t{addr}\t{ts}\n")
            for k, kind in enumerate(("savings", "time_deposit", "credit")):
                acct_id = (s - 1) * ACCOUNTS_PER_CUSTOMER + k + 1
                acct_rows.append((acct_id, f"{account_of(s, k)}\t{s}\t{kind}\tCNY",
                                  f"{5_000_000 if kind == 'credit' else 0}\tactive\t2020-01-01\t{branch}\t\tf\n"))
            medium_buf.write(f"{s}\t{card}\tdebit\t{s}\t{(s - 1) * ACCOUNTS_PER_CUSTOMER + 1}\tactive\t12/29\t"
                             f"借记卡\t2020-01-01\n")
        timings["kefu"] += time.perf_counter() - t_k
        t_c = time.perf_counter()
        # Balanced two-leg journals between accounts of this chunk, in time order, with running balances.
        first_acct = (serials[0] - 1) * ACCOUNTS_PER_CUSTOMER + 1
        n_accts = len(serials) * ACCOUNTS_PER_CUSTOMER
        balances = {first_acct + i: rng.randrange(100_000, 5_000_000) for i in range(n_accts)}
        n_journals = len(serials) * POSTINGS_PER_CUSTOMER // 2
        moments = sorted(rng.random() for _ in range(n_journals))
        for m in moments:
            journal_id += 1
            at = (now - timedelta(days=180 * (1 - m))).isoformat()
            a = first_acct + rng.randrange(n_accts)
            b = first_acct + (a - first_acct + 1 + rng.randrange(n_accts - 1)) % n_accts
            amount = rng.randrange(100, 50_000)
            if balances[a] < amount:
                a, b = b, a
            merchant = MERCHANTS[journal_id % len(MERCHANTS)]
            journal_buf.write(f"{journal_id}\tJ{journal_id:012d}\ttransfer\ttransfer\t{at}\t{merchant}\t\t\\N\t\t\t"
                              f"{amount}\t\t\t\n")
            balances[a] -= amount
            balances[b] += amount
            posting_id += 2
            posting_buf.write(f"{posting_id - 1}\t{journal_id}\t{a}\t{-amount}\t{balances[a]}\t{at}\t{merchant}\t"
                              f"transfer\t\n{posting_id}\t{journal_id}\t{b}\t{amount}\t{balances[b]}\t{at}\t{merchant}\t"
                              f"transfer\t\n")
        for acct_id, head, tail in acct_rows:
            acct_buf.write(f"{acct_id}\t{head}\t{balances[acct_id]}\t{tail}")
        timings["core"] += time.perf_counter() - t_c
        with raw.cursor() as cur:
            copy_rows(cur, "customers_customer", [
                "id", "cif_no", "name", "id_type", "id_number", "id_number_index", "mobile", "mobile_index", "email",
                "address", "birth_date", "segment", "lifecycle_stage", "value_tier", "disability",
                "needs_interpreter", "interpreter_language", "preferred_channel", "marketing_opt_out",
                "home_unit_id", "source", "status", "legal_hold", "legal_hold_reason", "created_at", "updated_at",
                "synced_at"], kefu_buf)
            copy_rows(cur, "customers_customerphone",
                      ["id", "customer_id", "number", "number_index", "kind", "is_sms", "created_at"], phone_buf)
            copy_rows(cur, "customers_customercard",
                      ["id", "customer_id", "card_index", "masked_card_no", "kind", "status", "synced_at"], card_buf)
            copy_rows(cur, "corebank_cifcustomer", ["id", "cif_no", "name", "id_type", "id_number", "mobile",
                                                    "home_branch_code", "birth_date", "email", "address",
                                                    "created_at"], cif_buf)
            copy_rows(cur, "corebank_ledgeraccount", [
                "id", "account_no", "customer_id", "kind", "currency", "balance_fen", "overdraft_limit_fen", "status",
                "opened_at", "branch_code", "product_name", "is_internal"], acct_buf)
            copy_rows(cur, "corebank_medium", ["id", "number", "kind", "customer_id", "account_id", "status",
                                               "expires", "product_name", "issued_at"], medium_buf)
            copy_rows(cur, "corebank_journal", [
                "id", "txn_id", "kind", "channel", "posted_at", "description", "memo", "idempotency_key",
                "request_digest", "cif_no", "amount_fen", "from_account_no", "to_account_no", "payee_id"],
                journal_buf)
            copy_rows(cur, "corebank_posting", ["id", "journal_id", "account_id", "amount_fen", "balance_after_fen",
                                                "posted_at", "description", "channel", "counterparty"], posting_buf)
        raw.commit()
        done = serials[-1]
        if done % (CHUNK * 10) == 0 or done == n_customers:
            print(f"  loaded {done:,} customers, {posting_id:,} postings ({time.perf_counter() - t0:.0f} s)",
                  flush=True)
    raw.execute("SET session_replication_role = DEFAULT")
    t_i = time.perf_counter()
    with connection.cursor() as c:
        c.execute("CREATE INDEX corebank_posting_acct_time ON corebank_posting (account_id, posted_at DESC, id DESC)")
        for table in ("customers_customer", "customers_customerphone", "customers_customercard",
                      "corebank_cifcustomer", "corebank_ledgeraccount", "corebank_medium", "corebank_journal",
                      "corebank_posting"):
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            c.execute(f"ANALYZE {table}")
    raw.commit()
    return {"generate_kefu_s": timings["kefu"], "generate_core_s": timings["core"],
            "index_s": time.perf_counter() - t_i, "total_s": time.perf_counter() - t0}


def reset_data() -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("TRUNCATE customers_customer, corebank_cifcustomer, corebank_ledgeraccount, corebank_medium, "
                  "corebank_journal, corebank_posting CASCADE")


def prepare_users():
    from kefu.common.testing import make_user
    from kefu.org.demo import UNITS
    from kefu.org.models import Unit, User
    from kefu.org.services import create_unit, sync_roles

    sync_roles()
    units = {u.code: u for u in Unit.objects.all()}
    for code, name, kind, parent, flags in UNITS:
        if code not in units:
            units[code] = create_unit(actor=None, code=code, name=name, kind=kind,
                                      parent=units[parent] if parent else None, **flags)
    user = User.objects.filter(username="bench_agent").first() or make_user(
        "bench_agent", roles=["agent"], unit=units["CC"])
    return user


# --- measuring ------------------------------------------------------------------------------------
def percentiles(samples: list[tuple[float, float]]) -> dict[str, float]:
    """Wall-clock percentiles, plus the median CPU time this (Django) process spent per request: the
    figure least disturbed by other processes competing for the 2 cores (PostgreSQL's own CPU excluded)."""
    wall = [w for w, _ in samples]
    qs = statistics.quantiles(wall, n=100, method="inclusive")
    return {"p50": statistics.median(wall), "p95": qs[94], "p99": qs[98], "max": max(wall),
            "cpu50": statistics.median(c for _, c in samples)}


def timed(fn, n: int) -> list[tuple[float, float]]:
    out = []
    for i in range(n):
        t, cpu = time.perf_counter(), time.process_time()
        fn(i)
        out.append(((time.perf_counter() - t) * 1000, (time.process_time() - cpu) * 1000))
    return out


def measure(args: argparse.Namespace, n_customers: int, user, rng: random.Random) -> dict[str, dict[str, float]]:
    from kefu.common.testing import ApiClient
    from kefu.customers.models import VerificationAttempt
    from kefu.customers.selectors import find_by_phone

    api = ApiClient(user)
    callers = [rng.randrange(1, n_customers + 1) for _ in range(args.lookups)]
    viewed = [rng.randrange(1, n_customers + 1) for _ in range(args.views)]
    VerificationAttempt.objects.filter(agent=user).delete()
    VerificationAttempt.objects.bulk_create([VerificationAttempt(
        customer_id=s, agent=user, interaction_ref="BENCH", factors=["id_last6", "birth_date"], outcome="passed")
        for s in set(viewed)])

    def check(response, status=200):
        if response.status_code != status:
            raise SystemExit(f"unexpected {response.status_code}: {response.content[:300]!r}")
        return response

    for i in range(20):  # warm-up: connections, caches, code paths
        check(api.get("/me"))
        check(api.get("/customers/lookup", phone=mobile_of(callers[i % len(callers)])))
        check(api.get(f"/customers/{viewed[i % len(viewed)]}", interaction="BENCH"))
    sample = check(api.get(f"/customers/{viewed[0]}", interaction="BENCH")).json()
    assert sample["verified"] and sample["transactions"], "360 view did not show the verified caller's ledger"
    found = check(api.get("/customers/lookup", phone=mobile_of(callers[0]))).json()
    assert [c["cif_no"] for c in found] == [f"B{callers[0]:09d}"], found
    return {
        "baseline GET /me": percentiles(timed(lambda i: check(api.get("/me")), args.lookups)),
        "find_by_phone (selector only)": percentiles(timed(lambda i: find_by_phone(mobile_of(callers[i])),
                                                           args.lookups)),
        "screen-pop lookup API": percentiles(timed(
            lambda i: check(api.get("/customers/lookup", phone=mobile_of(callers[i]))), args.lookups)),
        "360 view API (verified)": percentiles(timed(
            lambda i: check(api.get(f"/customers/{viewed[i]}", interaction="BENCH")), args.views)),
    }


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    n_customers = max(CHUNK, int(FULL_CUSTOMERS * args.scale) // CHUNK * CHUNK)
    ensure_database(args.database_url)
    t = time.perf_counter()
    setup_django(args.database_url)
    print(f"migrate: {time.perf_counter() - t:.1f} s")
    from kefu.customers.models import Customer

    user = prepare_users()
    have = Customer.objects.count()
    if args.reload or have != n_customers:
        print(f"loading {n_customers:,} customers, {n_customers * ACCOUNTS_PER_CUSTOMER:,} accounts, "
              f"{n_customers * POSTINGS_PER_CUSTOMER:,} postings (existing: {have:,})", flush=True)
        reset_data()
        stats = load(n_customers, rng)
        print("load: " + ", ".join(f"{k} {v:.1f}" for k, v in stats.items()))
    else:
        print(f"reusing {have:,} loaded customers")
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT pg_size_pretty(pg_database_size(current_database())), "
                  "(SELECT count(*) FROM corebank_posting), (SELECT count(*) FROM corebank_ledgeraccount)")
        size, postings, accounts = c.fetchone()
    print(f"data: {n_customers:,} customers, {accounts:,} accounts, {postings:,} postings, database {size}")
    print("load average before measuring (2 cores shared): " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    results = measure(args, n_customers, user, rng)
    base = results["baseline GET /me"]
    print(f"\n{'operation':34} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'p95/base':>9} "
          f"{'cpu p50':>8} {'cpu/base':>8}")
    for name, r in results.items():
        print(f"{name:34} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f} {r['max']:8.1f} "
              f"{r['p95'] / base['p95']:9.2f} {r['cpu50']:8.2f} {r['cpu50'] / base['cpu50']:8.2f}")
    print("load average after measuring: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    lookup, view = results["screen-pop lookup API"], results["360 view API (verified)"]
    print(f"\ntarget lookup p99 <= 20 ms: {lookup['p99']:.2f} ms -> {'PASS' if lookup['p99'] <= 20 else 'MISS'}")
    print(f"target 360 view p95 <= 150 ms: {view['p95']:.2f} ms -> {'PASS' if view['p95'] <= 150 else 'MISS'}")


if __name__ == "__main__":
    main()
