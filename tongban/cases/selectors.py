"""Reads of cases, scoped by the actor, with the joins the pages need (no N+1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q, QuerySet

from tongban.accounts.models import Role
from tongban.core.permissions import has_perm

from .models import CLOCKED_STATUSES, FINAL_STATUSES, Case, Decision, Extension, Status
from .permissions import cases_for
from .state import ALLOWED_FROM

LIST_FIELDS = (
    "id", "number", "status", "warning", "stage_warning", "applicant_name", "submitted_at", "received_on",
    "acceptance_due", "promised_due", "legal_due", "provisional", "row_version", "deemed_accepted",
    "version__name", "organisation__name", "organisation__short_name", "handler_id", "supplement_count",
    "decision", "stage_due", "due_on",
)


def case_list(actor, *, status: str = "", warning: str = "", q: str = "", organisation_id: int | None = None) -> QuerySet[Case]:
    qs = cases_for(actor).select_related("version", "organisation").only(*LIST_FIELDS)
    if status == "open":
        qs = qs.exclude(status__in=[*FINAL_STATUSES, Status.CONCLUDED])
    elif status:
        qs = qs.filter(status=status)
    if warning:
        qs = qs.filter(warning=warning)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    if q:
        q = q.strip()
        qs = qs.filter(Q(number__icontains=q) | Q(applicant_name__icontains=q) | Q(project_name__icontains=q))
    if warning and status:
        # Warned cases are read most-overdue first, which the (organisation, status, due) index serves.
        return qs.order_by(F("due_on").asc(nulls_last=True), "id")
    return qs.order_by("-submitted_at", "-id")


# Which statuses await which role's action.
AWAITS = {
    Role.CLERK: [Status.SUBMITTED, Status.CONCLUDED],
    Role.REVIEWER: [Status.REVIEW, Status.PAUSED],
    Role.APPROVER: [Status.DECISION],
}


def _awaited_statuses(actor) -> list[str]:
    if actor.is_superuser:
        return sorted({s for ss in AWAITS.values() for s in ss})
    return sorted({s for role in actor.role_set() for s in AWAITS.get(role, [])})


def awaiting(actor) -> QuerySet[Case]:
    """Cases waiting for something this actor's roles do."""
    statuses = _awaited_statuses(actor)
    if not statuses:
        return Case.objects.none()
    return cases_for(actor).filter(status__in=statuses)


def awaiting_first(actor, limit: int) -> list[Case]:
    """The `limit` most urgent awaited cases. One indexed range per status (organisation, status,
    due date), merged here, instead of sorting every awaited case of the unit."""
    rows: list[Case] = []
    for status in _awaited_statuses(actor):
        rows += list(
            cases_for(actor).filter(status=status)
            .select_related("version", "organisation").only(*LIST_FIELDS, "due_on")
            .order_by(F("due_on").asc(nulls_last=True), "id")[:limit]
        )
    far = dt.date.max
    rows.sort(key=lambda c: (c.due_on or far, c.id))
    return rows[:limit]


def warnings_in_scope(actor, level: str = "") -> QuerySet[Case]:
    qs = cases_for(actor).exclude(warning="").select_related("version", "organisation", "handler")
    if level:
        qs = qs.filter(warning=level)
    return qs.annotate(press_count=Count("presses")).order_by("-warning", "promised_due", "acceptance_due")


def extension_requests_awaiting(actor):
    """Open extension requests the actor may decide: in scope, with the head's permission, on
    cases whose clock still runs, and never the actor's own (第四十二条)."""
    if not has_perm(actor, "cases.extend"):
        return Extension.objects.none()
    return (
        Extension.objects.filter(
            status=Extension.Status.PENDING,
            case__in=cases_for(actor).filter(status__in=ALLOWED_FROM["decide_extension"]),
        )
        .exclude(requested_by=actor)
        .order_by("case__legal_due", "id")
    )


# Steps of the agency's own deliberation: shown to staff, not to the applicant or the public,
# who hear of an extension through its written notice (第四十二条).
INTERNAL_STEPS = ("request_extension", "refuse_extension")


def timeline(case: Case, *, internal: bool = True):
    rows = case.transitions.select_related("actor").order_by("at", "id")
    return rows if internal else rows.exclude(action__in=INTERNAL_STEPS)


@dataclass(frozen=True)
class Metrics:
    by_status: dict[str, int]
    concluded: int
    on_time_rate: float | None  # share concluded within the promised limit
    avg_days_used: float | None
    avg_promised: float | None
    avg_legal: float | None
    no_supplement_rate: float | None
    zero_visit_rate: float | None
    warnings: dict[str, int]


def metrics(actor=None, qs: QuerySet[Case] | None = None) -> Metrics:
    """Figures for the dashboard, over the actor's scope."""
    qs = qs if qs is not None else cases_for(actor)
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    done = qs.filter(status__in=[Status.CONCLUDED, Status.DELIVERED], accepted_on__isnull=False)
    agg = done.aggregate(
        n=Count("id"),
        on_time=Count("id", filter=Q(days_used__lte=F("promised_limit_days") + F("promised_extension_days"))),
        avg_used=Avg("days_used"),
        avg_promised=Avg("promised_limit_days"),
        avg_legal=Avg("legal_limit_days"),
        no_supp=Count("id", filter=Q(supplement_count=0)),
        zero_visit=Count("id", filter=Q(visits=0)),
    )
    n = agg["n"] or 0
    warnings = dict(qs.exclude(warning="").filter(status__in=[*CLOCKED_STATUSES, Status.SUBMITTED])
                    .order_by().values_list("warning").annotate(n=Count("id")))

    def rate(x):
        return round(100.0 * x / n, 1) if n else None

    return Metrics(
        by_status={s.label: by_status.get(s.value, 0) for s in Status},
        concluded=n,
        on_time_rate=rate(agg["on_time"]),
        avg_days_used=round(agg["avg_used"], 1) if agg["avg_used"] is not None else None,
        avg_promised=round(agg["avg_promised"], 1) if agg["avg_promised"] is not None else None,
        avg_legal=round(agg["avg_legal"], 1) if agg["avg_legal"] is not None else None,
        no_supplement_rate=rate(agg["no_supp"]),
        zero_visit_rate=rate(agg["zero_visit"]),
        warnings={"yellow": warnings.get("yellow", 0), "red": warnings.get("red", 0)},
    )


def approval_rate(qs: QuerySet[Case]) -> float | None:
    agg = qs.filter(status__in=[Status.CONCLUDED, Status.DELIVERED]).aggregate(
        n=Count("id"), ok=Count("id", filter=Q(decision=Decision.APPROVE)))
    return round(100.0 * agg["ok"] / agg["n"], 1) if agg["n"] else None


PROGRESS_TTL = 30  # seconds; every transition also deletes the entry


def progress_cache_key(number: str, code: str) -> str:
    import hashlib

    return "tb:progress:" + hashlib.sha256(f"{number}|{code}".encode()).hexdigest()[:32]


def _name_with_agency(row: dict) -> str:
    """Organisation.name_with_agency from the joined columns: an agency, or a department directly
    under its agency; deeper units take the model's walk up the tree."""
    from tongban.accounts.models import Organisation

    agency = Organisation.Kind.AGENCY
    if row["organisation__kind"] == agency or row["organisation__parent__name"] is None:
        return row["organisation__name"]
    if row["organisation__parent__kind"] == agency:
        return f"{row['organisation__parent__name']} {row['organisation__name']}"
    return Organisation.objects.get(pk=row["organisation_id"]).name_with_agency


def public_progress(number: str, code: str) -> dict | None:
    """What the public progress query shows: stages and dates, nothing personal. Cached briefly
    (a public endpoint that many refresh), and dropped from the cache on every transition."""
    from django.core.cache import cache

    from tongban.core.masking import mask_name

    number, code = number.strip(), code.strip().upper()
    if not number or not code:
        return None
    key = progress_cache_key(number, code)
    found = cache.get(key)
    if found is not None:
        return found
    fields = ("number", "status", "received_on", "acceptance_due", "accepted_on", "deemed_accepted",
              "promised_limit_days", "promised_extension_days", "legal_limit_days", "extension_days", "paused_days", "promised_due",
              "legal_due", "provisional", "days_used", "decision")
    # One query: the indexed lookup of the unique number with only the shown columns, its public
    # steps joined (one row per step, one row with empty step columns when there is none).
    from django.db.models import FilteredRelation

    rows = list(Case.objects.filter(number=number, query_code=code)
                .annotate(step=FilteredRelation("transitions", condition=~Q(transitions__action__in=INTERNAL_STEPS)))
                .values("id", *fields, "applicant_name", "version__name", "organisation_id", "organisation__name",
                        "organisation__kind", "organisation__parent__name", "organisation__parent__kind",
                        "step__id", "step__action", "step__to_status", "step__at", "step__effective_on")
                .order_by("step__at", "step__id"))
    if not rows:
        return None
    row = rows[0]
    data = {f: row[f] for f in fields}
    data.update({
        "version": {"name": row["version__name"]},
        "organisation": {"name": _name_with_agency(row)},
        "applicant": mask_name(row["applicant_name"]),
        "steps": [{"action": r["step__action"], "to_status": r["step__to_status"], "at": r["step__at"],
                   "effective_on": r["step__effective_on"]} for r in rows if r["step__id"] is not None],
    })
    cache.set(key, data, PROGRESS_TTL)
    return data
