"""Background work of the appeals app: the deadline sweep and calendar recomputes."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from tongban.core import calendar_store, sweeps


@task(queue_name="default")
def appeals_sweep() -> dict[str, int]:
    from .sweep import run_sweep

    return run_sweep()


def on_calendar_changed(change_id: int) -> None:
    """Subscriber of "calendar.changed"."""
    from .services import recompute_open_appeals

    calendar_store.recompute_for(change_id, recompute_open_appeals, module="appeals")


sweeps.register("appeals.deadlines", appeals_sweep, dt.timedelta(minutes=10))
