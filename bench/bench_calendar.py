"""Working-day arithmetic: scalar and vectorised add_workdays against the day-by-day loop and numpy.busday_offset."""

import datetime as dt
import os
import random
import time

import numpy as np

from tongban.core.calendar import WorkCalendar

from ._table import print_table


def _day_by_day(cal: WorkCalendar, start: dt.date, n: int) -> dt.date:
    day = start
    while n:
        day += dt.timedelta(days=1)
        if cal.is_workday(day):
            n -= 1
    return day


def _timed(func, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def run() -> None:
    cal = WorkCalendar.from_chinese_calendar()
    rng = random.Random(20261125)
    base = dt.date(2004, 1, 1)
    scalar_n = 200_000
    starts = [base + dt.timedelta(days=rng.randrange(8400)) for _ in range(scalar_n)]
    ns = [rng.randrange(0, 61) for _ in range(scalar_n)]

    def scalar():
        add = cal.add_workdays
        for s, n in zip(starts, ns, strict=True):
            add(s, n)

    def between():
        wb = cal.workdays_between
        for s, n in zip(starts, ns, strict=True):
            wb(s, s + dt.timedelta(days=n))

    loop_n = 20_000

    def loop():
        for s, n in zip(starts[:loop_n], ns[:loop_n], strict=True):
            _day_by_day(cal, s, n)

    many_n = 1_000_000
    np_rng = np.random.default_rng(20261125)
    dates = np.datetime64("2004-01-01") + np_rng.integers(0, 8400, many_n).astype("timedelta64[D]")
    many_ns = np_rng.integers(0, 61, many_n)
    checks = cal.add_workdays_many(dates[:2000], many_ns[:2000]).tolist()
    assert checks == [_day_by_day(cal, d, int(n)) for d, n in zip(dates[:2000].tolist(), many_ns[:2000].tolist(), strict=True)]

    # The independent reference: numpy.busday_offset. numpy's weekmask cannot express China's
    # weekend make-up working days (调休), so every day is a candidate business day and every
    # non-working day of the platform's calendar is a numpy "holiday". Counting "the day of the
    # event not counted" is busday_offset with roll="backward" (a non-working start day rolls back
    # to the previous working day, from which the n-th working day is the same); n = 0 is the day
    # itself.
    span = np.arange(np.datetime64("1990-01-01"), np.datetime64("2101-01-01"))
    off_days = [d for d in span.tolist() if not cal.is_workday(d)]

    def np_calendar():
        return np.busdaycalendar(weekmask="1111111", holidays=off_days)

    bdc = np_calendar()

    def np_offset():
        return np.where(many_ns == 0, dates, np.busday_offset(dates, many_ns, roll="backward", busdaycal=bdc))

    ours = cal.add_workdays_many(dates, many_ns)
    reference = np_offset()
    mismatches = int((ours != reference).sum())

    t_build = _timed(WorkCalendar.from_chinese_calendar)
    t_np_build = _timed(np_calendar)
    t_np = _timed(np_offset)
    t_scalar = _timed(scalar)
    t_between = _timed(between)
    t_loop = _timed(loop, repeat=1)
    t_many = _timed(lambda: cal.add_workdays_many(dates, many_ns))
    rows = [
        ["build calendar (1990-2100)", 1, f"{t_build * 1e3:.1f} ms", "-", "-"],
        ["add_workdays (scalar)", scalar_n, f"{t_scalar:.3f} s", f"{t_scalar / scalar_n * 1e6:.2f} µs", "≤ 5 µs"],
        ["workdays_between (scalar)", scalar_n, f"{t_between:.3f} s", f"{t_between / scalar_n * 1e6:.2f} µs", "-"],
        ["day-by-day loop (reference)", loop_n, f"{t_loop:.3f} s", f"{t_loop / loop_n * 1e6:.2f} µs", "-"],
        ["add_workdays_many", many_n, f"{t_many:.3f} s", f"{t_many / many_n * 1e9:.0f} ns", "≤ 0.5 s total"],
        ["numpy.busday_offset (reference)", many_n, f"{t_np:.3f} s", f"{t_np / many_n * 1e9:.0f} ns", "-"],
        ["numpy.busdaycalendar build (reference)", 1, f"{t_np_build * 1e3:.1f} ms", "-", "-"],
    ]
    print("n uniform in 0..60 working days, start dates uniform in 2004-2026; best of 3")
    print_table(["operation", "calls", "time", "per call", "target"], rows)
    print(f"add_workdays_many vs numpy.busday_offset: {mismatches} different due dates of {many_n:,}; "
          f"ratio {t_many / t_np:.2f}× numpy's time; load average {os.getloadavg()[0]:.2f}")
    return {
        "add_workdays_us": round(t_scalar / scalar_n * 1e6, 3),
        "many_s": round(t_many, 4),
        "numpy_busday_offset_s": round(t_np, 4),
        "mismatches_vs_numpy": mismatches,
    }
