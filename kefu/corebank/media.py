"""Card/passbook loss report (挂失) and freeze/unfreeze of cards, passbooks and accounts.

One transitions map per object kind; ``change_status`` is the only place statuses change (besides the
loss report, which is the ``lost`` transition), and every change leaves a ``StatusChange`` row.
Repeating a request that is already in effect is a no-op (freeze twice = frozen once).
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from .adapter import InvalidRequest, InvalidState, LossReport, UnknownObject
from .choices import Channel
from .models import CifCustomer, LedgerAccount, LossReportRecord, Medium, StatusChange
from .transfers import no_c3

MEDIUM_TRANSITIONS: dict[str, set[str]] = {
    "active": {"frozen", "lost", "cancelled"},
    "frozen": {"active", "lost", "cancelled"},
    # A lost card is unblocked only at the counter with ID (解挂), never by phone.
    "lost": {"cancelled"},
    "cancelled": set(),
}
ACCOUNT_TRANSITIONS: dict[str, set[str]] = {
    "active": {"frozen", "dormant", "closed"},
    "dormant": {"active", "frozen", "closed"},
    "frozen": {"active"},
    "closed": set(),
}
# Asking to freeze something already blocked is satisfied, not an error.
ALREADY_SATISFIED = {"frozen": {"frozen", "lost"}, "active": {"active"}}


def _transition(*, obj, transitions: dict[str, set[str]], to: str, reason: str, object_type: str) -> bool:
    """Move ``obj`` (locked) to ``to``; False when already there. Raises InvalidState when not allowed."""
    if obj.status in ALREADY_SATISFIED.get(to, {to}):
        return False
    if to not in transitions.get(obj.status, set()):
        message = ("已挂失的卡/折须本人持有效证件到网点办理解挂" if obj.status == "lost"
                   else "当前状态不允许此操作")
        raise InvalidState(message, fields={"status": obj.status})
    StatusChange.objects.create(object_type=object_type, object_id=obj.pk, from_status=obj.status, to_status=to,
                                reason=reason[:200], changed_at=timezone.now())
    obj.status = to
    obj.save(update_fields=["status"])
    return True


def change_status(*, number: str, to: str, reason: str) -> bool:
    """Freeze (``to="frozen"``) or unfreeze (``"active"``) a card, passbook or account by its number."""
    number = str(number or "").replace(" ", "")
    reason = str(reason or "").strip()
    if not reason:
        raise InvalidRequest("请填写原因", fields={"reason": "required"})
    no_c3(reason, field="reason")
    with transaction.atomic():
        medium = Medium.objects.select_for_update().filter(number=number).first()
        if medium is not None:
            return _transition(obj=medium, transitions=MEDIUM_TRANSITIONS, to=to, reason=reason,
                               object_type="medium")
        account = LedgerAccount.objects.select_for_update().filter(account_no=number, is_internal=False).first()
        if account is not None:
            return _transition(obj=account, transitions=ACCOUNT_TRANSITIONS, to=to, reason=reason,
                               object_type="account")
    raise UnknownObject("卡/折或账户不存在", fields={"medium_no": "not_found"})


def _to_loss_report(row: LossReportRecord, cif_no: str, number: str, medium_kind: str) -> LossReport:
    return LossReport(report_id=row.report_id, cif_no=cif_no, medium_no=number, medium_kind=medium_kind,
                      status="frozen", reported_at=row.reported_at)


def report_loss(*, cif_no: str, medium_no: str, medium_kind: str, channel: str, idempotency_key: str) -> LossReport:
    """Report a card or passbook lost: it is blocked at once. Idempotent by key and by medium."""
    medium_no = str(medium_no or "").replace(" ", "")
    if medium_kind not in ("card", "passbook"):
        raise InvalidRequest("介质类型须为 card 或 passbook", fields={"medium_kind": "invalid"})
    if channel not in Channel.values:
        raise InvalidRequest("渠道不正确", fields={"channel": "invalid"})
    if not idempotency_key or len(idempotency_key) > 80:
        raise InvalidRequest("缺少幂等键或幂等键过长", fields={"idempotency_key": "invalid"})
    previous = LossReportRecord.objects.select_related("medium", "customer").filter(
        idempotency_key=idempotency_key).first()
    if previous is not None:
        return _replayed(previous, cif_no=cif_no, medium_no=medium_no, medium_kind=medium_kind)
    try:
        with transaction.atomic():
            return _report_loss_locked(cif_no=cif_no, medium_no=medium_no, medium_kind=medium_kind, channel=channel,
                                       idempotency_key=idempotency_key)
    except IntegrityError:
        previous = LossReportRecord.objects.select_related("medium", "customer").filter(
            idempotency_key=idempotency_key).first()
        if previous is None:
            raise
        return _replayed(previous, cif_no=cif_no, medium_no=medium_no, medium_kind=medium_kind)


def _replayed(row: LossReportRecord, *, cif_no: str, medium_no: str, medium_kind: str) -> LossReport:
    if row.customer.cif_no != cif_no or row.medium.number != medium_no:
        from .adapter import IdempotencyConflict

        raise IdempotencyConflict("幂等键已用于另一笔挂失", fields={"idempotency_key": "reused"})
    return _to_loss_report(row, cif_no, medium_no, medium_kind)


def _report_loss_locked(*, cif_no: str, medium_no: str, medium_kind: str, channel: str,
                        idempotency_key: str) -> LossReport:
    customer = CifCustomer.objects.filter(cif_no=cif_no).first()
    medium = (Medium.objects.select_for_update().filter(number=medium_no, customer=customer).first()
              if customer else None)
    # Someone else's card is "not found": the caller must not learn that the number exists.
    if medium is None:
        raise UnknownObject("该客户名下无此卡/折", fields={"medium_no": "not_found"})
    is_passbook = medium.kind == "passbook"
    if is_passbook != (medium_kind == "passbook"):
        raise InvalidRequest("介质类型与卡/折不符", fields={"medium_kind": "mismatch"})
    if medium.status == "lost":
        earlier = medium.loss_reports.order_by("-reported_at").first()
        if earlier is not None:
            return _to_loss_report(earlier, cif_no, medium_no, medium_kind)
    previous_status = medium.status
    _transition(obj=medium, transitions=MEDIUM_TRANSITIONS, to="lost", reason=f"{channel}挂失",
                object_type="medium")
    now = timezone.now()
    row = LossReportRecord.objects.create(
        report_id=f"L{timezone.localtime(now):%Y%m%d}{uuid.uuid4().hex[:12].upper()}",
        idempotency_key=idempotency_key, customer=customer, medium=medium, channel=channel, reported_at=now,
        previous_status=previous_status)
    return _to_loss_report(row, cif_no, medium_no, medium_kind)
