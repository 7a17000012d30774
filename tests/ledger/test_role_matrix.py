"""Who may do what on the ledger: every operation against every kind of actor, in scope and out
of it. A refusal raises PermissionDenied or Http404 and changes nothing."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tongban.accounts.models import Role
from tongban.ledger import services
from tongban.ledger.models import CloseOut, Evidence, Problem, Recheck

from ..factories import StaffFactory
from .factories import (
    assigned,
    closed,
    enterprise_user,
    evidenced,
    inspection_results,
    listed,
    world,
)

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "applicant", "other_applicant", "clerk", "co_clerk", "leader", "office", "outsider"]


@pytest.fixture
def ctx(city_a, city_b, pin_today, citizen):
    pin_today(dt.date(2026, 3, 2))
    w = world(city_a)
    ent = enterprise_user()
    people = {"anonymous": AnonymousUser(), "applicant": ent, "other_applicant": citizen, "clerk": w.clerk,
              "co_clerk": w.co_clerk, "leader": w.leader, "office": w.office,
              "outsider": StaffFactory(organisation=city_b, roles=list(Role.values))}
    return w, people


def _state(w, state, people):
    ent = people["applicant"]
    if state == "listed":
        return listed(w)
    if state == "inspected":  # an inspection result with findings in the city's scope
        return inspection_results(w.city, classes=("rectify",))[0]
    p = assigned(w, raised_by=ent, enterprise=ent.enterprise)
    if state == "evidenced":
        return evidenced(w, p)
    if state == "milestoned":
        services.milestone_add(actor=w.office, problem_id=p.pk, title="节点", days=3)
    if state == "closing":
        evidenced(w, p)
        services.closeout_submit(actor=w.clerk, problem_id=p.pk, summary="完成")
    if state == "closed":
        closed(w, p)
    p.refresh_from_db()
    return p


OPERATIONS = {
    "problem_create": ("listed", lambda a, w, p: services.problem_create(
        actor=a, campaign_id=w.campaign.pk, title="交办问题", source_kind="assigned", source_ref="交办1号"),
        {"leader", "office"}),
    "problem_from_result": ("inspected", lambda a, w, r: services.problem_from_result(
        actor=a, campaign_id=w.campaign.pk, result_id=r.pk), {"leader", "office"}),
    "task_assign": ("listed", lambda a, w, p: services.task_assign(
        actor=a, problem_id=p.pk, measures="m", lead_unit_id=w.dept.pk, leader_id=w.leader.pk, limit_days=5),
        {"leader", "office"}),
    "task_progress": ("rectifying", lambda a, w, p: services.task_progress(actor=a, problem_id=p.pk, progress=50),
                      {"clerk", "co_clerk", "leader", "office"}),
    "evidence_submit": ("rectifying", lambda a, w, p: services.evidence_submit(
        actor=a, problem_id=p.pk, unit_id=w.dept.pk, note="n"), {"clerk", "leader"}),
    "milestone_add": ("rectifying", lambda a, w, p: services.milestone_add(
        actor=a, problem_id=p.pk, title="节点", days=2), {"clerk", "leader", "office"}),
    "milestone_done": ("milestoned", lambda a, w, p: services.milestone_done(
        actor=a, problem_id=p.pk, milestone_id=p.milestones.get().pk, note="已完成"),
        {"clerk", "co_clerk", "leader", "office"}),
    "closeout_submit": ("evidenced", lambda a, w, p: services.closeout_submit(
        actor=a, problem_id=p.pk, summary="s"), {"clerk", "leader"}),
    "closeout_decide": ("closing", lambda a, w, p: services.closeout_decide(
        actor=a, problem_id=p.pk, approve=True), {"leader"}),
    "press": ("rectifying", lambda a, w, p: services.problem_press(actor=a, problem_id=p.pk, note="快"), {"office"}),
    "recheck_commit": ("closed", lambda a, w, p: services.recheck_commit(actor=a, campaign_id=w.campaign.pk),
                       {"office"}),
    "satisfaction": ("closed", lambda a, w, p: services.satisfaction_answer(
        actor=a, problem_id=p.pk, satisfied=False, note="不满意"), {"applicant"}),
}


def _snapshot():
    return (list(Problem.objects.order_by("pk").values_list("pk", "status", "row_version", "progress")),
            Evidence.objects.count(), CloseOut.objects.count(), Recheck.objects.count())


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_role_matrix(ctx, operation, actor):
    w, people = ctx
    state, call, allowed = OPERATIONS[operation]
    p = _state(w, state, people)
    before = _snapshot()
    if actor in allowed:
        call(people[actor], w, p)
        assert _snapshot() != before
    else:
        with pytest.raises((PermissionDenied, Http404)):
            call(people[actor], w, p)
        assert _snapshot() == before
