"""HTTP session API for PBXs and cloud telephony (and the softphone page).

``POST /api/v1/ivr/calls`` ``{"caller", "called"}`` → ``{"call_id", "prompts": [{"text", "audio_url"}],
"expect": {"max_digits", "timeout_ms"}}``; ``POST /api/v1/ivr/calls/{call_id}/input`` ``{"digits"}`` or
``{"timeout": true}`` → the next prompts and expect, or ``{"action": "transfer", "queue", "context"}``, or
``{"action": "hangup"}``. Extra keys (``step``, ``terminator``, ``barge_in``, ``say_digits``) are additive.
"""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema
from pydantic import Field

from kefu.common.errors import Forbidden
from kefu.org.access import require_perm

from . import selectors, services
from .choices import CallChannel
from .engine.types import Ask, Hangup, Output, Transfer
from .errors import CallNotFound
from .permissions import P
from .prompts import prompt_payload

PREFIX = "/ivr"
router = Router(tags=["ivr"])


class CallIn(Schema):
    caller: str = Field("", max_length=32)
    called: str = Field("", max_length=32)
    external_id: str = Field("", max_length=80)


class InputIn(Schema):
    digits: str | None = Field(None, max_length=32)
    timeout: bool = False
    hangup: bool = False
    step: int | None = Field(None, ge=0)


def _check_access(user: Any) -> str:
    if user.has_kefu_perm(P.GATEWAY):
        return CallChannel.HTTP
    require_perm(user, P.SOFTPHONE)
    return CallChannel.SOFTPHONE


def render_output(call_id: str, step: int, out: Output, handoff: dict[str, Any] | None = None) -> dict[str, Any]:
    prompts = [prompt_payload(p) for p in out.prompts]
    body: dict[str, Any] = {"call_id": call_id, "step": step, "prompts": prompts}
    if isinstance(out, Ask):
        e = out.expect
        body["expect"] = {"max_digits": e.max_digits, "timeout_ms": e.timeout_ms, "terminator": e.terminator,
                          "barge_in": e.barge_in, "secret": e.secret}
    elif isinstance(out, Transfer):
        body.update(action="transfer", queue=out.queue, context=handoff or out.context)
    elif isinstance(out, Hangup):
        body.update(action="hangup", disposition=out.disposition)
    return body


@router.post("/calls", summary="开始一通IVR呼叫")
def start_call(request, payload: CallIn):
    channel = _check_access(request.user)
    call, out = services.start_call(channel=channel, caller=payload.caller, called=payload.called,
                                    external_id=payload.external_id, actor=request.user)
    return render_output(call.call_id, call.step, out, call.handoff)


@router.post("/calls/{call_id}/input", summary="提交按键、超时或挂机")
def call_input(request, call_id: str, payload: InputIn):
    channel = _check_access(request.user)
    if len(call_id) > 32 or not call_id.isalnum():
        raise CallNotFound()
    if channel == CallChannel.SOFTPHONE and selectors.get_call(call_id).channel != CallChannel.SOFTPHONE:
        raise CallNotFound()  # a trainee's softphone never drives a real customer's call
    event = services.parse_event(digits=payload.digits, timeout=payload.timeout, hangup=payload.hangup)
    call, out = services.handle_input(call_id=call_id, event=event, actor=request.user, step=payload.step)
    return render_output(call.call_id, call.step, out, call.handoff)


@router.get("/calls/{call_id}/handoff", summary="转人工上下文")
def call_handoff(request, call_id: str):
    if not (request.user.has_kefu_perm(P.CALL_VIEW) or request.user.has_kefu_perm(P.GATEWAY)):
        raise Forbidden(code="auth.permission_required", fields={"permission": P.CALL_VIEW})
    return selectors.handoff_context(call_id)
