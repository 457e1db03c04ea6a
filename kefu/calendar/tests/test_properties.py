"""Hypothesis properties of the deadline engine, and agreement with a naive day-by-day oracle."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.calendar.deadlines import compute_deadline, is_working_day

from .oracle import naive_deadline

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
UNITS = ["hours", "working_days", "calendar_days", "business_hours"]
HYPO = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Receipts 2005 to Sep 2026 with amounts up to 60 keep every deadline inside the package's years.
naive_moments = st.datetimes(min_value=datetime(2005, 1, 1), max_value=datetime(2026, 9, 30, 23, 59, 59))
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


@st.composite
def receipts(draw):
    moment = draw(naive_moments).replace(tzinfo=draw(offsets))
    return moment


@HYPO
@given(received=receipts(), unit=st.sampled_from(["working_days", "calendar_days"]),
       amount=st.integers(min_value=0, max_value=60))
def test_day_unit_deadline_is_end_of_a_working_day(received, unit, amount):
    result = compute_deadline(received_at=received, unit=unit, amount=amount)
    assert is_working_day(result.deadline.date())
    assert (result.deadline.hour, result.deadline.minute, result.deadline.second) == (23, 59, 59)
    assert result.deadline.utcoffset() == timedelta(hours=8)


@HYPO
@given(received=receipts(), unit=st.sampled_from(UNITS), amount=st.integers(min_value=0, max_value=40),
       more=st.integers(min_value=1, max_value=20))
def test_monotone_in_amount(received, unit, amount, more):
    shorter = compute_deadline(received_at=received, unit=unit, amount=amount).deadline
    longer = compute_deadline(received_at=received, unit=unit, amount=amount + more).deadline
    assert shorter <= longer
    if unit in ("hours", "business_hours") or (unit == "working_days" and amount >= 1):
        assert shorter < longer  # each extra unit is real time (0 working days on a rest day = 1)


@HYPO
@given(received=receipts(), unit=st.sampled_from(UNITS), amount=st.integers(min_value=0, max_value=60))
def test_never_before_receipt(received, unit, amount):
    result = compute_deadline(received_at=received, unit=unit, amount=amount)
    assert result.deadline >= received
    if amount and unit in ("working_days", "calendar_days"):
        assert result.deadline.astimezone(SH).date() > received.astimezone(SH).date()


@HYPO
@given(received=receipts(), unit=st.sampled_from(UNITS), amount=st.integers(min_value=0, max_value=60))
def test_agrees_with_naive_day_by_day_oracle(received, unit, amount):
    assert compute_deadline(received_at=received, unit=unit, amount=amount).deadline == naive_deadline(
        received, unit, amount)


@HYPO
@given(received=receipts(), unit=st.sampled_from(UNITS), amount=st.integers(min_value=0, max_value=30))
def test_offset_does_not_matter_only_the_instant(received, unit, amount):
    as_utc = received.astimezone(UTC)
    assert (compute_deadline(received_at=received, unit=unit, amount=amount).deadline
            == compute_deadline(received_at=as_utc.isoformat(), unit=unit, amount=amount).deadline)
