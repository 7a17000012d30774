"""Electronic supervision (电子监察): the periodic sweep.

Set-based: each rule is one UPDATE (or INSERT ... SELECT) over the case table, not a Python loop
over cases, so a million open cases take seconds. Deemed acceptance claims its rows with a
conditional UPDATE carrying a run token, so two workers never accept the same case twice; the
warning updates are idempotent, so running them twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from tongban.core import audit, sweeps, timeutil
from tongban.core.calendar import WorkCalendar
from tongban.core.notifications import notify

from .models import Case, Status, Transition, Warning, WarningEvent
from .services import _forget_progress, recompute_clock, warning_days

CLOCKED = [Status.REVIEW, Status.DECISION]
STAGED = [Status.SUBMITTED, Status.REVIEW, Status.DECISION, Status.CONCLUDED]


def _supervisors_of(organisation) -> list:
    """Supervisors of the organisation and of every unit above it."""
    from tongban.accounts.models import Role, User

    path = organisation.path
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
    return list(
        User.objects.filter(organisation__path__in=prefixes, roles__role=Role.SUPERVISOR, is_active=True).distinct()
    )


def deem_accept(today: dt.date, cal: WorkCalendar) -> int:
    """《行政许可法》第三十二条: no decision and no supplement notice within the acceptance period
    means the application is accepted as of the day it was received."""
    token = uuid.uuid4().hex
    claimed = Case.objects.filter(status=Status.SUBMITTED, acceptance_due__lt=today).update(
        status=Status.REVIEW,
        deemed_accepted=True,
        accepted_on=F("received_on"),
        stage_started_on=F("received_on"),
        sweep_token=token,
        row_version=F("row_version") + 1,
    )
    if not claimed:
        return 0
    qs = (
        Case.objects.filter(sweep_token=token, deemed_accepted=True)
        .select_related("version", "organisation", "applicant")
        .prefetch_related("excluded_periods", "version__stages")
    )
    now = timezone.now()
    supervisors: dict[int, list] = {}
    for case in qs.iterator(chunk_size=500):
        with transaction.atomic():
            recompute_clock(case, today=today, cal=cal)
            Case.objects.filter(pk=case.pk).update(
                acceptance_due=case.acceptance_due,
                legal_due=case.legal_due,
                promised_due=case.promised_due,
                stage_due=case.stage_due,
                due_on=case.due_on,
                warning=case.warning,
                stage_warning=case.stage_warning,
                provisional=case.provisional,
                legal_overdue=case.legal_overdue,
            )
            why = (
                f"自 {case.received_on} 收件起 {case.version.acceptance_limit_days or 5} 个工作日内"
                f"（至 {case.acceptance_due} 24:00）未作出受理、不予受理或补正告知，"
                "依《中华人民共和国行政许可法》第三十二条视为受理，受理日期为收件之日。"
            )
            Transition.objects.create(
                case=case, action="deem_accept", from_status=Status.SUBMITTED, to_status=Status.REVIEW,
                actor=None, actor_name="系统（电子监察）", at=now, effective_on=case.received_on, note=why,
            )
            audit.record("case.deem_accept", obj=case, changes={"accepted_on": case.received_on, "why": why})
            _forget_progress(case)
            url = reverse("cases:my_case", args=[case.pk])
            notify(case.applicant, f"{case.version.name}：已视为受理", body=why, url=url, sms=True)
            if case.organisation_id not in supervisors:  # one lookup per unit, not per case
                supervisors[case.organisation_id] = _supervisors_of(case.organisation)
            for supervisor in supervisors[case.organisation_id]:
                notify(supervisor, f"{case.number}：逾期未受理，已视为受理", body=why,
                       url=reverse("cases:detail", args=[case.pk]), level="warning")
    return claimed


def _raise(level: str, scope: str, field: str, where: Q, today: dt.date) -> int:
    """Set `field` to `level` on rows matching `where` that don't have it yet, and log the raise."""
    qs = Case.objects.filter(where).exclude(**{field: level}).order_by()
    if level:
        # INSERT ... SELECT the history rows first (same predicate), ignoring a second worker's.
        sql, params = qs.values("id").query.sql_with_params()
        table = WarningEvent._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (case_id, level, scope, raised_on) "  # noqa: S608 - no user input
                f"SELECT sub.id, %s, %s, %s FROM ({sql}) sub WHERE true ON CONFLICT DO NOTHING",
                [level, scope, today, *params],
            )
    return qs.update(**{field: level})


def apply_warnings(today: dt.date, cal: WorkCalendar) -> dict[str, int]:
    limit = cal.add_workdays(today, warning_days())
    counts: dict[str, int] = {}
    for scope, field, rules in (
        ("case", "warning", [
            (Q(status__in=CLOCKED), "promised_due"),
            (Q(status=Status.SUBMITTED), "acceptance_due"),
        ]),
        ("stage", "stage_warning", [(Q(status__in=STAGED), "stage_due")]),
    ):
        active = Q()
        for status_q, due in rules:
            active |= status_q
            counts[f"{scope}_red"] = counts.get(f"{scope}_red", 0) + _raise(
                Warning.RED, scope, field, status_q & Q(**{f"{due}__lt": today}), today)
            counts[f"{scope}_yellow"] = counts.get(f"{scope}_yellow", 0) + _raise(
                Warning.YELLOW, scope, field, status_q & Q(**{f"{due}__gte": today, f"{due}__lte": limit}), today)
            counts[f"{scope}_cleared"] = counts.get(f"{scope}_cleared", 0) + _raise(
                Warning.NONE, scope, field, status_q & (Q(**{f"{due}__gt": limit}) | Q(**{f"{due}__isnull": True})), today)
        counts[f"{scope}_cleared"] += _raise(Warning.NONE, scope, field, ~active, today)
    counts["legal_overdue"] = Case.objects.filter(
        status__in=CLOCKED, legal_due__lt=today, legal_overdue=False).update(legal_overdue=True)
    return counts


def run_sweep(today: dt.date | None = None) -> dict[str, int]:
    today = today or timeutil.today()
    cal = WorkCalendar.default()
    result = {"deemed_accepted": deem_accept(today, cal)}
    result.update(apply_warnings(today, cal))
    return result


@task(queue_name="default")
def supervision_sweep() -> dict[str, int]:
    # Idempotent: deemed acceptance claims rows; warnings converge to the same state.
    return run_sweep()


sweeps.register("cases.supervision", supervision_sweep, dt.timedelta(minutes=10))
