"""Deadline warnings for open rectifications (set-based and idempotent)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from tongban.core import sweeps, timeutil
from tongban.core.calendar import WorkCalendar

from .models import Rectification

OPEN = [Rectification.Status.VERIFYING, Rectification.Status.RECTIFYING]


def run_sweep(today: dt.date | None = None) -> dict[str, int]:
    from tongban.appeals.services import warning_days

    today = today or timeutil.today()
    limit = WorkCalendar.default().add_workdays(today, warning_days())
    qs = Rectification.objects.filter(status__in=OPEN)
    return {
        "red": qs.filter(due_on__lt=today).exclude(warning="red").update(warning="red"),
        "yellow": qs.filter(due_on__gte=today, due_on__lte=limit).exclude(warning="yellow").update(warning="yellow"),
        "cleared": qs.filter(due_on__gt=limit).exclude(warning="").update(warning="")
        + Rectification.objects.exclude(status__in=OPEN).exclude(warning="").update(warning=""),
    }


@task(queue_name="default")
def rectification_sweep() -> dict[str, int]:
    return run_sweep()


sweeps.register("reviews.rectifications", rectification_sweep, dt.timedelta(minutes=10))
