"""Holiday file import: validation (all or nothing), replace, publish, audit, command and admin paths."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kefu.audit.models import AuditEntry
from kefu.calendar import errors
from kefu.calendar.deadlines import compute_deadline, is_working_day
from kefu.calendar.importer import parse_calendar_file
from kefu.calendar.models import CalendarDay, CalendarState, CalendarYear
from kefu.calendar.services import import_calendar, publish_year, remove_calendar_day, set_calendar_day

pytestmark = pytest.mark.django_db

SCHEDULE_2027 = """\ufeff# 2027年节假日安排（测试用样例，非官方）
date,kind,name
2027-01-01,holiday,元旦
2027-02-05..2027-02-11,holiday,春节
2027-02-14\tworkday\t春节
2027-02-20,班,春节
"""


def test_parse_accepts_ranges_tabs_comments_bom_and_chinese_kinds():
    days = parse_calendar_file(SCHEDULE_2027)
    assert [d.date for d in days][:3] == [date(2027, 1, 1), date(2027, 2, 5), date(2027, 2, 6)]
    assert len(days) == 1 + 7 + 2
    assert {d.kind for d in days if d.date in (date(2027, 2, 14), date(2027, 2, 20))} == {"workday"}


@pytest.mark.parametrize(("text", "message_part"), [
    ("2027-02-15,workday,春节", "周六或周日"),          # make-up day on a Monday
    ("2027-13-01,holiday,x", "YYYY-MM-DD"),
    ("2027-01-01,vacation,x", "未知类型"),
    ("2027-01-01", "两列"),
    ("2027-01-01,holiday,元旦\n2027-01-01,holiday,元旦", "重复"),
    ("2027-02-11..2027-02-05,holiday,春节", "区间"),
    ("1999-01-01,holiday,x", "年份"),
    ("# only a comment\n", "没有任何"),
])
def test_parse_rejects_bad_files_with_line_numbers(text, message_part):
    with pytest.raises(errors.ImportInvalid) as info:
        parse_calendar_file(text)
    assert info.value.status == 422 and info.value.code == "calendar.import_invalid"
    assert any(message_part in str(v) for v in info.value.fields.values()) or message_part in info.value.message


def test_invalid_file_imports_nothing(maintainer):
    version = CalendarState.objects.get(id=1).version
    with pytest.raises(errors.ImportInvalid) as info:
        import_calendar(text="2027-01-01,holiday,元旦\n2027-01-04,workday,错误", actor=maintainer)
    assert "line 2" in info.value.fields
    assert not CalendarDay.objects.filter(year=2027).exists()
    assert CalendarState.objects.get(id=1).version == version


def test_import_then_publish_makes_2027_official(maintainer):
    assert is_working_day(date(2027, 2, 8))  # weekends-only fallback before the import
    summary = import_calendar(text=SCHEDULE_2027, actor=maintainer, filename="2027.csv", source="测试通知")
    assert summary.years == [2027] and summary.created == 10 and summary.published == []
    assert not is_working_day(date(2027, 2, 8))
    assert is_working_day(date(2027, 2, 20))  # a make-up Saturday
    assert CalendarYear.objects.get(year=2027).status == "draft"
    result = compute_deadline(received_at="2027-02-04T10:00:00+08:00", unit="working_days", amount=1)
    assert result.isoformat() == "2027-02-12T23:59:59+08:00" and result.provisional
    publish_year(year=2027, actor=maintainer)
    result = compute_deadline(received_at="2027-02-04T10:00:00+08:00", unit="working_days", amount=1)
    assert not result.provisional
    entry = AuditEntry.objects.filter(action="calendar.imported").latest("seq")
    assert entry.changes["summary"]["created"] == 10 and "2027-02-14" in entry.changes["changed_dates"]
    assert AuditEntry.objects.filter(action="calendar.year_published").exists()


def test_reimport_is_idempotent_and_replace_removes_stale_days(maintainer):
    import_calendar(text=SCHEDULE_2027, actor=maintainer)
    again = import_calendar(text=SCHEDULE_2027, actor=maintainer)
    assert (again.created, again.updated, again.unchanged, again.version) == (0, 0, 10, 0)
    replaced = import_calendar(text="2027-01-01,holiday,元旦\n2027-02-14,workday,春节（调整）", actor=maintainer,
                               replace=True, publish=True)
    assert replaced.removed == 8 and replaced.updated == 1 and replaced.published == [2027]
    assert set(CalendarDay.objects.filter(year=2027).values_list("date", flat=True)) == {
        date(2027, 1, 1), date(2027, 2, 14)}


def test_publish_an_empty_year_is_refused(maintainer):
    with pytest.raises(errors.InvalidCalendarDay) as info:
        publish_year(year=2028, actor=maintainer)
    assert info.value.code == "calendar.year_empty"


def test_single_day_edits_are_validated_and_audited(maintainer):
    with pytest.raises(errors.InvalidCalendarDay):
        set_calendar_day(day=date(2027, 3, 1), kind="workday", actor=maintainer)  # a Monday
    set_calendar_day(day=date(2027, 3, 6), kind="workday", name="测试", actor=maintainer, reason="测试")
    assert is_working_day(date(2027, 3, 6))
    remove_calendar_day(day=date(2027, 3, 6), actor=maintainer, reason="撤销")
    assert not is_working_day(date(2027, 3, 6))
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"calendar.day_set", "calendar.day_removed"} <= actions


def test_seed_is_idempotent_and_keeps_maintainer_edits(maintainer):
    from kefu.calendar import setup

    set_calendar_day(day=date(2026, 10, 10), kind="holiday", name="改动", actor=maintainer)
    before = CalendarDay.objects.count()
    setup.seed(StringIO())
    assert CalendarDay.objects.count() == before
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).kind == "holiday"
    assert CalendarYear.objects.filter(status="published").count() == 23  # 2004-2026


def test_seeded_calendar_matches_the_package():
    import chinese_calendar

    days = dict(CalendarDay.objects.values_list("date", "kind"))
    assert days[date(2026, 10, 10)] == "workday"
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).name == "国庆节"
    for d in (date(2025, 1, 26), date(2025, 2, 8), date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28),
              date(2026, 5, 9), date(2026, 9, 20)):
        assert days[d] == "workday" and chinese_calendar.is_workday(d)
    assert days[date(2025, 1, 28)] == "holiday"


def test_import_holidays_command(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    out = StringIO()
    call_command("import_holidays", str(path), "--publish", "--source", "测试通知", stdout=out)
    assert "10 created" in out.getvalue()
    assert CalendarYear.objects.get(year=2027).status == "published"
    bad = tmp_path / "bad.csv"
    bad.write_text("2027-03-01,workday,x\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("import_holidays", str(bad), stdout=StringIO())
    assert "calendar.import_invalid" in str(info.value) and "line 1" in str(info.value)
