"""Deadline warnings of open rectification tasks (set-based, idempotent), escalation of overdue
ones to the campaign's lead office, and the recompute when the calendar changes."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from tongban.core import audit, clocks, timeutil
from tongban.core.calendar import WorkCalendar
from tongban.core.notifications import notify

from .models import CLOCKED_STATUSES, Problem, Transition


def run_sweep(today: dt.date | None = None) -> dict[str, int]:
    today = today or timeutil.today()
    cal = WorkCalendar.default()
    counts = clocks.apply_warnings(
        Problem.objects.filter(status__in=CLOCKED_STATUSES), "due_on", today=today, cal=cal,
        stopped=Problem.objects.exclude(status__in=CLOCKED_STATUSES),
    )
    counts["escalated"] = escalate_overdue(today)
    return counts


def escalate_overdue(today: dt.date) -> int:
    """An overdue task is reported once per round to the lead office's supervisors (超期报牵头办).
    The conditional UPDATE claims each row, so two workers never report it twice."""
    from tongban.accounts.selectors import supervisors_of

    due = list(Problem.objects.filter(status__in=CLOCKED_STATUSES, due_on__lt=today, escalated_on__isnull=True)
               .select_related("campaign__lead_office").only("pk", "number", "title", "due_on", "campaign"))
    done = 0
    for problem in due:
        with transaction.atomic():
            if not Problem.objects.filter(pk=problem.pk, escalated_on__isnull=True).update(escalated_on=today):
                continue
            office = problem.campaign.lead_office
            Transition.objects.create(problem=problem, action="escalate", from_status="", to_status="",
                                      actor_name="系统", at=timezone.now(), effective_on=today,
                                      note=f"整改期限 {problem.due_on} 已过，报牵头办公室{office.name}",
                                      data={"office": office.name, "due_on": problem.due_on.isoformat()})
            audit.record("ledger.escalate", obj=problem, changes={"office": office.name})
            url = reverse("ledger:problem", args=[problem.pk])
            for user in supervisors_of(office):
                transaction.on_commit(lambda u=user, p=problem, link=url: notify(
                    u, f"整改超期：{p.number}", body=p.title, url=link, level="warning"))
            done += 1
    return done


def recompute_open_problems(days: set[dt.date]) -> int:
    """Open deadlines are `limit_days` working days after assignment: a changed day on or before
    a deadline moves it."""
    cal = WorkCalendar.default()
    today = timeutil.today()
    qs = Problem.objects.filter(status__in=CLOCKED_STATUSES, assigned_on__isnull=False, limit_days__isnull=False)
    if days:
        qs = qs.filter(due_on__gte=min(days))
    moved = 0
    for p in qs.only("pk", "assigned_on", "limit_days", "due_on").iterator(chunk_size=500):
        due = cal.add_workdays(p.assigned_on, p.limit_days)
        if due != p.due_on:
            Problem.objects.filter(pk=p.pk).update(due_on=due, warning=clocks.warning_for(due, today, cal=cal),
                                                   row_version=F("row_version") + 1)
            audit.record("ledger.recompute", obj=p, changes={"due_on": [str(p.due_on), str(due)]})
            moved += 1
    return moved
