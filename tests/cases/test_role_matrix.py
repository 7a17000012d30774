"""Who may do what to a case: every operation against every role, in scope and out of it. A
refusal changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tongban.accounts.models import Role
from tongban.cases import services
from tongban.cases.models import Case

from ..factories import StaffFactory

pytestmark = pytest.mark.django_db


def _at(status, submit, clerk, reviewer):
    """A case in the state the operation needs."""
    case = submit()
    if status in ("review", "decision", "concluded", "paused", "extension_requested"):
        services.case_accept(actor=clerk, case_id=case.pk)
    if status == "extension_requested":
        services.case_extension_request(actor=reviewer, case_id=case.pk, reason="需征求规划部门意见")
    if status in ("decision", "concluded"):
        services.case_submit_review(actor=reviewer, case_id=case.pk, opinion="符合", recommend="approve")
    if status == "concluded":
        approver = StaffFactory(username="m_approver_setup", organisation=clerk.organisation, roles=[Role.APPROVER])
        services.case_decide(actor=approver, case_id=case.pk, decision="approve", reasons="")
    if status == "paused":
        services.case_pause(actor=reviewer, case_id=case.pk, kind="inspection", reason="勘验")
    return Case.objects.get(pk=case.pk)


OPERATIONS = {
    # operation: (state needed, call, roles allowed)
    "accept": ("submitted", lambda a, c: services.case_accept(actor=a, case_id=c), {"clerk"}),
    "reject": ("submitted", lambda a, c: services.case_reject(actor=a, case_id=c, reasons="不符合", basis="第三十二条"), {"clerk"}),
    "request_supplement": ("submitted", lambda a, c: services.case_request_supplement(
        actor=a, case_id=c, items=[{"name": "委托书", "problem": "缺"}]), {"clerk"}),
    "pause": ("review", lambda a, c: services.case_pause(actor=a, case_id=c, kind="expert", reason="评审"), {"reviewer", "approver"}),
    "resume": ("paused", lambda a, c: services.case_resume(actor=a, case_id=c), {"reviewer", "approver"}),
    "submit_review": ("review", lambda a, c: services.case_submit_review(
        actor=a, case_id=c, opinion="符合", recommend="approve"), {"reviewer", "approver"}),
    # 第四十二条: the handler asks, the head of the agency decides
    "request_extension": ("review", lambda a, c: services.case_extension_request(actor=a, case_id=c, reason="复杂"),
                          {"reviewer", "approver"}),
    "decide_extension": ("extension_requested", lambda a, c: services.case_extension_decide(
        actor=a, case_id=c, approve=True), {"approver"}),
    "decide": ("decision", lambda a, c: services.case_decide(actor=a, case_id=c, decision="approve", reasons=""), {"approver"}),
    "deliver": ("concluded", lambda a, c: services.case_deliver(actor=a, case_id=c), {"clerk"}),
    "terminate": ("review", lambda a, c: services.case_terminate(actor=a, case_id=c, reason="申请人注销"), {"approver"}),
    "press": ("review", lambda a, c: services.case_press(actor=a, case_id=c, note="加快"), {"supervisor"}),
}
ROLES = ["clerk", "reviewer", "approver", "supervisor", "enterprise_user", "other_clerk"]


@pytest.fixture
def people(city_a, city_b, clerk, reviewer, approver, enterprise_user, other_clerk):
    supervisor = StaffFactory(username="m_supervisor", organisation=city_a, roles=[Role.SUPERVISOR])
    return {"clerk": clerk, "reviewer": reviewer, "approver": approver, "supervisor": supervisor,
            "enterprise_user": enterprise_user, "other_clerk": other_clerk}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(operation, role, people, submit, clerk, reviewer):
    state, call, allowed = OPERATIONS[operation]
    case = _at(state, submit, clerk, reviewer)
    before = (case.status, case.row_version)
    actor = people[role]
    if role in allowed:
        call(actor, case.pk)
        return
    expected = Http404 if role == "other_clerk" else PermissionDenied
    with pytest.raises(expected):
        call(actor, case.pk)
    case.refresh_from_db()
    assert (case.status, case.row_version) == before
