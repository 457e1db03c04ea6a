from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.corebank.adapter import CoreBank, InvalidRequest, UnknownObject, get_core_bank
from kefu.corebank.sandbox import SandboxCoreBank


def test_get_core_bank_is_the_sandbox_by_default(settings):
    settings.KEFU_CORE_BANK = "sandbox"
    bank = get_core_bank()
    assert isinstance(bank, SandboxCoreBank)
    assert isinstance(bank, CoreBank)


def test_customer_accounts_cards_and_lookup(core, pair):
    a = pair["a"]
    cif = a["customer"].cif_no
    customer = core.get_customer(cif)
    assert customer.name == "测试1" and customer.home_branch_code == "BR-DC-01"
    [account] = core.list_accounts(cif)
    assert account.balance_fen == 1_000_000 and account.available_fen == 1_000_000
    [card] = core.list_cards(cif)
    assert card.account_no == account.account_no and card.status == "active"
    assert core.get_card(card.card_no).cif_no == cif
    assert [c.cif_no for c in core.find_customers(mobile=a["customer"].mobile)] == [cif]
    assert [c.cif_no for c in core.find_customers(card_no=card.card_no)] == [cif]
    assert [c.cif_no for c in core.find_customers(id_number=a["customer"].id_number.lower())] == [cif]
    assert core.get_account(card.card_no).account_no == account.account_no  # a card resolves to its account


def test_unknown_objects_and_bad_queries(core, pair):
    with pytest.raises(UnknownObject):
        core.get_customer("NOPE")
    # The lists read the rows by customer number in one statement; an empty list still tells an unknown
    # customer (an error) from a known one without any (B has no payees).
    for listing in (core.list_accounts, core.list_payees, core.list_cards):
        with pytest.raises(UnknownObject):
            listing("NOPE")
    assert core.list_payees(pair["b"]["customer"].cif_no) == []
    with pytest.raises(UnknownObject):
        core.get_account("GL-CASH")  # internal accounts are not customer accounts
    with pytest.raises(InvalidRequest):
        core.find_customers()


def test_transactions_newest_first_with_range_and_limit(core, pair):
    a, b, payee = pair["a"], pair["b"], pair["payee"]
    for i in range(3):
        core.transfer(from_account_no=a["account"].account_no, payee_id=payee.payee_id, amount_fen=100 + i,
                      idempotency_key=f"k{i}")
    rows = core.list_transactions(a["account"].account_no, limit=2)
    assert [r.amount_fen for r in rows] == [-102, -101]
    assert rows[0].balance_after_fen == 1_000_000 - 100 - 101 - 102
    today = timezone.localdate()
    assert len(core.list_transactions(a["account"].account_no, start=today, end=today, limit=50)) == 4
    assert core.list_transactions(b["account"].account_no, start=today + timedelta(days=1)) == []
    with pytest.raises(InvalidRequest):
        core.list_transactions(a["account"].account_no, start=today, end=today - timedelta(days=1))


def test_rates_fees_and_limits_are_data(core, pair):
    from kefu.corebank.models import DepositRate, TransferLimitRule

    rates = core.deposit_rates()
    assert any(r.product == "活期存款" for r in rates)
    current = DepositRate.objects.get(product="活期存款")
    DepositRate.objects.create(product="活期存款", term=current.term, rate_percent="0.10",
                               effective_from=timezone.localdate())
    assert next(r for r in core.deposit_rates() if r.product == "活期存款").rate_percent == "0.10"
    assert any(f.code == "card.loss_report" for f in core.fee_schedule())
    TransferLimitRule.objects.create(channel="phone", cif_no=pair["a"]["customer"].cif_no,
                                     per_transaction_fen=1000, daily_fen=5000)
    limits = core.transfer_limits(pair["a"]["customer"].cif_no, "phone")
    assert (limits.per_transaction_fen, limits.daily_fen, limits.used_today_fen) == (1000, 5000, 0)


def test_demo_load_is_idempotent_and_balanced(db, monkeypatch):
    from django.db.models import Sum

    from kefu.corebank import demo
    from kefu.corebank.models import CifCustomer, Journal, LedgerAccount, Posting
    from kefu.pii.checks import is_valid_card_number, is_valid_id_number, is_valid_mobile

    monkeypatch.setattr(demo, "CUSTOMERS", 40)  # the fixed callers and enough others; keeps the test fast
    demo.load()
    counts = (CifCustomer.objects.count(), Journal.objects.count())
    demo.load()
    assert (CifCustomer.objects.count(), Journal.objects.count()) == counts
    assert LedgerAccount.objects.aggregate(s=Sum("balance_fen"))["s"] == 0
    unbalanced = Posting.objects.values("journal").annotate(s=Sum("amount_fen")).exclude(s=0)
    assert not unbalanced.exists()
    bank = SandboxCoreBank()
    roles = set()
    for caller in demo.DEMO_CALLERS:
        customer = bank.get_customer(caller["cif_no"])
        assert customer.name == caller["name"] and customer.mobile == caller["mobile"]
        assert is_valid_id_number(customer.id_number) and is_valid_mobile(customer.mobile)
        assert is_valid_card_number(caller["card_no"])
        assert bank.get_card(caller["card_no"]).account_no == caller["account_no"]
        assert len(bank.list_transactions(caller["account_no"], limit=5)) == 5
        roles.add(caller["role"])
    assert {"normal", "elderly", "frozen_card", "many_payees"} <= roles
    frozen = next(c for c in demo.DEMO_CALLERS if c["role"] == "frozen_card")
    assert bank.get_card(frozen["card_no"]).status == "frozen"
    many = next(c for c in demo.DEMO_CALLERS if c["role"] == "many_payees")
    assert len(bank.list_payees(many["cif_no"])) >= 3
    elderly = [c for c in CifCustomer.objects.all() if (timezone.localdate() - c.birth_date).days >= 65 * 365]
    assert len(elderly) >= 3
    for account in LedgerAccount.objects.all()[:60]:
        total = account.postings.aggregate(s=Sum("amount_fen"))["s"] or 0
        assert total == account.balance_fen


def test_admin_changes_to_limits_are_audited(core, org_tree, user_factory):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from kefu.audit.models import AuditEntry
    from kefu.corebank.admin import TransferLimitRuleAdmin
    from kefu.corebank.models import TransferLimitRule

    admin_user = user_factory("cb_admin", roles=["admin"], unit=org_tree["HO-IT"], is_staff=True)
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    rule = TransferLimitRule.objects.get(channel="phone", cif_no="")
    rule.daily_fen = 123_456
    TransferLimitRuleAdmin(TransferLimitRule, site).save_model(request, rule, form=None, change=True)
    entry = AuditEntry.objects.filter(action="corebank.transferlimitrule.change").latest("seq")
    assert entry.changes["daily_fen"] == ["20000000", "123456"]
    assert entry.actor_id == admin_user.pk
    assert TransferLimitRule.objects.get(pk=rule.pk).daily_fen == 123_456
