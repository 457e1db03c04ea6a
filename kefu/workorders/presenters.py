"""Work orders as JSON-ready dicts for the API (and HTMX fragments). PII is masked; never a clear number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from .choices import Status
from .models import WorkOrder


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _unit(unit: Any) -> dict | None:
    return {"code": unit.code, "name": unit.name} if unit is not None else None


def _user(user: Any) -> str | None:
    return user.username if user is not None else None


def _jrt(node: Any) -> dict | None:
    return {"code": f"{node.dimension}{node.code}", "name": node.name} if node is not None else None


def remaining_seconds(deadline: datetime | None, now: datetime | None = None) -> int | None:
    if deadline is None:
        return None
    return int((deadline - (now or timezone.now())).total_seconds())


def status_label(value: str) -> str:
    # One lookup (get_status_display hashes and translates every choice on each call: 0.5 ms per row).
    try:
        return str(Status(value).label)
    except ValueError:
        return value


# The columns ``list_item`` reads: list queries load only these (a case row has ~60 columns, a user row a
# password hash; decoding them for 50 rows was a third of a list request).
LIST_FIELDS = ("number", "kind", "channel", "status", "severity", "title", "category", "business_line",
               "received_at", "due_at", "regulatory_due_at", "is_supervised", "is_repeat", "contact_phone_masked",
               "handling_unit__code", "handling_unit__name", "assignee__username")


def list_item(wo: WorkOrder, now: datetime | None = None) -> dict[str, Any]:
    return {
        "number": wo.number, "kind": wo.kind, "channel": wo.channel, "status": wo.status,
        "status_label": status_label(wo.status), "severity": wo.severity, "title": wo.title,
        "category": wo.category, "business_line": wo.business_line,
        "handling_unit": _unit(wo.handling_unit), "assignee": _user(wo.assignee),
        "received_at": _iso(wo.received_at), "due_at": _iso(wo.due_at), "regulatory_due_at": _iso(wo.regulatory_due_at),
        "remaining_seconds": remaining_seconds(wo.due_at, now) if wo.is_open else None,
        "is_supervised": wo.is_supervised, "is_repeat": wo.is_repeat,
        "contact_phone_masked": wo.contact_phone_masked,
    }


def detail(wo: WorkOrder, user: Any, *, allowed: list | None = None, just_created: bool = False) -> dict[str, Any]:
    """The detail representation; ``just_created`` skips the lookups of hand-offs, extensions and
    attachments, which no intake creates, and takes the accounts and notifications the intake wrote."""
    from .notifications import notifications_for

    now = timezone.now()
    data = list_item(wo, now)
    data.update({
        "description": wo.description, "tags": wo.tags, "customer_cif_no": wo.customer_cif_no,
        "contact_name_masked": _mask_name(wo.contact_name),
        "contact_email_masked": _mask_email(wo.contact_email), "preferred_reply_channel": wo.preferred_reply_channel,
        "amount_fen": wo.amount_fen,
        "jrt": {"A": _jrt(wo.jrt_channel), "B": _jrt(wo.jrt_business), "C": _jrt(wo.jrt_reason)},
        "complained_unit": _unit(wo.complained_unit), "complained_person_name": wo.complained_person_name,
        "intake_unit": _unit(wo.intake_unit), "owner": _user(wo.owner),
        "accepted_at": _iso(wo.accepted_at), "resolved_at": _iso(wo.resolved_at), "signed_off_by": _user(wo.signed_off_by),
        "signed_off_at": _iso(wo.signed_off_at), "replied_at": _iso(wo.replied_at), "closed_at": _iso(wo.closed_at),
        "reply_due_at": _iso(wo.reply_due_at), "deadline_provisional": wo.deadline_provisional,
        "extension_level": wo.extension_level, "answer": wo.answer, "resolution": wo.resolution,
        "reply_text": wo.reply_text,
        "callback": {"attempts": wo.callback_attempts, "at": _iso(wo.callback_at),
                     "satisfaction": wo.callback_satisfaction, "accepted": wo.callback_accepted,
                     "unreachable": wo.callback_unreachable},
        "repeat_of": wo.repeat_of.number if wo.repeat_of_id else None, "suggested_severity": wo.suggested_severity,
        "merged_into": wo.merged_into.number if wo.merged_into_id else None, "recheck_count": wo.recheck_count,
        "accounts": [{"kind": a.kind, "masked": a.masked} for a in _written(wo, "intake_accounts", just_created,
                                                                               wo.accounts.all)],
        "handoffs": [{"role": h.role, "to_unit": _unit(h.to_unit), "assignee": _user(h.assignee), "status": h.status,
                      "deadline": _iso(h.deadline), "reason": h.reason, "created_at": _iso(h.created_at),
                      "completed_at": _iso(h.completed_at)} for h in ([] if just_created else wo.handoffs.select_related("to_unit", "assignee"))],
        "extensions": [{"id": e.pk, "level": e.level, "status": e.status, "reason": e.reason,
                        "requested_by": _user(e.requested_by), "decided_by": _user(e.decided_by),
                        "requested_at": _iso(e.requested_at)} for e in ([] if just_created else wo.extensions.select_related("requested_by", "decided_by"))],
        "attachments": [{"id": a.pk, "name": a.original_name, "kind": a.kind, "size": a.size,
                         "content_type": a.content_type} for a in ([] if just_created else wo.attachments.all())],
        "notifications": [{"channel": n.channel, "to": n.to_masked, "template": n.template_code,
                           "status": n.status, "attempts": n.attempts}
                          for n in _written(wo, "intake_notifications", just_created, lambda: notifications_for(wo))],
        "allowed_actions": [t.action for t in (allowed or [])],
    })
    return data


def _written(wo: WorkOrder, name: str, just_created: bool, read: Any) -> Any:
    # ``create_workorder`` leaves the rows it inserted on the instance (an empty list is an answer too).
    rows = getattr(wo, name, None) if just_created else None
    return read() if rows is None else rows


def event(e: Any) -> dict[str, Any]:
    return {"id": e.pk, "action": e.action, "from_status": e.from_status, "to_status": e.to_status,
            "actor": e.actor_label, "created_at": _iso(e.created_at), "data": e.data, "note": e.note}


def note(n: Any) -> dict[str, Any]:
    return {"id": n.pk, "visibility": n.visibility, "body": n.body, "author": _user(n.author),
            "created_at": _iso(n.created_at)}


def _mask_name(value: str) -> str:
    from kefu.pii.masking import mask_name

    return mask_name(value) if value else ""


def _mask_email(value: str) -> str:
    from kefu.pii.masking import mask_email

    return mask_email(value) if value else ""
