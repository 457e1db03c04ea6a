"""Creating customers (minimum necessary fields per purpose), syncing from the core bank, notes, unmask."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.services import record
from kefu.org.models import Unit
from kefu.pii.crypto import blind_index
from kefu.pii.masking import mask_card

from ..choices import (
    ContactChannel,
    CreationPurpose,
    CustomerSource,
    IdType,
    LifecycleStage,
    Segment,
    ValueTier,
)
from ..core import core_bank
from ..errors import AnonymisedCustomer, CustomerInvalid, DuplicateCustomer
from ..models import ChangeHistory, Customer, CustomerCard, CustomerNote
from .fields import (
    add_phone,
    clean_address,
    clean_email,
    clean_id,
    clean_mobile,
    clean_name,
    clean_phone,
    clean_text,
    masked,
    set_id_number,
    set_sms_phone,
)

# Minimum necessary (PIPL art. 6): which fields each purpose needs, and which it may collect at all.
PURPOSE_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    CreationPurpose.SERVICE_INQUIRY: ({"name", "mobile"}, {"name", "mobile", "preferred_channel"}),
    CreationPurpose.CALLBACK: ({"mobile"}, {"name", "mobile", "preferred_channel"}),
    CreationPurpose.COMPLAINT: ({"name", "mobile"},
                                {"name", "mobile", "preferred_channel", "id_type", "id_number", "address", "email"}),
    CreationPurpose.ACCOUNT_SERVICE: ({"name", "id_type", "id_number", "mobile"},
                                      {"name", "mobile", "preferred_channel", "id_type", "id_number", "address",
                                       "email"}),
}
_ALWAYS_ALLOWED = {"home_unit", "disability", "needs_interpreter", "interpreter_language", "marketing_opt_out"}


def _new_cif_no() -> str:
    # Profiles created in kefu (callers not yet known to the core) get a kefu-local number.
    return f"KF{timezone.localdate():%y%m%d}{secrets.randbelow(10**8):08d}"


def create_customer(*, actor: Any, purpose: str, name: str = "", mobile: str = "", id_type: str = "",
                    id_number: str = "", email: str = "", address: str = "", preferred_channel: str = "",
                    home_unit: Unit | None = None, disability: bool = False, needs_interpreter: bool = False,
                    interpreter_language: str = "", marketing_opt_out: bool = False) -> Customer:
    """Create a kefu-local profile collecting only the fields ``purpose`` needs (others are refused)."""
    if purpose not in PURPOSE_FIELDS:
        raise CustomerInvalid(_("请选择建档用途"), code="customers.invalid_purpose", fields={"purpose": "invalid"})
    required, allowed = PURPOSE_FIELDS[purpose]
    given = {k for k, v in {"name": name, "mobile": mobile, "id_type": id_type, "id_number": id_number,
                            "email": email, "address": address, "preferred_channel": preferred_channel}.items() if v}
    missing = sorted(required - given - ({"id_type"} if id_number else set()))
    if missing:
        raise CustomerInvalid(_("缺少此用途必需的信息"), code="customers.missing_fields",
                              fields=dict.fromkeys(missing, "required"))
    excess = sorted(given - allowed - _ALWAYS_ALLOWED)
    if excess:
        raise CustomerInvalid(_("按最小必要原则，此用途不应收集这些信息"), code="customers.not_necessary",
                              fields=dict.fromkeys(excess, "not_necessary"))
    if preferred_channel and preferred_channel not in ContactChannel.values:
        raise CustomerInvalid(_("首选联系渠道无效"), code="customers.invalid_channel",
                              fields={"preferred_channel": "invalid"})
    clean = {
        "name": clean_name(name) if name else "",
        "mobile": clean_mobile(mobile) if mobile else "",
        "email": clean_email(email),
        "address": clean_address(address),
    }
    id_type = id_type or IdType.ID_CARD
    id_clean = clean_id(id_type, id_number) if id_number else ""
    interpreter_language = clean_text(interpreter_language, "interpreter_language", max_length=30, required=False)
    with transaction.atomic():
        if id_clean and Customer.objects.filter(id_number_index=blind_index("id", id_clean)).exists():
            raise DuplicateCustomer(_("该证件号码已有客户档案"), fields={"id_number": "duplicate"})
        customer = Customer(
            cif_no=_new_cif_no(), name=clean["name"] or _("未留姓名"), email=clean["email"],
            address=clean["address"], preferred_channel=preferred_channel or ContactChannel.PHONE,
            home_unit=home_unit, disability=disability, needs_interpreter=needs_interpreter,
            interpreter_language=interpreter_language, marketing_opt_out=marketing_opt_out,
            source=CustomerSource.MANUAL, lifecycle_stage=LifecycleStage.NEW,
        )
        set_id_number(customer, id_type, id_clean)
        customer.save()
        if clean["mobile"]:
            set_sms_phone(customer, clean["mobile"])
        record(actor=actor, action="customers.created", obj=customer,
               changes={"purpose": purpose, "cif_no": customer.cif_no, "name": customer.name,
                        "mobile": clean["mobile"], "id_number": id_clean, "fields": sorted(given)})
    return customer


def _tier_from_balance(total_fen: int) -> tuple[str, str]:
    yuan = total_fen // 100
    if yuan >= 6_000_000:
        return Segment.PRIVATE, ValueTier.DIAMOND
    if yuan >= 1_000_000:
        return Segment.AFFLUENT, ValueTier.PLATINUM
    if yuan >= 500_000:
        return Segment.AFFLUENT, ValueTier.GOLD
    if yuan >= 50_000:
        return Segment.MASS, ValueTier.SILVER
    return Segment.MASS, ValueTier.STANDARD


def _lifecycle_from_accounts(statuses: list[str], is_new: bool) -> str:
    if statuses and all(s == "closed" for s in statuses):
        return LifecycleStage.CHURNED
    if statuses and all(s in ("dormant", "closed") for s in statuses):
        return LifecycleStage.DORMANT
    return LifecycleStage.NEW if is_new else LifecycleStage.ACTIVE


def sync_customer_from_core(*, cif_no: str, actor: Any) -> Customer:
    """Create or refresh the kefu profile from the core bank (the system of record for identity data)."""
    bank = core_bank()
    core = bank.get_customer(cif_no)
    accounts = bank.list_accounts(cif_no)
    cards = bank.list_cards(cif_no)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().filter(cif_no=cif_no).first()
        if customer is not None and customer.is_anonymised:
            raise AnonymisedCustomer()
        is_new = customer is None
        customer = customer or Customer(cif_no=cif_no, source=CustomerSource.CORE)
        before = {"name": customer.name, "id_number": customer.id_number, "mobile": customer.mobile,
                  "email": customer.email, "address": customer.address}
        customer.name = core.name
        set_id_number(customer, core.id_type if core.id_type in IdType.values else IdType.OTHER, core.id_number)
        if core.birth_date:
            customer.birth_date = core.birth_date
        customer.email = core.email or customer.email
        customer.address = core.address or customer.address
        unit = Unit.objects.filter(code=core.home_branch_code).first() if core.home_branch_code else None
        customer.home_unit = unit or customer.home_unit
        balance = sum(a.balance_fen for a in accounts if a.kind in ("savings", "time_deposit"))
        customer.segment, customer.value_tier = _tier_from_balance(balance)
        customer.lifecycle_stage = _lifecycle_from_accounts([a.status for a in accounts], is_new)
        customer.synced_at = timezone.now()
        try:
            with transaction.atomic():
                customer.save()
        except IntegrityError as exc:
            raise DuplicateCustomer() from exc
        if core.mobile and core.mobile != before["mobile"]:
            set_sms_phone(customer, core.mobile)
        _sync_cards(customer, cards)
        changed = {f: [masked(f, before[f]), masked(f, getattr(customer, f))]
                   for f in before if before[f] != getattr(customer, f)}
        for field, (old, new) in ({} if is_new else changed).items():
            ChangeHistory.objects.create(customer=customer, field=field, old_value_masked=old,
                                         new_value_masked=new, source="core_sync",
                                         changed_by=actor if getattr(actor, "pk", None) else None,
                                         reason=_("核心系统同步"))
        record(actor=actor, action="customers.synced_from_core", obj=customer,
               changes={"created": is_new, "fields": changed, "cards": len(cards), "accounts": len(accounts)})
    return customer


def _sync_cards(customer: Customer, cards: list[Any]) -> None:
    keep = []
    for card in cards:
        index = blind_index("card", card.card_no)
        keep.append(index)
        CustomerCard.objects.update_or_create(
            customer=customer, card_index=index,
            defaults={"masked_card_no": mask_card(card.card_no), "kind": card.kind, "status": card.status,
                      "synced_at": timezone.now()})
    CustomerCard.objects.filter(customer=customer).exclude(card_index__in=keep).delete()


def add_contact_phone(*, customer: Customer, number: str, kind: str, actor: Any) -> None:
    with transaction.atomic():
        phone = add_phone(customer, clean_phone(number), kind)
        record(actor=actor, action="customers.phone_added", obj=customer, changes={"phone": phone.number})


def record_interaction_note(*, customer: Customer, actor: Any, body: str, channel: str = ContactChannel.PHONE,
                            interaction_ref: str = "") -> CustomerNote:
    """A note on the customer from any channel (C3 data refused); shown on the 360 view."""
    body = clean_text(body, "body", max_length=2000)
    if channel not in ContactChannel.values:
        raise CustomerInvalid(_("渠道无效"), code="customers.invalid_channel", fields={"channel": "invalid"})
    if customer.is_anonymised:
        raise AnonymisedCustomer()
    with transaction.atomic():
        note = CustomerNote.objects.create(customer=customer, body=body, channel=channel,
                                           interaction_ref=interaction_ref[:64], author=actor)
        record(actor=actor, action="customers.note_added", obj=customer,
               changes={"note_id": note.pk, "channel": channel, "body": body})
    return note


UNMASKABLE_FIELDS = ("name", "id_number", "mobile", "email", "address")


def unmask_customer_field(*, actor: Any, customer: Customer, field: str, reason: str,
                          interaction_ref: str = "") -> str:
    """Clear value of one profile field: ``pii.unmask`` and a reason required, audited either way.

    During a live interaction (``interaction_ref`` given) the caller must also have passed identity
    verification in that interaction: an agent on a call never reveals data to an unverified caller.
    """
    from kefu.audit.choices import AuditKind
    from kefu.pii.services import unmask

    from ..errors import VerificationRequired
    from .verification import is_verified

    if field not in UNMASKABLE_FIELDS:
        raise CustomerInvalid(_("不支持查看此字段"), code="customers.invalid_field", fields={"field": "invalid"})
    if interaction_ref and actor.has_kefu_perm("pii.unmask") and not is_verified(
            customer=customer, user=actor, interaction_ref=interaction_ref):
        record(actor=actor, action="pii.unmask_denied", obj=customer, kind=AuditKind.READ,
               changes={"field": field, "why": "not_verified", "interaction": interaction_ref})
        raise VerificationRequired()
    # No surrounding transaction: a refused attempt must stay in the audit trail when Forbidden is raised.
    return unmask(actor=actor, obj=customer, field=field, reason=reason, value=getattr(customer, field))
