"""Who may rate, rectify and appeal a rating: every operation against every kind of actor, in
scope and out of it. A refusal raises PermissionDenied or Http404 and changes nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tongban.accounts.models import Role
from tongban.core.calendar_store import invalidate
from tongban.reviews import services as s
from tongban.reviews.models import Rating, RatingAppeal, Rectification, RectificationStep

from ..factories import StaffFactory
from .factories import WindowFactory, answered_appeal, concluded_case

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "applicant", "other_applicant", "clerk", "approver", "supervisor", "outsider"]
NOT_FOUND = {"anonymous", "other_applicant", "outsider"}


@pytest.fixture(autouse=True)
def _fresh_calendar():
    invalidate()
    yield
    invalidate()


@pytest.fixture
def people(city_a, city_b, dept_a, enterprise_user, citizen, supervisor_a):
    return {
        "anonymous": AnonymousUser(),
        "applicant": enterprise_user,  # applied for the case, filed the appeal, gave the bad rating
        "other_applicant": citizen,
        "clerk": StaffFactory(username="m_clerk", organisation=dept_a, roles=[Role.CLERK]),
        "approver": StaffFactory(username="m_approver", organisation=city_a, roles=[Role.APPROVER]),
        "supervisor": supervisor_a,
        "outsider": StaffFactory(username="m_outsider", organisation=city_b, roles=list(Role.values)),
    }


def _setup(state, p):
    """What the operation acts on: a concluded case, an answered appeal, a window, or a bad
    rating whose rectification is at the given step."""
    city = p["approver"].organisation
    staff = {"clerk": StaffFactory(organisation=city, roles=[Role.CLERK]),
             "reviewer": StaffFactory(organisation=city, roles=[Role.REVIEWER]), "approver": p["approver"]}
    if state == "window":
        return WindowFactory(organisation=city)
    if state == "appeal":
        return answered_appeal(p["applicant"], city, handler=p["clerk"])
    case = concluded_case(city, p["applicant"], **staff)
    if state == "case":
        return case
    rating = s.rating_submit_case(actor=p["applicant"], case_id=case.pk, level=1, text="等了很久")
    if state in ("rectifying", "appealed"):
        s.rectification_verify(actor=p["clerk"], rectification_id=rating.rectification.pk, verification="回访属实",
                               founded=True)
    if state == "appealed":
        s.rating_appeal_file(actor=p["clerk"], rating_id=rating.pk, reason="malicious", statement="辱骂，有录音")
    return Rating.objects.get(pk=rating.pk)


OPERATIONS = {
    # operation: (what it needs, call(actor, target), roles allowed)
    "rate_case": ("case", lambda a, c: s.rating_submit_case(actor=a, case_id=c.pk, level=4), {"applicant"}),
    "rate_appeal": ("appeal", lambda a, ap: s.rating_submit_appeal(actor=a, appeal_id=ap.pk, level=4), {"applicant"}),
    "rate_window": ("window", lambda a, w: s.rating_submit_window(actor=a, window_id=w.pk, level=5), {"clerk"}),
    "verify": ("verifying", lambda a, r: s.rectification_verify(
        actor=a, rectification_id=r.rectification.pk, verification="核实", founded=True), {"clerk", "approver"}),
    "answer": ("rectifying", lambda a, r: s.rectification_answer(
        actor=a, rectification_id=r.rectification.pk, outcome="rectified", measures="提速", answer="已整改"),
        {"clerk", "approver"}),
    "appeal_file": ("verifying", lambda a, r: s.rating_appeal_file(
        actor=a, rating_id=r.pk, reason="mistaken", statement="评错了对象"), {"clerk", "approver"}),
    "appeal_decide": ("appealed", lambda a, r: s.rating_appeal_decide(
        actor=a, appeal_id=r.appeals.get().pk, uphold=True, note="属实"), {"approver"}),
}
# Rating a case or an appeal is the requester's alone; anyone else is told so (403), found or not.
RATE_REFUSAL = {"rate_case": PermissionDenied, "rate_appeal": PermissionDenied, "rate_window": PermissionDenied}


def _state():
    rows = {m.__name__: m.objects.count() for m in (Rating, RatingAppeal, Rectification, RectificationStep)}
    return (rows, list(Rating.objects.values_list("state", flat=True)),
            list(Rectification.objects.values_list("status", "row_version")),
            list(RatingAppeal.objects.values_list("status", flat=True)))


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(operation, role, people):
    state, call, allowed = OPERATIONS[operation]
    target = _setup(state, people)
    before = _state()
    actor = people[role]
    if role in allowed:
        call(actor, target)
        assert _state() != before
        return
    expected = RATE_REFUSAL.get(operation) or (Http404 if role in NOT_FOUND else PermissionDenied)
    with pytest.raises(expected):
        call(actor, target)
    assert _state() == before


API_VERIFY = {"anonymous": 401, "applicant": 403, "other_applicant": 404, "clerk": 200, "approver": 200,
              "supervisor": 403, "outsider": 404}


@pytest.mark.parametrize("role", ROLES)
def test_rectify_through_the_api(role, people, client):
    rating = _setup("verifying", people)
    if role != "anonymous":
        client.force_login(people[role])
    response = client.post(f"/api/v1/reviews/{rating.pk}/rectify", {"step": "verify", "verification": "核实属实"},
                           content_type="application/json")
    assert response.status_code == API_VERIFY[role]
    rating.rectification.refresh_from_db()
    assert rating.rectification.status == ("rectifying" if response.status_code == 200 else "verifying")
