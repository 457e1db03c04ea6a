"""The state machine: menus, retries, authentication, agent transfer with callback offer, survey, goodbye.

The session is a JSON dict (persisted by the caller between steps). The current question is ``node`` +
``phase``; ``ask`` keeps the last question so ``*`` and retries can replay it. Self-service functions live
in :mod:`.selfservice`. Secrets (PIN, one-time code) pass through events and effect arguments only; they
are never written into the session.
"""

from __future__ import annotations

from typing import Any

from .flowdef import BACK, REPEAT, FlowDef, NodeDef
from .selfservice import SelfServiceMixin
from .types import (
    Ask,
    Digits,
    Effect,
    EffectDone,
    Expect,
    Hangup,
    HangupEvent,
    Output,
    Prompt,
    S,
    Timeout,
    Transfer,
    plain,
)


def copy_state(value: Any) -> Any:
    """A deep copy of the JSON session (dicts, lists and scalars), several times faster than
    ``copy.deepcopy`` (no memo); anything else is deep-copied the general way."""
    if isinstance(value, dict):
        return {k: copy_state(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_state(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    import copy

    return copy.deepcopy(value)


NUMBER_EXPECT = Expect(max_digits=19, timeout_ms=15000)
CHOICE_EXPECT = Expect(max_digits=1, timeout_ms=6000)
MENU_EXIT = {"0", "*"}


class Engine(SelfServiceMixin):
    def __init__(self, flow: FlowDef, *, pin_length: int = 6, otp_threshold_fen: int = 500000) -> None:
        self.flow = flow
        self.nodes = flow["nodes"]
        self.pin_length = pin_length
        self.otp_threshold_fen = otp_threshold_fen

    # ----------------------------------------------------------------- entry points
    def start(self, *, call_id: str) -> tuple[dict[str, Any], Output]:
        st: dict[str, Any] = {"call_id": call_id, "step": 0, "node": "", "phase": "", "retries": 0,
                              "verified": False, "cif_no": "", "path": [], "results": [], "last_intent": "",
                              "w": {}, "ask": None, "ended": False}
        welcome = self.flow["nodes"][self.flow["entry"]].get("params", {}).get("welcome", "")
        lead = [S(welcome)] if welcome else []
        out = self.enter(st, self.flow["entry"], lead=lead)
        return st, out

    def feed(self, state: dict[str, Any], event: Any) -> tuple[dict[str, Any], Output]:
        st = copy_state(state)
        if st.get("ended"):
            return st, Hangup([], st.get("disposition", ""))
        if isinstance(event, HangupEvent):
            return st, self.end(st, [], self._hangup_disposition(st))
        if isinstance(event, EffectDone):
            return st, self.on_effect(st, event)
        st["step"] += 1
        if isinstance(event, Timeout):
            return st, self.retry(st, S("您没有按键。"))
        if isinstance(event, Digits):
            digits = event.digits.rstrip("#")
            ask = st.get("ask") or {}
            if digits == "*" and ask.get("choice", True):
                return st, self.replay(st)
            if not digits:
                return st, self.retry(st, S("您没有按键。"))
            return st, self.on_digits(st, digits)
        raise TypeError(f"unknown event {event!r}")

    # ----------------------------------------------------------------- asking and retrying
    def ask(self, st: dict[str, Any], phase: str, prompts: list[Prompt], expect: Expect = CHOICE_EXPECT, *,
            choice: bool = True, lead: list[Prompt] | None = None) -> Ask:
        """Ask a question; ``choice`` questions accept ``*`` to repeat (number entry uses ``*`` as a
        decimal point)."""
        st["phase"] = phase
        st["ask"] = {"prompts": [plain(p) for p in prompts], "expect": plain(expect), "choice": choice}
        return Ask([*(lead or []), *prompts], expect)

    def replay(self, st: dict[str, Any], lead: list[Prompt] | None = None) -> Ask:
        ask = st["ask"]
        return Ask([*(lead or []), *[Prompt(**p) for p in ask["prompts"]]], Expect(**ask["expect"]))

    def retry(self, st: dict[str, Any], reason: Prompt) -> Output:
        st["retries"] = st.get("retries", 0) + 1
        if st["retries"] >= self.flow["max_retries"] or not st.get("ask"):
            st["last_intent"] = st.get("last_intent") or "input_failed"
            return self.to_agent(st, lead=[S("多次输入未成功，")], reason="input_failed")
        return self.replay(st, lead=[reason])

    def invalid(self, st: dict[str, Any], text: str = "输入有误，") -> Output:
        return self.retry(st, S(text))

    # ----------------------------------------------------------------- nodes
    def node(self, key: str) -> NodeDef:
        return self.nodes[key]

    def enter(self, st: dict[str, Any], key: str, *, lead: list[Prompt] | None = None) -> Output:
        node = self.node(key)
        st["node"], st["phase"], st["retries"], st["w"] = key, "", 0, {}
        st["path"].append(key)
        lead = lead or []
        kind = node["kind"]
        if kind == "menu":
            expect = Expect(max_digits=node.get("max_digits", 1), timeout_ms=node.get("timeout_ms", 5000),
                            barge_in=node.get("barge_in", True))
            return self.ask(st, "menu", [S(node["prompt"])], expect, lead=lead)
        if kind == "transfer":
            return self.to_agent(st, lead=lead, queue=node.get("params", {}).get("queue"), via_node=True)
        if kind == "hangup":
            return self.end(st, [*lead, S(node.get("prompt") or "感谢您的来电，再见。")], self._hangup_disposition(st))
        # A self-service function
        st["last_intent"] = node.get("function", key)
        if node.get("requires_auth") and not st["verified"]:
            st["pending"] = key
            return self.start_auth(st, lead=lead)
        return self.start_function(st, node, lead)

    def finish(self, st: dict[str, Any], prompts: list[Prompt], *, outcome: dict[str, Any] | None = None) -> Output:
        """A function is done: record its outcome, speak its result and go to its ``next`` node."""
        if outcome:
            st["results"].append(outcome)
        node = self.node(st["node"])
        return self.enter(st, node.get("next") or self.flow["entry"], lead=prompts)

    def on_digits(self, st: dict[str, Any], digits: str) -> Output:
        phase = st["phase"]
        if phase == "menu":
            return self.on_menu(st, digits)
        handler = getattr(self, f"on_{phase}", None)
        if handler is None:
            return self.invalid(st)
        return handler(st, digits)

    def on_menu(self, st: dict[str, Any], digits: str) -> Output:
        node = self.node(st["node"])
        target = node.get("options", {}).get(digits)
        if target is None:
            return self.invalid(st)
        st["path"].append(f"{st['node']}:{digits}")
        if target == REPEAT:
            return self.replay(st)
        if target == BACK:
            return self.enter(st, self.flow["entry"])
        return self.enter(st, target)

    def on_effect(self, st: dict[str, Any], done: EffectDone) -> Output:
        handler = getattr(self, f"done_{done.name}", None)
        if handler is None:
            raise ValueError(f"unexpected effect result {done.name}")
        return handler(st, done)

    # ----------------------------------------------------------------- authentication
    def start_auth(self, st: dict[str, Any], *, lead: list[Prompt] | None = None) -> Output:
        return self.ask(st, "auth_id", [S("请输入您的银行卡号或账号，以井号键结束。")], NUMBER_EXPECT,
                        choice=False, lead=lead)

    def on_auth_id(self, st: dict[str, Any], digits: str) -> Output:
        if not digits.isdigit() or not 8 <= len(digits) <= 19:
            return self.invalid(st, "卡号或账号格式有误，")
        st["phase"] = "auth_lookup"
        return Effect("lookup_medium", {"number": digits, "kind": "any"})

    def done_lookup_medium(self, st: dict[str, Any], done: EffectDone) -> Output:
        if st["phase"] == "loss_lookup":
            return self.loss_after_lookup(st, done)
        data = done.data
        if done.error or not data.get("found"):
            st["phase"] = "auth_id"
            return self.invalid(st, "未查询到该卡号或账号，")
        st["w"]["auth_cif"] = data["cif_no"]
        return self.check_credential(st, data, success_phase="auth_pin")

    def check_credential(self, st: dict[str, Any], data: dict[str, Any], *, success_phase: str) -> Output:
        if not data.get("has_pin"):
            st["last_intent"] = "no_phone_pin"
            return self.to_agent(st, lead=[S("您尚未开通电话银行服务，")], reason="no_phone_pin")
        if data.get("locked"):
            return self.locked(st)
        return self.ask(st, success_phase, [S(f"请输入{self.pin_length}位电话银行密码，以井号键结束。")],
                        Expect(max_digits=self.pin_length, timeout_ms=15000, secret=True), choice=False)

    def on_auth_pin(self, st: dict[str, Any], digits: str) -> Output:
        st["path"].append("auth:****")
        if not digits.isdigit():
            return self.invalid(st, "密码格式有误，")
        st["phase"] = "auth_verify"
        return Effect("verify_pin", {"cif_no": st["w"]["auth_cif"], "pin": digits})

    def done_verify_pin(self, st: dict[str, Any], done: EffectDone) -> Output:
        in_loss = st["phase"] == "loss_verify"
        data = done.data
        if data.get("ok"):
            st["verified"], st["cif_no"] = True, data["cif_no"]
            st["results"].append({"function": "auth", "outcome": "verified"})
            if in_loss:
                return self.loss_confirm(st)
            pending = st.pop("pending", None) or self.flow["entry"]
            node = self.node(pending)
            st["retries"] = 0
            return self.start_function(st, node, [S("验证通过。")])
        if data.get("locked"):
            st["results"].append({"function": "auth", "outcome": "locked"})
            return self.locked(st)
        st["results"].append({"function": "auth", "outcome": "wrong_pin"})
        st["phase"] = "loss_pin" if in_loss else "auth_pin"
        remaining = int(data.get("remaining", 0))
        # Wrong PINs are counted by the credential (persisted), not by the prompt retries.
        return self.replay(st, lead=[S(f"密码错误，您还可以尝试{remaining}次。")])

    def locked(self, st: dict[str, Any]) -> Output:
        st["last_intent"] = "pin_locked"
        st["locked"] = True
        return self.ask(st, "locked", [S("由于密码连续输错，您的电话银行服务已被锁定。"
                                          "转人工服务请按0，重听请按星号键，结束通话请按9。")])

    def on_locked(self, st: dict[str, Any], digits: str) -> Output:
        if digits == "0":
            return self.to_agent(st, reason="pin_locked")
        if digits == "9":
            return self.end(st, [S("感谢您的来电，再见。")], "locked")
        return self.invalid(st)

    # ----------------------------------------------------------------- agent, callback, survey, goodbye
    def agent_node(self) -> str | None:
        target = self.node(self.flow["entry"]).get("options", {}).get("0")
        return target if target and target in self.nodes else None

    def to_agent(self, st: dict[str, Any], *, lead: list[Prompt] | None = None, queue: str | None = None,
                 reason: str = "caller_request", via_node: bool = False) -> Output:
        if not via_node:
            key = self.agent_node()
            if key:
                st["node"] = key
                st["path"].append(key)
                queue = queue or self.node(key).get("params", {}).get("queue")
        st["w"] = {"queue": queue or self.flow["default_queue"], "reason": reason, "lead": [plain(p) for p in lead or []]}
        st["phase"] = "queue_status"
        return Effect("queue_status", {"queue": st["w"]["queue"]})

    def done_queue_status(self, st: dict[str, Any], done: EffectDone) -> Output:
        lead = [Prompt(**p) for p in st["w"].get("lead", [])]
        if done.data.get("offer_callback"):
            st["w"]["waiting"] = int(done.data.get("waiting", 0))
            minutes = max(1, int(done.data.get("estimated_wait_s", 0)) // 60)
            return self.ask(st, "callback_offer", [
                S(f"当前排队人数较多，预计等待约{minutes}分钟。继续等待请按1，预约人工回电请按2，重听请按星号键。")], lead=lead)
        return self.transfer(st, lead)

    def on_callback_offer(self, st: dict[str, Any], digits: str) -> Output:
        if digits == "1":
            return self.transfer(st, [])
        if digits == "2":
            st["phase"] = "callback_store"
            return Effect("callback", {"queue": st["w"]["queue"], "waiting": st["w"].get("waiting", 0)})
        return self.invalid(st)

    def done_callback(self, st: dict[str, Any], done: EffectDone) -> Output:
        if done.error:
            return self.transfer(st, [S("回电登记暂不可用，")])
        st["results"].append({"function": "callback", "outcome": "requested", "queue": st["w"]["queue"]})
        return self.end(st, [S("已为您登记人工回电，我们将尽快按来电号码与您联系。感谢您的来电，再见。")], "callback")

    def handoff_context(self, st: dict[str, Any], reason: str = "") -> dict[str, Any]:
        return {
            "call_id": st["call_id"],
            "verified": bool(st["verified"]),
            "cif_no": st["cif_no"],
            "menu_path": list(st["path"]),
            "last_intent": st.get("last_intent", ""),
            "results": list(st["results"]),
            "reason": reason,
        }

    def transfer(self, st: dict[str, Any], lead: list[Prompt]) -> Transfer:
        queue = st["w"]["queue"]
        context = self.handoff_context(st, st["w"].get("reason", ""))
        st["ended"], st["disposition"], st["phase"] = True, "transferred", "transferred"
        return Transfer([*lead, S("正在为您转接人工服务，请稍候。")], queue, context)

    def end(self, st: dict[str, Any], prompts: list[Prompt], disposition: str) -> Hangup:
        st["ended"], st["disposition"], st["phase"] = True, disposition, "ended"
        return Hangup(prompts, disposition)

    def _hangup_disposition(self, st: dict[str, Any]) -> str:
        if st.get("locked"):
            return "locked"
        served = any(r.get("outcome") in {"ok", "posted", "reported", "subscribed", "cancelled_alerts", "rated"}
                     for r in st["results"] if r.get("function") != "auth")
        return "self_served" if served else "abandoned"
