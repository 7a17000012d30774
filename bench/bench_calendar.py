"""Working-day arithmetic: scalar and vectorised add_workdays against the day-by-day loop."""

import datetime as dt
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

    t_build = _timed(WorkCalendar.from_chinese_calendar)
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
    ]
    print("n uniform in 0..60 working days, start dates uniform in 2004-2026; best of 3")
    print_table(["operation", "calls", "time", "per call", "target"], rows)
