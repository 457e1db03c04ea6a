"""Reference data loaded by ``setup.seed()`` and by the data migration (so a migrated database is usable).

Functions take the model classes as arguments so the migration can pass its historical models.
"""

from __future__ import annotations

from datetime import date
from typing import Any

# (code, name, unit, amount, basis): the house rules and regulatory limits in REFERENCE.md, as first
# versions; maintainers add new versions in the admin, never by editing code.
DEFAULT_POLICIES: list[tuple[str, str, str, int, str]] = [
    ("complaint.general", "一般投诉处理时限", "working_days", 7, "行内投诉处理规程：一般投诉7个工作日"),
    ("complaint.major", "重大投诉处理时限", "working_days", 15, "行内投诉处理规程：重大投诉15个工作日"),
    ("complaint.urgent", "紧急投诉处理时限", "hours", 24, "行内投诉处理规程：紧急投诉24小时"),
    ("consultation.default", "咨询处理时限", "working_days", 3, "行内服务规范"),
    ("suggestion.default", "建议处理时限", "working_days", 15, "行内服务规范"),
    ("service_request.default", "服务请求处理时限", "working_days", 5, "行内服务规范"),
    ("atm_adjustment", "ATM差错调账时限", "working_days", 5, "行内规程：ATM差错调账5个工作日"),
    ("reply_after_resolution", "处理结果反馈时限", "working_days", 3, "行内规程：结果3个工作日内反馈"),
    ("regulatory.initial", "投诉处理决定时限（监管）", "calendar_days", 15,
     "《银行业保险业消费投诉处理管理办法》：15日内作出处理决定"),
    ("regulatory.extension_1", "复杂投诉延长时限（监管）", "calendar_days", 30,
     "《银行业保险业消费投诉处理管理办法》：情况复杂的可延长至30日"),
    ("regulatory.extension_2", "特别复杂投诉再延长时限（监管）", "calendar_days", 60,
     "《银行业保险业消费投诉处理管理办法》：经批准再延长，最长不超过60日"),
    ("recheck.request_window", "申请核查期限", "calendar_days", 30,
     "《银行业保险业消费投诉处理管理办法》：收到处理决定之日起30日内书面申请核查"),
    ("recheck.answer", "核查答复时限", "calendar_days", 30, "上级机构30日内答复（待确认）"),
    ("first_response", "首次响应时限", "business_hours", 4, "行内服务规范：服务时间内4小时首次联系客户"),
]

POLICY_EFFECTIVE_FROM = date(2020, 3, 1)  # the complaint measures came into force on this day


def package_calendar() -> dict[date, tuple[str, str]]:
    """Every exception day the ``chinese-calendar`` package knows: date -> (kind, Chinese name)."""
    import chinese_calendar

    chinese = {h.value: h.chinese for h in chinese_calendar.Holiday}
    out: dict[date, tuple[str, str]] = {}
    for day, english in chinese_calendar.holidays.items():
        out[day] = ("holiday", chinese.get(english, english or ""))
    for day, english in chinese_calendar.workdays.items():
        # A make-up day is a weekend the package calls a workday, named after the holiday it pays for.
        if day.weekday() >= 5:
            out[day] = ("workday", chinese.get(english, english or ""))
    return out


def package_years() -> range:
    import chinese_calendar

    days = list(chinese_calendar.holidays) + list(chinese_calendar.workdays)
    return range(min(days).year, max(days).year + 1)


def seed_holidays(CalendarDay: Any, CalendarYear: Any) -> tuple[int, int]:
    """Create missing days and years from the package; never overwrite what a maintainer changed."""
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    new_days = [
        CalendarDay(date=day, year=day.year, kind=kind, name=name, source="chinese-calendar")
        for day, (kind, name) in sorted(package_calendar().items()) if day not in existing
    ]
    CalendarDay.objects.bulk_create(new_days, batch_size=500)
    known_years = set(CalendarYear.objects.values_list("year", flat=True))
    new_years = [
        CalendarYear(year=year, status="published", source="chinese-calendar 软件包（国务院办公厅通知）")
        for year in package_years() if year not in known_years
    ]
    CalendarYear.objects.bulk_create(new_years)
    return len(new_days), len(new_years)


def seed_policies(DeadlinePolicy: Any) -> int:
    known = set(DeadlinePolicy.objects.values_list("code", flat=True))
    new = [
        DeadlinePolicy(code=code, version=1, name=name, unit=unit, amount=amount,
                       effective_from=POLICY_EFFECTIVE_FROM, basis=basis)
        for code, name, unit, amount, basis in DEFAULT_POLICIES if code not in known
    ]
    DeadlinePolicy.objects.bulk_create(new)
    return len(new)


def ensure_state(CalendarState: Any) -> None:
    CalendarState.objects.get_or_create(id=1, defaults={"version": 1})
