"""The official calendar kept in the database: seeding, editing, CSV import, versions, and the
recomputation of open deadlines when a day changes.

`tongban.core.calendar.WorkCalendar` does the counting; this module feeds it from the database
(`load_calendar`) and installs itself as the default loader when the app starts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import time
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce

from . import audit
from .calendar import HOLIDAY_NAMES
from .models import CalendarChange, CalendarDay, CalendarYear


def chinese_calendar_rows() -> tuple[list[dict], list[int]]:
    """The exceptional days 2004-2026 from the `chinesecalendar` package, as model field dicts."""
    import chinese_calendar as cc

    rows: list[dict] = []
    for day, name in sorted(cc.holidays.items()):
        zh = HOLIDAY_NAMES.get(name, name)
        if day in cc.in_lieu_days:
            rows.append({"date": day, "kind": CalendarDay.Kind.RESTDAY, "name": f"{zh}（调休）"})
        else:
            rows.append({"date": day, "kind": CalendarDay.Kind.HOLIDAY, "name": zh})
    for day, name in sorted(cc.workdays.items()):
        zh = HOLIDAY_NAMES.get(name, name)
        rows.append({"date": day, "kind": CalendarDay.Kind.WORKDAY, "name": f"{zh}调休上班"})
    years = sorted({row["date"].year for row in rows})
    return rows, years


def seed_from_chinese_calendar(day_model=CalendarDay, year_model=CalendarYear) -> int:
    """Idempotent: fills only days and years that are not there yet."""
    rows, years = chinese_calendar_rows()
    have = set(day_model.objects.values_list("date", flat=True))
    day_model.objects.bulk_create(
        [day_model(source="chinesecalendar", **row) for row in rows if row["date"] not in have]
    )
    have_years = set(year_model.objects.values_list("year", flat=True))
    year_model.objects.bulk_create(
        [year_model(year=y, notice="chinesecalendar 数据包") for y in years if y not in have_years]
    )
    return len(rows)


# --- loading and caching -------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict = {"version": None, "calendar": None, "checked": 0.0}
VERSION_CHECK_SECONDS = 5.0


def current_version() -> int:
    return CalendarChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


def load_calendar():
    from .calendar import DayKind, ExceptionalDay, WorkCalendar

    kinds = {
        CalendarDay.Kind.HOLIDAY: DayKind.HOLIDAY,
        CalendarDay.Kind.WORKDAY: DayKind.WORKDAY,
        CalendarDay.Kind.RESTDAY: DayKind.RESTDAY,
    }
    days = [
        ExceptionalDay(date=d, kind=kinds[k], name=n)
        for d, k, n in CalendarDay.objects.values_list("date", "kind", "name")
    ]
    years = list(CalendarYear.objects.values_list("year", flat=True))
    return WorkCalendar(days, years)


def cached_calendar():
    """The database calendar, rebuilt when another process records a change (checked at most
    every few seconds, so hot paths don't query the version each call)."""
    now = time.monotonic()
    with _lock:
        if _cache["calendar"] is not None and now - _cache["checked"] < VERSION_CHECK_SECONDS:
            return _cache["calendar"]
        version = current_version()
        if _cache["calendar"] is None or version != _cache["version"]:
            _cache["calendar"] = load_calendar()
            _cache["version"] = version
        _cache["checked"] = now
        return _cache["calendar"]


def invalidate() -> None:
    with _lock:
        _cache["calendar"] = None
        _cache["checked"] = 0.0


# --- recomputation ------------------------------------------------------------------------------
#
# A change publishes the event "calendar.changed" (change_id=...). Every module with working-day
# deadlines subscribes a handler that calls `recompute_for(change_id, recompute)`, its own
# function taking the changed days and returning how many deadlines it moved. The event system
# delivers each module's recompute as its own retried task.

RecomputeFn = Callable[[set[dt.date]], int]
CALENDAR_CHANGED = "calendar.changed"


def recompute_for(change_id: int, recompute: RecomputeFn, *, module: str = "") -> int:
    change = CalendarChange.objects.filter(pk=change_id).first()
    if change is None:
        return 0
    invalidate()  # this process may not have seen the change yet
    days = {dt.date.fromisoformat(d) for d in change.changed_days}
    moved = recompute(days)
    CalendarChange.objects.filter(pk=change_id).update(recomputed=Coalesce(F("recomputed"), 0) + moved)
    audit.record(
        "calendar.recompute",
        obj=change,
        changes={"days": sorted(change.changed_days), "module": module, "deadlines_recomputed": moved},
    )
    return moved


# --- services --------------------------------------------------------------------------------


def _record_change(actor, summary: str, days: Iterable[dt.date]) -> CalendarChange:
    from . import events

    change = CalendarChange.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        summary=summary[:200],
        changed_days=sorted({d.isoformat() for d in days}),
    )
    audit.record("calendar.change", actor=actor, obj=change, changes={"days": change.changed_days})
    transaction.on_commit(invalidate)
    events.publish(CALENDAR_CHANGED, change_id=change.pk)
    return change


def _require(actor) -> None:
    from .permissions import require

    require(actor, "core.manage_calendar")


def _clean_kind(date: dt.date, kind: str) -> None:
    if kind not in CalendarDay.Kind.values:
        raise ValidationError({"kind": f"未知的日期类型“{kind}”。"})
    weekend = date.weekday() >= 5
    if kind == CalendarDay.Kind.WORKDAY and not weekend:
        raise ValidationError({"kind": f"{date} 是工作日，不能登记为“调休上班”。"})
    if kind == CalendarDay.Kind.RESTDAY and weekend:
        raise ValidationError({"kind": f"{date} 是周末，不能登记为“调休休息”。"})


@transaction.atomic
def calendar_day_set(
    *, actor, date: dt.date, kind: str, name: str, notice: str = ""
) -> CalendarDay:
    """Add or correct one exceptional day."""
    _require(actor)
    _clean_kind(date, kind)
    if not name.strip():
        raise ValidationError({"name": "请填写节日或调休名称。"})
    day = CalendarDay.objects.select_for_update().filter(date=date).first()
    before = {"kind": day.kind, "name": day.name} if day else None
    if day is None:
        day = CalendarDay(date=date)
    day.kind, day.name, day.notice, day.source = kind, name.strip(), notice.strip(), "manual"
    day.updated_by = actor if getattr(actor, "pk", None) else None
    day.save()
    _record_change(actor, f"{'修改' if before else '新增'} {date} {name}", [date])
    return day


@transaction.atomic
def calendar_day_remove(*, actor, date: dt.date) -> None:
    _require(actor)
    day = CalendarDay.objects.select_for_update().filter(date=date).first()
    if day is None:
        raise ValidationError(f"{date} 没有登记为特殊日期。")
    day.delete()
    _record_change(actor, f"删除 {date} {day.name}", [date])


@transaction.atomic
def calendar_year_mark_entered(*, actor, year: int, notice: str) -> CalendarYear:
    """Declare that a year's official schedule is fully entered: its dates stop being provisional."""
    _require(actor)
    if not notice.strip():
        raise ValidationError({"notice": "请填写国务院办公厅放假安排通知的文号。"})
    entry, created = CalendarYear.objects.get_or_create(
        year=year, defaults={"notice": notice.strip(), "entered_by": actor}
    )
    if not created:
        raise ValidationError(f"{year} 年的放假安排已录入。")
    _record_change(actor, f"{year} 年放假安排录入完成", [])
    return entry


CSV_HEADER = ["date", "kind", "name", "notice"]
KIND_ALIASES = {
    "holiday": CalendarDay.Kind.HOLIDAY,
    "法定节假日": CalendarDay.Kind.HOLIDAY,
    "放假": CalendarDay.Kind.HOLIDAY,
    "workday": CalendarDay.Kind.WORKDAY,
    "调休上班": CalendarDay.Kind.WORKDAY,
    "上班": CalendarDay.Kind.WORKDAY,
    "restday": CalendarDay.Kind.RESTDAY,
    "调休休息": CalendarDay.Kind.RESTDAY,
}


@transaction.atomic
def calendar_import_csv(*, actor, data: bytes, mark_years_entered: bool = False) -> list[CalendarDay]:
    """Import `date,kind,name,notice` rows. Every row is checked first; one bad row rejects the
    whole file with its line number, and nothing is written."""
    _require(actor)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("文件不是 UTF-8 编码的 CSV，请用“CSV UTF-8”格式另存后再导入。") from None
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows or [c.strip().lower() for c in rows[0][:4]] != CSV_HEADER:
        raise ValidationError("第 1 行应为表头：date,kind,name,notice")
    errors: list[str] = []
    parsed: list[tuple[dt.date, str, str, str]] = []
    seen: set[dt.date] = set()
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        row = [*row, "", "", "", ""][:4]
        raw_date, raw_kind, name, notice = (c.strip() for c in row)
        try:
            date = dt.date.fromisoformat(raw_date)
        except ValueError:
            errors.append(f"第 {line_no} 行 date 列：“{raw_date}”不是 YYYY-MM-DD 格式的日期")
            continue
        kind = KIND_ALIASES.get(raw_kind.lower()) or KIND_ALIASES.get(raw_kind)
        if kind is None:
            errors.append(f"第 {line_no} 行 kind 列：未知类型“{raw_kind}”（可用 holiday / workday / restday）")
            continue
        try:
            _clean_kind(date, kind)
        except ValidationError as exc:
            errors.append(f"第 {line_no} 行 kind 列：{exc.messages[0]}")
            continue
        if not name:
            errors.append(f"第 {line_no} 行 name 列：名称不能为空")
            continue
        if date in seen:
            errors.append(f"第 {line_no} 行 date 列：{date} 在文件中重复")
            continue
        seen.add(date)
        parsed.append((date, kind, name, notice))
    if errors:
        raise ValidationError(errors)
    if not parsed:
        raise ValidationError("文件中没有数据行。")
    saved = []
    for date, kind, name, notice in parsed:
        day, _ = CalendarDay.objects.update_or_create(
            date=date,
            defaults={"kind": kind, "name": name, "notice": notice, "source": "import",
                      "updated_by": actor if getattr(actor, "pk", None) else None},
        )
        saved.append(day)
    years = sorted({d.year for d, *_ in parsed})
    if mark_years_entered:
        notice = next((n for *_, n in parsed if n), "CSV 导入")
        for year in years:
            CalendarYear.objects.get_or_create(year=year, defaults={"notice": notice, "entered_by": actor})
    _record_change(actor, f"导入 {len(parsed)} 个特殊日期（{', '.join(map(str, years))} 年）", seen)
    return saved
