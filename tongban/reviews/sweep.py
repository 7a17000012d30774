"""Deadline warnings for open rectifications (set-based and idempotent), and their recompute
when the calendar changes."""

from __future__ import annotations

import datetime as dt

from django.db.models import F

from tongban.core import audit, clocks, timeutil
from tongban.core.calendar import WorkCalendar

from .models import Rectification

OPEN = [Rectification.Status.VERIFYING, Rectification.Status.RECTIFYING]


def run_sweep(today: dt.date | None = None) -> dict[str, int]:
    today = today or timeutil.today()
    return clocks.apply_warnings(
        Rectification.objects.filter(status__in=OPEN), "due_on", today=today,
        cal=WorkCalendar.default(), stopped=Rectification.objects.exclude(status__in=OPEN),
    )


def recompute_open_rectifications(days: set[dt.date]) -> int:
    """Open rectification deadlines are `limit_days` working days after opening: a changed day
    on or before a deadline moves it."""
    cal = WorkCalendar.default()
    today = timeutil.today()
    qs = Rectification.objects.filter(status__in=OPEN)
    if days:
        qs = qs.filter(due_on__gte=min(days))
    moved = 0
    for rect in qs.only("pk", "opened_on", "limit_days", "due_on", "status").iterator(chunk_size=500):
        due = cal.add_workdays(rect.opened_on, rect.limit_days)
        if due != rect.due_on:
            Rectification.objects.filter(pk=rect.pk).update(
                due_on=due, warning=clocks.warning_for(due, today, cal=cal), row_version=F("row_version") + 1)
            audit.record("reviews.rectification_recompute", obj=rect,
                         changes={"due_on": [str(rect.due_on), str(due)]})
            moved += 1
    return moved
