"""Who may do what to a works project: every operation against every persona, in scope and out of
it. A refusal changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tongban.accounts.models import Role
from tongban.core.models import Press
from tongban.works import services
from tongban.works.models import (
    Building,
    ConductEvent,
    FeeAssessment,
    Project,
    Transition,
    Visit,
    WorksDocument,
)

from ..factories import ApplicantFactory, StaffFactory
from .factories import documents, make_project, submitted, supervised


def _state(state, w, builder, contractor):
    parties = [{"role": "contractor", "uscc": contractor.uscc}]
    if state == "draft":
        return make_project(builder, parties=parties)
    if state == "submitted":
        return submitted(builder, parties=parties)
    project = supervised(builder, w["clerk"], w["sup"], parties=parties)
    if state == "requested":
        services.building_request(actor=builder, building_id=_plain(project))
    if state == "rectify":
        services.visit_record(actor=w["sup"], project_id=project.pk, stage="foundation", outcome="rectify",
                              findings="x", requirement="y")
    return project


def _plain(project) -> int:
    return Building.objects.get(project=project, has_basement=False).pk


def _rect(project) -> int:
    return project.rectifications.get().pk


OPERATIONS = {
    "project_create": ("none", lambda a, p: make_project(a), {"builder", "other_builder"}),
    "registration_submit": ("draft", lambda a, p: services.registration_submit(
        actor=a, project_id=p.pk, files=documents()), {"builder"}),
    "registration_accept": ("submitted", lambda a, p: services.registration_accept(
        actor=a, project_id=p.pk, supervisor_id=p._sup), {"clerk", "head"}),
    "registration_return": ("submitted", lambda a, p: services.registration_return(
        actor=a, project_id=p.pk, reason="缺材料"), {"clerk", "head"}),
    "visit_record": ("supervised", lambda a, p: services.visit_record(
        actor=a, project_id=p.pk, stage="foundation", outcome="passed", findings="合格"), {"sup"}),
    "rectification_close": ("rectify", lambda a, p: services.rectification_close(
        actor=a, rectification_id=_rect(p), note="已整改"), {"sup"}),
    "building_request": ("supervised", lambda a, p: services.building_request(
        actor=a, building_id=_plain(p)), {"builder"}),
    "building_accept": ("requested", lambda a, p: services.building_accept(
        actor=a, building_id=_plain(p)), {"head"}),
    "project_verify": ("supervised", lambda a, p: services.project_verify(actor=a, project_id=p.pk), {"head"}),
    "fee_assess": ("supervised", lambda a, p: services.fee_assess(actor=a, project_id=p.pk), {"head", "fee"}),
    "fee_settle": ("supervised", lambda a, p: services.fee_settle(
        actor=a, project_id=p.pk, payment_ref="X-1"), {"head", "fee"}),
    "registration_press": ("submitted_late", lambda a, p: services.registration_press(
        actor=a, project_id=p.pk, note="督办"), {"watcher"}),
    "rectification_press": ("rectify_late", lambda a, p: services.rectification_press(
        actor=a, rectification_id=_rect(p), note="督办"), {"watcher"}),
}
LATE = dt.date(2026, 9, 24)  # past the registration limit and the default 10-working-day order
PERSONAS = ["anonymous", "citizen", "builder", "other_builder", "clerk", "head", "sup", "fee", "watcher",
            "other_station"]


@pytest.fixture
def people(world, builder, other_builder, w_other, station):
    return {
        "anonymous": AnonymousUser(), "citizen": ApplicantFactory(username="m_citizen"), "builder": builder,
        "other_builder": other_builder, "clerk": world["clerk"], "head": world["head"], "sup": world["sup"],
        "fee": world["fee"], "other_station": w_other,
        "watcher": StaffFactory(username="m_watch", organisation=station, roles=[Role.SUPERVISOR]),
    }


def _snapshot(project):
    if project is None:
        return Project.objects.count()
    project.refresh_from_db()
    return (project.status, project.row_version, Visit.objects.count(), WorksDocument.objects.count(),
            FeeAssessment.objects.count(), Transition.objects.count(), ConductEvent.objects.count(),
            Press.objects.count(),
            list(Building.objects.filter(project=project).values_list("status", "letter_requested_on")))


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_role_matrix(operation, persona, people, world, builder, contractor, settings):
    state, call, allowed = OPERATIONS[operation]
    project = None if state == "none" else _state(state.removesuffix("_late"), world, builder, contractor)
    if state.endswith("_late"):
        settings.TONGBAN_TODAY = LATE
    if project is not None:
        project._sup = world["sup"].pk
    actor = people[persona]
    before = _snapshot(project)
    if persona in allowed:
        try:
            call(actor, project)
        except ValidationError:
            assert operation == "project_verify"  # allowed, but the project is not complete yet
        return
    # Who cannot see the project at all gets a 404, so ids do not leak; who can see it, a 403.
    foreign = persona in ("other_builder", "other_station", "anonymous", "citizen") and project is not None
    with pytest.raises(Http404 if foreign else PermissionDenied):
        call(actor, project)
    assert _snapshot(project) == before
