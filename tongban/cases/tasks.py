"""Background work of the cases app: the supervision sweep and the reaction to calendar changes."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from tongban.core import calendar_store, sweeps


@task(queue_name="default")
def supervision_sweep() -> dict[str, int]:
    # Idempotent: deemed acceptance re-checks each case under its lock; warnings converge.
    from .sweep import run_sweep

    return run_sweep()


def on_calendar_changed(change_id: int) -> None:
    """Subscriber of "calendar.changed": open deadlines move with the calendar."""
    from .services import recompute_open_cases

    calendar_store.recompute_for(change_id, recompute_open_cases, module="cases")


sweeps.register("cases.supervision", supervision_sweep, dt.timedelta(minutes=10))
