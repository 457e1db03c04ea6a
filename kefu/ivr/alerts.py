"""短信通 (SMS transaction alerts): subscriptions and the ledger rule.

The rule listens to ``kefu.corebank.signals.posting_created`` (sent after the posting commits) and queues
one SMS per posting at or above the subscriber's threshold, through the notification outbox
(``urgent=False``: quiet hours apply; idempotent by transaction id, so a re-sent signal never texts twice).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.audit.services import record
from kefu.pii import crypto
from kefu.pii.checks import is_valid_mobile
from kefu.pii.masking import mask_card, mask_mobile

from . import integrations
from .models import AlertSubscription

logger = logging.getLogger("kefu.ivr.alerts")
TEMPLATE = "ivr.txn_alert"


def subscribe(*, cif_no: str, account_no: str, mobile: str, threshold_fen: int, actor: Any) -> AlertSubscription:
    if threshold_fen < 0:
        from kefu.common.errors import ValidationFailed

        raise ValidationFailed("提醒金额不能为负", fields={"threshold_fen": "negative"})
    if not is_valid_mobile(mobile):
        from kefu.common.errors import ValidationFailed

        raise ValidationFailed("手机号不正确", fields={"mobile": "invalid"})
    index = crypto.blind_index("card", account_no)
    with transaction.atomic():
        sub = AlertSubscription.objects.select_for_update().filter(account_index=index).first()
        before = None
        if sub is None:
            sub = AlertSubscription(cif_no=cif_no, account_enc=account_no, account_index=index,
                                    account_masked=mask_card(account_no))
        else:
            before = {"threshold_fen": sub.threshold_fen, "active": sub.active}
        sub.mobile_enc, sub.mobile_masked, sub.threshold_fen, sub.active = mobile, mask_mobile(mobile), threshold_fen, True
        sub.save()
        record(actor=actor, action="ivr.alert_subscribed", obj=sub,
               changes={"threshold_fen": [before and before["threshold_fen"], threshold_fen],
                        "active": [before and before["active"], True], "mobile": mobile})
    return sub


def unsubscribe_all(*, cif_no: str, actor: Any) -> int:
    with transaction.atomic():
        subs = list(AlertSubscription.objects.select_for_update().filter(cif_no=cif_no, active=True))
        for sub in subs:
            sub.active = False
            sub.save(update_fields=["active", "updated_at"])
            record(actor=actor, action="ivr.alert_unsubscribed", obj=sub, changes={"active": [True, False]})
    return len(subs)


def on_posting_created(sender: Any = None, *, account_no: str, cif_no: str, amount_fen: int, balance_after_fen: int,
                       txn_id: str, posted_at: Any, channel: str = "", **kwargs: Any) -> None:
    """The alert rule; must not raise (the money already moved)."""
    try:
        sub = AlertSubscription.objects.filter(account_index=crypto.blind_index("card", account_no), active=True).first()
        if sub is None or abs(amount_fen) < sub.threshold_fen:
            return
        local = timezone.localtime(posted_at)
        integrations.queue_sms(
            to=sub.mobile_enc, template_code=TEMPLATE,
            context={"last4": account_no[-4:], "time": f"{local:%m月%d日%H:%M}",
                     "direction": "收入" if amount_fen > 0 else "支出", "amount": f"{abs(amount_fen) / 100:,.2f}",
                     "balance": f"{balance_after_fen / 100:,.2f}", "channel": channel},
            idempotency_key=f"alert:{txn_id}:{sub.pk}", actor=None, related=sub, urgent=False,
            customer=integrations.find_customer(cif_no))
    except Exception:
        logger.exception("SMS alert rule failed for a posting")


def connect() -> None:
    try:
        from kefu.corebank.signals import posting_created
    except ImportError:
        return
    posting_created.connect(on_posting_created, dispatch_uid="kefu.ivr.alerts")
