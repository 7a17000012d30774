"""Background work of the credit module: one sweep (takedowns, lists, warnings, push retries)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from tongban.core import sweeps


@task(queue_name="default")
def credit_sweep() -> dict[str, int]:
    from .sweep import run_sweep

    return run_sweep()


sweeps.register("credit.sweep", credit_sweep, dt.timedelta(minutes=30))
