"""Background work of the credit module: one sweep (takedowns, lists, warnings, push retries)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from tongban.core import calendar_store, sweeps


@task(queue_name="default")
def credit_sweep() -> dict[str, int]:
    from .sweep import run_sweep

    return run_sweep()


def on_calendar_changed(change_id: int) -> None:
    """Subscriber of "calendar.changed": open deadlines move with the calendar."""
    from .sweep import recompute_open

    calendar_store.recompute_for(change_id, recompute_open, module="credit")


sweeps.register("credit.sweep", credit_sweep, dt.timedelta(minutes=30))
