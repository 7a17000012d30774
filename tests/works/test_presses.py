"""督办: a supervisor presses an overdue registration (the station's 5-working-day acceptance
limit [K]) or an overdue rectification order; the press reaches the handler's inbox through
core.supervision and acting on the object answers it."""

from __future__ import annotations

import datetime as dt

import pytest

from tongban.accounts.models import Role
from tongban.core import supervision
from tongban.core.errors import Conflict
from tongban.core.inbox import counts_for, items_for
from tongban.core.models import Press
from tongban.works import services
from tongban.works.models import Rectification

from ..factories import StaffFactory
from .factories import submitted, supervised


@pytest.fixture
def w_press(station):
    return StaffFactory(username="w_press", organisation=station.parent, roles=[Role.SUPERVISOR])


def _press_titles(user):
    return [i.title for i in items_for(user) if "督办" in i.title]


def test_an_overdue_registration_is_pressed_into_the_clerks_inbox_and_answered_by_acceptance(
        world, settings, builder, w_clerk, w_sup, w_press):
    project = submitted(builder, name="逾期报监项目")
    with pytest.raises(Conflict, match="5个工作日"):  # due 2026-09-16: not yet overdue
        services.registration_press(actor=w_press, project_id=project.pk, note="请尽快受理")
    assert not Press.objects.exists()
    settings.TONGBAN_TODAY = dt.date(2026, 9, 17)
    services.registration_press(actor=w_press, project_id=project.pk, note="请尽快受理")
    assert any("逾期报监项目 报监逾期未受理" in t for t in _press_titles(w_clerk))
    assert counts_for(w_clerk, items_for(w_clerk))["total"] >= 2  # the registration and its press
    assert not _press_titles(w_sup)  # an inspector does not accept registrations
    services.registration_accept(actor=w_clerk, project_id=project.pk, supervisor_id=w_sup.pk)
    project.refresh_from_db()
    assert not supervision.open_presses(type(project).objects.filter(pk=project.pk)).exists()
    assert not _press_titles(w_clerk)


def test_an_overdue_rectification_is_pressed_to_the_supervisor_and_answered_by_closing(
        world, settings, builder, w_clerk, w_sup, w_press, contractor):
    project = supervised(builder, w_clerk, w_sup, parties=[{"role": "contractor", "uscc": contractor.uscc}])
    visit = services.visit_record(actor=w_sup, project_id=project.pk, stage="foundation", outcome="rectify",
                                  findings="防水层破损。", requirement="修补。", due_days=1)
    rect = visit.rectification
    with pytest.raises(Conflict, match="尚未届满"):
        services.rectification_press(actor=w_press, rectification_id=rect.pk, note="督促整改")
    settings.TONGBAN_TODAY = dt.date(2026, 9, 14)
    services.rectification_press(actor=w_press, rectification_id=rect.pk, note="督促整改")
    assert any("整改逾期" in t for t in _press_titles(w_sup))
    services.rectification_close(actor=w_sup, rectification_id=rect.pk, note="已复查")
    assert not supervision.open_presses(Rectification.objects.filter(pk=rect.pk)).exists()
    assert not _press_titles(w_sup)


def test_only_a_supervisor_in_scope_may_press(world, settings, builder, w_clerk, w_other):
    project = submitted(builder)
    settings.TONGBAN_TODAY = dt.date(2026, 9, 17)
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(PermissionDenied):
        services.registration_press(actor=w_clerk, project_id=project.pk, note="x")
    with pytest.raises(Http404):
        services.registration_press(actor=w_other, project_id=project.pk, note="x")
    assert not Press.objects.exists()
