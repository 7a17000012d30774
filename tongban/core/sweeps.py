"""Periodic sweeps registered by modules and run by `tongban worker`.

Each sweep is a django-tasks task plus an interval. The worker claims a due sweep with a
conditional UPDATE on its schedule row, so with several workers on several machines exactly
one of them enqueues each run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Sweep:
    name: str
    task: object  # a django_tasks Task
    every: dt.timedelta


_sweeps: dict[str, Sweep] = {}


def register(name: str, task, every: dt.timedelta) -> None:
    _sweeps[name] = Sweep(name, task, every)


def registered() -> dict[str, Sweep]:
    return dict(_sweeps)


def enqueue_due(worker_id: str, now: dt.datetime | None = None) -> list[str]:
    """Enqueue every sweep whose time has come and that this worker wins; return their names."""
    from .models import SweepSchedule

    now = now or timezone.now()
    started = []
    for sweep in _sweeps.values():
        SweepSchedule.objects.get_or_create(name=sweep.name, defaults={"next_run_at": now})
        won = SweepSchedule.objects.filter(name=sweep.name, next_run_at__lte=now).update(
            next_run_at=now + sweep.every, last_run_at=now, last_claimed_by=worker_id
        )
        if won:
            sweep.task.enqueue()
            started.append(sweep.name)
    return started
