"""Who may do what to an enforcement case: every operation against every role, in scope and out
of it. A refusal changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tongban.accounts.models import Role
from tongban.core.errors import Conflict
from tongban.enforcement import services
from tongban.enforcement.models import EnforcementCase

from ..factories import EnterpriseUserFactory, StaffFactory
from .conftest import DAY0
from .factories import officer, open_case, party_enterprise

pytestmark = pytest.mark.django_db


def _at(state, p, ranged, maxonly):
    o1, o2, head = p["officer"], p["o2"], p["head"]
    case = open_case(o1, p["city"], party_enterprise(p["party"].enterprise), officers=[o1, o2])
    if state == "draft":
        return case
    services.case_register(actor=head, case_id=case.pk)
    if state == "investigating":
        return case
    services.record_add(actor=o1, case_id=case.pk, kind="inspection", on=DAY0, content="检查", officer_ids=[o1.pk, o2.pk])
    if state == "summary":
        services.penalty_propose(actor=o1, case_id=case.pk, baseline_item_id=maxonly.pk, facts=["M-LI"], fine_fen=1000_00,
                                 procedure="summary", departure_reason="当场")
        return case
    if state == "decided":
        services.penalty_propose(actor=o1, case_id=case.pk, baseline_item_id=maxonly.pk, facts=["M-LI"], fine_fen=1000_00,
                                 procedure="summary", departure_reason="当场")
        return services.case_decide(actor=head, case_id=case.pk)
    services.penalty_propose(actor=o1, case_id=case.pk, baseline_item_id=ranged.pk, facts=[])
    if state == "proposed":
        return case
    services.prior_notice(actor=o1, case_id=case.pk)
    if state == "notified":
        return case
    services.notice_deliver(actor=o1, case_id=case.pk, delivered_on=DAY0)
    return case


OPERATIONS = {
    # operation: (state, call, roles allowed, {role: exception other than the default})
    "register": ("draft", lambda a, c: services.case_register(actor=a, case_id=c), {"head"}, {"party": Http404}),
    "record": ("investigating", lambda a, c: services.record_add(
        actor=a, case_id=c, kind="evidence", on=DAY0, content="取证", officer_ids=list(_officer_ids)), {"officer"}, {}),
    "propose": ("investigating", lambda a, c: services.penalty_propose(
        actor=a, case_id=c, baseline_item_id=_items["ranged"], facts=[]), {"officer"}, {}),
    "prior_notice": ("proposed", lambda a, c: services.prior_notice(actor=a, case_id=c), {"officer"}, {}),
    "deliver_notice": ("notified", lambda a, c: services.notice_deliver(actor=a, case_id=c, delivered_on=DAY0),
                       {"officer"}, {}),
    "statement": ("delivered", lambda a, c: services.statement_submit(actor=a, case_id=c, content="申辩"),
                  {"officer", "party"}, {}),
    "legal_review": ("proposed", lambda a, c: services.legal_review(actor=a, case_id=c, opinion="agree", reasons="同意"),
                     {"reviewer"}, {}),
    "extend": ("investigating", lambda a, c: services.case_extend(actor=a, case_id=c, reason="复杂"), {"head"}, {}),
    "decide": ("summary", lambda a, c: services.case_decide(actor=a, case_id=c), {"head"}, {}),
    "publish": ("decided", lambda a, c: services.case_publish(actor=a, case_id=c), {"officer", "head"}, {}),
    # the head decided it: it has the permission but took part, so the re-review is refused (409)
    "rereview": ("decided", lambda a, c: services.case_rereview(actor=a, case_id=c, outcome="upheld", reason="维持"),
                 {"reviewer"}, {"head": Conflict}),
    "press": ("investigating", lambda a, c: services.case_press(actor=a, case_id=c, note="加快"), {"supervisor"}, {}),
}
ROLES = ["officer", "head", "reviewer", "supervisor", "clerk", "party", "other_party", "other_officer"]
_officer_ids: list[int] = []
_items: dict[str, int] = {}


@pytest.fixture
def people(today, city_a, city_b, o1, o2, head, reviewer, enterprise_user, ranged, maxonly):
    _officer_ids[:] = [o1.pk, o2.pk]
    _items["ranged"] = ranged.pk
    return {
        "city": city_a, "o2": o2, "officer": o1, "head": head, "reviewer": reviewer,
        "supervisor": StaffFactory(username="m_sup", organisation=city_a, roles=[Role.SUPERVISOR]),
        "clerk": StaffFactory(username="m_clerk", organisation=city_a, roles=[Role.CLERK]),
        "party": enterprise_user, "other_party": EnterpriseUserFactory(username="m_other_ent"),
        "other_officer": officer(city_b, "m_officer_b"),
    }


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(operation, role, people, ranged, maxonly):
    state, call, allowed, special = OPERATIONS[operation]
    case = _at(state, people, ranged, maxonly)
    case = EnforcementCase.objects.get(pk=case.pk)
    before = (case.status, case.row_version, case.transitions.count())
    actor = people[role]
    if role in allowed:
        call(actor, case.pk)
        return
    # out of scope, or staff without even the view permission (clerk): the case is not found
    expected = special.get(role) or (Http404 if role in ("other_officer", "other_party", "clerk") else PermissionDenied)
    with pytest.raises(expected):
        call(actor, case.pk)
    case.refresh_from_db()
    assert (case.status, case.row_version, case.transitions.count()) == before
