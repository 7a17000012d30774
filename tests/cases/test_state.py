"""One state machine: `available_actions` offers exactly what the services then allow, for every
status and every role; the case pages show a form exactly for those actions; the API exposes them."""

import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from tongban.accounts.models import Role
from tongban.cases import services
from tongban.cases.models import Case
from tongban.cases.state import ALLOWED_FROM, Action, available_actions

from ..factories import ApplicantFactory, StaffFactory
from .factories import pdf

pytestmark = pytest.mark.django_db

STATES = ["submitted", "resubmitted", "supplement", "review", "extension_requested", "extended", "paused", "decision", "concluded",
          "delivered", "rejected", "withdrawn", "terminated"]


@pytest.fixture
def people(city_a, clerk, reviewer, approver, supervisor, other_clerk, enterprise_user):
    return {
        "clerk": clerk, "reviewer": reviewer, "approver": approver, "supervisor": supervisor,
        "admin": StaffFactory(username="s_admin", organisation=city_a, roles=[Role.ADMIN]),
        "owner": enterprise_user, "other_applicant": ApplicantFactory(username="s_other"),
        "other_clerk": other_clerk,
    }


def _at(state, submit, p):
    """A case in `state`, reached through the services."""
    case = submit()
    pk = case.pk
    if state in ("resubmitted", "supplement"):
        material = case.version.materials.first()
        services.case_request_supplement(actor=p["clerk"], case_id=pk,
                                         items=[{"material_id": material.pk, "problem": "缺盖章页"}])
        if state == "resubmitted":
            services.case_supplement(actor=p["owner"], case_id=pk, files={str(material.pk): pdf()})
    if state in ("review", "extension_requested", "extended", "paused", "decision", "concluded", "delivered",
                 "terminated"):
        services.case_accept(actor=p["clerk"], case_id=pk)
    if state in ("extension_requested", "extended"):
        services.case_extension_request(actor=p["reviewer"], case_id=pk, reason="需征求规划部门意见")
    if state == "extended":
        services.case_extension_decide(actor=p["approver"], case_id=pk, approve=True)
    if state == "paused":
        services.case_pause(actor=p["reviewer"], case_id=pk, kind="inspection", reason="现场勘验")
    if state in ("decision", "concluded", "delivered"):
        services.case_submit_review(actor=p["reviewer"], case_id=pk, opinion="符合", recommend="approve")
    if state in ("concluded", "delivered"):
        services.case_decide(actor=p["approver"], case_id=pk, decision="approve", reasons="")
    if state == "delivered":
        services.case_deliver(actor=p["clerk"], case_id=pk)
    if state == "rejected":
        services.case_reject(actor=p["clerk"], case_id=pk, reasons="不属于本机关管辖", basis="第三十二条")
    if state == "withdrawn":
        services.case_withdraw(actor=p["owner"], case_id=pk)
    if state == "terminated":
        services.case_terminate(actor=p["approver"], case_id=pk, reason="申请人注销")
    return Case.objects.get(pk=pk)


def _supplement_files(case):
    notice = getattr(Case.objects.get(pk=case.pk), "supplement_notice", None)
    if notice is None:
        return {"0": pdf()}  # the service refuses on the status before it looks at files
    return {(str(i["material_id"]) if i.get("material_id") else f"other_{n}"): pdf() for n, i in enumerate(notice.items)}


CALLS = {
    "accept": lambda a, c: services.case_accept(actor=a, case_id=c.pk),
    "reject": lambda a, c: services.case_reject(actor=a, case_id=c.pk, reasons="不符合", basis="第三十二条"),
    "request_supplement": lambda a, c: services.case_request_supplement(
        actor=a, case_id=c.pk, items=[{"name": "委托书", "problem": "缺"}]),
    "supplement": lambda a, c: services.case_supplement(actor=a, case_id=c.pk, files=_supplement_files(c)),
    "pause": lambda a, c: services.case_pause(actor=a, case_id=c.pk, kind="expert", reason="评审"),
    "resume": lambda a, c: services.case_resume(actor=a, case_id=c.pk),
    "request_extension": lambda a, c: services.case_extension_request(actor=a, case_id=c.pk, reason="复杂"),
    "decide_extension": lambda a, c: services.case_extension_decide(actor=a, case_id=c.pk, approve=True),
    "submit_review": lambda a, c: services.case_submit_review(actor=a, case_id=c.pk, opinion="符合", recommend="approve"),
    "decide": lambda a, c: services.case_decide(actor=a, case_id=c.pk, decision="approve", reasons=""),
    "deliver": lambda a, c: services.case_deliver(actor=a, case_id=c.pk),
    "withdraw": lambda a, c: services.case_withdraw(actor=a, case_id=c.pk),
    "terminate": lambda a, c: services.case_terminate(actor=a, case_id=c.pk, reason="申请人注销"),
    "press": lambda a, c: services.case_press(actor=a, case_id=c.pk, note="请加快办理"),
}


class _Rollback(Exception):
    pass


def test_every_action_a_person_can_take_has_a_service_call():
    assert set(CALLS) == set(ALLOWED_FROM) and set(CALLS) <= set(Action.values)


@pytest.mark.parametrize("state", STATES)
def test_available_actions_are_exactly_what_the_services_allow(state, submit, people):
    from tongban.core.errors import Conflict

    case = _at(state, submit, people)
    for role, actor in people.items():
        offered = {a.value for a in available_actions(actor, case)}
        for action, call in CALLS.items():
            try:
                with transaction.atomic():
                    call(actor, case)
                    raise _Rollback
            except _Rollback:
                outcome = "ok"
            except (PermissionDenied, Http404, Conflict) as exc:
                outcome = f"refused ({type(exc).__name__}: {exc})"
            if action in offered:
                assert outcome == "ok", f"{state} / {role}: {action} is offered but {outcome}"
            else:
                assert outcome != "ok", f"{state} / {role}: {action} is allowed but not offered"
        assert Case.objects.get(pk=case.pk).row_version == case.row_version  # every try rolled back


ACT_URL = re.compile(r'action="/cases/(?:(\d+)/act/(\w+)/|mine/(\d+)/(supplement|withdraw)/)"')


def _forms(html: str) -> set[str]:
    return {m.group(2) or m.group(4) for m in ACT_URL.finditer(html)}


@pytest.mark.parametrize("state", STATES)
def test_the_case_pages_show_a_form_exactly_for_the_available_actions(state, submit, people, client):
    case = _at(state, submit, people)
    for role, actor in people.items():
        url = f"/cases/mine/{case.pk}/" if not actor.is_staff_member else f"/cases/{case.pk}/"
        client.force_login(actor)
        response = client.get(url)
        offered = {a.value for a in available_actions(actor, case)}
        if response.status_code == 404:  # out of scope: nothing to offer either
            assert offered == set(), (state, role)
            continue
        assert response.status_code == 200, (state, role)
        assert _forms(response.content.decode()) == offered, (state, role)


def test_the_api_case_detail_lists_the_available_actions(client, submit, people):
    case = _at("submitted", submit, people)
    expected = {
        "clerk": ["accept", "reject", "request_supplement"],
        "approver": ["terminate"],
        "supervisor": ["press"],
        "reviewer": [],
        "owner": ["withdraw"],
    }
    for role, actions in expected.items():
        client.force_login(people[role])
        assert client.get(f"/api/v1/cases/{case.pk}").json()["available_actions"] == actions, role
    client.force_login(people["clerk"])
    client.post(f"/api/v1/cases/{case.pk}/supplement-request", json.dumps({"items": [{"name": "委托书", "problem": "缺"}]}),
                content_type="application/json")
    client.force_login(people["owner"])
    assert client.get(f"/api/v1/cases/{case.pk}").json()["available_actions"] == ["supplement", "withdraw"]


def test_once_only_rules_are_not_offered_twice(submit, people):
    resubmitted = _at("resubmitted", submit, people)
    assert [a.value for a in available_actions(people["clerk"], resubmitted)] == ["accept", "reject"]
    extended = _at("extended", submit, people)
    assert "request_extension" not in available_actions(people["reviewer"], extended)
    assert "decide_extension" not in available_actions(people["approver"], extended)
    assert "request_extension" in available_actions(people["reviewer"], _at("review", submit, people))
    requested = _at("extension_requested", submit, people)
    assert "request_extension" not in available_actions(people["reviewer"], requested)  # one open at a time
    assert "decide_extension" in available_actions(people["approver"], requested)
