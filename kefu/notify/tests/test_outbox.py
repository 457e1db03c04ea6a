import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from kefu.audit.models import AuditEntry
from kefu.common.errors import ValidationFailed
from kefu.common.testing import ApiClient
from kefu.notify import gateways
from kefu.notify.choices import NotificationStatus
from kefu.notify.models import Notification
from kefu.notify.services import deliver, ensure_template, queue_notification, quiet_hours_end, record_delivery_receipt

_capture = None
SH = ZoneInfo("Asia/Shanghai")
DAYTIME = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@pytest.fixture
def template(db):
    return ensure_template(code="wo.ack", channel="sms", body="您的工单{{ number }}已受理，预计{{ deadline }}前答复。")


@pytest.fixture
def outbox(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.KEFU_SMS_GATEWAY = "file"
    return tmp_path / "outbox"


@pytest.fixture(autouse=True)
def _run_on_commit(django_capture_on_commit_callbacks):
    # Delivery is queued with transaction.on_commit; run those callbacks as a real commit would.
    global _capture
    _capture = django_capture_on_commit_callbacks


def queue(key="k1", urgent=False, **ctx):
    with _capture(execute=True):
        return _queue(key, urgent, **ctx)


def _queue(key, urgent, **ctx):
    return queue_notification(channel="sms", to="13812345678", template_code="wo.ack",
                              context={"number": "TS1", "deadline": "11月30日", **ctx},
                              idempotency_key=key, actor=None, urgent=urgent)


@time_machine.travel(DAYTIME)
def test_queue_renders_masks_and_delivers_once(template, outbox):
    n = queue()
    n.refresh_from_db()
    # Immediate task backend in tests: delivered on commit.
    assert n.status == NotificationStatus.SENT
    assert n.to_masked == "138****5678"
    lines = (outbox / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["body"] == "您的工单TS1已受理，预计11月30日前答复。"
    again = queue()
    assert again.pk == n.pk
    assert Notification.objects.count() == 1
    assert len((outbox / "sms.jsonl").read_text(encoding="utf-8").splitlines()) == 1
    assert AuditEntry.objects.filter(action="notify.queued", object_id=str(n.pk)).count() == 1


def test_recipient_and_body_are_encrypted_at_rest(template, outbox):
    from django.db import connection

    n = queue()
    with connection.cursor() as cur:
        cur.execute("SELECT to_col, body FROM (SELECT \"to\" AS to_col, body, id FROM notify_notification) t WHERE id = %s",
                    [n.pk])
        raw_to, raw_body = cur.fetchone()
    assert "13812345678" not in raw_to and raw_to.startswith("kefu1$")
    assert "TS1" not in raw_body


def test_quiet_hours_hold_non_urgent_sms(template, outbox):
    night = datetime(2026, 11, 23, 22, 30, tzinfo=SH)
    assert quiet_hours_end(night) == datetime(2026, 11, 24, 8, 0, tzinfo=SH)
    assert quiet_hours_end(datetime(2026, 11, 24, 7, 0, tzinfo=SH)) == datetime(2026, 11, 24, 8, 0, tzinfo=SH)
    assert quiet_hours_end(DAYTIME) is None
    with time_machine.travel(night):
        held = queue(key="night")
        urgent = queue(key="urgent", urgent=True)
    held.refresh_from_db()
    urgent.refresh_from_db()
    assert held.status == NotificationStatus.QUEUED
    assert held.next_attempt_at == datetime(2026, 11, 24, 8, 0, tzinfo=SH)
    assert urgent.status == NotificationStatus.SENT


class FlakyGateway:
    calls = 0

    def send(self, notification):
        FlakyGateway.calls += 1
        if FlakyGateway.calls < 3:
            return gateways.GatewayResult(False, error="HTTP 503", retryable=True)
        return gateways.GatewayResult(True, "m-42")


@time_machine.travel(DAYTIME, tick=False)
def test_retry_with_backoff_then_receipt(template, settings):
    gateways.register_gateway("flaky", FlakyGateway)
    settings.KEFU_SMS_GATEWAY = "flaky"
    FlakyGateway.calls = 0
    n = queue(key="flaky")
    n.refresh_from_db()
    assert n.status == NotificationStatus.QUEUED and n.attempts == 1
    assert n.next_attempt_at == DAYTIME + timedelta(seconds=30)
    assert deliver(notification_id=n.pk) is None  # not due yet
    with time_machine.travel(DAYTIME + timedelta(seconds=31), tick=False):
        deliver(notification_id=n.pk)
    n.refresh_from_db()
    assert n.attempts == 2 and n.next_attempt_at == DAYTIME + timedelta(seconds=31 + 60)
    with time_machine.travel(DAYTIME + timedelta(seconds=200), tick=False):
        deliver(notification_id=n.pk)
    n.refresh_from_db()
    assert n.status == NotificationStatus.SENT and n.gateway_message_id == "m-42"
    assert n.delivery_attempts.count() == 3
    record_delivery_receipt(gateway="flaky", message_id="m-42", delivered=True)
    n.refresh_from_db()
    assert n.status == NotificationStatus.DELIVERED


@time_machine.travel(DAYTIME)
def test_permanent_failure_is_not_retried(template, settings):
    class Rejecting:
        def send(self, notification):
            return gateways.GatewayResult(False, error="HTTP 400", retryable=False)

    gateways.register_gateway("rejecting", Rejecting)
    settings.KEFU_SMS_GATEWAY = "rejecting"
    n = queue(key="reject")
    n.refresh_from_db()
    assert n.status == NotificationStatus.FAILED and n.attempts == 1


def test_missing_template_and_c3_in_body_are_refused(template, outbox):
    with pytest.raises(ValidationFailed) as exc:
        queue_notification(channel="sms", to="13812345678", template_code="nope", context={},
                           idempotency_key="x", actor=None)
    assert exc.value.code == "notify.template_missing"
    ensure_template(code="bad", channel="sms", body="您的密码是{{ pin }}")
    with pytest.raises(ValidationError):
        queue_notification(channel="sms", to="13812345678", template_code="bad", context={"pin": "123456"},
                           idempotency_key="y", actor=None)
    assert not Notification.objects.filter(idempotency_key="y").exists()


@time_machine.travel(DAYTIME)
def test_api_lists_masked_and_requires_permission(template, outbox, org_tree, user_factory):
    n = queue()
    agent = user_factory("a1", roles=["agent"], unit=org_tree["CC"])
    resp = ApiClient(agent).get("/notify/notifications", related_type="", status="sent")
    assert resp.status_code == 200
    body = resp.json()
    assert body["count"] == 1 and body["results"][0]["to_masked"] == "138****5678"
    assert "13812345678" not in resp.content.decode()
    nobody = user_factory("n1", roles=[], unit=org_tree["CC"])
    assert ApiClient(nobody).get("/notify/notifications").status_code == 403
    assert n.pk


@time_machine.travel(DAYTIME)
def test_an_edited_template_is_used_at_once_and_a_disabled_one_refused(template, outbox):
    # Templates are cached per process; the edit clears this process's entry (others: within 30 s).
    assert "已受理" in queue(key="before").body
    template.body = "工单{{ number }}：我们已收到。"
    template.save()
    assert queue(key="after").body == "工单TS1：我们已收到。"
    template.active = False
    template.save()
    with pytest.raises(ValidationFailed) as refused:
        queue(key="disabled")
    assert refused.value.code == "notify.template_missing"
    assert queue(key="after").body == "工单TS1：我们已收到。"  # an existing key still returns its message


@time_machine.travel(DAYTIME)
def test_a_key_clash_returns_the_first_message_and_leaves_the_callers_transaction_usable(template, outbox,
                                                                                      monkeypatch):
    # new_key skips the lookup; if the key exists after all, the unique key catches it. The first row is read
    # without decrypting anything, so not even a key-ring problem can break the caller's transaction.
    from django.db import transaction

    from kefu.pii import fields

    first = queue(key="clash")

    def broken(*args, **kwargs):
        raise RuntimeError("decryption must not be needed here")

    monkeypatch.setattr(fields, "decrypt", broken)
    with transaction.atomic():
        again = queue_notification(channel="sms", to="13812345678", template_code="wo.ack",
                                   context={"number": "TS1", "deadline": "11月30日"}, idempotency_key="clash",
                                   actor=None, new_key=True)
        assert again.pk == first.pk and again.to_masked == "138****5678"
        assert Notification.objects.filter(idempotency_key="clash").count() == 1  # the transaction still works
