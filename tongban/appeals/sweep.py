"""Deadline warnings for open appeals, set-based, and the purge of old rate-limit rows.

Idempotent: warnings converge to the same state however often it runs; the supervisors of the
unit hear once per appeal when it turns red (the warning changes only once).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.urls import reverse

from tongban.accounts.selectors import supervisors_of
from tongban.core import clocks, timeutil
from tongban.core.calendar import WorkCalendar
from tongban.core.notifications import notify

from .models import OPEN_STATUSES, Appeal
from .routing import throttle_purge

RED_NOTICES = 1000  # supervisors hear of at most this many newly red appeals per run


def apply_warnings(today: dt.date, cal: WorkCalendar) -> dict[str, int]:
    newly_red: list[Appeal] = []

    def on_raise(level: str, rows: QuerySet) -> None:
        if level == clocks.RED:
            newly_red.extend(rows.select_related("organisation")[:RED_NOTICES])

    counts = clocks.apply_warnings(
        Appeal.objects.filter(status__in=OPEN_STATUSES), "due_on", today=today, cal=cal,
        stopped=Appeal.objects.exclude(status__in=OPEN_STATUSES), on_raise=on_raise,
    )
    supervisors: dict[int, list] = {}
    for appeal in newly_red:
        if appeal.organisation_id not in supervisors:  # one lookup per unit, not per appeal
            supervisors[appeal.organisation_id] = supervisors_of(appeal.organisation)
        for supervisor in supervisors[appeal.organisation_id]:
            notify(supervisor, f"{appeal.number}：诉求办理超期", body=f"{appeal.title}（期限 {appeal.due_on}）",
                   url=reverse("appeals:detail", args=[appeal.pk]), level="warning")
    return counts


def run_sweep(today: dt.date | None = None) -> dict[str, int]:
    today = today or timeutil.today()
    result = apply_warnings(today, WorkCalendar.default())
    result["throttle_purged"] = throttle_purge()
    return result
