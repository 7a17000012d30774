"""Reads of core's own data that pages elsewhere (the workspace shell) show."""

from __future__ import annotations

import datetime as dt

from . import timeutil
from .models import CalendarYear


def next_year_missing(today: dt.date | None = None) -> int | None:
    """From 1 November, the year whose schedule is still missing (None when all is well)."""
    today = today or timeutil.today()  # the platform's today (pinned in tests and rehearsals)
    if today.month < 11:
        return None
    nxt = today.year + 1
    return None if CalendarYear.objects.filter(year=nxt).exists() else nxt
