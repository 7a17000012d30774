"""Background work: re-matching, pushing, automatic grants, reminders, profile imports.

All idempotent: a re-match writes only differences, pushing claims rows with conditional
updates, an import job only runs from `pending`."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from tongban.core import sweeps


@task(queue_name="default")
def rematch_policy(policy_id: int) -> dict:
    from . import matching, services
    from .models import Policy

    policy = Policy.objects.filter(pk=policy_id).first()
    if policy is None:
        return {}
    run = matching.run_policy(policy)
    pushed = services.push_new(policy_ids=[policy_id])
    return {"created": run.created, "expired": run.expired, **pushed}


@task(queue_name="default")
def run_full_match() -> dict:
    from . import matching

    run = matching.run_full()
    return {"created": run.created, "reopened": run.reopened, "expired": run.expired}


@task(queue_name="default")
def policy_sweep() -> dict:
    """Judge changed profiles, push and grant new matches, remind the eligible who have not claimed."""
    from . import matching, services

    run = matching.run_profiles()
    pushed = services.push_new()
    reminded = services.remind_unclaimed()
    return {"rematched_profiles": run.profiles, **pushed, "reminded": reminded}


@task(queue_name="default")
def run_import(job_id: int) -> None:
    from .importer import import_run

    import_run(job_id)


sweeps.register("policies.match_push_remind", policy_sweep, dt.timedelta(hours=1))
