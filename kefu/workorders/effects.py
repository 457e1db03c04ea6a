"""What each lifecycle action does besides changing the status (called by ``workflow.transition`` inside
its transaction, with the work-order row locked). Each effect returns the event data; ``_target``
overrides the map's target where the regulation makes it conditional (sign-off, unreachable callback)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from kefu.common.errors import Conflict

from . import assignment, deadlines
from .choices import ExtensionStatus, HandoffRole, HandoffStatus, Kind, Status
from .errors import InvalidWorkOrder, MissingFields, Recusal, TransitionForbidden
from .errors import WorkOrderInvalidTransition as InvalidTransition
from .models import ExtensionRequest, Handoff, WorkOrder
from .services.intake import _resolve_unit, _resolve_user, check_free_text

Effect = dict[str, Any]


def _open_handoff(wo: WorkOrder, *, to_unit: Any, role: str, actor: Any, now: datetime, reason: str = "",
                  override_reason: str = "", assignee: Any = None, policy_code: str = "") -> Handoff:
    handoff = Handoff.objects.create(
        workorder=wo, role=role, from_unit=wo.handling_unit, to_unit=to_unit, reason=reason,
        override_reason=override_reason, created_by=actor if getattr(actor, "pk", None) else None, created_at=now,
        assignee=assignee or assignment.next_handler(to_unit, wo))
    policy = policy_code or deadlines.handling_policy(kind=wo.kind, severity=wo.severity, tags=wo.tags)
    deadline = deadlines.start(subject=handoff, purpose="handoff", policy_code=policy, started_at=now, actor=actor)
    handoff.deadline, handoff.deadline_provisional = deadline.deadline, deadline.provisional
    handoff.save(update_fields=["deadline", "deadline_provisional"])
    return handoff


def _close_handoffs(wo: WorkOrder, *, status: str, now: datetime, actor: Any, roles: tuple[str, ...] = ()) -> None:
    for handoff in wo.handoffs.filter(status=HandoffStatus.OPEN):
        if roles and handoff.role not in roles:
            continue
        handoff.status, handoff.completed_at = status, now
        handoff.save(update_fields=["status", "completed_at"])
        if deadlines.calendar_available():
            deadlines.stop(subject=handoff, purpose=None, at=now, actor=actor)


def _stop_case_clocks(wo: WorkOrder, *, now: datetime, actor: Any, purposes: tuple[str | None, ...]) -> None:
    if deadlines.calendar_available():
        for purpose in purposes:
            deadlines.stop(subject=wo, purpose=purpose, at=now, actor=actor)


def _sync_deadlines(wo: WorkOrder) -> None:
    for clock in deadlines.clocks_for(wo):
        if str(clock.status) == "stopped":
            continue
        if clock.purpose in ("handling", "recheck"):
            wo.due_at = clock.deadline
        elif clock.purpose == "regulatory":
            wo.regulatory_due_at = clock.deadline
        elif clock.purpose == "reply":
            wo.reply_due_at = clock.deadline


def accept(*, wo: WorkOrder, actor: Any, fields: dict, now: datetime) -> Effect:
    # 首问负责制: whoever accepts first owns the case to its end.
    wo.owner = actor
    wo.assignee = actor
    wo.accepted_at = now
    if wo.handling_unit_id is None:
        wo.handling_unit = actor.unit
    return {"owner": actor.username}


def answer(*, wo, actor, fields, now) -> Effect:
    check_free_text(answer=fields["answer"])
    wo.answer = str(fields["answer"])
    wo.replied_at = now
    _stop_case_clocks(wo, now=now, actor=actor, purposes=(None,))
    return {}


def dispatch(*, wo, actor, fields, now) -> Effect:
    suggested = assignment.suggest_unit(wo)
    to_unit = _resolve_unit(fields.get("to_unit"), "to_unit") or suggested
    if to_unit is None:
        raise MissingFields(_("没有匹配的派单规则，请选择承办机构"), fields={"to_unit": "required"})
    override_reason = str(fields.get("override_reason") or "")
    if suggested is not None and to_unit.pk != suggested.pk and not override_reason:
        raise MissingFields(_("偏离派单规则须说明理由"), fields={"override_reason": "required"})
    if assignment.is_recused_unit(wo, to_unit):
        raise Recusal(_("不得派给被投诉机构办理"), fields={"to_unit": to_unit.code})
    assignee = _resolve_user(fields.get("assignee"), "assignee")
    _close_handoffs(wo, status=HandoffStatus.SUPERSEDED, now=now, actor=actor, roles=(HandoffRole.PRIMARY,))
    handoff = _open_handoff(wo, to_unit=to_unit, role=HandoffRole.PRIMARY, actor=actor, now=now,
                            reason=str(fields.get("reason") or ""), override_reason=override_reason, assignee=assignee)
    wo.handling_unit = to_unit
    wo.assignee = handoff.assignee
    wo.dispatched_at = wo.dispatched_at or now
    return {"to_unit": to_unit.code, "suggested_unit": getattr(suggested, "code", None),
            "assignee": getattr(handoff.assignee, "username", None), "handoff_deadline": handoff.deadline,
            "override_reason": override_reason}


def start(*, wo, actor, fields, now) -> Effect:
    wo.assignee = actor
    return {}


def wait_customer(*, wo, actor, fields, now) -> Effect:
    if deadlines.calendar_available():
        deadlines.pause(subject=wo, at=now, actor=actor, reason=str(fields["reason"]))
        for handoff in wo.handoffs.filter(status=HandoffStatus.OPEN):
            deadlines.pause(subject=handoff, at=now, actor=actor, reason=str(fields["reason"]))
    return {"clocks": "paused"}


def customer_responded(*, wo, actor, fields, now) -> Effect:
    if deadlines.calendar_available():
        deadlines.resume(subject=wo, at=now, actor=actor)
        for handoff in wo.handoffs.filter(status=HandoffStatus.OPEN):
            for clock in deadlines.resume(subject=handoff, at=now, actor=actor):
                handoff.deadline = clock.deadline
                handoff.save(update_fields=["deadline"])
        _sync_deadlines(wo)
    return {"clocks": "resumed", "due_at": wo.due_at}


def return_(*, wo, actor, fields, now) -> Effect:
    _close_handoffs(wo, status=HandoffStatus.RETURNED, now=now, actor=actor, roles=(HandoffRole.PRIMARY,))
    wo.handling_unit = wo.intake_unit
    wo.assignee = wo.owner
    return {"back_to": getattr(wo.intake_unit, "code", None)}


def co_handle(*, wo, actor, fields, now) -> Effect:
    to_unit = _resolve_unit(fields.get("to_unit"), "to_unit")
    if assignment.is_recused_unit(wo, to_unit):
        raise Recusal(fields={"to_unit": to_unit.code})
    handoff = _open_handoff(wo, to_unit=to_unit, role=HandoffRole.CO, actor=actor, now=now,
                            reason=str(fields["reason"]))
    return {"co_unit": to_unit.code, "handoff_deadline": handoff.deadline}


def escalate(*, wo, actor, fields, now) -> Effect:
    to_unit = assignment.service_management_unit()
    if to_unit is None:
        raise InvalidWorkOrder(_("未配置总行规范服务管理部门"), code="workorder.no_service_management")
    _close_handoffs(wo, status=HandoffStatus.SUPERSEDED, now=now, actor=actor, roles=(HandoffRole.PRIMARY,))
    handoff = _open_handoff(wo, to_unit=to_unit, role=HandoffRole.ESCALATION, actor=actor, now=now,
                            reason=str(fields["reason"]))
    wo.handling_unit = to_unit
    wo.assignee = handoff.assignee
    return {"to_unit": to_unit.code}


def needs_sign_off(wo: WorkOrder) -> bool:
    from kefu.org.choices import UnitKind

    unit = wo.handling_unit
    return wo.kind == Kind.COMPLAINT and unit is not None and unit.kind in (UnitKind.BRANCH, UnitKind.OUTLET)


def _after_resolved(wo: WorkOrder, *, actor: Any, now: datetime) -> None:
    _close_handoffs(wo, status=HandoffStatus.DONE, now=now, actor=actor)
    _stop_case_clocks(wo, now=now, actor=actor, purposes=("handling", "recheck"))
    reply = deadlines.start(subject=wo, purpose="reply", policy_code=deadlines.REPLY_POLICY, started_at=now,
                            actor=actor)
    wo.reply_due_at = reply.deadline


def resolve(*, wo, actor, fields, now) -> Effect:
    check_free_text(resolution=fields["resolution"])
    wo.resolution = str(fields["resolution"])
    wo.resolved_at = now
    if needs_sign_off(wo):
        return {"_target": Status.PENDING_SIGNOFF, "sign_off_required": True}
    _after_resolved(wo, actor=actor, now=now)
    return {}


def sign_off(*, wo, actor, fields, now) -> Effect:
    wo.signed_off_by, wo.signed_off_at = actor, now
    _after_resolved(wo, actor=actor, now=now)
    return {"signed_off_by": actor.username}


def reject_signoff(*, wo, actor, fields, now) -> Effect:
    wo.resolved_at = None
    return {}


def reply(*, wo, actor, fields, now) -> Effect:
    from .notifications import notify_customer

    check_free_text(reply_text=fields["reply_text"])
    wo.reply_text = str(fields["reply_text"])
    wo.replied_at = now
    _stop_case_clocks(wo, now=now, actor=actor, purposes=(None,))
    notify_customer(workorder=wo, template_code="workorder.result", actor=actor,
                    key_suffix=f"result:{wo.recheck_count}", context={"result": wo.reply_text[:300]})
    return {}


def callback(*, wo, actor, fields, now) -> Effect:
    satisfaction, accepted = fields["satisfaction"], fields["accepted"]
    if isinstance(satisfaction, bool) or not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise InvalidWorkOrder(code="workorder.invalid_satisfaction", fields={"satisfaction": "1-5"})
    if not isinstance(accepted, bool):
        raise InvalidWorkOrder(code="workorder.invalid_accepted", fields={"accepted": "true or false"})
    wo.callback_attempts += 1
    wo.callback_at, wo.callback_satisfaction, wo.callback_accepted = now, satisfaction, accepted
    return {"satisfaction": satisfaction, "accepted": accepted}


def callback_failed(*, wo, actor, fields, now) -> Effect:
    from . import conf

    wo.callback_attempts += 1
    if wo.callback_attempts >= conf.callback_max_attempts():
        wo.callback_unreachable = True
        return {"attempt": wo.callback_attempts, "unreachable": True, "_target": Status.CALLED_BACK}
    return {"attempt": wo.callback_attempts}


def close(*, wo, actor, fields, now) -> Effect:
    if wo.kind == Kind.COMPLAINT and wo.callback_at is None and not wo.callback_unreachable:
        raise InvalidTransition(_("投诉须回访（或三次未接通）后方可关闭"), code="workorder.callback_required")
    wo.closed_at = now
    return {}


def archive(*, wo, actor, fields, now) -> Effect:
    wo.archived_at = now
    return {}


def recheck(*, wo, actor, fields, now) -> Effect:
    if wo.replied_at is None:
        raise InvalidTransition(_("尚无处理决定，不能申请核查"), code="workorder.no_decision")
    window = deadlines.compute(policy_code=deadlines.RECHECK_WINDOW_POLICY, started_at=wo.replied_at)
    if now > window.deadline:
        raise InvalidTransition(_("已超过30日核查申请期限"), code="workorder.recheck_window_passed",
                                fields={"window_ends": window.deadline.isoformat()})
    upper = assignment.upper_level_unit(wo.handling_unit)
    handoff = _open_handoff(wo, to_unit=upper, role=HandoffRole.RECHECK, actor=actor, now=now,
                            reason=str(fields["reason"]), policy_code=deadlines.RECHECK_ANSWER_POLICY)
    clock = deadlines.start(subject=wo, purpose="recheck", policy_code=deadlines.RECHECK_ANSWER_POLICY,
                            started_at=now, actor=actor)
    wo.due_at = clock.deadline
    wo.handling_unit, wo.assignee = upper, handoff.assignee
    wo.recheck_count += 1
    wo.recheck_requested_at = now
    wo.closed_at = wo.archived_at = None
    wo.callback_at, wo.callback_unreachable, wo.callback_attempts = None, False, 0
    wo.breached_at = wo.reminded_at = None
    return {"to_unit": upper.code, "window_ends": window.deadline}


def withdraw(*, wo, actor, fields, now) -> Effect:
    # A withdrawal ends the case on the day it is received.
    wo.withdrawn_at = wo.closed_at = now
    _close_handoffs(wo, status=HandoffStatus.DONE, now=now, actor=actor)
    _stop_case_clocks(wo, now=now, actor=actor, purposes=(None,))
    return {}


def request_extension(*, wo, actor, fields, now) -> Effect:
    level = wo.extension_level + 1
    if level >= len(deadlines.REGULATORY_POLICIES):
        raise Conflict(_("已达到最长60日处理期限，不能再延期"), code="workorder.extension_limit")
    if wo.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise Conflict(_("已有待审批的延期申请"), code="workorder.extension_pending")
    check_free_text(reason=fields["reason"])
    ext = ExtensionRequest.objects.create(workorder=wo, level=level, reason=str(fields["reason"]),
                                          policy_code=deadlines.REGULATORY_POLICIES[level], requested_by=actor,
                                          requested_at=now)
    return {"extension_id": ext.pk, "level": level, "policy": ext.policy_code}


def _pending_extension(wo: WorkOrder) -> ExtensionRequest:
    ext = wo.extensions.filter(status=ExtensionStatus.PENDING).first()
    if ext is None:
        raise InvalidTransition(_("没有待审批的延期申请"), code="workorder.no_pending_extension")
    return ext


def approve_extension(*, wo, actor, fields, now) -> Effect:
    from .notifications import notify_customer

    ext = _pending_extension(wo)
    if ext.requested_by_id == actor.pk:
        # Maker-checker: the requester never approves their own extension.
        raise TransitionForbidden(_("申请人不能审批自己的延期申请"), code="workorder.maker_checker")
    ext.status, ext.decided_by, ext.decided_at = ExtensionStatus.APPROVED, actor, now
    ext.decision_note = str(fields.get("note") or "")
    ext.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    new = deadlines.change_policy(subject=wo, purpose="regulatory", policy_code=ext.policy_code, actor=actor,
                                  reason=ext.reason, started_at=wo.received_at)
    wo.regulatory_due_at = new.deadline
    wo.due_at = max(wo.due_at or new.deadline, new.deadline)
    wo.extension_level = ext.level
    wo.breached_at = wo.reminded_at = None
    notify_customer(workorder=wo, template_code="workorder.extended", actor=actor, key_suffix=f"ext:{ext.level}",
                    context={"deadline": new.deadline.astimezone().strftime("%Y-%m-%d")})
    return {"extension_id": ext.pk, "level": ext.level, "regulatory_due_at": new.deadline}


def reject_extension(*, wo, actor, fields, now) -> Effect:
    ext = _pending_extension(wo)
    if ext.requested_by_id == actor.pk:
        raise TransitionForbidden(_("申请人不能审批自己的延期申请"), code="workorder.maker_checker")
    ext.status, ext.decided_by, ext.decided_at = ExtensionStatus.REJECTED, actor, now
    ext.decision_note = str(fields["reason"])
    ext.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return {"extension_id": ext.pk}


def supervise(*, wo, actor, fields, now) -> Effect:
    wo.is_supervised, wo.supervised_at = True, now
    return {}


def reassign(*, wo, actor, fields, now) -> Effect:
    from .workflow import in_handling_unit, is_recused

    user = _resolve_user(fields["assignee"], "assignee")
    if not in_handling_unit(user, wo) or not user.is_active:
        raise InvalidWorkOrder(_("经办人须属于承办机构"), code="workorder.assignee_not_in_unit",
                               fields={"assignee": user.username})
    if is_recused(user, wo):
        raise Recusal(fields={"assignee": user.username})
    previous = getattr(wo.assignee, "username", None)
    wo.assignee = user
    wo.handoffs.filter(status=HandoffStatus.OPEN, role__in=[HandoffRole.PRIMARY, HandoffRole.ESCALATION,
                                                            HandoffRole.RECHECK]).update(assignee=user)
    return {"from": previous, "to": user.username}


def merge(*, wo, actor, fields, now) -> Effect:
    from .repeat import merge_target
    from .workflow import log_event

    target = merge_target(fields["into"], wo)
    wo.merged_into = target
    wo.closed_at = now
    _close_handoffs(wo, status=HandoffStatus.SUPERSEDED, now=now, actor=actor)
    _stop_case_clocks(wo, now=now, actor=actor, purposes=(None,))
    # Both histories stay: the duplicate keeps its timeline, the survivor records what joined it.
    log_event(wo=target, action="merged_from", actor=actor, data={"number": wo.number}, at=now)
    return {"into": target.number}


EFFECTS = {
    "accept": accept, "answer": answer, "dispatch": dispatch, "start": start, "wait_customer": wait_customer,
    "customer_responded": customer_responded, "return": return_, "co_handle": co_handle, "escalate": escalate,
    "resolve": resolve, "sign_off": sign_off, "reject_signoff": reject_signoff, "reply": reply,
    "callback": callback, "callback_failed": callback_failed, "close": close, "archive": archive,
    "recheck": recheck, "withdraw": withdraw, "request_extension": request_extension,
    "approve_extension": approve_extension, "reject_extension": reject_extension, "supervise": supervise,
    "reassign": reassign, "merge": merge,
}
