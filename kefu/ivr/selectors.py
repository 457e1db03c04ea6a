"""Reads: the agent hand-off context and call lists."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from . import integrations
from .errors import CallNotFound
from .models import IvrCall


def get_call(call_id: str) -> IvrCall:
    call = IvrCall.objects.select_related("flow").filter(call_id=call_id).first()
    if call is None:
        raise CallNotFound()
    return call


def handoff_context(call_id: str) -> dict[str, Any]:
    """What the agent's screen pops: verified or not, customer, menu path, last intent, self-service results."""
    call = get_call(call_id)
    customer = integrations.find_customer(call.cif_no) if call.cif_no else None
    return {
        "call_id": call.call_id,
        "channel": call.channel,
        "caller": call.caller_masked,
        "called": call.called,
        "started_at": call.started_at.isoformat(),
        "ended_at": call.ended_at.isoformat() if call.ended_at else None,
        "verified": call.verified,
        "cif_no": call.cif_no,
        "customer_id": getattr(customer, "pk", None),
        "customer_url": integrations.customer_url(customer),
        "menu_path": [p for p in call.path if not p.startswith("@")],
        "last_intent": call.last_intent,
        "results": list(call.outcomes),
        "queue": call.transferred_queue,
        "reason": (call.handoff or {}).get("reason", ""),
        "disposition": call.disposition,
        "flow_version": call.flow.version,
        "recording_file": call.recording_file,
    }


def recent_calls(limit: int = 50) -> QuerySet[IvrCall]:
    return IvrCall.objects.select_related("flow").order_by("-started_at")[:limit]


def containment(qs: QuerySet[IvrCall] | None = None) -> dict[str, Any]:
    """Self-served calls over calls that left the IVR (KPI: containment rate)."""
    qs = qs if qs is not None else IvrCall.objects.all()
    ended = qs.exclude(disposition="")
    total = ended.count()
    served = ended.filter(disposition="self_served").count()
    return {"ended": total, "self_served": served, "rate": round(served / total, 4) if total else None}
