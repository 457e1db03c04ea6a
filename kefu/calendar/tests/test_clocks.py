"""Deadline clocks: start, pause/resume (the deadline moves by paused working time), stop, policy change,
and the recompute of an open clock when the calendar changes."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.audit.models import AuditEntry
from kefu.calendar import errors
from kefu.calendar.choices import ClockStatus
from kefu.calendar.models import DeadlineClock, DeadlineRecomputation
from kefu.calendar.selectors import clocks_for, open_clock_for
from kefu.calendar.services import (
    change_clock_policy,
    import_calendar,
    pause_clock,
    plan_clock,
    publish_year,
    resume_clock,
    set_calendar_day,
    start_clock,
    start_planned_clocks,
    stop_clock,
)

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def local(dt: datetime) -> str:
    return dt.astimezone(SH).isoformat(timespec="seconds")


def test_start_uses_policy_in_force_and_audits(subject, maintainer):
    clock = start_clock(subject=subject, purpose="handling", policy_code="complaint.general",
                        started_at=at("2026-09-25T10:00:00"), actor=maintainer)
    # 7 working days after Fri 25 Sep 2026: 28, 29, 30 Sep, 8, 9, 10 (make-up Sat), 12 Oct.
    assert local(clock.deadline) == "2026-10-12T23:59:59+08:00"
    assert clock.status == ClockStatus.RUNNING and not clock.provisional
    assert clock.policy.code == "complaint.general" and (clock.unit, clock.amount) == ("working_days", 7)
    assert list(clocks_for(subject)) == [clock]
    assert AuditEntry.objects.filter(action="calendar.clock_started", object_id=str(clock.pk)).exists()


def test_one_open_clock_per_subject_and_purpose(subject):
    start_clock(subject=subject, purpose="handling", policy_code="complaint.general",
                started_at=at("2026-09-25T10:00:00"), actor=None)
    with pytest.raises(errors.ClockStateError):
        start_clock(subject=subject, purpose="handling", policy_code="complaint.major",
                    started_at=at("2026-09-25T10:00:00"), actor=None)
    other = start_clock(subject=subject, purpose="regulatory", policy_code="regulatory.initial",
                        started_at=at("2026-09-25T10:00:00"), actor=None)
    assert open_clock_for(subject, "regulatory") == other


def test_planned_clocks_match_started_ones_and_are_stored_together(subject, maintainer):
    # A subject not inserted yet gets its deadlines first (the intake writes them on its own row), then its
    # clocks in one INSERT, each audited as start_clock audits it.
    planned = [plan_clock(purpose="handling", policy_code="complaint.general", started_at=at("2026-09-25T10:00:00")),
               plan_clock(purpose="regulatory", policy_code="regulatory.initial",
                          started_at=at("2026-09-25T10:00:00"))]
    assert [c.pk for c in planned] == [None, None]
    assert local(planned[0].deadline) == "2026-10-12T23:59:59+08:00"
    stored = start_planned_clocks(subject=subject, clocks=planned, actor=maintainer)
    assert all(c.pk for c in stored) and {c.pk for c in clocks_for(subject)} == {c.pk for c in stored}
    assert open_clock_for(subject, "handling").deadline == planned[0].deadline
    for clock in stored:
        entry = AuditEntry.objects.get(action="calendar.clock_started", object_id=str(clock.pk))
        assert entry.changes["policy"][1] == f"{clock.policy.code} v{clock.policy.version}"
    with pytest.raises(errors.ClockStateError):  # two clocks of one purpose are refused before any insert
        start_planned_clocks(subject=subject, clocks=[
            plan_clock(purpose="reply", policy_code="complaint.general", started_at=at("2026-09-25T10:00:00")),
            plan_clock(purpose="reply", policy_code="complaint.general", started_at=at("2026-09-25T10:00:00"))],
            actor=None)
    assert open_clock_for(subject, "reply") is None


def test_unknown_policy_is_a_404_error(subject):
    with pytest.raises(errors.PolicyNotFound) as info:
        start_clock(subject=subject, purpose="handling", policy_code="nope", started_at=at("2026-09-25T10:00:00"),
                    actor=None)
    assert info.value.status == 404


def test_pause_spanning_a_holiday_moves_deadline_by_paused_working_days(subject):
    clock = start_clock(subject=subject, purpose="handling", policy_code="complaint.general",
                        started_at=at("2026-09-25T10:00:00"), actor=None)
    pause_clock(clock=clock, at=at("2026-09-29T15:00:00"), actor=None, reason="等待客户补充材料")
    assert clock.status == ClockStatus.PAUSED
    assert clock.is_breached(at("2027-01-01T00:00:00")) is False  # frozen while paused
    frozen = clock.remaining(at("2027-01-01T00:00:00"))
    assert frozen == clock.deadline - at("2026-09-29T15:00:00")
    resume_clock(clock=clock, at=at("2026-10-09T09:00:00"), actor=None)
    # Working days in (29 Sep, 9 Oct]: 30 Sep, 8 Oct, 9 Oct = 3; the 1-7 Oct holiday costs nothing.
    assert local(clock.deadline) == "2026-10-15T23:59:59+08:00"
    assert clock.status == ClockStatus.RUNNING and clock.paused_at is None
    assert AuditEntry.objects.filter(action="calendar.clock_resumed", object_id=str(clock.pk)).exists()


def test_pause_within_the_holiday_only_costs_nothing(subject):
    clock = start_clock(subject=subject, purpose="handling", policy_code="complaint.general",
                        started_at=at("2026-09-25T10:00:00"), actor=None)
    before = clock.deadline
    pause_clock(clock=clock, at=at("2026-10-02T10:00:00"), actor=None, reason="客户出国")
    resume_clock(clock=clock, at=at("2026-10-06T10:00:00"), actor=None)
    assert clock.deadline == before


def test_business_hours_pause_counts_only_service_time(subject):
    clock = start_clock(subject=subject, purpose="first_response", policy_code="first_response",
                        started_at=at("2026-11-20T16:00:00"), actor=None)
    assert local(clock.deadline) == "2026-11-23T11:00:00+08:00"
    pause_clock(clock=clock, at=at("2026-11-20T17:00:00"), actor=None, reason="客户要求稍后联系")
    resume_clock(clock=clock, at=at("2026-11-23T10:00:00"), actor=None)  # 1 h Friday + 1 h Monday paused
    assert local(clock.deadline) == "2026-11-23T13:00:00+08:00"


def test_hours_pause_counts_elapsed_time(subject):
    clock = start_clock(subject=subject, purpose="urgent", policy_code="complaint.urgent",
                        started_at=at("2026-10-01T10:00:00"), actor=None)
    assert local(clock.deadline) == "2026-10-02T10:00:00+08:00"
    pause_clock(clock=clock, at=at("2026-10-01T12:00:00"), actor=None, reason="等待客户")
    resume_clock(clock=clock, at=at("2026-10-01T14:30:00"), actor=None)
    assert local(clock.deadline) == "2026-10-02T12:30:00+08:00"


def test_state_machine_rejects_bad_transitions(subject):
    clock = start_clock(subject=subject, purpose="handling", policy_code="complaint.general",
                        started_at=at("2026-09-25T10:00:00"), actor=None)
    with pytest.raises(errors.ClockStateError):
        resume_clock(clock=clock, at=at("2026-09-26T10:00:00"), actor=None)
    with pytest.raises(errors.CalendarError):
        pause_clock(clock=clock, at=at("2026-09-20T10:00:00"), actor=None, reason="早于起算")
    with pytest.raises(errors.CalendarError):
        pause_clock(clock=clock, at=at("2026-09-28T10:00:00"), actor=None, reason="  ")
    stop_clock(clock=clock, at=at("2026-10-01T10:00:00"), actor=None)
    for call in (lambda: pause_clock(clock=clock, at=at("2026-10-02T10:00:00"), actor=None, reason="x"),
                 lambda: stop_clock(clock=clock, at=at("2026-10-02T10:00:00"), actor=None)):
        with pytest.raises(errors.ClockStateError) as info:
            call()
        assert info.value.status == 409


def test_stop_records_breach(subject):
    clock = start_clock(subject=subject, purpose="handling", policy_code="consultation.default",
                        started_at=at("2026-11-16T10:00:00"), actor=None)
    assert local(clock.deadline) == "2026-11-19T23:59:59+08:00"
    assert clock.remaining(at("2026-11-19T23:00:00")) == timedelta(minutes=59, seconds=59)
    assert not clock.is_breached(at("2026-11-19T23:59:59"))
    assert clock.is_breached(at("2026-11-20T00:00:00"))
    stop_clock(clock=clock, at=at("2026-11-20T09:00:00"), actor=None)
    assert clock.status == ClockStatus.STOPPED and clock.stopped_at == at("2026-11-20T09:00:00")
    assert clock.is_breached(at("2026-11-10T00:00:00"))  # judged at the stop, not at "now"
    entry = AuditEntry.objects.get(action="calendar.clock_stopped", object_id=str(clock.pk))
    assert entry.changes["breached"][1] is True


def test_stop_while_paused_closes_the_pause(subject):
    clock = start_clock(subject=subject, purpose="handling", policy_code="complaint.general",
                        started_at=at("2026-11-16T10:00:00"), actor=None)
    before = clock.deadline
    pause_clock(clock=clock, at=at("2026-11-17T10:00:00"), actor=None, reason="等待材料")
    stop_clock(clock=clock, at=at("2026-11-19T10:00:00"), actor=None)
    assert clock.pauses.get().resumed_at == at("2026-11-19T10:00:00")
    assert clock.deadline == before + timedelta(days=2)  # 18 and 19 Nov were paused


def test_change_policy_for_regulatory_extension(subject):
    clock = start_clock(subject=subject, purpose="regulatory", policy_code="regulatory.initial",
                        started_at=at("2026-09-10T10:00:00"), actor=None)
    # 10 Sep + 15 = Fri 25 Sep 2026, the Mid-Autumn Festival: moved past the weekend to Monday 28 Sep.
    assert local(clock.deadline) == "2026-09-28T23:59:59+08:00"
    change_clock_policy(clock=clock, policy_code="regulatory.extension_1", actor=None, reason="情况复杂，经批准延长")
    # 10 Sep + 30 days = 10 Oct 2026, the make-up Saturday: a working day, so no move.
    assert local(clock.deadline) == "2026-10-10T23:59:59+08:00"
    assert clock.policy.code == "regulatory.extension_1"
    assert DeadlineClock.objects.get(pk=clock.pk).amount == 30


def test_calendar_change_recomputes_open_clock(subject, maintainer, django_capture_on_commit_callbacks):
    clock = start_clock(subject=subject, purpose="handling", policy_code="complaint.general",
                        started_at=at("2026-11-16T10:00:00"), actor=None)
    assert local(clock.deadline) == "2026-11-25T23:59:59+08:00"
    done = start_clock(subject=subject, purpose="reply", policy_code="complaint.general",
                       started_at=at("2026-11-16T10:00:00"), actor=None)
    stop_clock(clock=done, at=at("2026-11-17T10:00:00"), actor=None)
    # A (fictional) extra rest day on Fri 20 Nov 2026, entered by a maintainer.
    with django_capture_on_commit_callbacks(execute=True):
        set_calendar_day(day=date(2026, 11, 20), kind="holiday", name="临时休假", actor=maintainer,
                         reason="测试：临时放假")
    clock.refresh_from_db()
    assert local(clock.deadline) == "2026-11-26T23:59:59+08:00"
    moved = DeadlineRecomputation.objects.get(clock=clock)
    assert local(moved.old_deadline) == "2026-11-25T23:59:59+08:00"
    assert local(moved.new_deadline) == "2026-11-26T23:59:59+08:00"
    assert AuditEntry.objects.filter(action="calendar.clock_recomputed", object_id=str(clock.pk)).exists()
    assert AuditEntry.objects.filter(action="calendar.day_set").exists()
    done.refresh_from_db()
    assert local(done.deadline) == "2026-11-25T23:59:59+08:00"  # stopped clocks are history
    assert not DeadlineRecomputation.objects.filter(clock=done).exists()


def test_changes_after_the_deadline_do_not_touch_a_clock(subject, maintainer, django_capture_on_commit_callbacks):
    clock = start_clock(subject=subject, purpose="handling", policy_code="consultation.default",
                        started_at=at("2026-11-16T10:00:00"), actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        set_calendar_day(day=date(2026, 12, 4), kind="holiday", name="临时休假", actor=maintainer)
    assert not DeadlineRecomputation.objects.filter(clock=clock).exists()


def test_publishing_next_year_clears_provisional(subject, maintainer, django_capture_on_commit_callbacks):
    clock = start_clock(subject=subject, purpose="regulatory", policy_code="regulatory.initial",
                        started_at=at("2026-12-25T10:00:00"), actor=None)
    # 25 Dec + 15 = 9 Jan 2027, a Saturday: weekends-only fallback moves it to Monday 11 Jan, provisionally.
    assert local(clock.deadline) == "2027-01-11T23:59:59+08:00" and clock.provisional
    with django_capture_on_commit_callbacks(execute=True):
        import_calendar(text="2027-01-01,holiday,元旦\n2027-01-09,workday,测试调休\n", actor=maintainer,
                        filename="2027.csv")
    clock.refresh_from_db()
    assert local(clock.deadline) == "2027-01-09T23:59:59+08:00" and clock.provisional  # draft: still provisional
    with django_capture_on_commit_callbacks(execute=True):
        publish_year(year=2027, actor=maintainer, source="测试通知")
    clock.refresh_from_db()
    assert not clock.provisional
    assert DeadlineRecomputation.objects.filter(clock=clock).count() == 2
