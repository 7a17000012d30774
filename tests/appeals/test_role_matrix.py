"""Who may do what to an appeal and to the knowledge base: every operation against every kind of
actor, in scope and out of it. A refusal raises PermissionDenied or Http404 and changes nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tongban.accounts.models import Role
from tongban.appeals import hotline, kb_services
from tongban.appeals import services as s
from tongban.appeals.models import Appeal, Article, Callback, Reply, Step, Transfer
from tongban.core.validators import make_uscc

from ..factories import StaffFactory
from .factories import file_appeal, route_to

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "requester", "other_applicant", "clerk", "approver", "supervisor", "admin", "outsider"]
# What a refused actor gets by default: those who cannot see the appeal a 404 (ids don't leak),
# those who can see it (the requester, staff of the agency) a PermissionDenied.
NOT_FOUND = {"anonymous", "other_applicant", "outsider"}


def _at(state, people):
    """An appeal of the requester's, routed to city_a, in the state the operation needs."""
    clerk, citizen = people["clerk"], people["requester"]
    if state == "duplicate":  # the same question twice: the second is marked as its duplicate
        file_appeal(citizen)
        return file_appeal(citizen)
    if state == "complaint":  # a complaint naming the enterprise it is about, accepted by its unit
        appeal = file_appeal(citizen, kind="complaint", content="某公司擅自改变人防工程用途", **SUBJECT)
        s.appeal_accept(actor=clerk, appeal_id=appeal.pk)
        return Appeal.objects.get(pk=appeal.pk)
    appeal = file_appeal(citizen)
    if state in ("handling", "transferring", "replied", "closed"):
        s.appeal_accept(actor=clerk, appeal_id=appeal.pk)
    if state == "transferring":
        s.appeal_transfer(actor=clerk, appeal_id=appeal.pk, to_organisation_id=people["outsider"].organisation_id,
                          reason="属乙市职责")
    if state in ("replied", "closed"):
        s.appeal_reply(actor=clerk, appeal_id=appeal.pk, body="可以减免，请携带材料到窗口办理。")
    if state == "closed":
        s.appeal_callback(actor=citizen, appeal_id=appeal.pk, satisfaction="unsatisfied", note="没解决")
    return Appeal.objects.get(pk=appeal.pk)


def _article(people):
    return kb_services.article_save(actor=people["admin"], data={"question": "易地建设费如何减免？", "answer": "按规定办理。"})


SUBJECT = {"subject_kind": "enterprise", "subject_name": "某人防工程物业公司",
           "subject_uscc": make_uscc("9", "1", "410100", "MA0RF001")}

TICKET = {"ticket": "12345-0001", "kind": "consultation", "content": "易地建设费怎么交？", "phone": "13900001111"}

OPERATIONS = {
    # operation: (state needed, call(actor, appeal, people), roles allowed, refusal overrides)
    "register": (None, lambda a, ap, p: s.appeal_submit(
        actor=a, channel="window", data={"kind": "consultation", "content": "窗口来访咨询", "phone": "13900001111"}),
        {"clerk", "outsider"}, {"anonymous": PermissionDenied, "other_applicant": PermissionDenied}),
    "import": (None, lambda a, ap, p: hotline.import_tickets(actor=a, records=[TICKET]),
               {"clerk", "admin", "outsider"}, {"anonymous": PermissionDenied, "other_applicant": PermissionDenied}),
    "accept": ("received", lambda a, ap, p: s.appeal_accept(actor=a, appeal_id=ap.pk), {"clerk", "approver"}, {}),
    "transfer": ("handling", lambda a, ap, p: s.appeal_transfer(
        actor=a, appeal_id=ap.pk, to_organisation_id=p["outsider"].organisation_id, reason="属乙市职责"),
        {"clerk", "approver"}, {}),
    # The receiving unit (here the outsider's) decides a transfer; the transferring unit may not.
    "accept_transfer": ("transferring", lambda a, ap, p: s.appeal_accept_transfer(actor=a, appeal_id=ap.pk),
                        {"outsider"}, {}),
    "return": ("transferring", lambda a, ap, p: s.appeal_return(actor=a, appeal_id=ap.pk, reason="不属于本单位职责"),
               {"outsider"}, {}),
    "reply": ("handling", lambda a, ap, p: s.appeal_reply(actor=a, appeal_id=ap.pk, body="答复"), {"clerk", "approver"}, {}),
    "callback": ("replied", lambda a, ap, p: s.appeal_callback(actor=a, appeal_id=ap.pk, satisfaction="satisfied"),
                 {"requester", "clerk", "supervisor"}, {}),
    "reopen": ("closed", lambda a, ap, p: s.appeal_reopen(actor=a, appeal_id=ap.pk, reason="仍未解决"), {"requester"}, {}),
    "press": ("handling", lambda a, ap, p: s.appeal_press(actor=a, appeal_id=ap.pk, note="请加快办理"), {"supervisor"}, {}),
    "merge": ("duplicate", lambda a, ap, p: s.appeal_merge(actor=a, appeal_id=ap.pk, into_id=ap.duplicate_of_id),
              {"clerk", "approver"}, {}),
    "dismiss_duplicate": ("duplicate", lambda a, ap, p: s.appeal_dismiss_duplicate(actor=a, appeal_id=ap.pk),
                          {"clerk", "approver"}, {}),
    "set_respondent": ("handling", lambda a, ap, p: s.appeal_set_respondent(
        actor=a, appeal_id=ap.pk, respondent_id=p["clerk"].organisation_id), {"clerk", "approver"}, {}),
    # 移送执法: the responsible unit's handlers (an officer of its agency too: tests/enforcement).
    "refer_to_enforcement": ("complaint", lambda a, ap, p: s.appeal_refer_to_enforcement(
        actor=a, appeal=ap.pk, reason="涉嫌擅自改变人防工程用途"), {"clerk", "approver"}, {}),
    "set_subject": ("complaint", lambda a, ap, p: s.appeal_set_subject(
        actor=a, appeal_id=ap.pk, data={"subject_kind": "person", "subject_name": "张三"}), {"clerk", "approver"}, {}),
    "article_save": ("article", lambda a, ar, p: kb_services.article_save(
        actor=a, article_id=ar.pk, data={"question": "改过的问题", "answer": "改过的答复"}),
        {"clerk", "approver", "admin"}, {"anonymous": PermissionDenied, "other_applicant": PermissionDenied}),
    "article_publish": ("article", lambda a, ar, p: kb_services.article_set_state(
        actor=a, article_id=ar.pk, state="published"),
        {"approver", "admin"}, {"anonymous": PermissionDenied, "other_applicant": PermissionDenied}),
    "guidance_publish": ("closed", lambda a, ap, p: kb_services.guidance_publish(
        actor=a, appeal_id=ap.pk, data={"question": "指导案例", "answer": "办理经过"}), {"approver", "admin"}, {}),
}


@pytest.fixture
def people(city_a, city_b, dept_a, citizen, enterprise_user, supervisor_a, admin_a):
    route_to(city_a)
    return {
        "anonymous": AnonymousUser(),
        "requester": citizen,
        "other_applicant": enterprise_user,
        "clerk": StaffFactory(username="m_clerk", organisation=dept_a, roles=[Role.CLERK]),
        "approver": StaffFactory(username="m_approver", organisation=city_a, roles=[Role.APPROVER]),
        "supervisor": supervisor_a,
        "admin": admin_a,
        # Staff of another city holding every role: refused for scope alone.
        "outsider": StaffFactory(username="m_outsider", organisation=city_b, roles=list(Role.values)),
    }


def _state(obj):
    rows = {m.__name__: m.objects.count() for m in (Appeal, Step, Transfer, Reply, Callback, Article)}
    if isinstance(obj, Appeal):
        obj.refresh_from_db()
        fields = ("status", "row_version", "organisation_id", "pending_organisation_id", "handler_id",
                  "respondent_id", "duplicate_of_id", "merged_into_id", "satisfaction", "reopen_count",
                  "subject_kind", "subject_name", "referred_on")
    elif isinstance(obj, Article):
        obj.refresh_from_db()
        fields = ("question", "answer", "state")
    else:
        fields = ()
    return rows, tuple(getattr(obj, f) for f in fields)


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(operation, role, people):
    state, call, allowed, refusals = OPERATIONS[operation]
    target = _article(people) if state == "article" else _at(state, people) if state else None
    before = _state(target)
    actor = people[role]
    if role in allowed:
        call(actor, target, people)
        assert _state(target) != before
        return
    expected = refusals.get(role) or (Http404 if role in NOT_FOUND else PermissionDenied)
    if state == "transferring" and role == "outsider":
        expected = PermissionDenied  # the pending unit sees the appeal
    with pytest.raises(expected):
        call(actor, target, people)
    assert _state(target) == before


API_ACCEPT = {"anonymous": 401, "requester": 403, "other_applicant": 404, "clerk": 200, "approver": 200,
              "supervisor": 403, "admin": 403, "outsider": 404}


@pytest.mark.parametrize("role", ROLES)
def test_accept_through_the_api(role, people, client):
    appeal = _at("received", people)
    if role != "anonymous":
        client.force_login(people[role])
    response = client.post(f"/api/v1/appeals/{appeal.pk}/accept", {}, content_type="application/json")
    assert response.status_code == API_ACCEPT[role]
    appeal.refresh_from_db()
    assert appeal.status == ("handling" if response.status_code == 200 else "received")
