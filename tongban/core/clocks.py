"""Deadline warnings shared by every module with working-day deadlines.

One rule: red once the due date has passed (after 24:00 of the due day), yellow when no more
than the threshold of working days remain, otherwise none. `warning_for` applies it to one
deadline; `apply_warnings` applies it set-based to a queryset, as each module's sweep does, so a
million rows take a few UPDATEs rather than a Python loop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db.models import Q, QuerySet

from .calendar import WorkCalendar

__all__ = ["NONE", "RED", "YELLOW", "apply_warnings", "warning_days", "warning_for", "yellow_limit"]

NONE, YELLOW, RED = "", "yellow", "red"


def warning_days() -> int:
    """The platform's default yellow threshold in working days (TONGBAN_WARNING_DAYS)."""
    return int(getattr(settings, "TONGBAN_WARNING_DAYS", 2))


def yellow_limit(today: dt.date, yellow_days: int | None = None, cal: WorkCalendar | None = None) -> dt.date:
    """The last due date that is yellow today."""
    cal = cal or WorkCalendar.default()
    return cal.add_workdays(today, warning_days() if yellow_days is None else yellow_days)


def warning_for(
    due: dt.date | None, today: dt.date, yellow_days: int | None = None, cal: WorkCalendar | None = None
) -> str:
    if due is None:
        return NONE
    if due < today:
        return RED
    if due <= yellow_limit(today, yellow_days, cal):
        return YELLOW
    return NONE


OnRaise = Callable[[str, QuerySet], None]


def apply_warnings(
    queryset: QuerySet,
    due_field: str,
    *,
    today: dt.date,
    cal: WorkCalendar | None = None,
    field: str = "warning",
    yellow_days: int | None = None,
    stopped: QuerySet | None = None,
    on_raise: OnRaise | None = None,
) -> dict[str, int]:
    """Bring `field` in line with `due_field` on the running rows of `queryset`, and clear it on
    the `stopped` rows (closed or paused ones). Idempotent: only rows whose level changes are
    written. `on_raise(level, rows)` is called before each UPDATE with the rows about to change,
    so a module can log history or tell supervisors with the same predicate."""
    limit = yellow_limit(today, yellow_days, cal)
    rules = (
        (RED, Q(**{f"{due_field}__lt": today})),
        (YELLOW, Q(**{f"{due_field}__gte": today, f"{due_field}__lte": limit})),
        (NONE, Q(**{f"{due_field}__gt": limit}) | Q(**{f"{due_field}__isnull": True})),
    )
    counts = {"red": 0, "yellow": 0, "cleared": 0}
    for level, where in rules:
        counts[level or "cleared"] += _set(queryset.filter(where), field, level, on_raise)
    if stopped is not None:
        counts["cleared"] += _set(stopped, field, NONE, on_raise)
    return counts


def _set(qs: QuerySet, field: str, level: str, on_raise: OnRaise | None) -> int:
    changing = qs.exclude(**{field: level}).order_by()
    if on_raise is not None:
        on_raise(level, changing)
    return changing.update(**{field: level})
