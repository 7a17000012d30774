"""Background work of the reviews app: the rectification sweep and calendar recomputes."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from tongban.core import calendar_store, sweeps


@task(queue_name="default")
def rectification_sweep() -> dict[str, int]:
    from .sweep import run_sweep

    return run_sweep()


def on_calendar_changed(change_id: int) -> None:
    """Subscriber of "calendar.changed"."""
    from .sweep import recompute_open_rectifications

    calendar_store.recompute_for(change_id, recompute_open_rectifications, module="reviews")


sweeps.register("reviews.rectifications", rectification_sweep, dt.timedelta(minutes=10))
