"""Scoped reads of enforcement cases, the public pages' reads, and the contract other modules
read: `publicity_summary(case_id)` (credit's record of a published decision)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tongban.core.masking import mask_name
from tongban.core.timeutil import today

from .models import Baseline, EnforcementCase, PartyKind, PenaltyKind, Procedure, Status, Transition
from .permissions import cases_for

QUEUES = {
    # officer: the cases they handle
    "mine": lambda actor: Q(officers=actor) & ~Q(status__in=[Status.CLOSED, Status.NOT_REGISTERED]),
    # head: registrations, decisions to make, collective decisions
    "head": lambda actor: Q(status=Status.DRAFT) | Q(status__in=[Status.NOTIFIED, Status.INVESTIGATING],
                                                      penalty_kind__gt="", review_opinion="agree")
    | Q(status=Status.INVESTIGATING, procedure=Procedure.SUMMARY, penalty_kind__gt=""),
    # legal reviewer: penalties put forward and not yet reviewed
    "review": lambda actor: Q(status__in=[Status.INVESTIGATING, Status.NOTIFIED], penalty_kind__gt="",
                              review_opinion="") & ~Q(penalty_kind=PenaltyKind.NOT_PUNISHED)
    & ~Q(procedure=Procedure.SUMMARY),
    # re-review: decided penalties without the month's re-review
    "rereview": lambda actor: Q(status__in=[Status.DECIDED, Status.EXECUTING, Status.CLOSED], rereview_outcome="",
                                rereview_due__isnull=False),
}


def case_list(actor, *, queue: str = "", status: str = "", q: str = "") -> QuerySet[EnforcementCase]:
    qs = cases_for(actor).select_related("organisation")
    if queue in QUEUES:
        qs = qs.filter(QUEUES[queue](actor))
    if status == "open":
        qs = qs.exclude(status__in=[Status.CLOSED, Status.NOT_REGISTERED])
    elif status in Status.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(party_name__icontains=q) | Q(decision_number__icontains=q))
    return qs.distinct().order_by("due_on", "-id") if queue else qs.order_by("-id")


def queue_for(actor, queue: str) -> QuerySet[EnforcementCase]:
    return case_list(actor, queue=queue)


def timeline(case: EnforcementCase) -> QuerySet[Transition]:
    return case.transitions.select_related("actor").order_by("at", "id")


def publicity_summary(case_id: int) -> dict:
    """Contract for credit (双公示): what a published decision says, ids and plain values only."""
    case = EnforcementCase.objects.select_related("baseline_item").get(pk=case_id)
    item = case.baseline_item
    circumstance = (case.proposal or {}).get("circumstance", "general")
    severity = {"not_punished": "minor", "mitigated": "minor", "lighter": "minor",
                "general": "general", "heavier": "serious"}.get(circumstance, "general")
    if case.penalty_kind in ("suspension", "revocation"):
        severity = "serious"
    return {
        "org_id": case.organisation_id,
        "party_kind": case.party_kind,
        "party_uscc": case.party_uscc,
        "party_name": case.party_name,
        "party_id_number": case.party_id_number if case.party_kind == PartyKind.PERSON else "",
        "decision_number": case.decision_number,
        "decided_on": case.decided_on,
        "published_on": case.published_on,
        "violation": item.violation if item else case.facts[:200],
        "legal_basis": item.penalty_provision if item else "",
        "penalty_kind": case.penalty_kind,
        "fine_fen": int(case.fine_fen),
        "procedure": case.procedure,
        "severity_hint": severity,
        "revoked": case.revoked,
        "revoked_reason": case.revoked_reason,
        # credit counts its 3-working-day withdrawal (§48) from this day, and recounts it when the
        # calendar changes
        "revoked_on": case.revoked_on,
    }


def published_decisions(q: str = "") -> QuerySet[EnforcementCase]:
    """Public: published, not withdrawn. Persons' names are masked where shown (public_row)."""
    qs = EnforcementCase.objects.filter(published_on__isnull=False, revoked=False) \
        .select_related("organisation", "baseline_item").order_by("-published_on", "-id")
    if q:
        qs = qs.filter(Q(decision_number__icontains=q) | Q(party_name__icontains=q, party_kind=PartyKind.ENTERPRISE))
    return qs


def public_row(case: EnforcementCase) -> dict:
    person = case.party_kind == PartyKind.PERSON
    return {
        "decision_number": case.decision_number,
        "party": mask_name(case.party_name) if person else case.party_name,
        "party_code": "" if person else case.party_uscc,
        "violation": case.baseline_item.violation if case.baseline_item else "",
        "basis": case.baseline_item.penalty_provision if case.baseline_item else "",
        "penalty": case.get_penalty_kind_display(),
        "fine": case.fine_yuan if case.penalty_kind == PenaltyKind.FINE else "",
        "organisation": case.organisation.agency().name,
        "decided_on": case.decided_on,
        "published_on": case.published_on,
        "baseline": (case.proposal or {}).get("baseline", ""),
    }


STATES = {
    "draft": (_("草稿"), "secondary"),
    "pending": (_("待施行"), "info"),
    "in_force": (_("施行中"), "success"),
    "superseded": (_("已废止"), "dark"),
}


def state_of(baseline: Baseline, on=None) -> str:
    """草稿 / 待施行 (published, its date not yet come) / 施行中 / 已废止 (replaced); needs
    `Baseline.objects.with_replaced(on)`."""
    on = on or today()
    if baseline.status == Baseline.Status.DRAFT:
        return "draft"
    if baseline.status == Baseline.Status.SUPERSEDED or getattr(baseline, "replaced", False):
        return "superseded"
    return "pending" if baseline.effective_from > on else "in_force"


def label_states(baselines, on=None) -> list[Baseline]:
    rows = list(baselines)
    for b in rows:
        b.state = state_of(b, on)
        b.state_label, b.state_tone = STATES[b.state]
    return rows


def published_baselines(on=None) -> list[Baseline]:
    """The portal's list: every published version, in force, waiting for its date or replaced."""
    qs = Baseline.objects.exclude(status=Baseline.Status.DRAFT).select_related("organisation") \
        .order_by("organisation__path", "code", "-version")
    return label_states(qs.with_replaced(on or today()), on)


def in_force_version(baseline: Baseline, on=None):
    """The version of the same baseline that applies on `on`: the latest published one whose date has come."""
    on = on or today()
    return (Baseline.objects.filter(organisation_id=baseline.organisation_id, code=baseline.code,
                                    effective_from__lte=on)
            .exclude(status=Baseline.Status.DRAFT).order_by("-effective_from", "-version").first())


def metrics(actor) -> dict:
    qs = cases_for(actor)
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    decided = qs.filter(decided_on__isnull=False)
    agg = decided.aggregate(total=Count("id"), at=Count("id", filter=Q(at_proposal=True)),
                            departs=Count("id", filter=Q(departs=True)))
    corrected = qs.filter(transitions__action="rereview", transitions__data__outcome="corrected").distinct().count()
    by_violation = list(decided.exclude(penalty_kind=PenaltyKind.NOT_PUNISHED).order_by()
                        .values("baseline_item__violation").annotate(n=Count("id")).order_by("-n")[:10])
    t = today()
    overdue = qs.filter(Q(warning="red") | Q(publish_due__lt=t, published_on__isnull=True, decided_on__isnull=False,
                                             revoked=False)
                        | Q(rereview_due__lt=t, rereview_outcome="")).count()
    return {"by_status": by_status, "decided": agg["total"], "at_proposal": agg["at"], "departs": agg["departs"],
            "corrected": corrected, "by_violation": by_violation, "overdue": overdue,
            "not_punished": decided.filter(penalty_kind=PenaltyKind.NOT_PUNISHED).count()}
