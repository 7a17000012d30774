"""Reads of core's own data that pages elsewhere (the workspace shell) show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import CalendarYear


def next_year_missing(today: dt.date | None = None) -> int | None:
    """From 1 November, the year whose schedule is still missing (None when all is well)."""
    today = today or timezone.localdate()
    if today.month < 11:
        return None
    nxt = today.year + 1
    return None if CalendarYear.objects.filter(year=nxt).exists() else nxt
