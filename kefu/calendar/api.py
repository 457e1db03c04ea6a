"""REST API under /api/v1/calendar: calendar days, batch deadlines, holiday import, years, policies, recomputes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from kefu.common.pagination import Page, PageParams, paginate
from kefu.org.access import require_perm

from . import conf, errors, selectors, services
from .deadlines import compute_item, get_index
from .models import DeadlinePolicy, DeadlineRecomputation
from .permissions import CalendarPerm

PREFIX = "/calendar"
router = Router(tags=["calendar"])
MAX_DAYS_SPAN = 3660


class DaysQuery(Schema):
    start: date
    end: date


class DayOut(Schema):
    date: date
    weekday: int  # 1 = Monday ... 7 = Sunday (ISO)
    is_working_day: bool
    kind: str  # workday, weekend, holiday, makeup_workday
    name: str
    provisional: bool


@router.get("/days", response=list[DayOut], summary="日历：区间内每天是否工作日")
def days(request, params: Query[DaysQuery]):
    require_perm(request.user, CalendarPerm.VIEW)
    if params.end < params.start:
        raise errors.InvalidRange(_("结束日期早于开始日期"), fields={"end": "before_start"})
    if (params.end - params.start).days >= MAX_DAYS_SPAN:
        raise errors.InvalidRange(_("一次最多查询 %(n)s 天") % {"n": MAX_DAYS_SPAN}, fields={"end": "span_too_long"})
    index = get_index()
    start = index.offset(params.start) if index.first <= params.start <= index.last else None
    if start is None or not index.first <= params.end <= index.last:
        raise errors.InvalidRange(_("日期须在 %(first)s–%(last)s 年之间") % {"first": index.first.year, "last": index.last.year}, fields={"start": "out_of_range"})
    out = []
    for i in range((params.end - params.start).days + 1):
        day = params.start + timedelta(days=i)
        working = bool(index.is_work[start + i])
        weekend = day.weekday() >= 5
        name = index.names.get(day, "")
        if working:
            kind = "makeup_workday" if weekend else "workday"
        else:
            kind = "holiday" if day in index.names else "weekend"
        out.append({"date": day, "weekday": day.isoweekday(), "is_working_day": working, "kind": kind,
                    "name": name, "provisional": day.year not in index.published})
    return out


class DeadlinesIn(Schema):
    # Items stay raw so that one bad item gets its own error object instead of failing the batch.
    items: list[Any]


@router.post("/deadlines", summary="批量计算期限（与 compute_deadlines 命令语义相同）")
def deadlines(request, payload: DeadlinesIn):
    require_perm(request.user, CalendarPerm.VIEW)
    if len(payload.items) > conf.max_batch():
        raise errors.CalendarError(_("一次最多计算 %(n)s 项") % {"n": conf.max_batch()}, code="calendar.batch_too_large",
                                   fields={"items": "too_many"})
    results: list[dict[str, Any]] = []
    failed = 0
    for item in payload.items:
        item_id = item.get("id") if isinstance(item, dict) else None
        try:
            result = compute_item(item)
        except errors.DeadlineError as exc:
            failed += 1
            results.append({"id": item_id, "error": {"code": exc.code, "message": exc.message}})
            continue
        results.append({"id": item_id, "deadline": result.isoformat(), "provisional": result.provisional})
    return {"results": results, "failed": failed}


class ImportIn(Schema):
    text: str
    filename: str = ""
    replace: bool = False
    publish: bool = False
    source: str = ""
    reason: str = ""


@router.post("/imports", summary="导入节假日安排文件（全部校验通过才写入）")
def import_days(request, payload: ImportIn):
    require_perm(request.user, CalendarPerm.MANAGE)
    summary = services.import_calendar(text=payload.text, actor=request.user, filename=payload.filename,
                                       replace=payload.replace, publish=payload.publish, source=payload.source,
                                       reason=payload.reason)
    return summary.as_dict()


class YearOut(Schema):
    year: int
    status: str
    source: str
    published_at: datetime | None
    entries: int


@router.get("/years", response=list[YearOut], summary="各年度节假日安排状态")
def years(request):
    require_perm(request.user, CalendarPerm.VIEW)
    counts = dict(_day_counts())
    return [{"year": y.year, "status": y.status, "source": y.source, "published_at": y.published_at,
             "entries": counts.get(y.year, 0)} for y in selectors.years()]


def _day_counts():
    from django.db.models import Count

    from .models import CalendarDay

    return CalendarDay.objects.values_list("year").annotate(n=Count("id")).order_by()


class PublishIn(Schema):
    source: str = ""


@router.post("/years/{year}/publish", response=YearOut, summary="发布年度节假日安排")
def publish(request, year: int, payload: PublishIn):
    require_perm(request.user, CalendarPerm.MANAGE)
    cal_year = services.publish_year(year=year, actor=request.user, source=payload.source)
    counts = dict(_day_counts())
    return {"year": cal_year.year, "status": cal_year.status, "source": cal_year.source,
            "published_at": cal_year.published_at, "entries": counts.get(cal_year.year, 0)}


class PolicyOut(Schema):
    code: str
    version: int
    name: str
    unit: str
    amount: int
    effective_from: date
    basis: str


@router.get("/policies", response=list[PolicyOut], summary="期限规则（全部版本）")
def policies(request, code: str = ""):
    require_perm(request.user, CalendarPerm.VIEW)
    qs = DeadlinePolicy.objects.order_by("code", "-version")
    if code:
        qs = qs.filter(code=code)
    return list(qs)


class PolicyIn(Schema):
    code: str
    name: str
    unit: str
    amount: int
    effective_from: date
    basis: str = ""


@router.post("/policies", response={201: PolicyOut}, summary="新增期限规则版本")
def create_policy(request, payload: PolicyIn):
    require_perm(request.user, CalendarPerm.POLICY_MANAGE)
    policy = services.create_policy_version(actor=request.user, **payload.dict())
    return Status(201, policy)


class RecomputationOut(Schema):
    id: int
    clock_id: int
    subject: str
    subject_type: str
    object_id: str
    purpose: str
    policy_code: str
    old_deadline: datetime
    new_deadline: datetime
    old_provisional: bool
    new_provisional: bool
    reason: str
    created_at: datetime
    reviewed_at: datetime | None


def _recomputation_out(r: DeadlineRecomputation) -> dict[str, Any]:
    clock = r.clock
    return {"id": r.pk, "clock_id": clock.pk, "subject": clock.subject_label,
            "subject_type": f"{clock.content_type.app_label}.{clock.content_type.model}",
            "object_id": clock.object_id, "purpose": clock.purpose, "policy_code": clock.policy.code,
            "old_deadline": r.old_deadline, "new_deadline": r.new_deadline, "old_provisional": r.old_provisional,
            "new_provisional": r.new_provisional, "reason": r.reason, "created_at": r.created_at,
            "reviewed_at": r.reviewed_at}


@router.get("/recomputations", response=Page[RecomputationOut], summary="因日历调整而变化的期限（供中心主任确认）")
def recomputations(request, page: Query[PageParams], unreviewed: bool = False):
    require_perm(request.user, CalendarPerm.RECOMPUTE_VIEW)
    result = paginate(selectors.recomputations(unreviewed_only=unreviewed), page)
    return {**result, "results": [_recomputation_out(r) for r in result["results"]]}


@router.post("/recomputations/{recomputation_id}/review", response=RecomputationOut, summary="确认已知悉重算结果")
def review(request, recomputation_id: int):
    require_perm(request.user, CalendarPerm.RECOMPUTE_REVIEW)
    entry = get_object_or_404(selectors.recomputations(), pk=recomputation_id)
    entry = services.review_recomputation(recomputation=entry, actor=request.user)
    return _recomputation_out(selectors.recomputations().get(pk=entry.pk))
