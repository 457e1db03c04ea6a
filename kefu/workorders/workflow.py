"""The work-order lifecycle: ONE transitions map and ONE ``transition()`` that raises.

Each transition names the statuses it leaves, the status it enters, who may make it (permissions plus a
unit/role predicate) and what it requires (payload fields). The effects (deadlines, hand-offs,
notifications) live in :mod:`kefu.workorders.effects`; this module only decides whether a move is legal,
then records it: a ``WorkOrderEvent``, an audit entry, and the ``workorder_transitioned`` signal after
commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.audit.services import deferred, field_changes, record, snapshot

from .choices import HANDLING_STATUSES, OPEN_STATUSES, Kind, Status
from .errors import MissingFields, Recusal, TransitionForbidden, WorkOrderInvalidTransition
from .models import WorkOrder, WorkOrderEvent
from .permissions import WP

S = Status


# ---- who may act -------------------------------------------------------------------------------------------

def _unit_path(user: Any) -> str:
    unit = getattr(user, "unit", None)
    return unit.path if unit is not None else ""


def in_handling_unit(user: Any, wo: WorkOrder) -> bool:
    """The user works in the handling unit or a unit above it (a branch supervises its outlets)."""
    path = _unit_path(user)
    return bool(path and wo.handling_unit_id and wo.handling_unit.path.startswith(path))


def is_recused(user: Any, wo: WorkOrder) -> bool:
    """Whoever the complaint names, and staff of the outlet complained about, may not handle it."""
    if wo.complained_staff_id and wo.complained_staff_id == getattr(user, "pk", None):
        return True
    return bool(wo.complained_unit_id and getattr(user, "unit_id", None) == wo.complained_unit_id)


def anyone(user: Any, wo: WorkOrder) -> bool:
    return True


def center_or_handler(user: Any, wo: WorkOrder) -> bool:
    return user.has_kefu_perm(WP.HANDLE) or in_handling_unit(user, wo)


def handler(user: Any, wo: WorkOrder) -> bool:
    return in_handling_unit(user, wo)


def branch_head_over_handling(user: Any, wo: WorkOrder) -> bool:
    return in_handling_unit(user, wo)


def extension_approver(user: Any, wo: WorkOrder) -> bool:
    # A center director approves for the whole bank; a branch head for cases handled in the branch.
    from kefu.org.permissions import P

    return user.has_kefu_perm(P.SCOPE_ALL_UNITS) or in_handling_unit(user, wo)


@dataclass(frozen=True)
class Transition:
    action: str
    label: Any
    sources: frozenset[str]
    target: str | None  # None: the status stays (recorded actions such as an extension request)
    permissions: tuple[str, ...]  # any of these
    who: Callable[[Any, WorkOrder], bool] = anyone
    who_text: Any = ""
    requires: tuple[str, ...] = ()
    recusal_applies: bool = False
    kinds: frozenset[str] | None = None  # None: every kind
    style: str = ""
    extra: dict = field(default_factory=dict)


_OPEN = frozenset(OPEN_STATUSES)
_HANDLING = frozenset(HANDLING_STATUSES | {S.WAITING_CUSTOMER, S.PENDING_SIGNOFF})
_DECIDED = frozenset({S.REPLIED, S.CALLED_BACK, S.CLOSED, S.ARCHIVED})

TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("accept", _("受理"), frozenset({S.NEW}), S.ACCEPTED, (WP.HANDLE, WP.INTAKE_BRANCH),
               who_text=_("中心座席或网点投诉管理人；受理人成为首问负责人")),
    Transition("answer", _("当场答复"), frozenset({S.ACCEPTED}), S.ANSWERED, (WP.HANDLE, WP.INTAKE_BRANCH),
               who_text=_("首问负责人所在机构"), requires=("answer",)),
    Transition("dispatch", _("派单"), frozenset({S.ACCEPTED, S.RETURNED}), S.DISPATCHED, (WP.HANDLE,),
               who_text=_("中心座席/班长；偏离派单规则须说明理由"), recusal_applies=False),
    Transition("start", _("开始处理"), frozenset({S.ACCEPTED, S.DISPATCHED, S.ESCALATED, S.RECHECK}),
               S.IN_PROGRESS, (WP.PROCESS, WP.HANDLE), who=handler, who_text=_("承办机构人员（回避人员除外）"),
               recusal_applies=True),
    Transition("wait_customer", _("等待客户补充"), frozenset({S.IN_PROGRESS}), S.WAITING_CUSTOMER,
               (WP.PROCESS, WP.HANDLE), who=handler, who_text=_("承办机构人员；时限暂停"), requires=("reason",),
               recusal_applies=True),
    Transition("customer_responded", _("客户已补充"), frozenset({S.WAITING_CUSTOMER}), S.IN_PROGRESS,
               (WP.PROCESS, WP.HANDLE), who=center_or_handler, who_text=_("承办机构人员或中心；时限恢复")),
    Transition("return", _("退回"), frozenset({S.DISPATCHED, S.IN_PROGRESS}), S.RETURNED, (WP.PROCESS,),
               who=handler, who_text=_("承办机构人员，须说明理由"), requires=("reason",)),
    Transition("co_handle", _("协办"), frozenset({S.IN_PROGRESS}), None, (WP.PROCESS, WP.HANDLE), who=handler,
               who_text=_("承办机构人员邀请其他机构协办"), requires=("to_unit", "reason"), recusal_applies=True),
    Transition("escalate", _("上报总行"), frozenset({S.DISPATCHED, S.IN_PROGRESS}), S.ESCALATED, (WP.PROCESS,),
               who=handler, who_text=_("超出分支机构权限时上报总行规范服务管理部门"), requires=("reason",),
               recusal_applies=True),
    Transition("resolve", _("办结"), frozenset({S.IN_PROGRESS}), S.RESOLVED, (WP.PROCESS, WP.HANDLE), who=handler,
               who_text=_("承办机构人员；网点办理的投诉须负责人签批"), requires=("resolution",),
               recusal_applies=True),
    Transition("sign_off", _("负责人签批"), frozenset({S.PENDING_SIGNOFF}), S.RESOLVED, (WP.SIGN_OFF,),
               who=branch_head_over_handling, who_text=_("承办网点/分行负责人"), recusal_applies=True),
    Transition("reject_signoff", _("签批退回"), frozenset({S.PENDING_SIGNOFF}), S.IN_PROGRESS, (WP.SIGN_OFF,),
               who=branch_head_over_handling, who_text=_("承办网点/分行负责人"), requires=("reason",)),
    Transition("reply", _("答复客户"), frozenset({S.RESOLVED}), S.REPLIED, (WP.HANDLE, WP.PROCESS),
               who=center_or_handler, who_text=_("中心或承办机构"), requires=("reply_text",)),
    Transition("callback", _("回访"), frozenset({S.REPLIED, S.ANSWERED}), S.CALLED_BACK, (WP.HANDLE,),
               who_text=_("中心座席；投诉必须回访"), requires=("satisfaction", "accepted")),
    Transition("callback_failed", _("回访未接通"), frozenset({S.REPLIED, S.ANSWERED}), None, (WP.HANDLE,),
               who_text=_("中心座席；第3次未接通记为无法联系")),
    Transition("close", _("关闭"), frozenset({S.ANSWERED, S.REPLIED, S.CALLED_BACK}), S.CLOSED, (WP.HANDLE,),
               who_text=_("中心；投诉须已回访或确认无法联系")),
    Transition("archive", _("归档"), frozenset({S.CLOSED, S.WITHDRAWN, S.MERGED}), S.ARCHIVED, (WP.ARCHIVE,),
               who_text=_("综合员或中心主任")),
    Transition("recheck", _("申请核查"), _DECIDED, S.RECHECK, (WP.HANDLE, WP.INTAKE_BRANCH),
               who_text=_("客户在收到处理决定30日内申请；由上级机构核查"), requires=("reason",),
               kinds=frozenset({Kind.COMPLAINT})),
    Transition("withdraw", _("撤诉"), _OPEN | {S.ANSWERED}, S.WITHDRAWN, (WP.HANDLE, WP.PROCESS),
               who=center_or_handler, who_text=_("客户撤回投诉，当日办结"), requires=("reason",)),
    Transition("request_extension", _("申请延期"), _HANDLING | {S.ACCEPTED}, None, (WP.PROCESS, WP.HANDLE),
               who=center_or_handler, who_text=_("承办机构或中心；须主任或负责人审批"), requires=("reason",),
               kinds=frozenset({Kind.COMPLAINT})),
    Transition("approve_extension", _("批准延期"), _HANDLING | {S.ACCEPTED}, None, (WP.APPROVE_EXTENSION,),
               who=extension_approver, who_text=_("中心主任或承办分行负责人（不得为申请人）"),
               kinds=frozenset({Kind.COMPLAINT})),
    Transition("reject_extension", _("驳回延期"), _HANDLING | {S.ACCEPTED}, None, (WP.APPROVE_EXTENSION,),
               who=extension_approver, who_text=_("中心主任或承办分行负责人（不得为申请人）"), requires=("reason",),
               kinds=frozenset({Kind.COMPLAINT})),
    Transition("supervise", _("督办"), _OPEN, None, (WP.SUPERVISE,), who_text=_("中心主任或班长"),
               requires=("reason",)),
    Transition("reassign", _("改派经办人"), _HANDLING, None, (WP.REASSIGN, WP.PROCESS), who=center_or_handler,
               who_text=_("班长/主任或承办机构，须说明理由"), requires=("assignee", "reason")),
    Transition("merge", _("合并到"), _OPEN - {S.RECHECK}, S.MERGED, (WP.MERGE,), who_text=_("班长或中心主任"),
               requires=("into",)),
]}


def _missing(t: Transition, fields: dict[str, Any]) -> dict[str, str]:
    return {name: str(_("此项为必填项")) for name in t.requires if fields.get(name) in (None, "", [])}


def _refusal(t: Transition, wo: WorkOrder, user: Any) -> type[Exception] | None:
    if wo.status not in t.sources or (t.kinds is not None and wo.kind not in t.kinds):
        return WorkOrderInvalidTransition
    if user is None or not any(user.has_kefu_perm(p) for p in t.permissions) or not t.who(user, wo):
        return TransitionForbidden
    if t.recusal_applies and is_recused(user, wo):
        return Recusal
    return None


def check(t: Transition, wo: WorkOrder, user: Any) -> None:
    """Raise unless ``user`` may make transition ``t`` on ``wo`` now."""
    refusal = _refusal(t, wo, user)
    if refusal is WorkOrderInvalidTransition:
        raise WorkOrderInvalidTransition(fields={"action": t.action, "status": wo.status})
    if refusal is not None:
        raise refusal(fields={"action": t.action})


def allowed_actions(wo: WorkOrder, user: Any) -> list[Transition]:
    """The transitions ``user`` may make now: the only buttons the UI shows (decided by the same predicate as
    ``check``, without building an error for each refused one)."""
    return [t for t in TRANSITIONS.values() if _refusal(t, wo, user) is None]


TRACKED_FIELDS = ["status", "handling_unit_id", "owner_id", "assignee_id", "severity", "due_at",
                  "regulatory_due_at", "reply_due_at", "extension_level", "is_supervised", "callback_attempts",
                  "callback_satisfaction", "callback_accepted", "callback_unreachable", "merged_into_id",
                  "recheck_count", "signed_off_by_id"]


def transition(*, workorder: WorkOrder, action: str, actor: Any, **fields: Any) -> WorkOrder:
    """Make one lifecycle move; raises ``workorder.invalid_transition`` (409), ``..._forbidden`` (403),
    ``workorder.recusal`` (403) or ``workorder.missing_fields`` (422)."""
    t = TRANSITIONS.get(action)
    if t is None:
        raise WorkOrderInvalidTransition(code="workorder.unknown_action", fields={"action": action})
    with transaction.atomic(), deferred():
        wo = WorkOrder.objects.select_for_update().get(pk=workorder.pk)
        applied = _apply(t, wo, actor, fields, timezone.now())
        wo.save()
        record_applied(workorder=wo, applied=applied, actor=actor).save(force_insert=True)
    # The caller's object takes the saved values (assigning an FK id drops a stale cached relation).
    for model_field in WorkOrder._meta.concrete_fields:
        setattr(workorder, model_field.attname, getattr(wo, model_field.attname))
        if model_field.is_relation and model_field.is_cached(wo):
            model_field.set_cached_value(workorder, model_field.get_cached_value(wo))
    return workorder


def log_event(*, wo: WorkOrder, action: str, actor: Any, from_status: str = "", to_status: str = "",
              data: dict | None = None, note: str = "", at=None) -> WorkOrderEvent:
    event = build_event(wo=wo, action=action, actor=actor, from_status=from_status, to_status=to_status,
                        data=data, note=note, at=at)
    event.save(force_insert=True)
    return event


def build_event(*, wo: WorkOrder, action: str, actor: Any, from_status: str = "", to_status: str = "",
                data: dict | None = None, note: str = "", at=None) -> WorkOrderEvent:
    """An unsaved timeline row (a caller writing several at once inserts them with one ``bulk_create``)."""
    return WorkOrderEvent(
        workorder=wo, action=action, from_status=from_status, to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(str(actor) if actor is not None else "system")[:150],
        created_at=at or timezone.now(), data=_jsonable(data or {}), note=note)


# Moves whose effect only sets fields on the row (no other row read or written): the intake may make them
# on a work order it has not inserted yet, so the row is inserted once in its accepted state.
UNSAVED_ACTIONS = frozenset({"accept"})


@dataclass
class Applied:
    """A move made on a work order in memory (``_apply``); ``record_applied`` records it."""

    action: str
    from_status: str
    to_status: str
    data: dict
    at: Any
    changes: dict
    note: str = ""


def _apply(t: Transition, wo: WorkOrder, actor: Any, fields: dict[str, Any], now: Any) -> Applied:
    """Check move ``t`` and make its effect on ``wo`` in memory (the caller saves the row)."""
    from .effects import EFFECTS

    check(t, wo, actor)
    missing = _missing(t, fields)
    if missing:
        raise MissingFields(fields=missing)
    before = snapshot(wo, TRACKED_FIELDS)
    from_status = wo.status
    effect = EFFECTS.get(t.action)
    outcome = effect(wo=wo, actor=actor, fields=fields, now=now) if effect else {}
    wo.status = outcome.pop("_target", None) or t.target or wo.status
    return Applied(action=t.action, from_status=from_status, to_status=wo.status,
                   data={k: v for k, v in outcome.items() if not k.startswith("_")}, at=now,
                   changes=field_changes(wo, before, TRACKED_FIELDS),
                   note=str(fields.get("reason") or fields.get("note") or "")[:2000])


def apply_unsaved(*, workorder: WorkOrder, action: str, actor: Any, at: Any) -> Applied:
    """Make move ``action`` (one of ``UNSAVED_ACTIONS``) on a work order the caller is about to insert in its
    open transaction: the same checks and effect as ``transition``; the caller inserts the row, then calls
    ``record_applied`` for the event, the audit entry and the signal."""
    if action not in UNSAVED_ACTIONS or workorder.pk is not None:
        raise RuntimeError(f"{action!r} cannot be applied to an unsaved work order")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("apply_unsaved needs the caller's open transaction")
    return _apply(TRANSITIONS[action], workorder, actor, {}, at)


def record_applied(*, workorder: WorkOrder, applied: Applied, actor: Any) -> WorkOrderEvent:
    """After the row is saved: the audit entry and the signal after commit; returns the timeline row unsaved
    (``transition`` inserts it at once, the intake with its other events)."""
    if workorder.pk is None:
        raise RuntimeError("record_applied needs the inserted work order")
    record(actor=actor, action=f"workorder.{applied.action}", obj=workorder, changes=applied.changes,
           reason=applied.note)
    transaction.on_commit(partial(_send_signal, workorder=workorder, action=applied.action,
                                  from_status=applied.from_status, to_status=applied.to_status, actor=actor))
    return build_event(wo=workorder, action=applied.action, actor=actor, from_status=applied.from_status,
                       to_status=applied.to_status, data=applied.data, note=applied.note, at=applied.at)


def _jsonable(data: dict) -> dict:
    import json

    return json.loads(json.dumps(data, default=str, ensure_ascii=False))


def _send_signal(*, workorder: WorkOrder, action: str, from_status: str, to_status: str, actor: Any) -> None:
    # Runs after commit: the instance holds exactly what was committed.
    from .signals import workorder_transitioned

    workorder_transitioned.send(sender=WorkOrder, workorder=workorder, action=action, from_status=from_status,
                                to_status=to_status, actor=actor if getattr(actor, "pk", None) else None)
