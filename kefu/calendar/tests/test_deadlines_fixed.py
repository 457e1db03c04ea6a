"""Fixed cases on the official calendar (seeded by migration from chinese-calendar)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.calendar import errors
from kefu.calendar.deadlines import compute_deadline, is_working_day, next_working_day

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def deadline(received_at: str, unit: str, amount: int) -> str:
    return compute_deadline(received_at=received_at, unit=unit, amount=amount).isoformat()


def test_2026_10_10_is_a_make_up_saturday():
    assert date(2026, 10, 10).weekday() == 5
    assert is_working_day(date(2026, 10, 10))
    assert not is_working_day(date(2026, 10, 3))
    assert not is_working_day(date(2026, 10, 11))  # an ordinary Sunday
    assert next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)


@pytest.mark.parametrize(("received_at", "unit", "amount", "expected"), [
    # 2025 Spring Festival: rest 28 Jan - 4 Feb, make-up Sunday 26 Jan and Saturday 8 Feb.
    ("2025-01-24T10:00:00+08:00", "working_days", 1, "2025-01-26T23:59:59+08:00"),
    ("2025-01-27T10:00:00+08:00", "working_days", 1, "2025-02-05T23:59:59+08:00"),
    ("2025-01-27T10:00:00+08:00", "working_days", 3, "2025-02-07T23:59:59+08:00"),
    ("2025-01-27T10:00:00+08:00", "working_days", 4, "2025-02-08T23:59:59+08:00"),
    ("2025-01-27T10:00:00+08:00", "working_days", 5, "2025-02-10T23:59:59+08:00"),
    ("2025-01-27T10:00:00+08:00", "calendar_days", 3, "2025-02-05T23:59:59+08:00"),
    ("2025-01-20T09:00:00+08:00", "calendar_days", 15, "2025-02-05T23:59:59+08:00"),
    ("2025-01-27T17:30:00+08:00", "business_hours", 4, "2025-02-05T12:30:00+08:00"),
    ("2025-01-27T10:00:00+08:00", "hours", 24, "2025-01-28T10:00:00+08:00"),
    # 2026 National Day: rest 1-7 Oct, make-up Sunday 20 Sep and Saturday 10 Oct.
    ("2026-09-30T10:00:00+08:00", "working_days", 1, "2026-10-08T23:59:59+08:00"),
    ("2026-09-30T10:00:00+08:00", "working_days", 3, "2026-10-10T23:59:59+08:00"),
    ("2026-09-30T10:00:00+08:00", "working_days", 7, "2026-10-15T23:59:59+08:00"),
    ("2026-09-25T10:00:00+08:00", "calendar_days", 15, "2026-10-10T23:59:59+08:00"),
    ("2026-09-20T10:00:00+08:00", "calendar_days", 15, "2026-10-08T23:59:59+08:00"),
    ("2026-09-30T16:00:00+08:00", "business_hours", 4, "2026-10-08T11:00:00+08:00"),
    # Receipt on a holiday: the count starts after it.
    ("2026-10-03T11:00:00+08:00", "working_days", 1, "2026-10-08T23:59:59+08:00"),
    ("2026-10-03T11:00:00+08:00", "working_days", 0, "2026-10-08T23:59:59+08:00"),
    ("2026-10-03T11:00:00+08:00", "business_hours", 1, "2026-10-08T10:00:00+08:00"),
    # Receipt on the make-up Saturday: it is a working day, but the day of receipt is not counted.
    ("2026-10-10T09:00:00+08:00", "working_days", 1, "2026-10-12T23:59:59+08:00"),
    ("2026-10-10T09:00:00+08:00", "working_days", 0, "2026-10-10T23:59:59+08:00"),
    ("2026-10-10T17:00:00+08:00", "business_hours", 2, "2026-10-12T10:00:00+08:00"),
    # Late at night, and the same instant written in UTC: the Shanghai date decides.
    ("2026-10-09T23:59:59+08:00", "working_days", 1, "2026-10-10T23:59:59+08:00"),
    ("2026-10-09T16:30:00+00:00", "working_days", 1, "2026-10-12T23:59:59+08:00"),
    ("2026-10-09T15:59:59Z", "working_days", 1, "2026-10-10T23:59:59+08:00"),
    ("2026-10-09T23:30:00-05:00", "calendar_days", 1, "2026-10-12T23:59:59+08:00"),
    # Fractions of a second are kept in the computation and cut on output.
    ("2026-11-20T17:00:00.500+08:00", "business_hours", 1, "2026-11-23T09:00:00+08:00"),
    ("2026-11-20T08:15:00+08:00", "business_hours", 9, "2026-11-20T18:00:00+08:00"),
    ("2026-11-20T18:00:00+08:00", "business_hours", 0, "2026-11-20T18:00:00+08:00"),
    ("2024-02-29T12:00:00+08:00", "hours", 0, "2024-02-29T12:00:00+08:00"),
    ("2024-12-31T20:00:00+08:00", "hours", 8, "2025-01-01T04:00:00+08:00"),
])
def test_fixed_cases(received_at, unit, amount, expected):
    assert deadline(received_at, unit, amount) == expected


def test_result_is_aware_shanghai_and_keeps_fraction():
    result = compute_deadline(received_at=datetime(2026, 11, 20, 1, 0, 0, 250000, tzinfo=ZoneInfo("UTC")),
                              unit="hours", amount=2)
    assert result.deadline == datetime(2026, 11, 20, 11, 0, 0, 250000, tzinfo=SH)
    assert result.deadline.utcoffset().total_seconds() == 8 * 3600
    assert result.provisional is False


def test_missing_year_falls_back_to_weekends_and_is_provisional():
    # 2027 is not in the package: 1 Jan 2027 (a Friday) counts as an ordinary working day.
    result = compute_deadline(received_at="2026-12-31T10:00:00+08:00", unit="working_days", amount=1)
    assert result.isoformat() == "2027-01-01T23:59:59+08:00"
    assert result.provisional is True
    within = compute_deadline(received_at="2026-12-01T10:00:00+08:00", unit="working_days", amount=5)
    assert within.provisional is False
    assert compute_deadline(received_at="2027-03-01T10:00:00+08:00", unit="hours", amount=5).provisional is False


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"received_at": "2026-10-09T10:00:00", "unit": "hours", "amount": 1}, errors.NAIVE_DATETIME),
    ({"received_at": "yesterday", "unit": "hours", "amount": 1}, errors.INVALID_DATETIME),
    ({"received_at": 1700000000, "unit": "hours", "amount": 1}, errors.INVALID_DATETIME),
    ({"received_at": "2026-10-09T10:00:00+08:00", "unit": "weeks", "amount": 1}, errors.UNKNOWN_UNIT),
    ({"received_at": "2026-10-09T10:00:00+08:00", "unit": "hours", "amount": -1}, errors.INVALID_AMOUNT),
    ({"received_at": "2026-10-09T10:00:00+08:00", "unit": "hours", "amount": 1.5}, errors.INVALID_AMOUNT),
    ({"received_at": "2026-10-09T10:00:00+08:00", "unit": "hours", "amount": "3"}, errors.INVALID_AMOUNT),
    ({"received_at": "2026-10-09T10:00:00+08:00", "unit": "hours", "amount": True}, errors.INVALID_AMOUNT),
    ({"received_at": "2100-12-30T10:00:00+08:00", "unit": "working_days", "amount": 30}, errors.OUT_OF_RANGE),
    ({"received_at": "1990-01-01T10:00:00+08:00", "unit": "working_days", "amount": 1}, errors.OUT_OF_RANGE),
    ({"received_at": "2026-10-09T10:00:00+08:00", "unit": "hours", "amount": 10**15}, errors.OUT_OF_RANGE),
])
def test_bad_input_raises_coded_errors(kwargs, code):
    with pytest.raises(errors.DeadlineError) as info:
        compute_deadline(**kwargs)
    assert info.value.code == code
    assert info.value.code.startswith("calendar.")


def test_integral_float_amount_is_accepted():
    assert deadline("2026-09-30T10:00:00+08:00", "working_days", 1.0) == "2026-10-08T23:59:59+08:00"


def test_service_hours_are_configurable(settings):
    settings.KEFU_SERVICE_HOURS = "08:30-12:00,13:00-17:30"
    assert deadline("2026-11-20T11:00:00+08:00", "business_hours", 2) == "2026-11-20T14:00:00+08:00"
    assert deadline("2026-11-20T12:30:00+08:00", "business_hours", 8) == "2026-11-23T12:00:00+08:00"


@pytest.mark.parametrize("text", [
    "2026-10-09T23:30:00+0800", "2026-10-09 23:30:00+08:00", "20261009T233000+0800", "2026-10-09t23:30:00+08:00",
    "2026-10-09T15:30:00z", "2026-10-09T23:30:00.123456789+08:00", " 2026-10-09T23:30:00+08 ",
])
def test_iso_variants_are_read(text):
    assert deadline(text, "working_days", 1) == "2026-10-10T23:59:59+08:00"


def test_24_00_means_the_next_midnight():
    assert deadline("2026-10-09T24:00:00+08:00", "working_days", 0) == "2026-10-10T23:59:59+08:00"
    assert deadline("2026-10-09T24:00:00+08:00", "hours", 1) == "2026-10-10T01:00:00+08:00"


def test_hours_count_elapsed_time_across_a_foreign_dst_change():
    # 8 Mar 2026 02:00 New York springs forward; Shanghai has no DST, so elapsed time is all that counts.
    received = datetime(2026, 3, 8, 1, 30, tzinfo=ZoneInfo("America/New_York"))  # 06:30 UTC
    result = compute_deadline(received_at=received, unit="hours", amount=2)
    assert result.isoformat() == "2026-03-08T16:30:00+08:00"
    assert result.deadline - received == timedelta(hours=2)
