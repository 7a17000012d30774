"""Background work of works: the sweep of registration clocks and rectification deadlines."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from tongban.core import calendar_store, sweeps


@task(queue_name="default")
def works_sweep() -> dict[str, dict[str, int]]:
    # Idempotent: warnings converge; a late rectification is reported once (conditional UPDATE).
    from .services.visits import sweep_rectifications, sweep_registrations

    return {"registrations": sweep_registrations(), "rectifications": sweep_rectifications()}


def recompute_open(change=None) -> int:
    """Registration due dates move with the calendar (rectification deadlines are given as dates
    in the order served on the party and stay as served)."""
    from .models import Project
    from .services._common import cal, registration_days

    calendar = cal()
    n = 0
    for project in Project.objects.filter(status=Project.Status.SUBMITTED, submitted_on__isnull=False):
        due = calendar.add_workdays(project.submitted_on, registration_days())
        if due != project.registration_due:
            Project.objects.filter(pk=project.pk).update(registration_due=due)
            n += 1
    return n


def on_calendar_changed(change_id: int) -> None:
    calendar_store.recompute_for(change_id, recompute_open, module="works")


sweeps.register("works.clocks", works_sweep, dt.timedelta(minutes=30))
