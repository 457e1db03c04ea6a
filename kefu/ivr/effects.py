"""The engine's effects carried out against the core bank, notify, work orders and kefu's own tables.

Each effect runs in a savepoint inside the step's transaction: a failure becomes an error code the engine
speaks ("系统繁忙"), never a half-written step. Card and account numbers travel inside the session only as
encrypted references; reads of balances and transactions are audited as sensitive reads.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from datetime import date
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from kefu.audit.choices import AuditKind
from kefu.audit.services import deferred, dropped_on_error, record
from kefu.common import refcache
from kefu.common.db import transaction_aborted
from kefu.common.errors import KefuError
from kefu.pii import crypto
from kefu.pii.masking import mask_card, mask_mobile, mask_name

from . import conf, integrations, pins
from .engine.types import Effect, EffectDone
from .models import CallbackRequest, CatalogEntry, IvrCall
from .queues import queue_status

logger = logging.getLogger("kefu.ivr")
REF_AAD = "ivr.session.ref"
ACCOUNT_LABELS = {"savings": "活期账户", "time_deposit": "定期账户", "credit": "信用卡账户", "loan": "贷款账户"}


def make_ref(number: str) -> str:
    return crypto.encrypt(number, aad=REF_AAD)


def open_ref(ref: str) -> str:
    return crypto.decrypt(ref, aad=REF_AAD)


# Effects that write nothing to the database themselves: reads, and the core bank's transfer (its own
# savepoint covers its writes; over HTTP it writes nothing here). They run without a savepoint of their
# own (two round trips less per step); their audit rows are still dropped when they fail. Any other effect
# gets a savepoint.
WRITE_NOTHING_THEMSELVES = frozenset({"lookup_medium", "balance", "accounts", "transactions", "transfer_setup",
                                      "transfer", "info", "verify_otp"})


class EffectRunner:
    def __init__(self, call: IvrCall, actor: Any, *, pin_precheck: dict[str, Any] | None = None) -> None:
        self.call = call
        self.actor = actor
        self.pin_precheck = pin_precheck
        self.ran = 0  # effects run in this step
        self._core = None

    @property
    def core(self):
        if self._core is None:
            self._core = integrations.core_bank()
        return self._core

    def run(self, effect: Effect) -> EffectDone:
        if effect.name == "info":
            lines = cached_info(effect.args.get("topic", ""))
            if lines is not None:
                return EffectDone(effect.name, {"lines": lines})
        self.ran += 1
        handler = getattr(self, f"do_{effect.name}")
        try:
            if effect.name in WRITE_NOTHING_THEMSELVES:
                with dropped_on_error():
                    data = handler(**effect.args)
            else:
                # A failed effect's savepoint takes its writes and audit rows with it (audit.deferred drops
                # the rows whose on-commit marker the rollback removed).
                with transaction.atomic(), deferred():
                    data = handler(**effect.args)
        except KefuError as exc:
            return EffectDone(effect.name, {}, exc.code)
        except Exception as exc:
            if isinstance(exc, DatabaseError) and transaction_aborted(transaction.get_connection()):
                raise  # no savepoint took the error: the step's transaction cannot go on (PostgreSQL)
            logger.exception("ivr effect %s failed", effect.name)
            return EffectDone(effect.name, {}, "ivr.effect_failed")
        return EffectDone(effect.name, data or {})

    def _audit(self, action: str, changes: dict[str, Any], kind: str = AuditKind.WRITE, reason: str = "") -> None:
        record(actor=self.actor, action=action, obj=self.call, changes=changes, kind=kind, reason=reason)

    # ----------------------------------------------------------------- identity
    def do_lookup_medium(self, *, number: str, kind: str) -> dict[str, Any]:
        """A card, passbook or account number → its owner. For a loss report an account number stands for
        the passbook of that account."""
        from kefu.corebank.adapter import UnknownObject

        medium_no = number
        try:
            card = self.core.get_card(number)
            cif_no, medium_kind = card.cif_no, ("passbook" if card.kind == "passbook" else "card")
        except UnknownObject:
            try:
                account = self.core.get_account(number)
            except UnknownObject:
                return {"found": False}
            cif_no, medium_kind = account.cif_no, "passbook"
            if kind != "any":
                passbooks = [c for c in self.core.list_cards(cif_no)
                             if c.kind == "passbook" and c.account_no == number]
                if passbooks:
                    medium_no = passbooks[0].card_no
        if kind == "card" and medium_kind != "card":
            return {"found": False}
        return {"found": True, "cif_no": cif_no, "medium_ref": make_ref(medium_no), "last4": medium_no[-4:],
                "kind": medium_kind, **pins.credential_state(cif_no)}

    def do_verify_pin(self, *, cif_no: str, pin: str) -> dict[str, Any]:
        return pins.verify_pin(cif_no=cif_no, pin=pin, actor=self.actor, call_id=self.call.call_id,
                               precheck=self.pin_precheck)

    # ----------------------------------------------------------------- accounts
    def _accounts(self, cif_no: str, kinds: tuple[str, ...] = ("savings",)) -> list:
        return [a for a in self.core.list_accounts(cif_no) if a.kind in kinds and a.status == "active"]

    def do_balance(self, *, cif_no: str) -> dict[str, Any]:
        accounts = self._accounts(cif_no, ("savings", "time_deposit"))
        self._audit("ivr.balance_read", {"cif_no": cif_no, "accounts": len(accounts)}, AuditKind.READ)
        return {"accounts": [{"last4": a.account_no[-4:], "label": ACCOUNT_LABELS.get(a.kind, "账户"),
                              "available_fen": a.available_fen, "balance_fen": a.balance_fen} for a in accounts],
                # the same list do_accounts gives, so a later transaction query needs no second core call
                "tx_accounts": [{"ref": make_ref(a.account_no), "last4": a.account_no[-4:],
                                 "label": ACCOUNT_LABELS.get(a.kind, "账户")} for a in accounts if a.kind == "savings"]}

    def do_accounts(self, *, cif_no: str) -> dict[str, Any]:
        return {"accounts": [{"ref": make_ref(a.account_no), "last4": a.account_no[-4:],
                              "label": ACCOUNT_LABELS.get(a.kind, "账户"), "available_fen": a.available_fen}
                             for a in self._accounts(cif_no)]}

    def do_transactions(self, *, account_ref: str, mode: str, n: int, start: str = "", end: str = "") -> dict[str, Any]:
        account_no = open_ref(account_ref)
        today = timezone.localdate()
        if mode == "today":
            rows = self.core.list_transactions(account_no, start=today, end=today, limit=n)
        elif mode == "range":
            d0, d1 = date.fromisoformat(start), date.fromisoformat(end)
            if (d1 - d0).days > conf.history_max_days() or d0 > today:
                raise KefuError("查询区间过长", code="ivr.range_too_long")
            rows = self.core.list_transactions(account_no, start=d0, end=d1, limit=n)
        else:
            rows = self.core.list_transactions(account_no, limit=n)
        self._audit("ivr.transactions_read", {"account_no": account_no, "mode": mode, "count": len(rows)},
                    AuditKind.READ)
        out = []
        for t in rows[:n]:
            local = timezone.localtime(t.posted_at)
            out.append({"date_text": f"{local.month}月{local.day}日", "description": t.description[:20],
                        "amount_fen": t.amount_fen, "balance_after_fen": t.balance_after_fen})
        return {"transactions": out, "mode": mode}

    # ----------------------------------------------------------------- transfer
    def do_transfer_setup(self, *, cif_no: str) -> dict[str, Any]:
        limits = self.core.transfer_limits(cif_no, "phone")
        payees = self.core.list_payees(cif_no)
        return {
            "accounts": self.do_accounts(cif_no=cif_no)["accounts"],
            "payees": [{"payee_id": p.payee_id, "label": mask_name(p.name), "last4": p.account_no[-4:]} for p in payees],
            "limits": {"per_transaction_fen": limits.per_transaction_fen, "daily_fen": limits.daily_fen,
                       "used_today_fen": limits.used_today_fen},
        }

    def do_send_otp(self, *, cif_no: str, key: str) -> dict[str, Any]:
        customer = self.core.get_customer(cif_no)
        if not customer.mobile:
            raise KefuError("没有预留手机号", code="ivr.no_mobile")
        code = f"{secrets.randbelow(10**6):06d}"
        salt = secrets.token_hex(8)
        ttl = conf.otp_ttl_seconds()
        integrations.queue_sms(to=customer.mobile, template_code="ivr.transfer_otp",
                               context={"code": code, "minutes": max(1, ttl // 60)},
                               idempotency_key=f"{key}-otp-{salt}", actor=self.actor, related=self.call, urgent=True,
                               customer=integrations.find_customer(cif_no))
        self._audit("ivr.otp_sent", {"mobile": customer.mobile, "otp": "****"})
        return {"salt": salt, "digest": _otp_digest(salt, code), "expires_at": int(time.time()) + ttl}

    def do_verify_otp(self, *, code: str, salt: str, digest: str, expires_at: int) -> dict[str, Any]:
        if time.time() > expires_at:
            return {"ok": False, "expired": True}
        return {"ok": hmac.compare_digest(_otp_digest(salt, code), digest)}

    def do_transfer(self, *, from_ref: str, payee_id: str, amount_fen: int, idempotency_key: str) -> dict[str, Any]:
        from_account_no = open_ref(from_ref)
        result = self.core.transfer(from_account_no=from_account_no, payee_id=payee_id, amount_fen=amount_fen,
                                    idempotency_key=idempotency_key, channel="phone", memo="电话银行转账")
        self._audit("ivr.transfer_posted", {"account_no": from_account_no, "payee_id": payee_id,
                                            "amount_fen": amount_fen, "transfer_id": result.transfer_id,
                                            "replayed": result.replayed, "idempotency_key": idempotency_key})
        return {"transfer_id": result.transfer_id, "balance_after_fen": result.balance_after_fen,
                "replayed": result.replayed}

    # ----------------------------------------------------------------- loss report
    def do_report_loss(self, *, cif_no: str, medium_ref: str, kind: str, idempotency_key: str) -> dict[str, Any]:
        medium_no = open_ref(medium_ref)
        report = self.core.report_loss(cif_no=cif_no, medium_no=medium_no, medium_kind=kind, channel="phone",
                                       idempotency_key=idempotency_key)
        if report.status != "frozen":
            self.core.freeze(medium_no=medium_no, reason="电话银行口头挂失")
        core_customer = self.core.get_customer(cif_no)
        customer = integrations.find_customer(cif_no)
        label = "银行卡" if kind == "card" else "存折"
        try:
            # A follow-up that cannot be opened must not undo the freeze: its own savepoint, and the audit row
            # below says it is missing so the back office can open it by hand.
            with transaction.atomic():
                workorder = integrations.create_followup_workorder(
                    actor=self.actor, kind="service_request", channel="ivr",
                    title=f"电话口头挂失后续办理：{label}尾号{medium_no[-4:]}",
                    description=(f"客户于{timezone.localtime(report.reported_at):%Y-%m-%d %H:%M}通过电话银行自助口头挂失"
                                 f"{label}（{mask_card(medium_no)}），核心已冻结，挂失编号{report.report_id}。"
                                 "请提醒客户五日内携带有效身份证件到网点办理正式挂失或补办。"),
                    customer=customer, contact_name=core_customer.name, contact_phone=core_customer.mobile,
                    business_line="debit_card" if kind == "card" else "deposit", tags=["电话挂失"],
                    source_ref=f"ivr:{self.call.call_id}:{report.report_id}")
        except Exception:
            logger.exception("loss-report follow-up work order failed")
            workorder = None
        if core_customer.mobile:
            integrations.queue_sms(
                to=core_customer.mobile, template_code="ivr.loss_reported",
                context={"medium": label, "last4": medium_no[-4:], "report_id": report.report_id,
                         "reported_at": timezone.localtime(report.reported_at).strftime("%m-%d %H:%M")},
                idempotency_key=f"{idempotency_key}-sms", actor=self.actor, related=self.call, urgent=True,
                customer=customer)
        number = getattr(workorder, "number", "")
        self._audit("ivr.loss_reported", {"card_no": medium_no, "kind": kind, "report_id": report.report_id,
                                          "workorder": number})
        return {"report_id": report.report_id, "workorder_number": number}

    # ----------------------------------------------------------------- information
    def do_info(self, *, topic: str) -> dict[str, Any]:
        if topic == "rates":
            lines = [f"{r.product}{r.term if r.term not in r.product else ''}年利率百分之{r.rate_percent}。"
                     for r in self.core.deposit_rates()]
        elif topic == "fees":
            lines = [f"{f.name}：{f.amount_text}。" for f in self.core.fee_schedule()]
        else:
            lines = [f"{e.title}：{e.text}" for e in CatalogEntry.objects.filter(topic=topic, active=True)]
        refcache.put(("ivr.info", topic, timezone.localdate()), INFO_TTL_S, lines)
        return {"lines": lines}

    # ----------------------------------------------------------------- agent queue and callback
    def do_queue_status(self, *, queue: str) -> dict[str, Any]:
        status = queue_status(queue)
        return {"waiting": status.waiting, "estimated_wait_s": status.estimated_wait_s,
                "offer_callback": status.waiting >= conf.callback_threshold() and bool(self.call.caller_enc)}

    def do_callback(self, *, queue: str, waiting: int) -> dict[str, Any]:
        phone = self.call.caller_enc
        if not phone:
            raise KefuError("无主叫号码", code="ivr.no_caller_number")
        req = CallbackRequest.objects.create(
            call=self.call, cif_no=self.call.state.get("cif_no", "") or self.call.cif_no, phone_enc=phone,
            phone_masked=mask_mobile(phone), phone_index=crypto.blind_index("mobile", phone), queue=queue,
            waiting_when_requested=waiting, requested_at=timezone.now())
        record(actor=self.actor, action="ivr.callback_requested", obj=req, changes={"queue": queue, "phone": phone})
        return {"callback_id": req.pk}

    def do_survey(self, *, score: int) -> dict[str, Any]:
        IvrCall.objects.filter(pk=self.call.pk).update(survey_score=score)
        self.call.survey_score = score
        return {"score": score}

    # ----------------------------------------------------------------- 短信通
    def do_alerts_subscribe(self, *, cif_no: str, threshold_fen: int) -> dict[str, Any]:
        from .alerts import subscribe

        customer = self.core.get_customer(cif_no)
        accounts = self._accounts(cif_no)
        for account in accounts:
            subscribe(cif_no=cif_no, account_no=account.account_no, mobile=customer.mobile,
                      threshold_fen=threshold_fen, actor=self.actor)
        return {"accounts": len(accounts), "threshold_fen": threshold_fen}

    def do_alerts_cancel(self, *, cif_no: str) -> dict[str, Any]:
        from .alerts import unsubscribe_all

        return {"cancelled": unsubscribe_all(cif_no=cif_no, actor=self.actor)}


# Published information (deposit rates, fees, business scope: the same for every caller, no customer
# data) is remembered per process for INFO_TTL_S, keyed by the day because rates take effect by date: an
# edit in the admin or the core is spoken within a minute. Balances and anything per customer are never
# cached.
INFO_TTL_S = 60.0


def cached_info(topic: str) -> list[str] | None:
    lines = refcache.peek(("ivr.info", topic, timezone.localdate()))
    return None if lines is None else list(lines)


def forget_info() -> None:
    refcache.forget_kind("ivr.info")


def _otp_digest(salt: str, code: str) -> str:
    # Keyed, so a copy of the session row does not let anyone brute-force the six digits offline.
    return hmac.new(settings.SECRET_KEY.encode(), f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()
