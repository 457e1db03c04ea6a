"""Self-service functions of the engine: balance, transactions, transfer, loss report, information,
SMS alerts (短信通) and the satisfaction survey. Each one asks questions (``on_<phase>``) and requests
effects whose results come back to ``done_<effect>``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from .flowdef import NodeDef
from .speech import money, money_text, parse_amount
from .types import D, Effect, EffectDone, Expect, Output, Prompt, S

if TYPE_CHECKING:  # pragma: no cover
    from .machine import Engine as _Base
else:
    _Base = object

AMOUNT_EXPECT = Expect(max_digits=12, timeout_ms=15000)
DATE_EXPECT = Expect(max_digits=8, timeout_ms=15000)
CODE_EXPECT = Expect(max_digits=6, timeout_ms=60000, secret=True)
MAX_CHOICES = 9
# result_unknown: the HTTP adapter gave up retrying a keyed call whose outcome it never saw.
AMBIGUOUS_ERRORS = {"corebank.unavailable", "corebank.result_unknown", "ivr.effect_failed"}

TRANSFER_ERRORS = {
    "corebank.limit_exceeded": "转账金额超过限额，",
    "corebank.insufficient_funds": "账户余额不足，",
    "corebank.payee_not_registered": "收款人未登记，",
    "corebank.frozen": "账户已冻结，",
}


def _choice_prompts(items: list[dict[str, Any]], label_key: str = "label") -> list[Prompt]:
    out: list[Prompt] = []
    for i, item in enumerate(items[:MAX_CHOICES], start=1):
        out += [Prompt(item[label_key], sensitive=True), S("尾号"), D(item["last4"]), S(f"请按{i}，")]
    return out


class SelfServiceMixin(_Base):
    def start_function(self, st: dict[str, Any], node: NodeDef, lead: list[Prompt]) -> Output:
        fn = node.get("function", "")
        st["w"] = {"lead": [p.__dict__ for p in lead]}
        if fn == "balance":
            st["phase"] = "balance_wait"
            return Effect("balance", {"cif_no": st["cif_no"]})
        if fn == "transactions":
            known = st.get("tx_accounts") or {}
            if known.get("cif_no") == st["cif_no"] and known.get("accounts"):
                # Listed earlier in this call (references and labels only, never balances): no core call.
                return self.done_accounts(st, EffectDone("accounts", {"accounts": known["accounts"]}))
            st["phase"] = "tx_accounts"
            return Effect("accounts", {"cif_no": st["cif_no"]})
        if fn == "transfer":
            st["phase"] = "xfer_setup"
            return Effect("transfer_setup", {"cif_no": st["cif_no"]})
        if fn == "loss_report":
            return self.ask(st, "loss_kind", [S(node.get("prompt") or
                                                "挂失银行卡请按1，挂失存折请按2，转人工服务请按0，重听请按星号键。")], lead=lead)
        if fn in {"rates", "fees", "business_scope"}:
            st["phase"] = "info_wait"
            return Effect("info", {"topic": fn})
        if fn == "alerts":
            return self.ask(st, "alerts_menu", [S("开通或修改短信通提醒请按1，取消短信通请按2，重听请按星号键。")], lead=lead)
        if fn == "survey":
            return self.ask(st, "survey", [S(node.get("prompt") or
                                              "请对本次服务进行评价：非常满意请按5，满意请按4，一般请按3，不满意请按2，非常不满意请按1。")],
                            lead=lead)
        raise ValueError(f"unknown function {fn}")

    def _lead(self, st: dict[str, Any]) -> list[Prompt]:
        return [Prompt(**p) for p in st["w"].get("lead", [])]

    # ----------------------------------------------------------------- balance
    def done_balance(self, st: dict[str, Any], done: EffectDone) -> Output:
        if done.error:
            return self.finish(st, [*self._lead(st), S("系统繁忙，暂时无法查询余额。")],
                               outcome={"function": "balance", "outcome": "error", "error": done.error})
        prompts = self._lead(st)
        accounts = done.data.get("accounts", [])
        self._remember_tx_accounts(st, done.data.get("tx_accounts"))
        for acc in accounts:
            prompts += [S("您尾号"), D(acc["last4"]), S(f"的{acc['label']}可用余额为人民币"), *money(acc["available_fen"]),
                        S("。")]
        if not accounts:
            prompts.append(S("未查询到可用账户。"))
        return self.finish(st, prompts, outcome={"function": "balance", "outcome": "ok", "accounts": len(accounts)})

    # ----------------------------------------------------------------- transactions
    @staticmethod
    def _remember_tx_accounts(st: dict[str, Any], accounts: list[dict[str, Any]] | None) -> None:
        """Keep the verified caller's accounts for transaction queries for the rest of the call: encrypted
        references, last four digits and labels only (a balance is always read fresh)."""
        if accounts:
            st["tx_accounts"] = {"cif_no": st["cif_no"], "accounts": [
                {"ref": a["ref"], "last4": a["last4"], "label": a["label"]} for a in accounts[:MAX_CHOICES]]}

    def done_accounts(self, st: dict[str, Any], done: EffectDone) -> Output:
        accounts = done.data.get("accounts", [])
        if done.error or not accounts:
            return self.finish(st, [*self._lead(st), S("未查询到可查询的账户。")],
                               outcome={"function": "transactions", "outcome": "no_account"})
        self._remember_tx_accounts(st, accounts)
        st["w"]["accounts"] = accounts[:MAX_CHOICES]
        if len(accounts) == 1:
            return self.tx_account_chosen(st, accounts[0])
        return self.ask(st, "tx_pick", [S("请选择账户："), *_choice_prompts(accounts)], lead=self._lead(st))

    def on_tx_pick(self, st: dict[str, Any], digits: str) -> Output:
        accounts = st["w"]["accounts"]
        if not digits.isdigit() or not 1 <= int(digits) <= len(accounts):
            return self.invalid(st)
        st["w"]["lead"] = []
        return self.tx_account_chosen(st, accounts[int(digits) - 1])

    def tx_account_chosen(self, st: dict[str, Any], account: dict[str, Any]) -> Output:
        params = self.node(st["node"]).get("params", {})
        st["w"]["account"] = account
        mode = params.get("mode", "last_n")
        if mode == "range":
            return self.ask(st, "tx_start", [S("请输入查询起始日期，例如2026年1月5日请输入20260105，以井号键结束。")],
                            DATE_EXPECT, choice=False, lead=self._lead(st))
        st["phase"] = "tx_wait"
        return Effect("transactions", {"account_ref": account["ref"], "mode": mode, "n": int(params.get("n", 5))})

    @staticmethod
    def _parse_date(digits: str) -> date | None:
        if len(digits) != 8 or not digits.isdigit():
            return None
        try:
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            return None

    def on_tx_start(self, st: dict[str, Any], digits: str) -> Output:
        start = self._parse_date(digits)
        if start is None:
            return self.invalid(st, "日期格式有误，")
        st["w"]["start"] = start.isoformat()
        st["w"]["lead"] = []
        return self.ask(st, "tx_end", [S("请输入查询截止日期，以井号键结束。")], DATE_EXPECT, choice=False)

    def on_tx_end(self, st: dict[str, Any], digits: str) -> Output:
        end = self._parse_date(digits)
        if end is None or end.isoformat() < st["w"]["start"]:
            return self.invalid(st, "截止日期有误，")
        st["phase"] = "tx_wait"
        params = self.node(st["node"]).get("params", {})
        return Effect("transactions", {"account_ref": st["w"]["account"]["ref"], "mode": "range",
                                       "start": st["w"]["start"], "end": end.isoformat(),
                                       "n": int(params.get("n", 10))})

    def done_transactions(self, st: dict[str, Any], done: EffectDone) -> Output:
        lead = self._lead(st)
        if done.error == "ivr.range_too_long":
            return self.finish(st, [*lead, S("查询区间过长，请缩短日期范围或转人工服务。")],
                               outcome={"function": "transactions", "outcome": "range_too_long"})
        if done.error:
            return self.finish(st, [*lead, S("系统繁忙，暂时无法查询明细。")],
                               outcome={"function": "transactions", "outcome": "error", "error": done.error})
        txns = done.data.get("transactions", [])
        prompts = [*lead, S(f"共查询到{len(txns)}笔交易。")]
        for i, t in enumerate(txns, start=1):
            kind = "收入" if t["amount_fen"] > 0 else "支出"
            # The description can name a counterparty: customer data, never rendered to a cached audio file.
            prompts += [S(f"第{i}笔，{t['date_text']}，"), Prompt(t["description"], sensitive=True), S(f"，{kind}"),
                        *money(abs(t["amount_fen"])),
                        S("，余额"), *money(t["balance_after_fen"]), S("。")]
        return self.finish(st, prompts, outcome={"function": "transactions", "outcome": "ok",
                                                 "mode": done.data.get("mode", ""), "count": len(txns)})

    # ----------------------------------------------------------------- transfer
    def done_transfer_setup(self, st: dict[str, Any], done: EffectDone) -> Output:
        lead = self._lead(st)
        data = done.data
        if done.error:
            return self.finish(st, [*lead, S("系统繁忙，暂时无法办理转账。")],
                               outcome={"function": "transfer", "outcome": "error", "error": done.error})
        if not data.get("payees"):
            return self.finish(st, [*lead, S("您尚未登记转账收款人，请到网点或网上银行登记后再使用电话转账。")],
                               outcome={"function": "transfer", "outcome": "no_payee"})
        if not data.get("accounts"):
            return self.finish(st, [*lead, S("没有可用于转账的账户。")],
                               outcome={"function": "transfer", "outcome": "no_account"})
        st["w"].update(accounts=data["accounts"][:MAX_CHOICES], payees=data["payees"][:MAX_CHOICES],
                       limits=data["limits"])
        if len(st["w"]["accounts"]) == 1:
            st["w"]["from"] = st["w"]["accounts"][0]
            return self.ask_payee(st, lead)
        return self.ask(st, "xfer_from", [S("请选择转出账户："), *_choice_prompts(st["w"]["accounts"])], lead=lead)

    def on_xfer_from(self, st: dict[str, Any], digits: str) -> Output:
        accounts = st["w"]["accounts"]
        if not digits.isdigit() or not 1 <= int(digits) <= len(accounts):
            return self.invalid(st)
        st["w"]["from"] = accounts[int(digits) - 1]
        return self.ask_payee(st, [])

    def ask_payee(self, st: dict[str, Any], lead: list[Prompt]) -> Output:
        return self.ask(st, "xfer_payee", [S("请选择收款人："), *_choice_prompts(st["w"]["payees"])], lead=lead)

    def on_xfer_payee(self, st: dict[str, Any], digits: str) -> Output:
        payees = st["w"]["payees"]
        if not digits.isdigit() or not 1 <= int(digits) <= len(payees):
            return self.invalid(st)
        st["w"]["payee"] = payees[int(digits) - 1]
        st["retries"] = 0
        return self.ask(st, "xfer_amount", [S("请输入转账金额，元以下金额请用星号键分隔，以井号键结束。")],
                        AMOUNT_EXPECT, choice=False)

    def on_xfer_amount(self, st: dict[str, Any], digits: str) -> Output:
        amount = parse_amount(digits)
        if not amount:
            return self.invalid(st, "金额格式有误，")
        limits = st["w"]["limits"]
        if amount > limits["per_transaction_fen"]:
            return self.invalid(st, f"超过单笔限额{money_text(limits['per_transaction_fen'])}，")
        if amount + limits.get("used_today_fen", 0) > limits["daily_fen"]:
            left = max(0, limits["daily_fen"] - limits.get("used_today_fen", 0))
            return self.invalid(st, f"超过当日累计限额，今日还可转账{money_text(left)}，")
        if amount > st["w"]["from"].get("available_fen", amount):
            return self.invalid(st, "账户可用余额不足，")
        st["w"]["amount_fen"] = amount
        # The idempotency key is fixed when the transfer is drafted: a retried confirmation (a PBX resend,
        # a FastAGI reconnect) carries the same key, so the core posts it at most once.
        st["w"]["key"] = f"ivr-{st['call_id']}-xfer-{st['step']}"
        st["retries"] = 0
        return self.ask_transfer_confirm(st)

    def ask_transfer_confirm(self, st: dict[str, Any]) -> Output:
        w = st["w"]
        return self.ask(st, "xfer_confirm", [
            S("您将从尾号"), D(w["from"]["last4"]), S("的账户向"), Prompt(w["payee"]["label"], sensitive=True), S("尾号"), D(w["payee"]["last4"]),
            S("转账人民币"), *money(w["amount_fen"]), S("。确认请按1，取消请按2，重听请按星号键。")])

    def on_xfer_confirm(self, st: dict[str, Any], digits: str) -> Output:
        if digits == "2" and st["w"].get("unconfirmed"):
            return self.finish(st, [S("已取消重新提交。如账户已扣款，请转人工服务核实。")],
                               outcome={"function": "transfer", "outcome": "unconfirmed", "key": st["w"]["key"]})
        if digits == "2":
            return self.finish(st, [S("转账已取消。")], outcome={"function": "transfer", "outcome": "cancelled"})
        if digits != "1":
            return self.invalid(st)
        if st["w"]["amount_fen"] >= self.otp_threshold_fen and not st["w"].get("otp_ok"):
            st["phase"] = "xfer_otp_send"
            return Effect("send_otp", {"cif_no": st["cif_no"], "key": st["w"]["key"]})
        return self.post_transfer(st)

    def done_send_otp(self, st: dict[str, Any], done: EffectDone) -> Output:
        if done.error:
            return self.finish(st, [S("短信验证码发送失败，转账未办理。")],
                               outcome={"function": "transfer", "outcome": "otp_unavailable"})
        st["w"]["otp"] = done.data  # salt, digest and expiry only; the code itself went to the phone
        st["retries"] = 0
        return self.ask(st, "xfer_otp", [S("验证码已发送到您的预留手机，请输入6位短信验证码，以井号键结束。")],
                        CODE_EXPECT, choice=False)

    def on_xfer_otp(self, st: dict[str, Any], digits: str) -> Output:
        st["path"].append("otp:****")
        st["phase"] = "xfer_otp_check"
        return Effect("verify_otp", {"code": digits, **st["w"]["otp"]})

    def done_verify_otp(self, st: dict[str, Any], done: EffectDone) -> Output:
        if done.data.get("ok"):
            st["w"]["otp_ok"] = True
            return self.post_transfer(st)
        st["phase"] = "xfer_otp"
        if done.data.get("expired"):
            return self.finish(st, [S("验证码已过期，转账未办理。")], outcome={"function": "transfer", "outcome": "otp_expired"})
        return self.invalid(st, "验证码错误，")

    def post_transfer(self, st: dict[str, Any]) -> Output:
        w = st["w"]
        st["phase"] = "xfer_post"
        return Effect("transfer", {"from_ref": w["from"]["ref"], "payee_id": w["payee"]["payee_id"],
                                   "amount_fen": w["amount_fen"], "idempotency_key": w["key"]})

    def done_transfer(self, st: dict[str, Any], done: EffectDone) -> Output:
        w = st["w"]
        outcome = {"function": "transfer", "amount_fen": w["amount_fen"],
                   "payee": f"{w['payee']['label']}({w['payee']['last4']})"}
        if done.error in AMBIGUOUS_ERRORS:
            # The core may have posted (its answer was lost): offer the same step again with the same key,
            # which the core replays instead of posting twice.
            w["unconfirmed"] = True
            return self.ask(st, "xfer_confirm", [S("系统暂时繁忙，转账结果未确认。重新提交请按1，不会重复扣款；取消请按2。")])
        if done.error:
            text = TRANSFER_ERRORS.get(done.error, "系统繁忙，")
            return self.finish(st, [S(f"{text}转账未成功。")], outcome={**outcome, "outcome": "failed", "error": done.error})
        data = done.data
        return self.finish(st, [S("转账成功，交易流水号后四位"), D(data["transfer_id"][-4:]), S("，转出账户余额为人民币"),
                                *money(data["balance_after_fen"]), S("。")],
                           outcome={**outcome, "outcome": "posted", "transfer_id": data["transfer_id"],
                                    "replayed": bool(data.get("replayed"))})

    # ----------------------------------------------------------------- loss report
    def on_loss_kind(self, st: dict[str, Any], digits: str) -> Output:
        if digits == "0":
            st["last_intent"] = "loss_report"
            return self.to_agent(st, reason="loss_report")
        if digits not in {"1", "2"}:
            return self.invalid(st)
        st["w"]["kind"] = "card" if digits == "1" else "passbook"
        label = "卡号" if digits == "1" else "存折账号"
        st["retries"] = 0
        return self.ask(st, "loss_number", [S(f"请输入要挂失的{label}，以井号键结束。")], Expect(max_digits=19, timeout_ms=15000),
                        choice=False)

    def on_loss_number(self, st: dict[str, Any], digits: str) -> Output:
        if not digits.isdigit() or not 8 <= len(digits) <= 19:
            return self.invalid(st, "号码格式有误，")
        st["phase"] = "loss_lookup"
        return Effect("lookup_medium", {"number": digits, "kind": st["w"]["kind"]})

    def loss_after_lookup(self, st: dict[str, Any], done: EffectDone) -> Output:
        data = done.data
        if done.error or not data.get("found"):
            st["phase"] = "loss_number"
            return self.invalid(st, "未查询到该卡或存折，")
        st["w"].update(medium_ref=data["medium_ref"], last4=data["last4"], owner=data["cif_no"],
                       kind=data.get("kind") or st["w"]["kind"])
        if st["verified"] and st["cif_no"] == data["cif_no"]:
            return self.loss_confirm(st)
        st["w"]["auth_cif"] = data["cif_no"]
        return self.check_credential(st, data, success_phase="loss_pin")

    def on_loss_pin(self, st: dict[str, Any], digits: str) -> Output:
        st["path"].append("auth:****")
        if not digits.isdigit():
            return self.invalid(st, "密码格式有误，")
        st["phase"] = "loss_verify"
        return Effect("verify_pin", {"cif_no": st["w"]["auth_cif"], "pin": digits})

    def loss_confirm(self, st: dict[str, Any]) -> Output:
        label = "银行卡" if st["w"]["kind"] == "card" else "存折"
        st["w"]["key"] = f"ivr-{st['call_id']}-loss-{st['step']}"
        st["retries"] = 0
        return self.ask(st, "loss_confirm", [S("您要挂失尾号"), D(st["w"]["last4"]),
                                             S(f"的{label}，挂失后将立即冻结。确认请按1，取消请按2，重听请按星号键。")])

    def on_loss_confirm(self, st: dict[str, Any], digits: str) -> Output:
        if digits == "2":
            return self.finish(st, [S("挂失已取消。")], outcome={"function": "loss_report", "outcome": "cancelled"})
        if digits != "1":
            return self.invalid(st)
        st["phase"] = "loss_post"
        return Effect("report_loss", {"cif_no": st["w"]["owner"], "medium_ref": st["w"]["medium_ref"],
                                      "kind": st["w"]["kind"], "idempotency_key": st["w"]["key"]})

    def done_report_loss(self, st: dict[str, Any], done: EffectDone) -> Output:
        if done.error == "corebank.frozen":
            return self.finish(st, [S("该卡或存折已处于冻结或挂失状态，无需重复挂失。")],
                               outcome={"function": "loss_report", "outcome": "already_frozen"})
        if done.error:
            st["last_intent"] = "loss_report"
            return self.to_agent(st, lead=[S("挂失暂未成功，")], reason="loss_report_failed")
        data = done.data
        return self.finish(st, [S("挂失成功，已立即冻结。挂失编号后四位"), D(data["report_id"][-4:]),
                                S("。确认短信将发送到您的预留手机，请于五日内携带有效身份证件到网点办理正式挂失或补办。")],
                           outcome={"function": "loss_report", "outcome": "reported", "report_id": data["report_id"],
                                    "medium": f"{st['w']['kind']}({st['w']['last4']})",
                                    "workorder": data.get("workorder_number", "")})

    # ----------------------------------------------------------------- information
    def done_info(self, st: dict[str, Any], done: EffectDone) -> Output:
        fn = self.node(st["node"]).get("function", "")
        if done.error:
            return self.finish(st, [*self._lead(st), S("系统繁忙，暂时无法播报。")],
                               outcome={"function": fn, "outcome": "error"})
        return self.finish(st, [*self._lead(st), *[S(t) for t in done.data.get("lines", [])]],
                           outcome={"function": fn, "outcome": "ok"})

    # ----------------------------------------------------------------- 短信通 SMS alerts
    def on_alerts_menu(self, st: dict[str, Any], digits: str) -> Output:
        if digits == "1":
            st["retries"] = 0
            return self.ask(st, "alerts_amount", [S("请输入提醒金额起点，单笔交易达到该金额时发送短信，以井号键结束。")],
                            AMOUNT_EXPECT, choice=False)
        if digits == "2":
            st["phase"] = "alerts_wait"
            return Effect("alerts_cancel", {"cif_no": st["cif_no"]})
        return self.invalid(st)

    def on_alerts_amount(self, st: dict[str, Any], digits: str) -> Output:
        amount = parse_amount(digits)
        if amount is None:
            return self.invalid(st, "金额格式有误，")
        st["phase"] = "alerts_wait"
        return Effect("alerts_subscribe", {"cif_no": st["cif_no"], "threshold_fen": amount})

    def done_alerts_subscribe(self, st: dict[str, Any], done: EffectDone) -> Output:
        if done.error:
            return self.finish(st, [S("短信通设置未成功。")], outcome={"function": "alerts", "outcome": "error"})
        return self.finish(st, [S(f"已为您的{done.data.get('accounts', 0)}个账户开通短信通，单笔交易达到"), *money(done.data["threshold_fen"]),
                                S("时发送短信提醒。")], outcome={"function": "alerts", "outcome": "subscribed"})

    def done_alerts_cancel(self, st: dict[str, Any], done: EffectDone) -> Output:
        return self.finish(st, [S("已为您取消短信通提醒。")], outcome={"function": "alerts", "outcome": "cancelled_alerts"})

    # ----------------------------------------------------------------- survey
    def on_survey(self, st: dict[str, Any], digits: str) -> Output:
        if digits not in {"1", "2", "3", "4", "5"}:
            return self.invalid(st)
        st["phase"] = "survey_wait"
        return Effect("survey", {"score": int(digits)})

    def done_survey(self, st: dict[str, Any], done: EffectDone) -> Output:
        return self.finish(st, [S("感谢您的评价。")], outcome={"function": "survey", "outcome": "rated",
                                                           "score": done.data.get("score")})
