"""Background work of the ledger: the deadline sweep, Excel imports, calendar recomputes."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from tongban.core import calendar_store, sweeps


@task(queue_name="default")
def ledger_sweep() -> dict[str, int]:
    from .sweep import run_sweep

    return run_sweep()


@task(queue_name="default")
def run_import(job_id: int) -> str:
    from .services.bulk import import_run

    return import_run(job_id)


def on_calendar_changed(change_id: int) -> None:
    """Subscriber of "calendar.changed"."""
    from .sweep import recompute_open_problems

    calendar_store.recompute_for(change_id, recompute_open_problems, module="ledger")


sweeps.register("ledger.problems", ledger_sweep, dt.timedelta(minutes=10))
