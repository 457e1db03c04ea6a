"""The version workflow as one explicit state machine.

    draft --submit--> in_review --approve--> approved --publish--> published --withdraw--> withdrawn
                         |          \\--approve (product/fee)--> pending_compliance --compliance_approve--> approved
                         \\--reject--> rejected --reopen--> draft        (reject also from pending_compliance/approved)
    published --(a newer version is published)--> superseded

Who may fire each action is declared next to it; maker-checker rules live in ``services.workflow``.
"""

from __future__ import annotations

from kefu.common.errors import KefuError

from .choices import VersionStatus as S
from .choices import WorkflowAction as A
from .permissions import KP

TRANSITIONS: dict[str, dict[str, str]] = {
    S.DRAFT: {A.SUBMIT: S.IN_REVIEW},
    S.IN_REVIEW: {A.APPROVE: S.APPROVED, A.REJECT: S.REJECTED},
    S.PENDING_COMPLIANCE: {A.COMPLIANCE_APPROVE: S.APPROVED, A.REJECT: S.REJECTED},
    S.APPROVED: {A.PUBLISH: S.PUBLISHED, A.REJECT: S.REJECTED},
    S.REJECTED: {A.REOPEN: S.DRAFT},
    S.PUBLISHED: {A.WITHDRAW: S.WITHDRAWN},
    S.SUPERSEDED: {},
    S.WITHDRAWN: {},
}

# The permission an action needs; rejecting needs the permission of the step being rejected.
ACTION_PERMISSION: dict[str, str] = {
    A.SUBMIT: KP.AUTHOR,
    A.REOPEN: KP.AUTHOR,
    A.APPROVE: KP.APPROVE,
    A.COMPLIANCE_APPROVE: KP.COMPLIANCE_REVIEW,
    A.PUBLISH: KP.PUBLISH,
    A.WITHDRAW: KP.PUBLISH,
}
REJECT_PERMISSION: dict[str, str] = {
    S.IN_REVIEW: KP.APPROVE,
    S.PENDING_COMPLIANCE: KP.COMPLIANCE_REVIEW,
    S.APPROVED: KP.PUBLISH,
}
# Actions whose actor must not be the version's author (maker-checker).
CHECKER_ACTIONS = {A.APPROVE, A.COMPLIANCE_APPROVE}
# Actions that need a written reason.
REASON_REQUIRED = {A.REJECT, A.WITHDRAW}


def target_status(status: str, action: str, *, requires_compliance: bool) -> str | None:
    """Where ``action`` leads from ``status``, or None when it is not allowed."""
    target = TRANSITIONS.get(status, {}).get(action)
    if target == S.APPROVED and action == A.APPROVE and requires_compliance:
        return S.PENDING_COMPLIANCE
    return target


def permission_for(status: str, action: str) -> str | None:
    if action == A.REJECT:
        return REJECT_PERMISSION.get(status)
    return ACTION_PERMISSION.get(action)


def allowed_actions(version, user) -> list[str]:
    """Actions ``user`` may fire on ``version`` now (used to show only valid buttons)."""
    from .services.workflow import check_actor

    actions = []
    for action in TRANSITIONS.get(version.status, {}):
        try:
            check_actor(version=version, action=action, actor=user)
        except KefuError:
            continue  # a refused action is simply not offered
        actions.append(action)
    return actions
