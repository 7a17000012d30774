"""Background work: the warning sweep over open cases, and the reaction to calendar changes."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from tongban.core import calendar_store, clocks, sweeps, timeutil

from .models import OPEN_STATUSES, EnforcementCase


def recompute_open_cases(ids=None) -> int:
    """Working-day deadlines (delivery §61, publicity, withdrawal) move with the calendar."""
    from . import rules
    from .services import recompute_clock

    qs = EnforcementCase.objects.filter(status__in=OPEN_STATUSES)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    n = 0
    for case in qs.iterator():
        if case.notice_delivered_on:
            case.statement_until = rules.statement_until(case.notice_delivered_on)
            if case.hearing_right:
                case.hearing_request_until = rules.hearing_request_until(case.notice_delivered_on)
        if case.decided_on:
            case.delivery_due = rules.delivery_due(case.decided_on)
            case.publish_due = rules.publish_due(case.decided_on) if case.publish_due else None
        if case.revoked_on:
            case.withdraw_due = rules.withdraw_due(case.revoked_on)
        recompute_clock(case)
        case.save(update_fields=["statement_until", "hearing_request_until", "delivery_due", "publish_due",
                                 "withdraw_due", "due_on", "warning"])
        n += 1
    return n


@task(queue_name="default")
def warning_sweep() -> dict[str, int]:
    # Idempotent and set-based: the warnings converge on the due dates.
    return clocks.apply_warnings(EnforcementCase.objects.filter(status__in=OPEN_STATUSES), "due_on",
                                 today=timeutil.today())


def on_calendar_changed(change_id: int) -> None:
    calendar_store.recompute_for(change_id, lambda *a, **k: recompute_open_cases(), module="enforcement")


sweeps.register("enforcement.warnings", warning_sweep, dt.timedelta(minutes=30))


@task(queue_name="default")
def baseline_sweep() -> dict[str, int]:
    """On the day a new baseline version takes effect the one it replaces becomes 已废止 (the pages
    already show it so from the state computed at read time; this keeps the stored status true)."""
    from .models import Baseline
    from .services import supersede_in_force

    today = timeutil.today()
    pairs = (Baseline.objects.filter(status=Baseline.Status.PUBLISHED, effective_from__lte=today)
             .order_by().values_list("organisation_id", "code").distinct())
    return {"superseded": sum(supersede_in_force(org, code, today) for org, code in pairs)}


sweeps.register("enforcement.baselines", baseline_sweep, dt.timedelta(hours=6))
