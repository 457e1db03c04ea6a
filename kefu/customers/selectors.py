"""Reads of the customers app: lookups through blind indexes, visibility, and the customer 360 data."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from kefu.pii.checks import is_valid_card_number, normalize_mobile
from kefu.pii.crypto import blind_index
from kefu.pii.masking import mask_card

from .choices import ChangeStatus, CustomerStatus
from .conf import recent_transactions_limit
from .core import core_bank
from .models import ChangeRequest, Consent, Customer, SuspiciousCase

logger = logging.getLogger(__name__)

LOOKUP_LIMIT = 20


def customers_visible_to(user: Any) -> QuerySet[Customer]:
    return Customer.objects.visible_to(user)


def get_by_cif(cif_no: str) -> Customer | None:
    return Customer.objects.filter(cif_no=cif_no).first() if cif_no else None


def _by_phone_q(phone: str) -> Q | None:
    number = normalize_mobile(phone or "")
    return Q(phones__number_index=blind_index("mobile", number)) if number else None


def _by_card_q(card_no: str) -> Q | None:
    if not is_valid_card_number(card_no or ""):
        return None
    return Q(cards__card_index=blind_index("card", card_no))


def _by_id_q(id_number: str) -> Q | None:
    return Q(id_number_index=blind_index("id", id_number.strip())) if id_number else None


def _find(qs: QuerySet[Customer], q: Q | None) -> list[Customer]:
    # One indexed query: the blind index column, joined to the profile (phones/cards are unique per customer).
    if q is None:
        return []
    return list(qs.filter(q, status=CustomerStatus.ACTIVE).select_related("home_unit").order_by("cif_no")
                [:LOOKUP_LIMIT])


def find_by_phone(phone: str) -> list[Customer]:
    """Customers with ``phone`` among their numbers (exact match through the blind index)."""
    return _find(Customer.objects.all(), _by_phone_q(phone))


def find_by_card(card_no: str) -> list[Customer]:
    return _find(Customer.objects.all(), _by_card_q(card_no))


def find_by_id_number(id_number: str) -> list[Customer]:
    return _find(Customer.objects.all(), _by_id_q(id_number))


def lookup(user: Any, *, phone: str = "", card_no: str = "", id_number: str = "") -> list[Customer]:
    """Screen-pop candidates the user may see, by the caller's number, a card number or an ID number."""
    if phone:
        q = _by_phone_q(phone)
    elif card_no:
        q = _by_card_q(card_no)
    else:
        q = _by_id_q(id_number)
    return _find(Customer.objects.visible_to(user), q)


def consents_for(customer: Customer) -> list[Consent]:
    return list(customer.consents.select_related("recorded_by").order_by("-granted_at", "-id")[:50])


def pending_changes(user: Any) -> QuerySet[ChangeRequest]:
    visible = Customer.objects.visible_to(user).values("pk")
    return (ChangeRequest.objects.filter(status=ChangeStatus.PENDING, customer__in=visible)
            .select_related("customer", "maker").order_by("created_at"))


def cases_visible_to(user: Any) -> QuerySet[SuspiciousCase]:
    return SuspiciousCase.objects.visible_to(user).select_related("customer", "flagged_by", "flagged_unit")


@dataclass
class BankData:
    accounts: list[Any] = field(default_factory=list)
    cards: list[dict[str, Any]] = field(default_factory=list)
    transactions: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""


def bank_data(customer: Customer, *, with_transactions: bool) -> BankData:
    """Accounts, cards and (after verification) recent transactions from the core bank, masked for display."""
    from kefu.corebank.adapter import CoreBankError

    out = BankData()
    if customer.is_anonymised or customer.cif_no.startswith("KF"):
        return out
    try:
        bank = core_bank()
        accounts = bank.list_accounts(customer.cif_no)
        cards = bank.list_cards(customer.cif_no)
        out.accounts = [{
            "account_no_masked": mask_card(a.account_no), "kind": a.kind, "currency": a.currency,
            "balance_fen": a.balance_fen if with_transactions else None,
            "available_fen": a.available_fen if with_transactions else None,
            "status": a.status, "product_name": a.product_name, "opened_at": a.opened_at,
            "branch_code": a.branch_code,
        } for a in accounts]
        out.cards = [{"card_no_masked": mask_card(c.card_no), "kind": c.kind, "status": c.status,
                      "product_name": c.product_name, "account_no_masked": mask_card(c.account_no)} for c in cards]
        if with_transactions:
            limit = recent_transactions_limit()
            txns = []
            for a in accounts[:10]:
                if a.status == "closed":
                    continue
                txns.extend(bank.list_transactions(a.account_no, limit=limit))
            txns.sort(key=lambda t: t.posted_at, reverse=True)
            out.transactions = [{
                "txn_id": t.txn_id, "account_no_masked": mask_card(t.account_no), "posted_at": t.posted_at,
                "amount_fen": t.amount_fen, "balance_after_fen": t.balance_after_fen,
                "description": t.description, "channel": t.channel, "counterparty": t.counterparty,
            } for t in txns[:limit]]
    except CoreBankError as exc:
        logger.warning("core bank unavailable for 360 view: %s", exc.code)
        out.error = exc.code
    return out


def workorders_for(customer: Customer, user: Any) -> list[Any] | None:
    """The work orders app's list when it is installed; None means "not available yet"."""
    try:
        from kefu.workorders.selectors import workorders_for_customer
    except ImportError:
        return None
    return list(workorders_for_customer(customer, user)[:50])


def interactions_for(customer: Customer, user: Any) -> list[dict[str, Any]] | None:
    """Contacts on every channel (agent interactions from the contact app, self-service IVR calls),
    newest first; None when neither app is installed. Free text is masked for display."""
    from kefu.pii.masking import mask_text

    rows: list[dict[str, Any]] = []
    available = False
    try:
        from kefu.contact.selectors import interactions_visible_to
    except ImportError:
        interactions_visible_to = None
    if interactions_visible_to is not None:
        available = True
        qs = (interactions_visible_to(user).filter(customer=customer)
              .select_related("agent", "wrap_up_code").order_by("-offered_at")[:30])
        rows += [{"channel": i.get_channel_display(), "started_at": i.offered_at, "kind": "contact",
                  "summary": mask_text(i.subject or (i.wrap_up_code.name if i.wrap_up_code_id else "")),
                  "agent": str(i.agent) if i.agent_id else ""} for i in qs]
    try:
        from kefu.ivr.models import IvrCall
    except ImportError:
        IvrCall = None  # noqa: N806
    if IvrCall is not None and customer.cif_no:
        available = True
        calls = IvrCall.objects.filter(cif_no=customer.cif_no).order_by("-started_at")[:30]
        rows += [{"channel": "IVR", "started_at": c.started_at, "kind": "ivr",
                  "summary": " / ".join(str(x) for x in (c.get_disposition_display(), c.last_intent) if x),
                  "agent": ""} for c in calls]
    if not available:
        return None
    rows.sort(key=lambda r: r["started_at"], reverse=True)
    return rows[:50]
