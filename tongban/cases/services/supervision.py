"""Supervision: presses, and recomputing open cases when the calendar changes."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from tongban.core import audit, supervision
from tongban.core.errors import Conflict
from tongban.core.models import Press

from ..models import (
    OPEN_STATUSES,
    Case,
    Status,
)
from ..permissions import get_case_for
from ._common import _cal, _clerks, _today, recompute_clock


@transaction.atomic
def case_press(*, actor, case_id: int, note: str) -> Press:
    """督办: the note reaches the case's handler (or the window) and stays in their inbox."""
    case = get_case_for(actor, case_id, action="press", for_update=True)
    if not case.is_open and case.status != Status.CONCLUDED:
        raise Conflict("办件已结束，无需督办。", code="closed")
    if not note.strip():
        raise ValidationError({"note": ["请填写督办意见。"]})
    return supervision.press(
        actor=actor,
        obj=case,
        note=note,
        warning=case.warning,
        notify_users=[case.handler] if case.handler else _clerks(case),
        title=f"{case.number}：督办",
        url=reverse("cases:detail", args=[case.pk]),
    )


def recompute_open_cases(days: set[dt.date]) -> int:
    """Recompute every open (or not yet delivered) case whose period may touch a changed day."""
    cal = _cal()
    today = _today()
    changed = 0
    from django.db.models import Q

    if days:
        earliest = min(days)
        touches = (
            Q(acceptance_due__gte=earliest)
            | Q(legal_due__gte=earliest)
            | Q(stage_due__gte=earliest)
        )
    else:  # a year's schedule was entered: its provisional dates become final
        touches = Q(provisional=True)
    qs = (
        Case.objects.filter(touches, status__in=[*OPEN_STATUSES, Status.CONCLUDED])
        .select_related("version")
        .prefetch_related("excluded_periods", "version__stages")
    )
    for case in qs.iterator(chunk_size=500):
        before = (case.acceptance_due, case.legal_due, case.promised_due, case.stage_due,
                  case.paused_days, case.days_used)
        recompute_clock(case, today=today, cal=cal)
        after = (case.acceptance_due, case.legal_due, case.promised_due, case.stage_due,
                 case.paused_days, case.days_used)
        if before != after:
            Case.objects.filter(pk=case.pk).update(
                acceptance_due=case.acceptance_due,
                legal_due=case.legal_due,
                promised_due=case.promised_due,
                stage_due=case.stage_due,
                paused_days=case.paused_days,
                days_used=case.days_used,
                due_on=case.due_on,
                warning=case.warning,
                stage_warning=case.stage_warning,
                provisional=case.provisional,
                legal_overdue=case.legal_overdue,
            )
            audit.record(
                "case.recompute",
                obj=case,
                changes={"before": [str(d) for d in before], "after": [str(d) for d in after]},
            )
            changed += 1
    return changed
