"""What the 360 view shows (API and HTMX alike): masked profile, bank data, history and related items.

Opening a 360 view is a read of sensitive data, so :func:`load_customer_360` writes a READ audit entry.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from kefu.audit.choices import AuditKind
from kefu.audit.services import record
from kefu.pii.masking import mask_text

from .models import Customer
from .selectors import bank_data, consents_for, interactions_for, workorders_for
from .services import available_factors, is_verified


def masked_profile(customer: Customer) -> dict[str, Any]:
    unit = customer.home_unit
    return {
        "id": customer.pk,
        "cif_no": customer.cif_no,
        "name": customer.masked_name,
        "id_type": customer.id_type,
        "id_type_label": customer.get_id_type_display(),
        "id_number": customer.masked_id_number,
        "mobile": customer.masked_mobile,
        "email": customer.masked_email,
        "address": customer.masked_address,
        "birth_year": customer.birth_date.year if customer.birth_date else None,
        "age": customer.age(),
        "segment": customer.segment,
        "segment_label": customer.get_segment_display(),
        "lifecycle_stage": customer.lifecycle_stage,
        "lifecycle_stage_label": customer.get_lifecycle_stage_display(),
        "value_tier": customer.value_tier,
        "value_tier_label": customer.get_value_tier_display(),
        "is_vulnerable": customer.is_vulnerable,
        "vulnerable_reasons": customer.vulnerable_reasons,
        "interpreter_language": customer.interpreter_language,
        "preferred_channel": customer.preferred_channel,
        "preferred_channel_label": customer.get_preferred_channel_display(),
        "marketing_opt_out": customer.marketing_opt_out,
        "home_unit": {"id": unit.pk, "code": unit.code, "name": unit.name} if unit else None,
        "status": customer.status,
        "legal_hold": customer.legal_hold,
        "phones": [{"number": p.masked_number, "kind": p.kind, "is_sms": p.is_sms}
                   for p in customer.phones.all().order_by("-is_sms", "id")],
    }


def _workorder_row(wo: Any) -> dict[str, Any]:
    number = getattr(wo, "number", "")
    try:
        url = reverse("workorders:detail", kwargs={"number": number}) if number else ""
    except NoReverseMatch:
        url = ""
    status = getattr(wo, "status", "")
    display = getattr(wo, "get_status_display", None)
    return {"number": number, "title": str(getattr(wo, "title", "")), "kind": str(getattr(wo, "kind", "")),
            "status": str(status), "status_label": str(display()) if callable(display) else str(status),
            "is_open": bool(getattr(wo, "is_open", status not in ("closed", "cancelled", "resolved"))),
            "created_at": getattr(wo, "created_at", None), "url": url}


def load_customer_360(*, customer: Customer, user: Any, interaction_ref: str = "",
                      channel: str = "web") -> dict[str, Any]:
    """Everything the 360 view shows; balances and transactions only after verification in this interaction."""
    verified = is_verified(customer=customer, user=user, interaction_ref=interaction_ref)
    bank = bank_data(customer, with_transactions=verified)
    workorders = workorders_for(customer, user)
    interactions = interactions_for(customer, user)
    record(actor=user, action="customers.viewed_360", obj=customer, kind=AuditKind.READ,
           changes={"channel": channel, "interaction": interaction_ref, "verified": verified})
    wo_rows = [_workorder_row(w) for w in workorders] if workorders is not None else None
    return {
        "profile": masked_profile(customer),
        "verified": verified,
        "interaction": interaction_ref,
        # Only asked for before verification (the form is not shown afterwards).
        "verification_factors": [] if verified else [str(f) for f in available_factors(customer)],
        "accounts": bank.accounts,
        "cards": bank.cards,
        "transactions": bank.transactions if verified else None,
        "core_bank_error": bank.error,
        "workorders": {
            "available": wo_rows is not None,
            "open": [w for w in wo_rows or [] if w["is_open"]],
            "closed": [w for w in wo_rows or [] if not w["is_open"]],
        },
        "interactions": {"available": interactions is not None, "items": interactions or []},
        "consents": [{
            "id": c.pk, "purpose": c.purpose, "purpose_label": c.get_purpose_display(), "scope": c.scope,
            "channel": c.channel, "granted_at": c.granted_at, "expires_at": c.expires_at,
            "withdrawn_at": c.withdrawn_at, "effective": c.is_effective(),
        } for c in consents_for(customer)],
        "notes": [{"id": n.pk, "body": mask_text(n.body), "channel": n.channel, "author": str(n.author),
                   "created_at": n.created_at} for n in customer.notes.select_related("author")[:20]],
        "history": [{"field": h.field, "old": h.old_value_masked, "new": h.new_value_masked, "source": h.source,
                     "changed_by": str(h.changed_by or ""), "approved_by": str(h.approved_by or ""),
                     "changed_at": h.changed_at, "reason": h.reason}
                    for h in customer.history.select_related("changed_by", "approved_by")[:30]],
        "pending_changes": [{"id": cr.pk, "field": cr.field, "field_label": cr.get_field_display(),
                             "old": cr.old_value_masked, "new": cr.new_value_masked, "maker": str(cr.maker),
                             "created_at": cr.created_at, "reason": cr.reason}
                            for cr in customer.change_requests.filter(status="pending").select_related("maker")],
    }
