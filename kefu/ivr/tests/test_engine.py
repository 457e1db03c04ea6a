"""The engine alone: no database, no transport; effects answered by hand."""

from __future__ import annotations

from kefu.ivr.engine import Ask, Digits, Effect, EffectDone, Engine, Hangup, HangupEvent, Timeout, Transfer
from kefu.ivr.engine.speech import parse_amount
from kefu.ivr.flows.defaults import DEFAULT_FLOW


def engine() -> Engine:
    nodes = {n["key"]: {**n, "next": n.get("next", "")} for n in DEFAULT_FLOW["nodes"]}
    flow = {"id": 1, "code": "main", "version": 1, "entry": "main", "max_retries": 3, "default_queue": "general",
            "nodes": nodes}
    return Engine(flow, pin_length=6, otp_threshold_fen=500000)


def answer(e, st, out, results):
    while isinstance(out, Effect):
        st, out = e.feed(st, EffectDone(out.name, results[out.name]))
    return st, out


def test_balance_after_authentication_is_pure():
    e = engine()
    st, out = e.start(call_id="c1")
    assert isinstance(out, Ask) and out.expect.max_digits == 1
    st, out = e.feed(st, Digits("1"))
    st, out = e.feed(st, Digits("1"))
    assert "银行卡号" in out.prompts[0].text and out.expect.max_digits == 19
    st, out = e.feed(st, Digits("6226190000000010004#"))
    assert isinstance(out, Effect) and out.name == "lookup_medium"
    st, out = e.feed(st, EffectDone("lookup_medium", {"found": True, "cif_no": "C1", "has_pin": True, "locked": False}))
    assert out.expect.secret
    st, out = e.feed(st, Digits("135790#"))
    assert out == Effect("verify_pin", {"cif_no": "C1", "pin": "135790"})
    st, out = answer(e, st, out, {"verify_pin": {"ok": True, "cif_no": "C1"},
                                  "balance": {"accounts": [{"last4": "1012", "label": "活期账户",
                                                            "available_fen": 100005}]}})
    text = "".join(p.text for p in out.prompts)
    assert "1000元5分" in text and st["verified"] and "135790" not in str(st)
    st, out = e.feed(st, HangupEvent())
    assert isinstance(out, Hangup) and out.disposition == "self_served"


def test_star_repeats_and_zero_transfers_with_context():
    e = engine()
    st, first = e.start(call_id="c2")
    st, again = e.feed(st, Digits("*"))
    assert again.prompts[-1] == first.prompts[-1]
    st, out = e.feed(st, Digits("0"))
    assert out == Effect("queue_status", {"queue": "general"})
    st, out = e.feed(st, EffectDone("queue_status", {"waiting": 0, "offer_callback": False}))
    assert isinstance(out, Transfer) and out.queue == "general"
    assert out.context["verified"] is False and out.context["menu_path"][:2] == ["main", "main:0"]


def test_retries_exhausted_go_to_agent():
    e = engine()
    st, _ = e.start(call_id="c3")
    st, out = e.feed(st, Timeout())
    assert "您没有按键" in out.prompts[0].text
    st, out = e.feed(st, Digits("8"))
    assert "输入有误" in out.prompts[0].text
    st, out = e.feed(st, Timeout())
    assert isinstance(out, Effect) and out.name == "queue_status"


def draft_transfer(e, call_id):
    """A verified caller with one account and one payee keys a transfer of 100 元: the read-back asks to
    confirm."""
    st, _ = e.start(call_id=call_id)
    st["verified"], st["cif_no"] = True, "C1"
    st, out = e.feed(st, Digits("2"))
    st, out = e.feed(st, EffectDone("transfer_setup", {
        "accounts": [{"ref": "r", "last4": "1012", "label": "活期账户", "available_fen": 10**7}],
        "payees": [{"payee_id": "P1", "label": "王*明", "last4": "2010"}],
        "limits": {"per_transaction_fen": 5 * 10**6, "daily_fen": 2 * 10**7, "used_today_fen": 0}}))
    st, out = e.feed(st, Digits("1"))
    return e.feed(st, Digits("100#"))


def test_transfer_key_is_fixed_at_draft_time():
    e = engine()
    st, out = draft_transfer(e, "c4")
    key = st["w"]["key"]
    st, out = e.feed(st, Digits("1"))
    assert out.name == "transfer" and out.args["idempotency_key"] == key
    st, out = e.feed(st, EffectDone("transfer", {}, "corebank.unavailable"))
    assert "结果未确认" in out.prompts[0].text
    st, out = e.feed(st, Digits("1"))
    assert out.args["idempotency_key"] == key  # the retry carries the same key


def test_keypad_amounts():
    assert parse_amount("100") == 10000
    assert parse_amount("100*5") == 10050
    assert parse_amount("0*05") == 5
    for bad in ("", "*", "1*2*3", "1*234", "abc", "1234567890"):
        assert parse_amount(bad) is None


def test_accounts_listed_by_the_balance_are_reused_for_transactions_without_balances():
    e = engine()
    st, out = e.start(call_id="c9")
    st, out = e.feed(st, Digits("1"))
    st, out = e.feed(st, Digits("1"))
    st, out = e.feed(st, Digits("6226190000000010004#"))
    st, out = e.feed(st, EffectDone("lookup_medium", {"found": True, "cif_no": "C1", "has_pin": True, "locked": False}))
    st, out = e.feed(st, Digits("135790#"))
    st, out = answer(e, st, out, {"verify_pin": {"ok": True, "cif_no": "C1"},
                                  "balance": {"accounts": [{"last4": "1012", "label": "活期账户", "available_fen": 100005}],
                                              "tx_accounts": [{"ref": "r1", "last4": "1012", "label": "活期账户"}]}})
    assert st["tx_accounts"] == {"cif_no": "C1", "accounts": [{"ref": "r1", "last4": "1012", "label": "活期账户"}]}
    assert "100005" not in str(st["tx_accounts"])  # never a balance
    st, out = e.feed(st, Digits("2"))  # transactions: no second "accounts" call to the core
    assert out == Effect("transactions", {"account_ref": "r1", "mode": "today", "n": 10})
    # Another customer verified later in the call (a loss report): the remembered list is not theirs.
    st["cif_no"] = "C2"
    st, out = e.feed(st, EffectDone("transactions", {"transactions": [], "mode": "today"}))
    st, out = e.feed(st, Digits("2"))
    assert out == Effect("accounts", {"cif_no": "C2"})


def test_customer_data_in_prompts_is_marked_sensitive():
    """A transaction's description (it can name a counterparty) and a payee's name are customer data: marked
    sensitive, so they never become a cached, publicly served audio file; the fixed words around them do."""
    e = engine()
    st, _ = e.start(call_id="c10")
    st["verified"], st["cif_no"] = True, "C1"
    st["tx_accounts"] = {"cif_no": "C1", "accounts": [{"ref": "r1", "last4": "1012", "label": "活期账户"}]}
    st, out = e.feed(st, Digits("1"))
    st, out = e.feed(st, Digits("2"))
    st, out = e.feed(st, EffectDone("transactions", {"mode": "today", "transactions": [
        {"date_text": "11月23日", "description": "转账至张三", "amount_fen": -5500, "balance_after_fen": 100}]}))
    by_text = {p.text: p.sensitive for p in out.prompts}
    assert by_text["转账至张三"] is True and by_text["第1笔，11月23日，"] is False
    assert not any("张三" in p.text and not p.sensitive for p in out.prompts)

    st, out = draft_transfer(e, "c11")
    assert [p.sensitive for p in out.prompts if "王*明" in p.text] == [True]
    assert "的账户向" in [p.text for p in out.prompts if not p.sensitive]
