"""China's official working-day calendar and working-day arithmetic.

Public API (stable; every module counts deadlines through it)::

    from tongban.core.calendar import WorkCalendar
    cal = WorkCalendar.default()             # the current calendar, cached, refreshed on change
    cal.is_workday(date) -> bool
    cal.add_workdays(date, n) -> date        # due date of an n-working-day period from `date`
    cal.workdays_between(start, end) -> int  # working days after `start` up to and including `end`
    cal.is_provisional(date) -> bool         # True when `date`'s year has no entered schedule
    cal.add_workdays_many(dates, ns) -> numpy.ndarray[datetime64[D]]
    cal.due_at(date, n) -> aware datetime    # 24:00 Asia/Shanghai of the due date
    cal.explain(date, n) -> list[ExplainRow] # each day counted or skipped, and why

Counting rule (《行政许可法》§82 and docs/design.md): the day of the triggering event is not counted;
a period of N working days ends at 24:00 of the N-th working day after the event day. An event on
a non-working day counts from the next working day: that day is the first one counted. A period
of 0 days ends on the event day itself.

Speed: the calendar precomputes, for every day of 1990-2100, the running count of working days
(`cum`) and the position of every working day (`wpos`). Then `add_workdays(d, n)` is
`wpos[cum[d] + n - 1]` and `workdays_between(a, b)` is `cum[b] - cum[a]`: two list lookups, no
stepping. Days outside that range fall back to the weekday rule, stepping day by day.
"""

from __future__ import annotations

import datetime as dt
import enum
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST = dt.date(1990, 1, 1)
LAST = dt.date(2100, 12, 31)
_FIRST_ORD = FIRST.toordinal()
_SPAN = LAST.toordinal() - _FIRST_ORD + 1
_FIRST64 = np.datetime64(FIRST.isoformat(), "D")
WEEKDAY_NAMES = "一二三四五六日"

# The `chinesecalendar` package names holidays in English; staff read Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class DayKind(enum.StrEnum):
    HOLIDAY = "holiday"  # statutory holiday (放假), may fall on a weekend
    WORKDAY = "workday"  # weekend day worked (调休上班)
    RESTDAY = "restday"  # weekday made a rest day (调休休息)


@dataclass(frozen=True, slots=True)
class ExceptionalDay:
    date: dt.date
    kind: DayKind
    name: str = ""


@dataclass(frozen=True, slots=True)
class ExplainRow:
    date: dt.date
    counted: bool
    ordinal: int | None  # 1..n for counted days
    reason: str
    provisional: bool = False

    @property
    def weekday(self) -> str:
        return "周" + WEEKDAY_NAMES[self.date.weekday()]


class WorkCalendar:
    """An immutable calendar: the exceptional days plus the years whose schedule was entered."""

    def __init__(self, days: Iterable[ExceptionalDay] = (), entered_years: Iterable[int] = ()):
        self._days: dict[dt.date, ExceptionalDay] = {d.date: d for d in days}
        self.entered_years = frozenset(entered_years)
        idx = np.arange(_SPAN)
        work = ((idx + FIRST.weekday()) % 7) < 5
        for day in self._days.values():
            if FIRST <= day.date <= LAST:
                work[day.date.toordinal() - _FIRST_ORD] = day.kind == DayKind.WORKDAY
        self._work = work
        # cum[i]: working days in [FIRST, FIRST + i]; wpos[k]: index of the (k+1)-th working day.
        self._cum = np.cumsum(work, dtype=np.int64)
        self._wpos = np.flatnonzero(work).astype(np.int64)
        # Python lists make the scalar path ~10x faster than indexing numpy arrays.
        self._cum_list: list[int] = self._cum.tolist()
        self._wpos_list: list[int] = self._wpos.tolist()
        self._work_list: list[bool] = work.tolist()

    # --- the default calendar -----------------------------------------------------------

    _loader: Callable[[], WorkCalendar] | None = None
    _fallback: WorkCalendar | None = None
    _fallback_lock = threading.Lock()

    @classmethod
    def set_default_loader(cls, loader: Callable[[], WorkCalendar] | None) -> None:
        """`tongban.core` installs the database-backed, cached loader when Django starts."""
        cls._loader = loader

    @classmethod
    def default(cls) -> WorkCalendar:
        if cls._loader is not None:
            return cls._loader()
        with cls._fallback_lock:
            if cls._fallback is None:
                cls._fallback = cls.from_chinese_calendar()
            return cls._fallback

    @classmethod
    def from_chinese_calendar(cls) -> WorkCalendar:
        """The calendar as published in the `chinesecalendar` package, without a database."""
        import chinese_calendar as cc

        zh = HOLIDAY_NAMES.get
        days = [
            ExceptionalDay(d, DayKind.RESTDAY, f"{zh(n, n)}（调休）")
            if d in cc.in_lieu_days
            else ExceptionalDay(d, DayKind.HOLIDAY, zh(n, n))
            for d, n in cc.holidays.items()
        ]
        days += [ExceptionalDay(d, DayKind.WORKDAY, f"{zh(n, n)}调休上班") for d, n in cc.workdays.items()]
        return cls(days, {d.date.year for d in days})

    # --- single days ----------------------------------------------------------------------

    def exceptional_day(self, date: dt.date) -> ExceptionalDay | None:
        return self._days.get(date)

    def is_workday(self, date: dt.date) -> bool:
        i = date.toordinal() - _FIRST_ORD
        if 0 <= i < _SPAN:
            return self._work_list[i]
        return date.weekday() < 5

    def is_provisional(self, date: dt.date) -> bool:
        return date.year not in self.entered_years

    def reason(self, date: dt.date) -> str:
        """Why this day is or isn't worked, in the words staff use."""
        exc = self._days.get(date)
        if exc is not None:
            if exc.kind == DayKind.WORKDAY:
                return exc.name if "上班" in exc.name else f"{exc.name}调休上班"
            return exc.name
        return "工作日" if date.weekday() < 5 else "周末"

    # --- counting -------------------------------------------------------------------------

    def add_workdays(self, date: dt.date, n: int) -> dt.date:
        """The last day of an `n`-working-day period whose triggering event fell on `date`."""
        if n < 0:
            raise ValueError("工作日数不能为负数")
        if n == 0:
            return date
        i = date.toordinal() - _FIRST_ORD
        if 0 <= i < _SPAN:
            k = self._cum_list[i] + n - 1
            if k < len(self._wpos_list):
                return dt.date.fromordinal(self._wpos_list[k] + _FIRST_ORD)
        return self._add_stepping(date, n)

    def _add_stepping(self, date: dt.date, n: int) -> dt.date:
        day = date
        while n > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                n -= 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative if `end` < `start`)."""
        if end < start:
            return -self.workdays_between(end, start)
        i, j = start.toordinal() - _FIRST_ORD, end.toordinal() - _FIRST_ORD
        if 0 <= i < _SPAN and 0 <= j < _SPAN:
            return self._cum_list[j] - self._cum_list[i]
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count

    def due_at(self, date: dt.date, n: int) -> dt.datetime:
        """The moment the period ends: 24:00 (Asia/Shanghai) of the due date."""
        due = self.add_workdays(date, n) + dt.timedelta(days=1)
        return dt.datetime(due.year, due.month, due.day, tzinfo=SHANGHAI)

    def add_workdays_many(self, dates: Sequence | np.ndarray, ns: Sequence | np.ndarray | int) -> np.ndarray:
        """Vectorised `add_workdays` for sweeps: returns datetime64[D] due dates."""
        d = np.asarray(dates, dtype="datetime64[D]")
        n = np.broadcast_to(np.asarray(ns, dtype=np.int64), d.shape)
        if (n < 0).any():
            raise ValueError("工作日数不能为负数")
        i = (d - _FIRST64).astype(np.int64)
        inside = (i >= 0) & (i < _SPAN)
        k = np.where(inside, self._cum[np.clip(i, 0, _SPAN - 1)] + n - 1, 0)
        inside &= k < len(self._wpos)
        due_idx = np.where(n == 0, i, self._wpos[np.clip(k, 0, len(self._wpos) - 1)])
        out = _FIRST64 + due_idx
        for pos in np.flatnonzero(~inside):  # rare: outside 1990-2100
            start = d[pos].astype(dt.date)
            out[pos] = np.datetime64(self.add_workdays(start, int(n[pos])), "D")
        return out

    def explain(self, date: dt.date, n: int) -> list[ExplainRow]:
        """Every day from the event day to the due date, counted or skipped, and why."""
        due = self.add_workdays(date, n)
        first = "事件当日不计" if self.is_workday(date) else f"事件当日不计（{self.reason(date)}）"
        rows = [ExplainRow(date, False, None, first, self.is_provisional(date))]
        ordinal, day = 0, date
        while day < due:
            day += dt.timedelta(days=1)
            provisional = self.is_provisional(day)
            if self.is_workday(day):
                ordinal += 1
                rows.append(ExplainRow(day, True, ordinal, self.reason(day), provisional))
            else:
                rows.append(ExplainRow(day, False, None, self.reason(day), provisional))
        return rows

    # --- comparison -----------------------------------------------------------------------

    def changed_days(self, other: WorkCalendar) -> set[dt.date]:
        """Days whose working status differs between two calendars."""
        diff = np.flatnonzero(self._work != other._work)
        return {dt.date.fromordinal(int(i) + _FIRST_ORD) for i in diff}


# --- statutory clocks ----------------------------------------------------------------------


class ClockError(ValueError):
    """An illegal clock operation; the message is shown to staff as is."""


class ClockState(enum.StrEnum):
    RUNNING = "running"  # counting, more than the warning threshold left
    PAUSED = "paused"  # an excluded period (特别程序) is open
    DUE_SOON = "due_soon"  # yellow: remaining working days at or below the threshold
    OVERDUE = "overdue"  # red: past 24:00 of the due date
    STOPPED = "stopped"  # concluded; the clock no longer runs

    @property
    def label(self) -> str:
        return {
            "running": "计时中",
            "paused": "已暂停",
            "due_soon": "即将到期",
            "overdue": "已超期",
            "stopped": "已停止",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Pause:
    start: dt.date  # the day the excluded period began; that day still counts
    end: dt.date | None = None  # the day the clock resumed; days after `start` through `end` don't count
    reason: str = ""
    basis: str = ""  # legal basis, e.g. 《行政许可法》第四十五条
    by: str = ""


@dataclass(frozen=True, slots=True)
class Extension:
    days: int
    approved_by: str
    reason: str
    on: dt.date | None = None


@dataclass(frozen=True)
class Clock:
    """A statutory period as a value: the limit, the start event and what interrupted it.

    Everything else - due date, days used and remaining, state - is derived on demand against a
    calendar, so a calendar change moves every open deadline without rewriting history.
    Operations return a new Clock; illegal ones raise ClockError with a Chinese message.
    """

    limit_days: int
    started_on: dt.date
    pauses: tuple[Pause, ...] = ()
    extensions: tuple[Extension, ...] = ()
    stopped_on: dt.date | None = None
    max_extensions: int = 1
    warn_days: int = 2

    def __post_init__(self):
        if self.limit_days < 0:
            raise ClockError("时限不能为负数。")

    # operations ------------------------------------------------------------------------

    @property
    def open_pause(self) -> Pause | None:
        return next((p for p in self.pauses if p.end is None), None)

    def pause(self, on: dt.date, *, reason: str, basis: str = "", by: str = "") -> Clock:
        if self.stopped_on is not None:
            raise ClockError("计时已停止，不能暂停。")
        if self.open_pause is not None:
            raise ClockError(f"计时已于 {self.open_pause.start} 暂停（{self.open_pause.reason}），不能重复暂停。")
        if on < self.started_on:
            raise ClockError("暂停日期不能早于计时起算日期。")
        last_end = max((p.end for p in self.pauses if p.end), default=None)
        if last_end is not None and on < last_end:
            raise ClockError("暂停日期不能早于上一次恢复计时的日期。")
        if not reason.strip():
            raise ClockError("请填写暂停原因。")
        return _replace(self, pauses=(*self.pauses, Pause(on, None, reason, basis, by)))

    def resume(self, on: dt.date) -> Clock:
        current = self.open_pause
        if current is None:
            raise ClockError("计时没有暂停，无需恢复。")
        if on < current.start:
            raise ClockError("恢复日期不能早于暂停日期。")
        ended = Pause(current.start, on, current.reason, current.basis, current.by)
        return _replace(self, pauses=tuple(ended if p is current else p for p in self.pauses))

    def extend(self, days: int, *, approved_by: str, reason: str, on: dt.date | None = None) -> Clock:
        if self.stopped_on is not None:
            raise ClockError("计时已停止，不能延期。")
        if days <= 0:
            raise ClockError("延长的工作日数必须大于零。")
        if len(self.extensions) >= self.max_extensions:
            raise ClockError(
                "依法只能延期一次，本件已延期。" if self.max_extensions == 1 else f"最多延期 {self.max_extensions} 次。"
            )
        if not approved_by.strip() or not reason.strip():
            raise ClockError("延期须写明批准人和理由。")
        return _replace(self, extensions=(*self.extensions, Extension(days, approved_by, reason, on)))

    def stop(self, on: dt.date) -> Clock:
        if self.stopped_on is not None:
            raise ClockError("计时已停止。")
        clock = self.resume(on) if self.open_pause is not None else self
        return _replace(clock, stopped_on=on)

    # derived values --------------------------------------------------------------------

    @property
    def total_days(self) -> int:
        return self.limit_days + sum(e.days for e in self.extensions)

    def _as_of(self, as_of: dt.date | None) -> dt.date:
        from .timeutil import today

        day = as_of or today()
        return min(day, self.stopped_on) if self.stopped_on else day

    def paused_days(self, as_of: dt.date | None = None, cal: WorkCalendar | None = None) -> int:
        cal = cal or WorkCalendar.default()
        as_of = self._as_of(as_of)
        total = 0
        for p in self.pauses:
            end = p.end if p.end is not None else as_of
            total += max(0, cal.workdays_between(p.start, min(end, as_of)))
        return total

    def due_date(self, as_of: dt.date | None = None, cal: WorkCalendar | None = None) -> dt.date:
        """The due date as it stands: an open pause pushes it back day by day."""
        cal = cal or WorkCalendar.default()
        return cal.add_workdays(self.started_on, self.total_days + self.paused_days(as_of, cal))

    def days_used(self, as_of: dt.date | None = None, cal: WorkCalendar | None = None) -> int:
        cal = cal or WorkCalendar.default()
        as_of = self._as_of(as_of)
        return max(0, cal.workdays_between(self.started_on, as_of) - self.paused_days(as_of, cal))

    def days_remaining(self, as_of: dt.date | None = None, cal: WorkCalendar | None = None) -> int:
        """Working days left after `as_of` (negative when overdue)."""
        cal = cal or WorkCalendar.default()
        return self.total_days - self.days_used(as_of, cal)

    def state(self, as_of: dt.date | None = None, cal: WorkCalendar | None = None) -> ClockState:
        cal = cal or WorkCalendar.default()
        if self.stopped_on is not None:
            return ClockState.STOPPED
        if self.open_pause is not None:
            return ClockState.PAUSED
        as_of = self._as_of(as_of)
        if as_of > self.due_date(as_of, cal):
            return ClockState.OVERDUE
        if self.days_remaining(as_of, cal) <= self.warn_days:
            return ClockState.DUE_SOON
        return ClockState.RUNNING

    def is_provisional(self, as_of: dt.date | None = None, cal: WorkCalendar | None = None) -> bool:
        cal = cal or WorkCalendar.default()
        return cal.is_provisional(self.due_date(as_of, cal))


def _replace(clock: Clock, **changes) -> Clock:
    from dataclasses import replace

    return replace(clock, **changes)
