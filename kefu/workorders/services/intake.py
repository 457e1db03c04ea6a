"""Intake: creating a work order from any channel (the contract other apps call)."""

from __future__ import annotations

import logging
import re
from functools import cache, partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.audit.services import deferred, record
from kefu.pii.checks import is_valid_card_number
from kefu.pii.crypto import blind_index
from kefu.pii.masking import mask_card, mask_email, mask_mobile
from kefu.pii.validators import reject_c3

from .. import deadlines
from ..choices import BusinessLine, Category, Channel, Dimension, Kind, ReplyChannel, Severity, Status
from ..errors import DuplicateSource, InvalidWorkOrder
from ..models import Classification, InvolvedAccount, WorkOrder, WorkOrderEvent
from ..numbers import next_number
from ..workflow import apply_unsaved, build_event, record_applied

logger = logging.getLogger("kefu.workorders")

_PHONE_RE = re.compile(r"^\+?[\d\-\s]{5,20}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _choice(value: str, choices: Any, name: str, *, blank_ok: bool = False) -> str:
    if blank_ok and value in ("", None):
        return ""
    if value not in _values(choices):
        raise InvalidWorkOrder(code=f"workorder.invalid_{name}", fields={name: f"unknown value: {value!r}"})
    return value


@cache
def _values(choices: Any) -> frozenset[str]:
    # ``Choices.values`` builds a new list on every access; the enums are fixed at import.
    return frozenset(choices.values)


def check_free_text(**texts: str) -> None:
    """C3 data (PIN, CVV, track data) is never stored: reject it with the field named."""
    for name, text in texts.items():
        try:
            reject_c3(str(text) if text is not None else "")
        except ValidationError as exc:
            raise InvalidWorkOrder(str(exc.messages[0]), code=exc.code or "pii.c3", fields={name: exc.code}) from exc


def resolve_classification(value: Any, dimension: str) -> Classification | None:
    """A JR/T node by id, by Classification, or by code ("A0102" or "0102" within the dimension)."""
    if value in (None, ""):
        return None
    if isinstance(value, Classification):
        node = value
    elif isinstance(value, int):
        node = Classification.objects.filter(pk=value).first()
    else:
        code = str(value).strip()
        if code[:1].upper() == dimension:
            code = code[1:]
        node = Classification.objects.filter(dimension=dimension, code=code).first()
    if node is None or node.dimension != dimension or not node.active:
        raise InvalidWorkOrder(code="workorder.invalid_classification",
                               fields={f"jrt_{dimension}": f"unknown code: {value!r}"})
    return node


def _resolve_unit(value: Any, name: str):
    from kefu.org.models import Unit

    if value in (None, ""):
        return None
    if isinstance(value, Unit):
        return value
    unit = Unit.objects.filter(code=str(value)).first()
    if unit is None and str(value).isdigit():
        unit = Unit.objects.filter(pk=int(value)).first()
    if unit is None:
        raise InvalidWorkOrder(code="workorder.unknown_unit", fields={name: f"unknown unit: {value!r}"})
    return unit


def _resolve_user(value: Any, name: str):
    from kefu.org.models import User

    if value in (None, ""):
        return None
    if isinstance(value, User):
        return value
    user = User.objects.filter(username=str(value)).first()
    if user is None:
        raise InvalidWorkOrder(code="workorder.unknown_user", fields={name: f"unknown user: {value!r}"})
    return user


def add_accounts(*, workorder: WorkOrder, numbers: list[str], new_workorder: bool = False) -> list[InvolvedAccount]:
    """Store involved cards/accounts masked with a blind index; the clear number is never kept.

    ``new_workorder``: the work order was inserted in this transaction, so none of its accounts is stored
    yet: one INSERT for all of them (a number given twice is stored once) instead of a lookup each.
    """
    rows: dict[str, InvolvedAccount] = {}
    for raw in numbers or []:
        digits = re.sub(r"[\s-]", "", str(raw))
        if not digits.isdigit() or not 8 <= len(digits) <= 30:
            raise InvalidWorkOrder(code="workorder.invalid_account", fields={"accounts": "not an account number"})
        kind = "card" if 13 <= len(digits) <= 19 and is_valid_card_number(digits) else "account"
        masked = mask_card(digits) if kind == "card" else f"{digits[:4]}****{digits[-4:]}"
        index = blind_index("card", digits)
        if new_workorder:
            rows.setdefault(index, InvolvedAccount(workorder=workorder, blind_index=index, kind=kind, masked=masked))
        else:
            rows[index], _ = InvolvedAccount.objects.get_or_create(
                workorder=workorder, blind_index=index, defaults={"kind": kind, "masked": masked})
    if new_workorder and rows:
        InvolvedAccount.objects.bulk_create(rows.values())
    return list(rows.values())


def create_workorder(*, actor: Any, kind: str, channel: str, title: str, description: str, customer: Any = None,
                     contact_name: str = "", contact_phone: str = "", severity: str = "general",
                     business_line: str = "", category: str = "", amount_fen: int | None = None,
                     source_ref: str = "", interaction: Any = None, **extra: Any) -> WorkOrder:
    """Register a work order from any channel; numbered, deadlines started, acknowledgment queued.

    ``extra`` takes: contact_email, preferred_reply_channel, tags, accounts (clear numbers, stored masked),
    jrt_channel / jrt_business / jrt_reason (codes), complained_unit (code), complained_staff (username),
    complained_person_name, received_at, intake_unit, auto_accept (the creating agent becomes the owner,
    首问负责制), triage (the suggestion shown to the agent, for feedback).
    """
    kind = _choice(kind, Kind, "kind")
    channel = _choice(channel, Channel, "channel")
    severity = _choice(severity or Severity.GENERAL, Severity, "severity")
    category = _choice(category, Category, "category", blank_ok=True)
    business_line = _choice(business_line, BusinessLine, "business_line", blank_ok=True)
    reply_channel = _choice(extra.get("preferred_reply_channel") or ReplyChannel.PHONE, ReplyChannel,
                            "preferred_reply_channel")
    title = (title or "").strip()
    if not title:
        raise InvalidWorkOrder(code="workorder.title_required", fields={"title": "required"})
    if len(title) > 200:
        raise InvalidWorkOrder(code="workorder.title_too_long", fields={"title": "max 200 characters"})
    check_free_text(title=title, description=description, complained_person_name=extra.get("complained_person_name", ""),
                    contact_name=contact_name)
    if amount_fen is not None and (not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen < 0):
        raise InvalidWorkOrder(code="workorder.invalid_amount", fields={"amount_fen": "non-negative integer fen"})
    contact_phone = (contact_phone or "").strip()
    if contact_phone and not _PHONE_RE.match(contact_phone):
        raise InvalidWorkOrder(code="workorder.invalid_phone", fields={"contact_phone": "invalid"})
    contact_email = (extra.get("contact_email") or "").strip()
    if contact_email and not _EMAIL_RE.match(contact_email):
        raise InvalidWorkOrder(code="workorder.invalid_email", fields={"contact_email": "invalid"})
    tags = extra.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and 0 < len(t) <= 30 for t in tags):
        raise InvalidWorkOrder(code="workorder.invalid_tags", fields={"tags": "list of short strings"})
    if customer is not None:
        contact_name = contact_name or getattr(customer, "name", "") or ""
        contact_phone = contact_phone or getattr(customer, "mobile", "") or ""
        contact_email = contact_email or getattr(customer, "email", "") or ""
    received_at = extra.get("received_at") or timezone.now()
    intake_unit = _resolve_unit(extra.get("intake_unit"), "intake_unit") or getattr(actor, "unit", None)

    # Every lookup that can refuse the intake runs before a number is taken.
    wo = WorkOrder(
        number="", kind=kind, channel=channel, status=Status.NEW,
        severity=severity, category=category, business_line=business_line, title=title,
        description=description or "", tags=tags, customer=customer,
        customer_cif_no=getattr(customer, "cif_no", "") or "", contact_name=contact_name,
        contact_phone=contact_phone, contact_phone_index=blind_index("mobile", contact_phone),
        contact_phone_masked=mask_mobile(contact_phone) if contact_phone else "",
        contact_email=contact_email, preferred_reply_channel=reply_channel, amount_fen=amount_fen,
        jrt_channel=resolve_classification(extra.get("jrt_channel"), Dimension.CHANNEL),
        jrt_business=resolve_classification(extra.get("jrt_business"), Dimension.BUSINESS),
        jrt_reason=resolve_classification(extra.get("jrt_reason"), Dimension.REASON),
        complained_unit=_resolve_unit(extra.get("complained_unit"), "complained_unit"),
        complained_staff=_resolve_user(extra.get("complained_staff"), "complained_staff"),
        complained_person_name=extra.get("complained_person_name", "") or "",
        intake_unit=intake_unit, handling_unit=intake_unit,
        created_by=actor if getattr(actor, "pk", None) else None, received_at=received_at,
        source_ref=(source_ref or "")[:200], interaction_ref=str(getattr(interaction, "pk", interaction) or "")[:64],
    )
    # Taken in its own statement (autocommit when the intake is not inside a caller's transaction): the
    # counter row stays locked for that statement only, so concurrent intakes do not queue behind each other;
    # an intake that fails afterwards leaves a gap in the day's numbers, as a database sequence would.
    if wo.source_ref and WorkOrder.objects.filter(channel=channel, source_ref=wo.source_ref).exists():
        raise DuplicateSource(fields={"source_ref": source_ref})  # a gateway's retry: no number spent on it
    wo.number = next_number(kind=kind, at=received_at)
    now = timezone.now()
    with transaction.atomic(), deferred():
        from ..repeat import flag_repeat

        # Everything the row carries is settled before its one INSERT: the repeat flags, the deadlines (the
        # clocks are planned here and stored once the row has its id) and the agent's own accept (首问负责制),
        # with the same checks and effect as any transition. The row is never written twice.
        repeat = flag_repeat(workorder=wo)
        planned = _plan_clocks(wo)
        accepted = apply_unsaved(workorder=wo, action="accept", actor=actor, at=now) if extra.get("auto_accept") \
            else None
        if wo.source_ref:
            # A savepoint only where a duplicate can happen (a gateway retrying the same message).
            try:
                with transaction.atomic():
                    wo.save(force_insert=True)
            except IntegrityError as exc:
                if WorkOrder.objects.filter(channel=channel, source_ref=wo.source_ref).exists():
                    raise DuplicateSource(fields={"source_ref": source_ref}) from exc
                raise
        else:
            wo.save(force_insert=True)
        accounts = add_accounts(workorder=wo, numbers=extra.get("accounts") or [], new_workorder=True)
        record(actor=actor, action="workorder.created", obj=wo, changes={
            "kind": kind, "channel": channel, "severity": severity, "title": title,
            "contact_phone": wo.contact_phone_masked, "contact_email": mask_email(contact_email) if contact_email else "",
            "amount_fen": amount_fen, "handling_unit": str(intake_unit or ""), "source_ref": wo.source_ref})
        deadlines.start_planned(subject=wo, planned=planned, actor=actor)
        # The timeline rows go in with one INSERT at the end, in the order they happened.
        events = [build_event(wo=wo, action="created", actor=actor, to_status=Status.NEW, at=now,
                              data={"channel": channel, "kind": kind, "repeat_of": repeat.number if repeat else None})]
        from ..search import update_document

        update_document(wo, new=True)
        from ..notifications import notify_customer

        notification = None
        if kind != Kind.CONSULTATION:
            notification = notify_customer(workorder=wo, template_code="workorder.acknowledged", actor=actor,
                                           key_suffix="ack", new_workorder=True, events=events)
        if accepted is not None:
            events.append(record_applied(workorder=wo, applied=accepted, actor=actor))
        for event in events:  # one moment for the intake: the timeline orders them by id
            event.created_at = now
        WorkOrderEvent.objects.bulk_create(events)
        triage = extra.get("triage")
        if triage:
            transaction.on_commit(partial(_triage_feedback, text=f"{title}\n{description}", predicted=dict(triage),
                                          corrected={"kind": kind, "category": category, "severity": severity,
                                                     "business": business_line},
                                          actor_id=getattr(actor, "pk", None)), robust=True)
    # What the intake wrote, for the response (``presenters.detail(just_created=True)``) without reading it back.
    wo.intake_accounts = accounts
    wo.intake_notifications = [notification] if notification is not None else []
    return wo


def _plan_clocks(wo: WorkOrder) -> list[deadlines.Deadline]:
    handling = deadlines.plan(purpose="handling", started_at=wo.received_at,
                              policy_code=deadlines.handling_policy(kind=wo.kind, severity=wo.severity, tags=wo.tags))
    wo.due_at = handling.deadline
    wo.deadline_provisional = handling.provisional
    if wo.kind != Kind.COMPLAINT:
        return [handling]
    regulatory = deadlines.plan(purpose="regulatory", policy_code=deadlines.REGULATORY_POLICIES[0],
                                started_at=wo.received_at)
    wo.regulatory_due_at = regulatory.deadline
    wo.due_at = min(wo.due_at, regulatory.deadline)
    return [handling, regulatory]


def _triage_feedback(*, text: str, predicted: dict, corrected: dict, actor_id: Any) -> None:
    """Agent corrections become training data for the triage model (when the assist app is present)."""
    if all(predicted.get(k) in (None, "", v) for k, v in corrected.items()):
        return
    try:
        from kefu.assist.services import record_triage_feedback
    except ImportError:
        return
    from kefu.common.errors import KefuError
    from kefu.org.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        record_triage_feedback(text=text, predicted=predicted, corrected=corrected, actor=actor,
                               source="workorder_intake")
    except KefuError as exc:
        # Training data is a by-product: the work order is already committed, so a label the triage app
        # does not accept is logged and dropped rather than shown to the agent as a failed intake.
        logger.warning("triage feedback not recorded: %s %s", exc.code, exc.fields)
