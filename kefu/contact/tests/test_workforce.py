from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from kefu.common.errors import Forbidden
from kefu.contact.models import RosterEntry, ShiftPattern
from kefu.contact.services.workforce import decide_swap, generate_rotation, request_swap, staffing_forecast
from kefu.reports.models import InteractionRollup

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def patterns(db):
    early = ShiftPattern.objects.create(code="e", name="早班", start_time=time(8), end_time=time(16))
    late = ShiftPattern.objects.create(code="l", name="晚班", start_time=time(16), end_time=time(0))
    night = ShiftPattern.objects.create(code="n", name="夜班", start_time=time(0), end_time=time(8))
    return early, late, night


def test_pattern_hours_cross_midnight(patterns):
    early, late, _ = patterns
    assert early.hours == 7.0 and late.hours == 7.0


def test_rotation_and_swap_approved_by_another_lead(contact_setup, patterns, org_tree, user_factory):
    a0, a1, a2 = contact_setup["agents"]
    lead = user_factory("wl", roles=["shift_lead"], unit=org_tree["CC"])
    start = timezone.localdate() + timedelta(days=1)
    created = generate_rotation(teams={"A": [a0], "B": [a1, a2]}, patterns=list(patterns), start=start, days=3,
                                actor=lead)
    assert created == 9
    assert [e.pattern.code for e in RosterEntry.objects.filter(agent=a0).order_by("day")] == ["e", "l", "n"]
    assert RosterEntry.objects.get(agent=a1, day=start).pattern.code == "l"
    mine = RosterEntry.objects.get(agent=a0, day=start)
    theirs = RosterEntry.objects.get(agent=a1, day=start)
    with pytest.raises(Forbidden):
        request_swap(requester_entry=theirs, counterpart_entry=mine, reason="家中有事", actor=a0.user)
    swap = request_swap(requester_entry=mine, counterpart_entry=theirs, reason="家中有事", actor=a0.user)
    with pytest.raises(Forbidden):
        decide_swap(swap=swap, approve=True, actor=a0.user)
    decide_swap(swap=swap, approve=True, actor=lead)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.pattern.code, theirs.pattern.code) == ("l", "e")


def test_forecast_uses_same_weekday_history(db):
    target = date(2026, 11, 30)  # a Monday
    for week in range(1, 9):
        day = target - timedelta(weeks=week)
        InteractionRollup.objects.create(bucket_start=datetime.combine(day, time(10, 0), tzinfo=SH), channel="phone",
                                         offered=100, handled=100, talk_seconds=150 * 100, acw_seconds=30 * 100)
        # A Tuesday must not count for Monday
        InteractionRollup.objects.create(bucket_start=datetime.combine(day + timedelta(days=1), time(10, 0), tzinfo=SH),
                                         channel="phone", offered=999, handled=999, talk_seconds=999 * 180)
    plan = {p["interval"]: p for p in staffing_forecast(day=target)}
    ten = plan[time(10, 0)]
    assert ten["calls"] == 100 and ten["aht"] == 180 and ten["agents"] == 14
    assert ten["scheduled"] == 20  # 14 / (1 - 0.3)
    assert plan[time(11, 0)]["agents"] == 0


def test_roster_and_forecast_pages(contact_setup, patterns, org_tree, user_factory):
    lead = user_factory("wl2", roles=["shift_lead"], unit=org_tree["CC"])
    client = Client()
    client.force_login(lead)
    assert client.get("/contact/roster/").status_code == 200
    assert client.get("/contact/staffing/forecast/?day=2026-11-30").status_code == 200
