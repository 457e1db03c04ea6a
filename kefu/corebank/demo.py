"""Demo core bank: 200 customers with accounts, cards, passbooks, payees and six months of transactions.

Seeded random (reproducible for a given load date); idempotent (skipped when the demo CIFs exist).
History is generated in memory in time order and written with bulk inserts, so balances, running
``balance_after_fen`` and the zero-sum of every journal hold exactly as if each had been posted live.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from . import fakes
from .ledger import INTERNAL_ACCOUNTS, internal_account
from .models import CifCustomer, Journal, LedgerAccount, Medium, Posting, RegisteredPayee

SEED = 20261122
CUSTOMERS = 200
HISTORY_DAYS = 180
BRANCHES = ["BR-DC-01", "BR-DC-02", "BR-DC-03", "BR-XC-01", "BR-XC-02", "BR-XC-03"]

# Fixed demo customers (serials 1..5) the IVR, the 360 view and the testers use.
_FIXED = [
    # serial, name, mobile, branch, birth, role
    (1, "张明华", "13811110001", "BR-DC-01", date(1984, 3, 12), "normal"),
    (2, "王秀兰", "13911110002", "BR-XC-02", date(1952, 8, 26), "elderly"),
    (3, "李建国", "13711110003", "BR-DC-02", date(1976, 11, 5), "frozen_card"),
    (4, "陈晓燕", "18611110004", "BR-XC-01", date(1990, 6, 18), "many_payees"),
    (5, "刘洋", "15811110005", "BR-DC-03", date(1995, 1, 30), "credit_card"),
]
DEMO_CALLERS = [
    {"name": name, "cif_no": fakes.cif_no(serial), "mobile": mobile, "card_no": fakes.debit_card_no(serial),
     "account_no": fakes.account_no(serial, 1, 1 + BRANCHES.index(branch)), "role": role}
    for serial, name, mobile, branch, _birth, role in _FIXED
]


@dataclass
class _Acct:
    row: LedgerAccount
    balance: int = 0
    salary: int = 0
    payees: list = field(default_factory=list)


def load(stdout=None) -> None:
    from .setup import seed

    seed()
    if CifCustomer.objects.filter(cif_no=DEMO_CALLERS[0]["cif_no"]).exists():
        if stdout is not None:
            stdout.write("corebank: demo already loaded")
        return
    with transaction.atomic():
        stats = _load(random.Random(SEED), timezone.localdate())
    if stdout is not None:
        stdout.write(f"corebank: {stats['customers']} customers, {stats['accounts']} accounts, "
                     f"{stats['journals']} journals, {stats['postings']} postings")


def _load(rng: random.Random, today: date) -> dict[str, int]:
    customers = _customers(rng, today)
    accounts, savings = _accounts(rng, today, customers)
    _payees(rng, customers, savings)
    journals, postings = _history(rng, today, accounts, savings)
    return {"customers": len(customers), "accounts": len(accounts), "journals": journals, "postings": postings}


def _customers(rng: random.Random, today: date) -> list[CifCustomer]:
    fixed = {serial: (name, mobile, branch, birth) for serial, name, mobile, branch, birth, _ in _FIXED}
    rows = []
    for serial in range(1, CUSTOMERS + 1):
        if serial in fixed:
            name, mobile, branch, birth = fixed[serial]
        else:
            name = fakes.chinese_name(rng)
            mobile = fakes.mobile(serial * 31 + 7)
            branch = BRANCHES[serial % len(BRANCHES)]
            birth = fakes.birth_date(rng, today, elderly=rng.random() < 0.15)
        rows.append(CifCustomer(
            cif_no=fakes.cif_no(serial), name=name, id_number=fakes.id_number(rng, birth), mobile=mobile,
            home_branch_code=branch, birth_date=birth, address=fakes.address(rng),
            email=f"user{serial:04d}@example.com" if rng.random() < 0.4 else ""))
    return CifCustomer.objects.bulk_create(rows)


def _accounts(rng, today, customers):
    accounts: list[_Acct] = []
    savings: dict[int, _Acct] = {}
    media: list[Medium] = []
    fixed_roles = {serial: role for serial, *_rest, role in _FIXED}
    for serial, customer in enumerate(customers, start=1):
        role = fixed_roles.get(serial, "")
        branch_digit = 1 + BRANCHES.index(customer.home_branch_code)
        opened = today - timedelta(days=rng.randint(HISTORY_DAYS + 30, 12 * 365))
        main = LedgerAccount(account_no=fakes.account_no(serial, 1, branch_digit), customer=customer,
                             kind="savings", opened_at=opened, branch_code=customer.home_branch_code,
                             product_name="个人活期储蓄账户")
        wanted = [main]
        elderly = customer.birth_date and (today - customer.birth_date).days >= 65 * 365
        if role == "elderly" or (elderly and rng.random() < 0.7) or rng.random() < 0.25:
            wanted.append(LedgerAccount(account_no=fakes.account_no(serial, 2, branch_digit), customer=customer,
                                        kind="savings", opened_at=opened + timedelta(days=30),
                                        branch_code=customer.home_branch_code, product_name="活期存折账户"))
        if role == "credit_card" or (not role and rng.random() < 0.3):
            wanted.append(LedgerAccount(account_no=fakes.account_no(serial, 9, branch_digit), customer=customer,
                                        kind="credit", overdraft_limit_fen=rng.choice((20000, 50000, 100000)) * 100,
                                        opened_at=opened + timedelta(days=60), branch_code=customer.home_branch_code,
                                        product_name="金穗信用卡"))
        for row in LedgerAccount.objects.bulk_create(wanted):
            salary = rng.choice((0, 0, 6500, 8800, 12000, 18000, 32000)) * 100 if row is main else 0
            acct = _Acct(row=row, salary=salary)
            accounts.append(acct)
            expires = f"{rng.randint(1, 12):02d}/{(today.year + rng.randint(1, 5)) % 100:02d}"
            if row is main:
                savings[serial] = acct
                status = "frozen" if role == "frozen_card" else "active"
                media.append(Medium(number=fakes.debit_card_no(serial), kind="debit", customer=customer, account=row,
                                    status=status, expires=expires, product_name="金穗借记卡", issued_at=opened))
            elif row.kind == "savings":
                media.append(Medium(number=fakes.passbook_no(serial, 2), kind="passbook", customer=customer,
                                    account=row, issued_at=row.opened_at, product_name="活期存折"))
            else:
                media.append(Medium(number=fakes.credit_card_no(serial), kind="credit", customer=customer,
                                    account=row, expires=expires, issued_at=row.opened_at,
                                    product_name="金穗信用卡"))
    Medium.objects.bulk_create(media)
    return accounts, savings


def _payees(rng, customers, savings):
    rows = []
    now = timezone.now()
    serials = list(savings)
    for serial, customer in enumerate(customers, start=1):
        count = 4 if serial == 4 else (1 if serial in (1, 3) else rng.choice((0, 0, 1, 1, 2, 3)))
        for k in range(count):
            if k % 2 == 0:  # a customer of this bank
                other = rng.choice([s for s in serials if s != serial])
                target = savings[other]
                name, account_no, bank = target.row.customer.name, target.row.account_no, "本行"
                savings[serial].payees.append(target)
            else:
                bank, account_no = fakes.other_bank_account(rng)
                name = fakes.chinese_name(rng)
            rows.append(RegisteredPayee(payee_id=f"P{serial:07d}{k:02d}", customer=customer, name=name,
                                        account_no=account_no, bank_name=bank,
                                        registered_at=now - timedelta(days=rng.randint(200, 900))))
    RegisteredPayee.objects.bulk_create(rows, ignore_conflicts=True)


MERCHANTS = ["美团外卖", "京东商城", "盒马鲜生", "中国石化加油站", "国家电网电费", "北京燃气", "中国移动话费",
             "物美超市", "滴滴出行", "星巴克", "北京协和医院", "万达影城"]


def _history(rng, today, accounts, savings):
    tz = timezone.get_current_timezone()
    internal = {code: internal_account(code) for code in INTERNAL_ACCOUNTS}
    gl_balance = {code: LedgerAccount.objects.get(pk=acct.pk).balance_fen for code, acct in internal.items()}
    start = today - timedelta(days=HISTORY_DAYS)
    events = []  # (at, kind, channel, description, [(acct|code, amount, text, counterparty)])

    def at(day: date, hour_lo=8, hour_hi=22) -> datetime:
        moment = time(rng.randint(hour_lo, hour_hi - 1), rng.randint(0, 59), rng.randint(0, 59))
        return timezone.make_aware(datetime.combine(day, moment), tz)

    for acct in accounts:
        first_day = max(start, acct.row.opened_at)
        if acct.row.kind == "savings":
            amount = rng.randint(50, 3000) * 1000
            events.append((at(first_day, 9, 12), "deposit", "counter", "现金存入",
                           [(acct, amount, "现金存入", ""), ("GL-CASH", -amount, "现金存入", "")]))
        day = first_day
        while day < today:
            if acct.row.kind == "savings":
                if acct.salary and day.day == 10:
                    events.append((at(day, 9, 11), "salary", "transfer", "代发工资",
                                   [(acct, acct.salary, "代发工资", "北京某科技有限公司"),
                                    ("GL-PAYROLL", -acct.salary, "代发工资", "")]))
                if day.day == 21 and day.month in (3, 6, 9, 12):
                    events.append((at(day, 1, 2), "interest", "system", "结息", [(acct, None, "活期结息", "")]))
                if rng.random() < 0.12:
                    merchant, amount = rng.choice(MERCHANTS), rng.randint(500, 60000)
                    events.append((at(day), "purchase", rng.choice(("pos", "mobile", "online")), "消费",
                                   [(acct, -amount, f"消费 {merchant}", merchant),
                                    ("GL-MERCHANT", amount, "商户清算", "")]))
                if rng.random() < 0.03:
                    amount = rng.choice((500, 1000, 2000, 3000)) * 100
                    events.append((at(day), "withdrawal", "atm", "ATM取款",
                                   [(acct, -amount, "ATM取款", ""), ("GL-CASH", amount, "ATM取款", "")]))
                if acct.payees and rng.random() < 0.02:
                    target, amount = rng.choice(acct.payees), rng.randint(100, 5000) * 100
                    events.append((at(day), "transfer", rng.choice(("mobile", "online", "phone")), "转账",
                                   [(acct, -amount, f"转账至{target.row.customer.name}", target.row.customer.name),
                                    (target, amount, "转账收入", acct.row.customer.name)]))
            elif acct.row.kind == "credit":
                if rng.random() < 0.15:
                    merchant, amount = rng.choice(MERCHANTS), rng.randint(1000, 150000)
                    events.append((at(day), "purchase", "pos", "信用卡消费",
                                   [(acct, -amount, f"消费 {merchant}", merchant),
                                    ("GL-MERCHANT", amount, "商户清算", "")]))
                if day.day == 25:
                    events.append((at(day, 10, 11), "repayment", "transfer", "信用卡还款",
                                   [(acct, None, "自动还款", ""), ("GL-CLEARING", None, "信用卡还款", "")]))
            day += timedelta(days=1)

    events.sort(key=lambda e: e[0])
    journals, posting_lines = [], []
    for seq, (moment, kind, channel, description, lines) in enumerate(events, start=1):
        lines = _resolve(kind, lines)
        if lines is None:
            continue
        resolved = []
        ok = True
        for target, amount, text, counterparty in lines:
            if isinstance(target, _Acct) and target.balance + amount < -target.row.overdraft_limit_fen:
                ok = False
                break
            resolved.append((target, amount, text, counterparty))
        if not ok:
            continue
        if sum(a for _t, a, _x, _c in resolved) != 0:
            raise AssertionError("demo journal out of balance")
        journal = Journal(txn_id=f"T{timezone.localtime(moment):%Y%m%d}D{seq:013d}", kind=kind, channel=channel,
                          posted_at=moment, description=description)
        journals.append(journal)
        for target, amount, text, counterparty in resolved:
            if isinstance(target, _Acct):
                target.balance += amount
                row, balance_after = target.row, target.balance
            else:
                gl_balance[target] += amount
                row, balance_after = internal[target], gl_balance[target]
            posting_lines.append((journal, Posting(account=row, amount_fen=amount, balance_after_fen=balance_after,
                                                   posted_at=moment, description=text, channel=channel,
                                                   counterparty=counterparty)))
    Journal.objects.bulk_create(journals, batch_size=2000)
    postings = []
    for journal, posting in posting_lines:
        posting.journal = journal
        postings.append(posting)
    Posting.objects.bulk_create(postings, batch_size=4000)
    for acct in accounts:
        acct.row.balance_fen = acct.balance
    LedgerAccount.objects.bulk_update([a.row for a in accounts], ["balance_fen"], batch_size=1000)
    for code, row in internal.items():
        LedgerAccount.objects.filter(pk=row.pk).update(balance_fen=gl_balance[code])
    return len(journals), len(postings)


def _resolve(kind, lines):
    """Amounts that depend on the balance at posting time (interest, card repayment)."""
    if kind == "interest":
        acct = lines[0][0]
        amount = acct.balance * 5 // 10000 // 4  # 0.05% a year, quarterly
        if amount <= 0:
            return None
        return [(acct, amount, "活期结息", ""), ("GL-INTEREST", -amount, "利息支出", "")]
    if kind == "repayment":
        acct = lines[0][0]
        if acct.balance >= 0:
            return None
        owed = -acct.balance
        return [(acct, owed, "自动还款", ""), ("GL-CLEARING", -owed, "信用卡还款", "")]
    return lines
