"""Deadline engine benchmark: computations per second in-process, against a naive day-by-day baseline.

    .venv/bin/python bench/calendar.py [--n 200000] [--baseline-n 5000] [--seed 7]

The working-day index is built from the same data the database is seeded with (the chinese-calendar
package, 2004-2026; later years fall back to weekends only), so no database is needed. Receipt times are
random instants 2004-2026 in random UTC offsets, with a mix of the four units and amounts 0-60.

Measured, in one run:
- ``compute_deadline`` with aware datetimes (the in-process API other apps call);
- ``compute_item`` with ISO 8601 strings (what the CLI and the batch API do per item, minus JSON);
- the baseline: the same semantics computed naively, stepping day by day (working and calendar days) or
  window by window (business hours) with a set lookup per day, on the same inputs.
Target (issue 3): at least 50,000 computations per second in-process.
"""

from __future__ import annotations

import importlib
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))

if __name__ != "__main__":
    # This file is named like the standard library's ``calendar``. When another script in bench/ runs, bench/
    # is on the import path and ``import calendar`` (done by email, http, Django) lands here: hand over to the
    # real module so that import still works. Nothing below has side effects at import time.
    _saved_path = list(sys.path)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.getcwd()) != _HERE]
    del sys.modules[__name__]
    try:
        sys.modules[__name__] = importlib.import_module("calendar")
    finally:
        sys.path[:] = _saved_path
else:
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.getcwd()) != _HERE]
    sys.path.insert(0, os.path.dirname(_HERE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings_test")

import argparse  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from datetime import UTC, date, datetime, timedelta, timezone  # noqa: E402

UNITS = ["working_days", "calendar_days", "hours", "business_hours"]


def _django():
    import django

    django.setup()
    from django.conf import settings

    from kefu.calendar import conf, deadlines, seeddata
    from kefu.calendar.index import SHANGHAI, WorkingDayIndex

    return settings, conf, deadlines, seeddata, SHANGHAI, WorkingDayIndex


def install_index():
    settings, conf, deadlines, seeddata, _sh, WorkingDayIndex = _django()
    exceptions = {d: kind == "workday" for d, (kind, _name) in seeddata.package_calendar().items()}
    first, last = conf.index_years()
    started = time.perf_counter()
    index = WorkingDayIndex(first_year=first, last_year=last, exceptions=exceptions,
                            published_years=list(seeddata.package_years()), version=1, hours=conf.service_hours())
    print(f"index build: {(time.perf_counter() - started) * 1000:.1f} ms for {index.size:,} days "
          f"({first}-{last}), {len(exceptions)} exception days")
    settings.KEFU_CALENDAR_VERSION_CHECK_SECONDS = 10**9  # the database is not consulted in this benchmark
    deadlines._cache["interval"] = 10**9
    deadlines._cache["index"] = index
    deadlines._cache["checked_at"] = time.monotonic()
    return index


def make_inputs(n: int, seed: int, *, units=UNITS, amounts=(0, 60)) -> list[tuple[datetime, str, int]]:
    rng = random.Random(seed)
    start = datetime(2004, 1, 1, tzinfo=UTC).timestamp()
    end = datetime(2026, 10, 1, tzinfo=UTC).timestamp()
    out = []
    for _ in range(n):
        tz = timezone(timedelta(minutes=rng.randrange(-12 * 60, 14 * 60 + 1, 15)))
        moment = datetime.fromtimestamp(rng.uniform(start, end), tz)
        out.append((moment, rng.choice(units), rng.randint(*amounts)))
    return out


# -- the naive baseline --------------------------------------------------------------------------------
def naive_factory(exceptions: dict[date, bool]):
    _settings, conf, _deadlines, _seeddata, SHANGHAI, _cls = _django()
    windows = conf.service_hours().windows

    def workday(d: date) -> bool:
        flag = exceptions.get(d)
        return flag if flag is not None else d.weekday() < 5

    def end_of(d: date) -> datetime:
        return datetime(d.year, d.month, d.day, 23, 59, 59, tzinfo=SHANGHAI)

    def naive(received: datetime, unit: str, amount: int) -> datetime:
        local = received.astimezone(SHANGHAI)
        d = local.date()
        one = timedelta(days=1)
        if unit == "hours":
            return local + timedelta(hours=amount)
        if unit == "working_days":
            if amount == 0:
                while not workday(d):
                    d += one
                return end_of(d)
            counted = 0
            while counted < amount:
                d += one
                counted += workday(d)
            return end_of(d)
        if unit == "calendar_days":
            d += timedelta(days=amount)
            while not workday(d):
                d += one
            return end_of(d)
        remaining = timedelta(hours=amount)
        if not remaining:
            return local
        cursor = local
        while True:
            day = cursor.date()
            if workday(day):
                midnight = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
                for start, end in windows:
                    w_start, w_end = midnight + timedelta(seconds=start), midnight + timedelta(seconds=end)
                    begin = max(cursor, w_start)
                    if begin >= w_end:
                        continue
                    if begin + remaining <= w_end:
                        return begin + remaining
                    remaining -= w_end - begin
            cursor = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + one

    return naive


def rate(fn, items) -> tuple[float, float]:
    started = time.perf_counter()
    for item in items:
        fn(item)
    elapsed = time.perf_counter() - started
    return len(items) / elapsed, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200_000, help="computations timed for the engine")
    parser.add_argument("--baseline-n", type=int, default=5_000, help="computations timed for the naive baseline")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    install_index()
    _settings, _conf, deadlines, seeddata, _sh, _cls = _django()
    inputs = make_inputs(args.n, args.seed)
    strings = [{"received_at": m.isoformat(), "unit": u, "amount": a} for m, u, a in inputs]
    exceptions = {d: kind == "workday" for d, (kind, _name) in seeddata.package_calendar().items()}
    naive = naive_factory(exceptions)

    # The two must agree before their speeds mean anything.
    for moment, unit, amount in inputs[: min(2000, args.n)]:
        got = deadlines.compute_deadline(received_at=moment, unit=unit, amount=amount).deadline
        assert got == naive(moment, unit, amount), (moment, unit, amount)

    compute = deadlines.compute_deadline
    engine_rate, engine_s = rate(lambda x: compute(received_at=x[0], unit=x[1], amount=x[2]), inputs)
    item_rate, item_s = rate(deadlines.compute_item, strings)
    base_inputs = inputs[: args.baseline_n]
    base_rate, base_s = rate(lambda x: naive(*x), base_inputs)
    per_unit = {}
    for unit in UNITS:
        subset = [x for x in inputs if x[1] == unit][:50_000]
        per_unit[unit] = rate(lambda x: compute(received_at=x[0], unit=x[1], amount=x[2]), subset)[0]

    # Long spans (the index's point): day units with 200-1,000 days, receipts before 2022 (inside 2004-2026).
    long_inputs = [x for x in make_inputs(args.n // 4, args.seed + 1, units=["working_days", "calendar_days"],
                                          amounts=(200, 1000)) if x[0].year < 2022]
    long_rate = rate(lambda x: compute(received_at=x[0], unit=x[1], amount=x[2]), long_inputs)[0]
    long_base = long_inputs[: max(args.baseline_n // 10, 100)]
    long_base_rate = rate(lambda x: naive(*x), long_base)[0]
    for moment, unit, amount in long_base[:200]:
        assert deadlines.compute_deadline(received_at=moment, unit=unit, amount=amount).deadline == naive(
            moment, unit, amount)

    print(f"compute_deadline (datetime in):   {engine_rate:>12,.0f} /s  ({args.n:,} in {engine_s:.2f} s)")
    print(f"compute_item (ISO strings in):    {item_rate:>12,.0f} /s  ({args.n:,} in {item_s:.2f} s)")
    print(f"naive day-by-day baseline:        {base_rate:>12,.0f} /s  ({len(base_inputs):,} in {base_s:.2f} s)")
    for unit, value in per_unit.items():
        print(f"  {unit:<16} {value:>12,.0f} /s")
    print(f"ratio engine / baseline:          {engine_rate / base_rate:>12.1f} x")
    print(f"long spans (200-1,000 days): engine {long_rate:,.0f} /s, naive {long_base_rate:,.0f} /s, "
          f"ratio {long_rate / long_base_rate:.0f} x")
    target = 50_000
    verdict = "OK" if engine_rate >= target and item_rate >= target else "BELOW TARGET"
    print(f"target >= {target:,}/s in-process: {verdict}")


if __name__ == "__main__":
    main()
