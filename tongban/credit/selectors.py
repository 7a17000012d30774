"""Reads of the credit module, and the standing provider other modules ask through core.standing."""

from __future__ import annotations

from django.db.models import Count, Q

from tongban.core.standing import (
    RISK_HIGH,
    RISK_LOW,
    RISK_MEDIUM,
    RISK_MEDIUM_HIGH,
    ListMembership,
    Standing,
)

from .models import (
    LIVE_STATUSES,
    CreditList,
    CreditRecord,
    EntryStatus,
    Evaluation,
    EvaluationRun,
    ListEntry,
    RecordStatus,
    Severity,
)

BAD_GRADES = {"D": RISK_HIGH, "C": RISK_MEDIUM_HIGH}


def standing_bulk(codes: list[str]) -> dict[str, Standing]:
    """Set-based: three queries for any number of subjects (records by tier, list members, the
    latest published grade). Live records count, published or not: a warning stays unpublished but
    still tells an inspector something."""
    if not codes:
        return {}
    per = {}
    rows = (CreditRecord.objects.filter(subject_code__in=codes, status__in=LIVE_STATUSES).order_by()
            .values("subject_code").annotate(
                serious=Count("id", filter=Q(severity=Severity.SERIOUS, status=RecordStatus.PUBLISHED)),
                general=Count("id", filter=Q(severity=Severity.GENERAL)),
                any=Count("id")))
    for row in rows:
        per[row["subject_code"]] = row
    lists: dict[str, list[ListMembership]] = {}
    for code, kind, name, basis in (ListEntry.objects.filter(subject_code__in=codes, status=EntryStatus.MEMBER)
                                    .values_list("subject_code", "credit_list__kind", "credit_list__name",
                                                 "credit_list__legal_basis")):
        lists.setdefault(code, []).append(ListMembership(kind=kind, name=name, basis=basis))
    run_id = (EvaluationRun.objects.filter(status=EvaluationRun.Status.PUBLISHED).order_by("-run_at", "-id")
              .values_list("pk", flat=True)[:1])
    grades = dict(Evaluation.objects.filter(run_id__in=run_id, subject_code__in=codes)
                  .values_list("subject_code", "grade"))
    out = {}
    for code in codes:
        row, member, grade = per.get(code), lists.get(code, []), grades.get(code, "")
        if row is None and not member and not grade:
            continue  # unknown: core answers the default
        serious = bool(row and row["serious"])
        black = any(m.kind == CreditList.Kind.BLACK for m in member)
        reasons = [f"列入{m.name}" for m in member if m.kind == CreditList.Kind.BLACK]
        if serious:
            reasons.append("有公示中的严重失信记录")
        if black or serious or BAD_GRADES.get(grade) == RISK_HIGH:
            risk = RISK_HIGH
        elif (row and row["general"]) or grade in BAD_GRADES:
            risk = RISK_MEDIUM_HIGH
        elif row and row["any"]:
            risk = RISK_MEDIUM
        else:
            risk = RISK_LOW
        out[code] = Standing(subject=code, known=True, risk_class=risk, grade=grade, lists=tuple(member),
                             serious_record=serious, reasons=tuple(reasons))
    return out


def public_records(code: str):
    """What the public query shows: published records only."""
    return (CreditRecord.objects.filter(subject_code=code, status=RecordStatus.PUBLISHED)
            .select_related("organisation", "rule").order_by("-decided_on"))


def list_members(list_id: int | None = None):
    qs = ListEntry.objects.filter(status=EntryStatus.MEMBER, credit_list__is_active=True).select_related("credit_list")
    return qs.filter(credit_list_id=list_id) if list_id else qs


def latest_published_run() -> EvaluationRun | None:
    return EvaluationRun.objects.filter(status=EvaluationRun.Status.PUBLISHED).select_related("method").order_by(
        "-run_at", "-id").first()
