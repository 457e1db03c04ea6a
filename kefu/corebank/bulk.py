"""Fast bulk generator for benchmarks: customers, accounts, cards, payees and a year of postings via COPY.

PostgreSQL only. ``generate(customers=1_000_000)`` makes 3,000,000 accounts and 20,000,000 postings
(10,000,000 balanced journals) by default, consistent exactly like the live ledger: every journal sums
to zero, ``balance_after_fen`` runs in posting order, each account's balance is the sum of its postings,
no savings account goes below zero. Identities are a pure function of the serial
(``customer_identity``), so other benchmarks (``bench/customers.py``) can build matching kefu profiles
without reading the core back.

For speed the load runs in one transaction with ``session_replication_role = replica`` (needs a
superuser, as on a benchmark database): FK checks and the journal-balance trigger are skipped while
copying, then ``verify`` checks the same invariants with set-based SQL. Timings: see docs/corebank.md.
Never run against a production database: ``replace=True`` truncates the ledger tables.
"""

from __future__ import annotations

import random
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from . import fakes

SERIAL_BASE = 100_000_000  # bulk serials never collide with the demo's (1..200)
CIF_PREFIX = "B"
BRANCHES = ["BR-DC-01", "BR-DC-02", "BR-DC-03", "BR-XC-01", "BR-XC-02", "BR-XC-03"]
TABLES = ["corebank_posting", "corebank_journal", "corebank_registeredpayee", "corebank_medium",
          "corebank_lossreportrecord", "corebank_statuschange", "corebank_dailyusage", "corebank_ledgeraccount",
          "corebank_cifcustomer"]
GL_CODES = ["GL-CASH", "GL-MERCHANT", "GL-PAYROLL"]
CHUNK = 20_000


@dataclass
class BulkStats:
    customers: int
    accounts: int
    journals: int
    postings: int
    seconds: float
    phases: dict


def customer_identity(index: int) -> dict:
    """The bulk customer number ``index`` (0-based): CIF, name, ID, mobile, birth date, home branch."""
    serial = SERIAL_BASE + index
    rng = random.Random(serial)
    today = date(2026, 1, 1)  # fixed so identities never depend on the run date
    birth = fakes.birth_date(rng, today, elderly=rng.random() < 0.15)
    return {"cif_no": fakes.cif_no(serial, CIF_PREFIX), "name": fakes.chinese_name(rng),
            "id_number": fakes.id_number(rng, birth), "mobile": fakes.mobile(serial), "birth_date": birth,
            "home_branch_code": BRANCHES[index % len(BRANCHES)], "serial": serial}


def iter_identities(count: int) -> Iterator[dict]:
    for index in range(count):
        yield customer_identity(index)


def account_numbers(index: int, accounts_per_customer: int) -> list[str]:
    serial = SERIAL_BASE + index
    return [fakes.account_no(serial, k + 1, 7) for k in range(accounts_per_customer)]


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        raise RuntimeError("kefu.corebank.bulk needs PostgreSQL (COPY); set DATABASE_URL=postgres://...")


def existing_customers() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM corebank_cifcustomer WHERE cif_no LIKE %s", [CIF_PREFIX + "%"])
        return cur.fetchone()[0]


def _next_id(cur, table: str) -> int:
    cur.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 (fixed table names)
    return cur.fetchone()[0]


def _copy(cur, table: str, columns: str, rows: Iterator[str]) -> int:
    count = 0
    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        buffer: list[str] = []
        for line in rows:
            buffer.append(line)
            if len(buffer) >= CHUNK:
                copy.write("".join(buffer))
                count += len(buffer)
                buffer.clear()
        if buffer:
            copy.write("".join(buffer))
            count += len(buffer)
    return count


def generate(*, customers: int, accounts: int | None = None, postings: int | None = None, days: int = 365,
             seed: int = 7, replace: bool = False, verify: bool = True,
             progress: Callable[[str], None] | None = None) -> BulkStats:
    """Create ``customers`` bulk customers with ``accounts`` (3x) accounts and ``postings`` (20x) postings."""
    _require_postgres()
    from .setup import seed as seed_reference

    accounts = accounts or customers * 3
    postings = postings or customers * 20
    per_customer = max(1, accounts // customers)
    accounts = per_customer * customers
    say = progress or (lambda message: None)
    phases: dict[str, float] = {}
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cur:
            if replace:
                cur.execute("TRUNCATE " + ", ".join(TABLES) + " RESTART IDENTITY")
            elif existing_customers():
                raise RuntimeError("bulk customers already exist; pass replace=True to truncate the ledger")
        seed_reference()
        with connection.cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = replica")
            ids = {t: _next_id(cur, t) for t in ("corebank_cifcustomer", "corebank_ledgeraccount",
                                                  "corebank_medium", "corebank_registeredpayee",
                                                  "corebank_journal", "corebank_posting")}
            cur.execute("SELECT account_no, id, balance_fen FROM corebank_ledgeraccount WHERE is_internal")
            gl = {code: (pk, balance) for code, pk, balance in cur.fetchall()}

            mark = time.perf_counter()
            _copy(cur, "corebank_cifcustomer", "id, cif_no, name, id_type, id_number, mobile, home_branch_code, "
                  "birth_date, email, address, created_at", _customer_rows(customers, ids["corebank_cifcustomer"]))
            phases["customers"] = time.perf_counter() - mark
            say(f"customers: {customers:,} in {phases['customers']:.1f}s")

            # The (account, time) index takes random inserts: drop it for the load and build it once after.
            cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'corebank_posting_acct_time'")
            index_sql = [row[0] for row in cur.fetchall()]
            cur.execute("DROP INDEX IF EXISTS corebank_posting_acct_time")
            mark = time.perf_counter()
            overdraft = _overdrafts(customers, per_customer)
            balances = array("q", bytes(8 * accounts))
            gl_balance = {code: gl[code][1] for code in GL_CODES}
            journal_count, posting_count = _copy_history(
                cur, customers=customers, per_customer=per_customer, postings=postings, days=days,
                rng=random.Random(seed), balances=balances, overdraft=overdraft, gl=gl, gl_balance=gl_balance,
                account_base=ids["corebank_ledgeraccount"], journal_base=ids["corebank_journal"],
                posting_base=ids["corebank_posting"], say=say)
            phases["postings"] = time.perf_counter() - mark
            say(f"journals: {journal_count:,}, postings: {posting_count:,} in {phases['postings']:.1f}s")

            mark = time.perf_counter()
            _copy(cur, "corebank_ledgeraccount", "id, account_no, customer_id, kind, currency, balance_fen, "
                  "overdraft_limit_fen, status, opened_at, branch_code, product_name, is_internal",
                  _account_rows(customers, per_customer, balances, overdraft, ids))
            for code in GL_CODES:
                cur.execute("UPDATE corebank_ledgeraccount SET balance_fen = %s WHERE id = %s",
                            [gl_balance[code], gl[code][0]])
            _copy(cur, "corebank_medium", "id, number, kind, customer_id, account_id, status, expires, product_name, "
                  "issued_at", _medium_rows(customers, per_customer, ids))
            _copy(cur, "corebank_registeredpayee", "id, payee_id, customer_id, name, account_no, bank_name, active, "
                  "registered_at", _payee_rows(customers, per_customer, ids))
            phases["accounts_cards_payees"] = time.perf_counter() - mark
            say(f"accounts, cards, payees in {phases['accounts_cards_payees']:.1f}s")
            mark = time.perf_counter()
            cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for sql in index_sql:
                cur.execute(sql)
            phases["index"] = time.perf_counter() - mark
            say(f"posting index rebuilt in {phases['index']:.1f}s")
            for table in ids:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")
            cur.execute("SET LOCAL session_replication_role = origin")
    mark = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("ANALYZE corebank_cifcustomer, corebank_ledgeraccount, corebank_medium, "
                    "corebank_registeredpayee, corebank_journal, corebank_posting")
    phases["analyze"] = time.perf_counter() - mark
    if verify:
        mark = time.perf_counter()
        problems = verify_ledger()
        phases["verify"] = time.perf_counter() - mark
        if problems:
            raise AssertionError(f"bulk ledger inconsistent: {problems}")
        say(f"verified in {phases['verify']:.1f}s")
    return BulkStats(customers=customers, accounts=accounts, journals=journal_count, postings=posting_count,
                     seconds=time.perf_counter() - started, phases=phases)


def verify_ledger() -> dict[str, int]:
    """Set-based checks of the ledger invariants; returns {problem: count} (empty when consistent)."""
    checks = {
        "total_balance_not_zero": "SELECT COALESCE(SUM(balance_fen), 0) FROM corebank_ledgeraccount",
        "unbalanced_journals": "SELECT count(*) FROM (SELECT journal_id FROM corebank_posting GROUP BY journal_id "
                               "HAVING SUM(amount_fen) <> 0) t",
        "balance_not_sum_of_postings": "SELECT count(*) FROM corebank_ledgeraccount a LEFT JOIN (SELECT account_id, "
                                       "SUM(amount_fen) s FROM corebank_posting GROUP BY account_id) p "
                                       "ON p.account_id = a.id WHERE a.balance_fen <> COALESCE(p.s, 0)",
        "orphan_postings": "SELECT count(*) FROM corebank_posting p LEFT JOIN corebank_journal j "
                           "ON j.id = p.journal_id WHERE j.id IS NULL",
    }
    problems = {}
    with connection.cursor() as cur:
        for name, sql in checks.items():
            cur.execute(sql)
            value = cur.fetchone()[0]
            if value:
                problems[name] = int(value)
    return problems


def _customer_rows(customers: int, base: int) -> Iterator[str]:
    now = timezone.now().isoformat()
    for index in range(customers):
        c = customer_identity(index)
        yield (f"{base + index}\t{c['cif_no']}\t{c['name']}\tid_card\t{c['id_number']}\t{c['mobile']}\t"
               f"{c['home_branch_code']}\t{c['birth_date'].isoformat()}\t\t\t{now}\n")


def _kind(k: int) -> str:
    return "credit" if k == 2 else "savings"


def _overdrafts(customers: int, per_customer: int) -> array:
    limits = array("q", bytes(8 * customers * per_customer))
    if per_customer >= 3:
        for index in range(customers):
            limits[index * per_customer + 2] = 5_000_000  # 5万 credit line on the third account
    return limits


def _account_rows(customers: int, per_customer: int, balances: array, overdraft: array, ids: dict) -> Iterator[str]:
    base, customer_base = ids["corebank_ledgeraccount"], ids["corebank_cifcustomer"]
    for index in range(customers):
        numbers = account_numbers(index, per_customer)
        branch = BRANCHES[index % len(BRANCHES)]
        for k, number in enumerate(numbers):
            slot = index * per_customer + k
            kind = _kind(k)
            product = "金穗信用卡" if kind == "credit" else "个人活期储蓄账户"
            yield (f"{base + slot}\t{number}\t{customer_base + index}\t{kind}\tCNY\t{balances[slot]}\t"
                   f"{overdraft[slot]}\tactive\t2020-01-01\t{branch}\t{product}\tf\n")


def _medium_rows(customers: int, per_customer: int, ids: dict) -> Iterator[str]:
    base, account_base, customer_base = ids["corebank_medium"], ids["corebank_ledgeraccount"], ids["corebank_cifcustomer"]
    for index in range(customers):
        serial = SERIAL_BASE + index
        for k in range(per_customer):
            slot = index * per_customer + k
            if k == 0:
                number, kind, product = fakes.debit_card_no(serial), "debit", "金穗借记卡"
            elif k == 2:
                number, kind, product = fakes.credit_card_no(serial), "credit", "金穗信用卡"
            else:
                number, kind, product = fakes.passbook_no(serial, k), "passbook", "活期存折"
            yield (f"{base + slot}\t{number}\t{kind}\t{customer_base + index}\t{account_base + slot}\tactive\t"
                   f"{'12/30' if kind != 'passbook' else ''}\t{product}\t2020-01-01\n")


def _payee_rows(customers: int, per_customer: int, ids: dict) -> Iterator[str]:
    """Each customer has the next customer's main account registered (a ring, used by bench/ledger.py)."""
    base, customer_base = ids["corebank_registeredpayee"], ids["corebank_cifcustomer"]
    registered = timezone.now().isoformat()
    for index in range(customers):
        other = (index + 1) % customers
        if other == index:
            continue
        name = customer_identity(other)["name"]
        yield (f"{base + index}\t{payee_id(index)}\t{customer_base + index}\t{name}\t"
               f"{account_numbers(other, 1)[0]}\t本行\tt\t{registered}\n")


def payee_id(index: int) -> str:
    return f"BP{SERIAL_BASE + index:09d}"


def _copy_history(cur, *, customers, per_customer, postings, days, rng, balances, overdraft, gl, gl_balance,
                  account_base, journal_base, posting_base, say) -> tuple[int, int]:
    """Stream ``postings`` postings (two per journal) day by day, in time order, keeping running balances."""
    journals_total = postings // 2
    total_accounts = customers * per_customer
    first_day = timezone.localdate() - timedelta(days=days)
    journal_id, posting_id = journal_base, posting_base
    counts = [0, 0]
    journal_lines: list[str] = []
    posting_lines: list[str] = []
    randrange, random_ = rng.randrange, rng.random

    for day_index in range(days):
        day = first_day + timedelta(days=day_index)
        day_text = day.isoformat()
        stamp = day.strftime("%Y%m%d")
        todays = journals_total // days + (1 if day_index < journals_total % days else 0)
        seconds = sorted(randrange(6 * 3600, 23 * 3600) for _ in range(todays))
        for second in seconds:
            hour, rest = divmod(second, 3600)
            minute, sec = divmod(rest, 60)
            at = f"{day_text} {hour:02d}:{minute:02d}:{sec:02d}+08"
            slot = randrange(total_accounts)
            roll = random_()
            if roll < 0.2 and total_accounts > 1:  # transfer between two customers' accounts
                other = randrange(total_accounts)
                if other == slot:
                    other = (slot + 1) % total_accounts
                amount = randrange(100, 500_000)
                if balances[slot] - amount < -overdraft[slot]:
                    slot, other = other, slot
                    if balances[slot] - amount < -overdraft[slot]:
                        amount = -1
                if amount > 0:
                    kind, channel, text = "transfer", "mobile", "转账"
                    legs = ((account_base + slot, slot, -amount, "转账支出"), (account_base + other, other, amount, "转账收入"))
                else:
                    kind = ""
            else:
                kind = ""
            if not kind:
                amount = randrange(100, 300_000)
                if roll < 0.55 and balances[slot] - amount >= -overdraft[slot]:
                    code, kind, channel, text = "GL-MERCHANT", "purchase", "pos", "消费"
                    amount = -amount
                elif roll < 0.75:
                    code, kind, channel, text = "GL-PAYROLL", "salary", "transfer", "代发工资"
                    amount = amount * 10
                else:
                    code, kind, channel, text = "GL-CASH", "deposit", "counter", "现金存入"
                gl_balance[code] -= amount
                legs = ((account_base + slot, slot, amount, text), (gl[code][0], -1, -amount, text))
            journal_lines.append(f"{journal_id}\tB{stamp}{journal_id:013d}\t{kind}\t{channel}\t{at}\t{text}\t\t\\N\t"
                                 f"\t\t0\t\t\t\n")
            for account_id, index, leg_amount, leg_text in legs:
                if index >= 0:
                    balances[index] += leg_amount
                    after = balances[index]
                else:
                    after = gl_balance[code]
                posting_lines.append(f"{posting_id}\t{journal_id}\t{account_id}\t{leg_amount}\t{after}\t{at}\t"
                                     f"{leg_text}\t{channel}\t\n")
                posting_id += 1
            journal_id += 1
        if len(posting_lines) >= 200_000 or day_index == days - 1:
            _flush(cur, journal_lines, posting_lines, counts)
            say(f"  day {day_index + 1}/{days}: {counts[1]:,} postings")
    return counts[0], counts[1]


def _flush(cur, journal_lines: list[str], posting_lines: list[str], counts: list[int]) -> None:
    with cur.copy("COPY corebank_journal (id, txn_id, kind, channel, posted_at, description, memo, idempotency_key, "
                  "request_digest, cif_no, amount_fen, from_account_no, to_account_no, payee_id) FROM STDIN") as copy:
        for start in range(0, len(journal_lines), CHUNK):
            copy.write("".join(journal_lines[start:start + CHUNK]))
    with cur.copy("COPY corebank_posting (id, journal_id, account_id, amount_fen, balance_after_fen, posted_at, "
                  "description, channel, counterparty) FROM STDIN") as copy:
        for start in range(0, len(posting_lines), CHUNK):
            copy.write("".join(posting_lines[start:start + CHUNK]))
    counts[0] += len(journal_lines)
    counts[1] += len(posting_lines)
    journal_lines.clear()
    posting_lines.clear()
