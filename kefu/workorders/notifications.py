"""Customer communication through the notification outbox (kefu.notify): acknowledgment with number and
deadline, extension notice, result notice. Idempotent by (work order, purpose); delivery status shows on
the work order page through ``notifications_for``."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError
from django.utils import timezone

from .choices import ReplyChannel
from .models import WorkOrder

logger = logging.getLogger("kefu.workorders")

TEMPLATES = [
    # code, channel, subject, body, description
    ("workorder.acknowledged", "sms", "",
     "【客服中心】您反映的问题已受理，工单号{{ number }}，我们将于{{ deadline }}前答复您。",
     "工单受理确认（短信）"),
    ("workorder.acknowledged", "email", "您的来函已受理：{{ number }}",
     "尊敬的客户：\n\n您反映的问题已受理，工单号 {{ number }}，事项：{{ title }}。"
     "我们将于 {{ deadline }} 前答复您。\n\n客户服务中心",
     "工单受理确认（邮件）"),
    ("workorder.extended", "sms", "",
     "【客服中心】工单{{ number }}因情况复杂需延长处理时限，新的答复期限为{{ deadline }}。如有疑问请致电客服热线。",
     "延期告知（短信）"),
    ("workorder.extended", "email", "处理时限延长告知：{{ number }}",
     "尊敬的客户：\n\n工单 {{ number }} 因情况复杂需延长处理时限，新的答复期限为 {{ deadline }}。\n\n客户服务中心",
     "延期告知（邮件）"),
    ("workorder.result", "sms", "",
     "【客服中心】工单{{ number }}已处理完毕：{{ result }}。如对处理结果有异议，可在30日内向上级机构申请核查。",
     "处理结果告知（短信）"),
    ("workorder.result", "email", "处理结果告知：{{ number }}",
     "尊敬的客户：\n\n工单 {{ number }} 处理结果如下：\n{{ result }}\n\n"
     "如对处理结果有异议，您可在收到本告知之日起30日内向上级机构申请核查，也可申请调解、仲裁或提起诉讼。\n\n客户服务中心",
     "处理结果告知（邮件）"),
    ("workorder.staff_reminder", "email", "工单即将超时：{{ number }}",
     "工单 {{ number }}（{{ title }}）将于 {{ deadline }} 到期，请及时处理。", "工单到期提醒（员工）"),
    ("workorder.staff_breach", "email", "工单已超时并列入督办：{{ number }}",
     "工单 {{ number }}（{{ title }}）已于 {{ deadline }} 超时，已列入督办，请立即处理。", "工单超时督办（员工）"),
]


def ensure_templates() -> int:
    from kefu.notify.services import ensure_template

    for code, channel, subject, body, description in TEMPLATES:
        ensure_template(code=code, channel=channel, subject=subject, body=body, description=description)
    return len(TEMPLATES)


def _recipient(wo: WorkOrder) -> tuple[str, str] | None:
    if wo.preferred_reply_channel == ReplyChannel.EMAIL and wo.contact_email:
        return "email", wo.contact_email
    if wo.contact_phone:
        return "sms", wo.contact_phone
    if wo.contact_email:
        return "email", wo.contact_email
    return None


def notify_customer(*, workorder: WorkOrder, template_code: str, actor: Any, key_suffix: str,
                    context: dict | None = None, new_workorder: bool = False, events: list | None = None) -> Any:
    """Queue one customer message; skipped (with a timeline note) when there is no address or outbox.

    ``new_workorder``: the work order was inserted in this transaction (no message can exist for it yet).
    ``events``: the timeline row is appended there unsaved, for the caller to insert with its others.
    """
    from .workflow import build_event

    def add_event(**kwargs: Any) -> None:  # saved now, or left to the caller's one INSERT
        event = build_event(**kwargs)
        if events is None:
            event.save(force_insert=True)
        else:
            events.append(event)

    target = _recipient(workorder)
    if target is None:
        return None
    channel, to = target
    deadline = workorder.regulatory_due_at or workorder.due_at
    ctx = {"number": workorder.number, "title": workorder.title,
           "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d") if deadline else ""}
    ctx.update(context or {})
    try:
        from kefu.notify.services import queue_notification
    except ImportError:
        return None
    try:
        notification = queue_notification(
            channel=channel, to=to, template_code=template_code, context=ctx, actor=actor, related=workorder,
            idempotency_key=f"workorder:{workorder.pk}:{key_suffix}", customer=workorder.customer,
            new_key=new_workorder)
    except DatabaseError:
        raise  # the caller's transaction is broken: fail the whole write rather than half of it
    except Exception as exc:  # a missing template must not lose the work order; the gap is visible
        logger.warning("customer notification not queued", extra={"code": getattr(exc, "code", type(exc).__name__)})
        add_event(wo=workorder, action="notification_failed", actor=None,
                  data={"template": template_code, "code": getattr(exc, "code", type(exc).__name__)})
        return None
    add_event(wo=workorder, action="customer_notified", actor=actor,
              data={"template": template_code, "channel": channel, "to": notification.to_masked})
    return notification


def notifications_for(workorder: WorkOrder) -> list[Any]:
    try:
        from kefu.notify.selectors import notifications_for as notify_selector
    except ImportError:
        return []
    return list(notify_selector(workorder))
