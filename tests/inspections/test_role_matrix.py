"""Who may do what in 双随机一公开: every operation against every role, in scope and out of it. A
refusal changes nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tongban.accounts.models import Role
from tongban.core.errors import Conflict
from tongban.inspections import services
from tongban.inspections.models import Draw, Inspection

from ..factories import EnterpriseUserFactory, StaffFactory
from .factories import DAY, run_draw

pytestmark = pytest.mark.django_db


def _state(insp):
    insp = Inspection.objects.get(pk=insp.pk)
    draw = Draw.objects.get(pk=insp.draw_id)
    return insp.status, insp.row_version, draw.status, draw.row_version, draw.void_requested_by_id


def _at(state, insp, head):
    if state == "void_requested":
        services.draw_void_request(actor=_requester(insp), draw_id=insp.draw_id,
                                   reason="名录库漏录")  # by the administrator who committed
        return insp
    if state in ("approved", "notified", "recorded"):
        services.inspection_approve(actor=head, inspection_id=insp.pk)
    if state in ("notified", "recorded"):
        services.inspection_notice_issue(actor=insp.members.first().user, inspection_id=insp.pk)
    if state == "recorded":
        services.inspection_record_submit(actor=insp.members.first().user, inspection_id=insp.pk, data={
            "items_checked": "x", "result_class": "no_issue", "signed_name": "某", "signature_confirmed": True})
    return insp


def _requester(insp):
    from tongban.inspections.models import Transition

    return Transition.objects.get(draw_id=insp.draw_id, action="commit").actor


def _result(insp):
    return Inspection.objects.get(pk=insp.pk).result.pk


OPERATIONS = {
    "approve": ("assigned", lambda a, i: services.inspection_approve(actor=a, inspection_id=i.pk), {"head"}),
    "notice": ("approved", lambda a, i: services.inspection_notice_issue(actor=a, inspection_id=i.pk),
               {"member", "admin", "head"}),
    "record": ("notified", lambda a, i: services.inspection_record_submit(actor=a, inspection_id=i.pk, data={
        "items_checked": "x", "result_class": "no_issue", "signed_name": "某", "signature_confirmed": True}), {"member"}),
    "publish": ("recorded", lambda a, i: services.inspection_result_publish(actor=a, result_id=_result(i)),
                {"member", "head"}),
    "press": ("recorded", lambda a, i: services.result_press(actor=a, result_id=_result(i), note="请尽快公示"),
              {"supervisor"}),
    "void_request": ("assigned", lambda a, i: services.draw_void_request(actor=a, draw_id=i.draw_id, reason="漏录"),
                     {"admin", "head"}),
    "void_refuse": ("void_requested", lambda a, i: services.draw_void_refuse(actor=a, draw_id=i.draw_id,
                                                                             reason="理由不成立"), {"head"}),
    "withdraw": ("assigned", lambda a, i: services.withdrawal_request(
        actor=a, inspection_id=i.pk, inspector_id=i.members.first().user_id, reasons="亲属"), {"company"}),
}
ROLES = ["anonymous", "company", "other_company", "other_office_head", "clerk", "inspector_not_on_team", "member",
         "head", "admin", "supervisor"]


@pytest.fixture
def drawn(task, admin, witness, pin_today):
    pin_today(DAY)
    return run_draw(admin, witness, task).inspections.order_by("position").first()


@pytest.fixture
def people(drawn, admin, head, witness, city_b, office):
    from .factories import inspector

    team = set(drawn.members.values_list("user_id", flat=True))
    outsider = next(m for m in [inspector(office, "组外")] if m.pk not in team)
    return {
        "anonymous": AnonymousUser(),
        "company": EnterpriseUserFactory(enterprise=drawn.object.enterprise),
        "other_company": EnterpriseUserFactory(),
        "other_office_head": StaffFactory(organisation=city_b, roles=[Role.APPROVER]),
        "clerk": StaffFactory(organisation=office, roles=[Role.CLERK]),
        "inspector_not_on_team": outsider,
        "member": drawn.members.first().user,
        "head": head, "admin": admin, "supervisor": witness,
    }


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(operation, role, drawn, people, head):
    state, call, allowed = OPERATIONS[operation]
    insp = _at(state, drawn, head)
    before = _state(insp)
    actor = people[role]
    if role in allowed:
        call(actor, insp)
        assert _state(insp) != before or operation in ("press", "withdraw")
        return
    with pytest.raises((PermissionDenied, Http404, Conflict)):
        call(actor, insp)
    assert _state(insp) == before
