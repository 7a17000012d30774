"""Deadline warnings for open appeals, set-based, and the purge of old rate-limit rows.

Idempotent: warnings converge to the same state however often it runs; the supervisors of the
unit hear once per appeal when it turns red (the warning changes only once).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django_tasks import task

from tongban.core import sweeps, timeutil
from tongban.core.calendar import WorkCalendar
from tongban.core.notifications import notify

from .models import OPEN_STATUSES, Appeal, Warning
from .routing import throttle_purge
from .services import warning_days


def _supervisors_of(appeal: Appeal):
    from tongban.accounts.models import Role, User

    path = appeal.organisation.path
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
    return User.objects.filter(organisation__path__in=prefixes, roles__role=Role.SUPERVISOR, is_active=True).distinct()


def apply_warnings(today: dt.date, cal: WorkCalendar) -> dict[str, int]:
    limit = cal.add_workdays(today, warning_days())
    open_q = Q(status__in=OPEN_STATUSES)
    newly_red = list(
        Appeal.objects.filter(open_q, due_on__lt=today).exclude(warning=Warning.RED)
        .select_related("organisation").order_by()[:1000]
    )
    counts = {
        "red": Appeal.objects.filter(open_q, due_on__lt=today).exclude(warning=Warning.RED).update(warning=Warning.RED),
        "yellow": Appeal.objects.filter(open_q, due_on__gte=today, due_on__lte=limit)
        .exclude(warning=Warning.YELLOW).update(warning=Warning.YELLOW),
        "cleared": Appeal.objects.filter(open_q, due_on__gt=limit).exclude(warning=Warning.NONE)
        .update(warning=Warning.NONE)
        + Appeal.objects.filter(~open_q).exclude(warning=Warning.NONE).update(warning=Warning.NONE),
    }
    for appeal in newly_red:
        for supervisor in _supervisors_of(appeal):
            notify(supervisor, f"{appeal.number}：诉求办理超期", body=f"{appeal.title}（期限 {appeal.due_on}）",
                   url=reverse("appeals:detail", args=[appeal.pk]), level="warning")
    return counts


def run_sweep(today: dt.date | None = None) -> dict[str, int]:
    today = today or timeutil.today()
    result = apply_warnings(today, WorkCalendar.default())
    result["throttle_purged"] = throttle_purge()
    return result


@task(queue_name="default")
def appeals_sweep() -> dict[str, int]:
    return run_sweep()


sweeps.register("appeals.deadlines", appeals_sweep, dt.timedelta(minutes=10))
