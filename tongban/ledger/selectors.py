"""Reads of the ledger, scoped by the actor: the campaign board, a unit's tasks, the leader's
sign-off queue, the 台账 rows for exports and filings, and the public list (no personal data)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from tongban.accounts.models import Organisation
from tongban.appeals.kb_services import anonymise
from tongban.appeals.permissions import scope_root
from tongban.core.permissions import has_perm

from .models import OPEN_STATUSES, CloseOut, Problem, Status
from .permissions import may_manage, may_rectify, may_sign_off, problems_for

LEDGER_HEADERS = ["序号", "问题", "整改措施", "责任单位", "责任人", "整改时限", "进展", "是否销号"]


def with_units(qs: QuerySet[Problem]) -> QuerySet[Problem]:
    return qs.select_related("lead_unit", "leader", "campaign").prefetch_related(
        Prefetch("co_units", queryset=Organisation.objects.only("id", "name")))


def ledger_rows(qs: QuerySet[Problem]) -> list[dict]:
    """The usual 台账 layout, one dict per problem (序号 from 1 in number order)."""
    rows = []
    for i, p in enumerate(with_units(qs.exclude(status=Status.MERGED)).order_by("number"), start=1):
        units = "、".join([p.lead_unit.name] + [u.name for u in p.co_units.all()]) if p.lead_unit else ""
        progress = f"{p.progress}%" + (f"（{p.steps_done}/{p.steps_total} 步）" if p.steps_total else "")
        if p.progress_note:
            progress += f"：{p.progress_note}"
        rows.append({
            "序号": i, "编号": p.number, "问题": p.title, "整改措施": p.measures, "责任单位": units,
            "责任人": p.leader.display_name if p.leader else "",
            "整改时限": p.due_on.isoformat() if p.due_on else "", "进展": progress,
            "是否销号": "是" if p.status == Status.CLOSED else "否",
        })
    return rows


def public_rows(qs: QuerySet[Problem]) -> list[dict]:
    """The public list: units, not people (the responsible leader's name stays internal), and the
    problem text stripped of ID numbers and phone numbers."""
    out = []
    for p in with_units(qs.exclude(status=Status.MERGED)).order_by("number"):
        out.append({"number": p.number, "title": anonymise(p.title, []), "measures": anonymise(p.measures, []),
                    "unit": p.lead_unit.name if p.lead_unit else "", "co_units": [u.name for u in p.co_units.all()],
                    "due_on": p.due_on, "progress": p.progress, "closed": p.status == Status.CLOSED,
                    "status": p.get_status_display(), "source": p.get_source_kind_display()})
    return out


def board(actor, campaign) -> dict:
    """The lead office's board: counts by status and by lead unit, overdue ones."""
    qs = problems_for(actor).filter(campaign=campaign).order_by()
    by_status = dict(qs.values_list("status").annotate(n=Count("id")))
    by_unit = list(qs.values("lead_unit__name").annotate(
        total=Count("id"), open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        closed=Count("id", filter=Q(status=Status.CLOSED)), red=Count("id", filter=Q(warning="red")))
        .order_by("lead_unit__name"))
    return {
        "by_status": [(label, by_status.get(value, 0), value) for value, label in Status.choices],
        "by_unit": by_unit,
        "total": sum(by_status.values()),
        "overdue": with_units(qs.filter(warning="red", status__in=OPEN_STATUSES)).order_by("due_on")[:50],
        "duplicates": qs.filter(possible_duplicate_of__isnull=False, status__in=OPEN_STATUSES).count(),
    }


def unit_tasks(actor) -> QuerySet[Problem]:
    """Open tasks where the actor's agency is the lead unit or a co-unit."""
    root = scope_root(actor)
    if root is None or not has_perm(actor, "ledger.rectify"):
        return Problem.objects.none()
    ids = Problem.objects.filter(Q(lead_unit__path__startswith=root.path) | Q(co_units__path__startswith=root.path),
                                 status__in=[Status.RECTIFYING, Status.CLOSING]).values("id")
    # The next open milestone's due day and the number of overdue ones, in the same query.
    from django.db.models import Min

    from tongban.core import timeutil

    on = timeutil.today()
    return (with_units(Problem.objects.filter(id__in=ids))
            .annotate(next_milestone_on=Min("milestones__due_on", filter=Q(milestones__done_on__isnull=True)),
                      overdue_milestones=Count("milestones", filter=Q(milestones__done_on__isnull=True,
                                                                      milestones__due_on__lt=on)))
            .order_by("due_on", "id"))


def signoff_queue(actor) -> QuerySet[Problem]:
    if not has_perm(actor, "ledger.signoff"):
        return Problem.objects.none()
    return with_units(Problem.objects.filter(status=Status.CLOSING, leader=actor)).order_by("due_on", "id")


def available_actions(actor, problem: Problem) -> set[str]:
    """What the actor may do on the problem now; templates and the API read it."""
    acts: set[str] = set()
    if problem.status in (Status.LISTED, Status.RECTIFYING) and may_manage(actor, problem):
        acts.add("assign")
    if problem.status == Status.RECTIFYING and may_rectify(actor, problem):
        acts |= {"progress", "evidence", "milestone_done"}
        if problem.lead_unit and may_rectify(actor, problem, problem.lead_unit):
            acts |= {"closeout_submit", "milestone_add"}
    if problem.status == Status.RECTIFYING and may_manage(actor, problem):
        acts |= {"milestone_add", "milestone_done"}
    if problem.status == Status.CLOSING and may_sign_off(actor, problem):
        acts.add("closeout_decide")
    if problem.status in OPEN_STATUSES and has_perm(actor, "ledger.press"):
        acts.add("press")
    return acts


def history(problem: Problem):
    return problem.transitions.select_related("actor").order_by("at", "id")


def pending_closeout(problem: Problem) -> CloseOut | None:
    return problem.closeouts.filter(status=CloseOut.Status.PENDING).select_related("submitted_by").first()


def inspection_results(actor, campaign, *, limit: int = 200):
    """Inspection results with findings in the actor's scope, newest first, each with the number of
    the campaign problem already made from it (`listed_as`, None if not yet): one query."""
    from django.db.models import OuterRef, Subquery

    from .permissions import inspection_results_for

    listed = Problem.objects.filter(campaign=campaign, source_result=OuterRef("pk")).order_by("id").values("number")
    return (inspection_results_for(actor)
            .select_related("inspection__object", "inspection__task__item", "inspection__task__plan__organisation")
            .annotate(listed_as=Subquery(listed[:1]))
            .order_by("-inspected_on", "-id")[:limit])
