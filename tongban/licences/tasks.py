"""Licence sweeps: expire licences past their validity, and issue any licence an approved case
should have produced but did not (the decision hook failed or the type was mapped later)."""

import datetime as dt

from django_tasks import task

from tongban.core import sweeps


@task(queue_name="sweeps")
def licence_sweep() -> dict:
    # Idempotent: expiring claims each row with a conditional UPDATE; issuing checks for an
    # existing licence per case and type, backed by a unique constraint.
    from .services import expire_due, issue_missing

    return {"expired": expire_due(), "issued": issue_missing()}


sweeps.register("licences", licence_sweep, dt.timedelta(minutes=10))


def on_case_decided(case_id: int, decision: str = "") -> None:
    """Subscriber of "case.decided": an approved case of a mapped item gets its e-licence.
    Idempotent (one licence per case and type); a failure is retried by the event delivery."""
    from .services import licence_issue_for_case

    licence_issue_for_case(case_id)
