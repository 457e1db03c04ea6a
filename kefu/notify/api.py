from __future__ import annotations

from datetime import datetime

from ninja import Query, Router, Schema

from kefu.common.pagination import PageParams, paginate
from kefu.org.access import require_perm

from .models import Notification
from .permissions import NotifyP
from .services import record_delivery_receipt

PREFIX = "/notify"
router = Router(tags=["notify"])


class NotificationOut(Schema):
    id: int
    channel: str
    to_masked: str
    template_code: str
    status: str
    attempts: int
    last_error: str
    related_type: str
    related_id: str
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None


class NotificationPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[NotificationOut]


class NotificationFilters(Schema):
    related_type: str = ""
    related_id: str = ""
    status: str = ""


@router.get("/notifications", response=NotificationPage, summary="通知记录（收件人已脱敏）")
def list_notifications(request, filters: Query[NotificationFilters], page: Query[PageParams]):
    require_perm(request.user, NotifyP.VIEW)
    qs = Notification.objects.order_by("-created_at")
    for field in ("related_type", "related_id", "status"):
        value = getattr(filters, field)
        if value:
            qs = qs.filter(**{field: value})
    return paginate(qs, page)


class ReceiptIn(Schema):
    message_id: str
    delivered: bool
    error: str = ""


@router.post("/receipts/{gateway}", response=NotificationOut, summary="网关投递回执")
def delivery_receipt(request, gateway: str, payload: ReceiptIn):
    require_perm(request.user, NotifyP.RECEIPT)
    return record_delivery_receipt(gateway=gateway, message_id=payload.message_id, delivered=payload.delivered,
                                   error=payload.error, actor=request.user)
