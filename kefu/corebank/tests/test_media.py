import pytest

from kefu.corebank.adapter import IdempotencyConflict, InvalidRequest, InvalidState, UnknownObject
from kefu.corebank.models import LossReportRecord, Medium, StatusChange

from .conftest import make_customer


def test_loss_report_blocks_the_card_at_once_and_is_idempotent(core, pair):
    a = pair["a"]
    cif, number = a["customer"].cif_no, a["card"].number
    report = core.report_loss(cif_no=cif, medium_no=number, medium_kind="card", channel="phone",
                              idempotency_key="loss-1")
    assert report.status == "frozen" and report.medium_no == number
    assert core.get_card(number).status == "lost"
    again = core.report_loss(cif_no=cif, medium_no=number, medium_kind="card", channel="phone",
                             idempotency_key="loss-1")
    assert again.report_id == report.report_id
    # A second report with a new key for an already-lost card returns the first report too.
    other_key = core.report_loss(cif_no=cif, medium_no=number, medium_kind="card", channel="ivr",
                                 idempotency_key="loss-2")
    assert other_key.report_id == report.report_id
    assert LossReportRecord.objects.count() == 1
    assert StatusChange.objects.filter(to_status="lost").count() == 1
    with pytest.raises(InvalidState):
        core.unfreeze(medium_no=number, reason="客户找回卡片")  # 解挂 needs the counter
    assert core.get_card(number).status == "lost"


def test_loss_report_checks_owner_kind_and_key(core, pair):
    a, b = pair["a"], pair["b"]
    with pytest.raises(UnknownObject):  # B's card reported by A: not found, existence not revealed
        core.report_loss(cif_no=a["customer"].cif_no, medium_no=b["card"].number, medium_kind="card",
                         channel="phone", idempotency_key="x1")
    with pytest.raises(InvalidRequest):
        core.report_loss(cif_no=a["customer"].cif_no, medium_no=a["card"].number, medium_kind="passbook",
                         channel="phone", idempotency_key="x2")
    with pytest.raises(InvalidRequest):
        core.report_loss(cif_no=a["customer"].cif_no, medium_no=a["card"].number, medium_kind="card",
                         channel="phone", idempotency_key="")
    core.report_loss(cif_no=a["customer"].cif_no, medium_no=a["card"].number, medium_kind="card",
                     channel="phone", idempotency_key="x3")
    with pytest.raises(IdempotencyConflict):
        core.report_loss(cif_no=b["customer"].cif_no, medium_no=b["card"].number, medium_kind="card",
                         channel="phone", idempotency_key="x3")
    assert core.get_card(b["card"].number).status == "active"


def test_passbook_loss_report(core):
    from django.utils import timezone

    c = make_customer(7)
    book = Medium.objects.create(number="900000000070002", kind="passbook", customer=c["customer"],
                                 account=c["account"], issued_at=timezone.localdate())
    report = core.report_loss(cif_no=c["customer"].cif_no, medium_no=book.number, medium_kind="passbook",
                              channel="counter", idempotency_key="pb-1")
    assert report.medium_kind == "passbook"
    book.refresh_from_db()
    assert book.status == "lost"


def test_freeze_and_unfreeze_are_idempotent_and_logged(core, pair):
    number = pair["a"]["card"].number
    core.freeze(medium_no=number, reason="疑似盗刷")
    core.freeze(medium_no=number, reason="疑似盗刷")
    assert core.get_card(number).status == "frozen"
    assert StatusChange.objects.filter(to_status="frozen").count() == 1
    core.unfreeze(medium_no=number, reason="核实为本人交易")
    core.unfreeze(medium_no=number, reason="核实为本人交易")
    assert core.get_card(number).status == "active"
    assert StatusChange.objects.count() == 2
    with pytest.raises(InvalidRequest):
        core.freeze(medium_no=number, reason="  ")
    with pytest.raises(UnknownObject):
        core.freeze(medium_no="123", reason="x")
    with pytest.raises(UnknownObject):
        core.freeze(medium_no="GL-CASH", reason="internal accounts are not customer objects")
