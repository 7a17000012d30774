"""Working-day arithmetic against a day-by-day reference and hand-checked holidays, and the
statutory clock (pauses, extensions, states)."""

import datetime as dt

import chinese_calendar as cc
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongban.core.calendar import (
    Clock,
    ClockError,
    ClockState,
    DayKind,
    ExceptionalDay,
    WorkCalendar,
)

D = dt.date
CAL = WorkCalendar.from_chinese_calendar()


def reference_add(start: dt.date, n: int) -> dt.date:
    """The law read literally: step day by day, skip the event day, count working days."""
    day = start
    while n:
        day += dt.timedelta(days=1)
        if cc.is_workday(day):
            n -= 1
    return day


def test_every_date_2004_to_2026_matches_the_day_by_day_reference():
    start, end = D(2004, 1, 1), D(2026, 11, 30)  # leave room: the package's data ends in 2026
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    for n in (0, 1, 3, 5, 10, 20):
        expected = []
        for day in days:
            expected.append(reference_add(day, n))
        got = [CAL.add_workdays(day, n) for day in days]
        assert got == expected, n
        vector = CAL.add_workdays_many(days, n)
        assert vector.tolist() == expected, n


def test_is_workday_agrees_with_the_official_data_every_day():
    day = D(2004, 1, 1)
    while day <= D(2026, 12, 31):
        assert CAL.is_workday(day) == cc.is_workday(day), day
        day += dt.timedelta(days=1)


def test_national_day_2025():
    # 1-8 October off; Sunday 28 September and Saturday 11 October worked.
    assert CAL.is_workday(D(2025, 9, 28))
    assert CAL.is_workday(D(2025, 10, 11))
    assert not any(CAL.is_workday(D(2025, 10, d)) for d in range(1, 9))
    assert CAL.add_workdays(D(2025, 9, 26), 5) == D(2025, 10, 10)
    assert CAL.add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert CAL.add_workdays(D(2025, 10, 3), 2) == D(2025, 10, 10)  # holiday event: 9th is day 1
    assert CAL.workdays_between(D(2025, 9, 26), D(2025, 10, 10)) == 5


def test_spring_festival_2026():
    # 15-23 February off; Saturdays 14 and 28 February worked.
    assert CAL.add_workdays(D(2026, 2, 12), 3) == D(2026, 2, 24)
    assert CAL.add_workdays(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert CAL.add_workdays(D(2026, 2, 27), 1) == D(2026, 2, 28)
    assert CAL.workdays_between(D(2026, 2, 13), D(2026, 2, 23)) == 1


def test_zero_days_ends_on_the_event_day_and_negative_is_refused():
    assert CAL.add_workdays(D(2025, 10, 1), 0) == D(2025, 10, 1)
    with pytest.raises(ValueError, match="负数"):
        CAL.add_workdays(D(2025, 10, 1), -1)


def test_due_at_is_midnight_shanghai_after_the_due_date():
    due = CAL.due_at(D(2025, 9, 26), 5)
    assert due.isoformat() == "2025-10-11T00:00:00+08:00"


def test_explain_says_why_each_day_counts_or_not():
    rows = CAL.explain(D(2025, 9, 26), 5)
    by_date = {r.date: r for r in rows}
    assert rows[0].reason == "事件当日不计" and not rows[0].counted
    assert by_date[D(2025, 9, 27)].reason == "周末"
    assert by_date[D(2025, 9, 28)].counted and by_date[D(2025, 9, 28)].ordinal == 1
    assert "调休上班" in by_date[D(2025, 9, 28)].reason
    assert by_date[D(2025, 10, 1)].reason == "国庆节"
    assert by_date[D(2025, 9, 28)].reason == "国庆节调休上班"
    assert rows[-1].date == D(2025, 10, 10) and rows[-1].ordinal == 5


def test_a_year_without_a_schedule_is_weekends_only_provisional_and_never_raises():
    assert CAL.is_provisional(D(2027, 1, 1))
    assert not CAL.is_provisional(D(2026, 12, 31))
    assert CAL.add_workdays(D(2027, 1, 1), 1) == D(2027, 1, 4)  # a Friday; Monday is next
    far = CAL.add_workdays(D(2100, 12, 30), 3)  # crosses the precomputed range
    assert far == D(2101, 1, 4)
    assert CAL.add_workdays(D(1985, 1, 4), 1) == D(1985, 1, 7)
    assert CAL.workdays_between(D(2101, 1, 1), D(2101, 1, 8)) == 5
    many = CAL.add_workdays_many([D(1985, 1, 4), D(2025, 9, 26)], [1, 5])
    assert many.tolist() == [D(1985, 1, 7), D(2025, 10, 10)]


def test_changed_days_between_two_calendars():
    extra = WorkCalendar(
        [*CAL._days.values(), ExceptionalDay(D(2027, 3, 3), DayKind.HOLIDAY, "测试")],
        CAL.entered_years,
    )
    assert extra.changed_days(CAL) == {D(2027, 3, 3)}
    assert extra.add_workdays(D(2027, 3, 1), 3) == D(2027, 3, 5)


def test_vectorised_accepts_numpy_dates_and_broadcasts_n():
    dates = np.array(["2025-09-26", "2026-02-13"], dtype="datetime64[D]")
    out = CAL.add_workdays_many(dates, 5)
    assert out.tolist() == [D(2025, 10, 10), D(2026, 2, 27)]


# --- the statutory clock ------------------------------------------------------------------------


def test_clock_due_date_and_states():
    clock = Clock(limit_days=20, started_on=D(2025, 9, 26), warn_days=3)
    due = clock.due_date(D(2025, 9, 26), CAL)
    assert due == CAL.add_workdays(D(2025, 9, 26), 20)
    assert clock.state(D(2025, 9, 29), CAL) == ClockState.RUNNING
    three_left = CAL.add_workdays(D(2025, 9, 26), 17)
    assert clock.days_remaining(three_left, CAL) == 3
    assert clock.state(three_left, CAL) == ClockState.DUE_SOON
    assert clock.state(due, CAL) == ClockState.DUE_SOON  # until 24:00 of the due date
    assert clock.state(due + dt.timedelta(days=1), CAL) == ClockState.OVERDUE
    assert clock.stop(D(2025, 10, 9)).state(D(2026, 1, 1), CAL) == ClockState.STOPPED


def test_pause_excludes_the_working_days_it_lasted():
    clock = Clock(limit_days=20, started_on=D(2025, 9, 1))
    paused = clock.pause(D(2025, 9, 10), reason="现场勘验", basis="《行政许可法》第四十五条")
    assert paused.state(D(2025, 9, 15), CAL) == ClockState.PAUSED
    resumed = paused.resume(D(2025, 9, 17))  # Thursday 11th .. Wednesday 17th: 5 working days
    assert resumed.paused_days(D(2025, 12, 1), CAL) == 5
    assert resumed.due_date(D(2025, 12, 1), CAL) == CAL.add_workdays(D(2025, 9, 1), 25)
    assert resumed.days_used(D(2025, 9, 17), CAL) == 7  # 2nd..10th


def test_illegal_clock_operations_are_refused_in_chinese():
    clock = Clock(limit_days=20, started_on=D(2025, 9, 1)).pause(D(2025, 9, 2), reason="专家评审")
    with pytest.raises(ClockError, match="不能重复暂停"):
        clock.pause(D(2025, 9, 3), reason="听证")
    with pytest.raises(ClockError, match="没有暂停"):
        Clock(limit_days=5, started_on=D(2025, 9, 1)).resume(D(2025, 9, 2))
    once = Clock(limit_days=20, started_on=D(2025, 9, 1)).extend(10, approved_by="局长", reason="复杂")
    assert once.total_days == 30
    with pytest.raises(ClockError, match="只能延期一次"):
        once.extend(5, approved_by="局长", reason="再延")
    with pytest.raises(ClockError, match="早于"):
        Clock(limit_days=5, started_on=D(2025, 9, 10)).pause(D(2025, 9, 1), reason="x")
    with pytest.raises(ClockError, match="已停止"):
        Clock(limit_days=5, started_on=D(2025, 9, 1)).stop(D(2025, 9, 2)).extend(
            1, approved_by="a", reason="b"
        )


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(D(2004, 1, 1), D(2026, 6, 30)),
    limit=st.integers(1, 60),
    offset=st.integers(0, 40),
    length=st.integers(0, 30),
)
def test_pausing_k_working_days_moves_the_due_date_by_exactly_k(start, limit, offset, length):
    pause_from = start + dt.timedelta(days=offset)
    pause_to = pause_from + dt.timedelta(days=length)
    clock = Clock(limit_days=limit, started_on=start)
    paused = clock.pause(pause_from, reason="听证").resume(pause_to)
    k = CAL.workdays_between(pause_from, pause_to)
    far = D(2027, 12, 31)
    assert paused.due_date(far, CAL) == CAL.add_workdays(clock.due_date(far, CAL), k)
    assert CAL.workdays_between(clock.due_date(far, CAL), paused.due_date(far, CAL)) == k
