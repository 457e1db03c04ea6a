"""A deliberately naive day-by-day reference implementation, straight from the chinese-calendar package.

It shares no code with the engine (no index, no database), so agreement between the two checks the
seeding, the index and the semantics at once. Only valid for 2004-2026 (the package's years).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

SH = ZoneInfo("Asia/Shanghai")


def workday(d: date) -> bool:
    return chinese_calendar.is_workday(d)


def end_of(d: date) -> datetime:
    return datetime.combine(d, time(23, 59, 59), SH)


def naive_deadline(received: datetime, unit: str, amount: int, hours=((9 * 3600, 18 * 3600),)) -> datetime:
    local = received.astimezone(SH)
    d = local.date()
    if unit == "hours":
        return local + timedelta(hours=amount)
    if unit == "working_days":
        if amount == 0:
            while not workday(d):
                d += timedelta(days=1)
            return end_of(d)
        counted = 0
        while counted < amount:
            d += timedelta(days=1)
            counted += workday(d)
        return end_of(d)
    if unit == "calendar_days":
        d += timedelta(days=amount)
        while not workday(d):
            d += timedelta(days=1)
        return end_of(d)
    if unit == "business_hours":
        remaining = timedelta(hours=amount)
        if not remaining:
            return local
        cursor = local
        while True:
            day = cursor.date()
            if workday(day):
                for start, end in hours:
                    w_start = datetime.combine(day, time(), SH) + timedelta(seconds=start)
                    w_end = datetime.combine(day, time(), SH) + timedelta(seconds=end)
                    begin = max(cursor, w_start)
                    if begin >= w_end:
                        continue
                    if begin + remaining <= w_end:
                        return begin + remaining
                    remaining -= w_end - begin
            cursor = datetime.combine(day + timedelta(days=1), time(), SH)
    raise ValueError(unit)
