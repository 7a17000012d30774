"""The publication-deadline sweep (yellow/red warnings) and the reaction to calendar changes."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from tongban.core import calendar_store, clocks, sweeps, timeutil


def run_sweep(today: dt.date | None = None) -> dict[str, int]:
    from .models import InspectionResult

    return clocks.apply_warnings(
        InspectionResult.objects.filter(published_on__isnull=True), "publication_due", today=today or timeutil.today(),
        stopped=InspectionResult.objects.filter(published_on__isnull=False),
    )


@task(queue_name="default")
def publication_sweep() -> dict[str, int]:
    return run_sweep()


def on_calendar_changed(change_id: int) -> None:
    from .services import recompute_publication_dues

    calendar_store.recompute_for(change_id, recompute_publication_dues, module="inspections")


sweeps.register("inspections.publication", publication_sweep, dt.timedelta(minutes=30))
