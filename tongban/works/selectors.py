"""Scoped reads of works projects, the state machine the pages and the API read, and the
summaries other modules reload by id when they react to this module's events."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from tongban.core import timeutil
from tongban.core.permissions import has_perm
from tongban.core.standing import standing_bulk

from .models import Building, ConductEvent, Party, Project, Rectification, Stage, Visit
from .permissions import (
    ACCEPT,
    FEE,
    LETTER,
    SUPERVISE,
    VISIT,
    is_builder,
    projects_for,
    rectifications_for,
)


def project_list(actor, *, status: str = "", q: str = "") -> QuerySet[Project]:
    qs = projects_for(actor).select_related("builder", "organisation", "supervisor")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(registration_number__icontains=q) | Q(builder__name__icontains=q))
    return qs.annotate(n_buildings=Count("buildings", distinct=True)).order_by("-pk")


def registrations_awaiting(actor) -> QuerySet[Project]:
    return projects_for(actor).filter(status=Project.Status.SUBMITTED).select_related("builder").order_by(
        "registration_due", "pk"
    )


def visits_due(actor) -> list[dict]:
    """Supervised projects and the stages not yet passed (one row per project, the next stage)."""
    rows = []
    qs = projects_for(actor).filter(status=Project.Status.SUPERVISED).select_related("builder", "supervisor")
    passed = {}
    for project_id, stage in Visit.objects.filter(project__in=qs, outcome=Visit.Outcome.PASSED).values_list(
        "project_id", "stage"
    ):
        passed.setdefault(project_id, set()).add(stage)
    for project in qs.order_by("accepted_on", "pk"):
        done = passed.get(project.pk, set())
        pending = [label for value, label in Stage.choices if value not in done]
        if pending:
            rows.append({"project": project, "next_stage": pending[0], "pending": pending})
    return rows


def open_rectifications(actor) -> QuerySet[Rectification]:
    return rectifications_for(actor).filter(status=Rectification.Status.OPEN).select_related(
        "project", "party", "visit"
    ).order_by("due_on", "pk")


def letters_requested(actor) -> QuerySet[Building]:
    return Building.objects.filter(
        project__in=projects_for(actor), project__status=Project.Status.SUPERVISED,
        letter_requested_on__isnull=False, status=Building.Status.BUILDING,
    ).select_related("project").order_by("letter_requested_on", "pk")


def parties_with_standing(project: Project) -> list[tuple[Party, object]]:
    """The parties and their credit standing (core.standing; "unknown" until credit answers)."""
    parties = list(project.parties.select_related("enterprise"))
    standing = standing_bulk(p.enterprise.uscc for p in parties)
    return [(p, standing[p.enterprise.uscc]) for p in parties]


def available_actions(actor, project: Project) -> list[str]:
    """What the actor may do on the project now; pages and the API read this, never re-derive it."""
    out: list[str] = []
    S = Project.Status
    if is_builder(actor, project):
        if project.status in (S.DRAFT, S.RETURNED):
            out.append("registration_submit")
        if project.status == S.SUPERVISED:
            out.append("building_request")
        return out
    if not getattr(actor, "is_staff_member", False):
        return out
    if project.status == S.SUBMITTED and has_perm(actor, ACCEPT):
        out += ["registration_accept", "registration_return"]
    if has_perm(actor, SUPERVISE):
        day = timeutil.today()
        if project.status == S.SUBMITTED and project.registration_due and project.registration_due < day:
            out.append("registration_press")
        if project.status == S.SUPERVISED:
            out.append("rectification_press")  # per order, shown on the overdue ones
    if project.status == S.SUPERVISED:
        if has_perm(actor, VISIT):
            out += ["visit_record", "rectification_close"]
        if has_perm(actor, LETTER):
            out += ["building_accept", "project_verify"]
    if project.status in (S.SUBMITTED, S.SUPERVISED) and has_perm(actor, FEE):
        out += ["fee_assess", "fee_settle"]
    return out


# --- summaries for subscribers ----------------------------------------------------------------


def conduct_summary(event_id: int) -> dict | None:
    """For `works.party_conduct(event_id)`: what a party did (practitioner credit evaluation)."""
    e = ConductEvent.objects.select_related("enterprise", "project").filter(pk=event_id).first()
    if e is None:
        return None
    return {
        "party_uscc": e.enterprise.uscc,
        "party_name": e.enterprise.name,
        "party_role": e.party_role,
        "kind": e.kind,
        "occurred_on": e.occurred_on,
        "description": e.description,
        "project_id": e.project_id,
        "org_id": e.project.organisation_id,
    }
