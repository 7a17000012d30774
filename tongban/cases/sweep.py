"""Electronic supervision (电子监察): the periodic sweep.

Deemed acceptance takes every overdue submitted case through the same transition as a clerk's
acceptance, one case per transaction under a row lock, so two workers never accept a case twice
and a crash half-way leaves the rest for the next run (a case is only claimed by being still
`submitted`). The warnings are set-based (core.clocks.apply_warnings: a few UPDATEs over the
table, not a Python loop) and idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Q, QuerySet

from tongban.core import clocks, timeutil
from tongban.core.calendar import WorkCalendar

from .models import Case, Status, WarningEvent
from .services import case_deem_accept

CLOCKED = [Status.REVIEW, Status.DECISION]
STAGED = [Status.SUBMITTED, Status.REVIEW, Status.DECISION, Status.CONCLUDED]
DEEM_BATCH = 2000


def deem_accept(today: dt.date, cal: WorkCalendar | None = None) -> int:
    """《行政许可法》第三十二条: every submitted case past its acceptance period is accepted as of
    receipt."""
    accepted = 0
    last = 0
    while True:
        ids = list(
            Case.objects.filter(status=Status.SUBMITTED, acceptance_due__lt=today, pk__gt=last)
            .order_by("pk").values_list("pk", flat=True)[:DEEM_BATCH]
        )
        if not ids:
            return accepted
        for pk in ids:
            if case_deem_accept(case_id=pk, today=today) is not None:
                accepted += 1
        last = ids[-1]


def _history(scope: str, today: dt.date):
    """Log each raise as a WarningEvent row with the same predicate (INSERT ... SELECT)."""

    def on_raise(level: str, rows: QuerySet) -> None:
        if not level:
            return
        sql, params = rows.values("id").query.sql_with_params()
        table = WarningEvent._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (case_id, level, scope, raised_on) "  # noqa: S608 - no user input
                f"SELECT sub.id, %s, %s, %s FROM ({sql}) sub WHERE true ON CONFLICT DO NOTHING",
                [level, scope, today, *params],
            )

    return on_raise


def apply_warnings(today: dt.date, cal: WorkCalendar) -> dict[str, int]:
    counts: dict[str, int] = {}

    def add(scope: str, result: dict[str, int]) -> None:
        for key, value in result.items():
            counts[f"{scope}_{key}"] = counts.get(f"{scope}_{key}", 0) + value

    case_log, stage_log = _history("case", today), _history("stage", today)
    running = Q(status__in=CLOCKED) | Q(status=Status.SUBMITTED)
    add("case", clocks.apply_warnings(Case.objects.filter(status__in=CLOCKED), "promised_due",
                                      today=today, cal=cal, on_raise=case_log))
    add("case", clocks.apply_warnings(Case.objects.filter(status=Status.SUBMITTED), "acceptance_due",
                                      today=today, cal=cal, stopped=Case.objects.exclude(running),
                                      on_raise=case_log))
    add("stage", clocks.apply_warnings(Case.objects.filter(status__in=STAGED), "stage_due",
                                       today=today, cal=cal, field="stage_warning",
                                       stopped=Case.objects.exclude(status__in=STAGED), on_raise=stage_log))
    counts["legal_overdue"] = Case.objects.filter(
        status__in=CLOCKED, legal_due__lt=today, legal_overdue=False).update(legal_overdue=True)
    return counts


def run_sweep(today: dt.date | None = None) -> dict[str, int]:
    today = today or timeutil.today()
    cal = WorkCalendar.default()
    result = {"deemed_accepted": deem_accept(today, cal)}
    result.update(apply_warnings(today, cal))
    return result

