"""Suspicious activity: an agent flags a transaction or customer; the case is restricted to the risk
department (and the flagging user), whose handlers move it through one state machine."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.services import record
from kefu.common.errors import InvalidTransition
from kefu.org.access import require_perm
from kefu.pii.masking import mask_card

from ..choices import CASE_TRANSITIONS, CaseCategory, CaseStatus, CaseSubject
from ..errors import CustomerInvalid
from ..models import Customer, SuspiciousCase
from ..permissions import CP
from .fields import clean_text


def _case_number() -> str:
    return f"KY{timezone.localdate():%Y%m%d}{secrets.randbelow(10**6):06d}"


def flag_suspicious(*, customer: Customer, actor: Any, category: str, description: str, txn_id: str = "",
                    account_no: str = "", amount_fen: int | None = None) -> SuspiciousCase:
    require_perm(actor, CP.FLAG_SUSPICIOUS)
    if category not in CaseCategory.values:
        raise CustomerInvalid(_("可疑类型无效"), code="customers.invalid_category", fields={"category": "invalid"})
    description = clean_text(description, "description", max_length=2000)
    txn_id = clean_text(txn_id, "txn_id", max_length=64, required=False)
    subject = CaseSubject.TRANSACTION if txn_id else CaseSubject.CUSTOMER
    with transaction.atomic():
        case = SuspiciousCase.objects.create(
            number=_case_number(), customer=customer, subject=subject, txn_id=txn_id,
            account_no_masked=mask_card(account_no) if account_no else "", amount_fen=amount_fen,
            category=category, description=description, flagged_by=actor, flagged_unit=actor.unit)
        # The audit entry deliberately omits the description: the trail is broadly readable, the case is not.
        record(actor=actor, action="customers.suspicious_flagged", obj=case,
               changes={"subject": subject, "category": category, "customer": customer.cif_no})
    return case


def transition_case(*, case: SuspiciousCase, to: str, actor: Any, resolution: str = "") -> SuspiciousCase:
    require_perm(actor, CP.RISK_CASE_MANAGE)
    with transaction.atomic():
        case = SuspiciousCase.objects.select_for_update().get(pk=case.pk)
        if to not in CASE_TRANSITIONS.get(case.status, set()):
            raise InvalidTransition(code="customers.case_invalid_transition",
                                    fields={"from": case.status, "to": to})
        if to in (CaseStatus.CONFIRMED, CaseStatus.CLEARED):
            case.resolution = clean_text(resolution, "resolution", max_length=2000)
            case.closed_at = timezone.now()
        old = case.status
        case.status = to
        case.assignee = case.assignee or actor
        case.save(update_fields=["status", "resolution", "closed_at", "assignee"])
        record(actor=actor, action="customers.case_transitioned", obj=case, changes={"status": [old, to]})
    return case
