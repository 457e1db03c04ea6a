"""Read-only audit API for auditors. There is deliberately no endpoint that changes or deletes entries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Query, Router, Schema

from kefu.common.pagination import Page, PageParams, paginate
from kefu.org.access import require_perm
from kefu.org.permissions import P

from .choices import AuditKind
from .selectors import filter_entries
from .services import record
from .verify import verify_chain

PREFIX = "/audit"
router = Router(tags=["audit"])


class EntryFilters(Schema):
    actor: str = Field("", max_length=150, description="用户名（精确匹配）")
    action: str = Field("", max_length=80, description="动作前缀，如 org. 或 workorder.transition")
    object_type: str = Field("", max_length=80)
    object_id: str = Field("", max_length=64)
    kind: AuditKind | None = None
    date_from: date | None = None
    date_to: date | None = None
    request_id: str = Field("", max_length=64)


class EntryOut(Schema):
    seq: int
    created_at: datetime
    kind: str
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]
    reason: str
    request_id: str
    ip: str
    prev_hash: str
    entry_hash: str


class VerifyOut(Schema):
    ok: bool
    checked: int
    broken_seq: int | None
    broken_id: int | None
    problem: str


@router.get("/entries", response=Page[EntryOut], summary="审计记录（只读，可筛选、分页）")
def list_entries(request, filters: Query[EntryFilters], page: Query[PageParams]):
    require_perm(request.user, P.AUDIT_VIEW)
    data = filters.dict()
    data["kind"] = data["kind"] or ""
    return paginate(filter_entries(**data), page)


@router.get("/verify", response=VerifyOut, summary="校验审计哈希链")
def verify(request):
    require_perm(request.user, P.AUDIT_VERIFY)
    report = verify_chain()
    record(actor=request.user, action="audit.verified", object_type="audit.auditentry",
           changes={"ok": report.ok, "checked": report.checked, "broken_seq": report.broken_seq},
           kind=AuditKind.SYSTEM)
    return report
