"""A city agency with two certified officers, a head, a legal reviewer and a baseline; an
enterprise party and a citizen party."""

import datetime as dt

import pytest

from tongban.accounts.models import Role
from tongban.enforcement import services
from tongban.enforcement.models import BaselineItem

from ..factories import StaffFactory
from .factories import make_baseline, officer, open_case, party_enterprise, party_person

DAY0 = dt.date(2026, 4, 1)  # a Wednesday; every test starts its clock here


@pytest.fixture
def today(pin_today):
    pin_today(DAY0)
    return pin_today


@pytest.fixture
def baseline(city_a):
    return make_baseline(city_a)


@pytest.fixture
def ranged(baseline):
    return BaselineItem.objects.get(baseline=baseline, code="RF-01")


@pytest.fixture
def maxonly(baseline):
    return BaselineItem.objects.get(baseline=baseline, code="RF-02")


@pytest.fixture
def o1(city_a):
    return officer(city_a, "e_o1")


@pytest.fixture
def o2(city_a):
    return officer(city_a, "e_o2")


@pytest.fixture
def head(city_a):
    return StaffFactory(username="e_head", organisation=city_a, roles=[Role.APPROVER])


@pytest.fixture
def reviewer(city_a):
    return StaffFactory(username="e_legal", organisation=city_a, roles=[Role.LEGAL_REVIEWER])


@pytest.fixture
def party(enterprise_user):
    return enterprise_user


@pytest.fixture
def ent_case(today, city_a, o1, o2, head, baseline, enterprise_user):
    """A registered case against the enterprise (立案 on DAY0)."""
    case = open_case(o1, city_a, party_enterprise(enterprise_user.enterprise), officers=[o1, o2])
    services.case_register(actor=head, case_id=case.pk)
    return case


@pytest.fixture
def person_case(today, city_a, o1, o2, head, baseline, citizen):
    case = open_case(o1, city_a, party_person(citizen), officers=[o1, o2])
    services.case_register(actor=head, case_id=case.pk)
    return case


@pytest.fixture
def investigate(o1, o2):
    def _go(case, kind="inspection", on=None):
        return services.record_add(actor=o1, case_id=case.pk, kind=kind, on=on or DAY0, content="现场检查：未修建防空地下室",
                                   officer_ids=[o1.pk, o2.pk])
    return _go


@pytest.fixture
def noticed(ent_case, investigate, o1, ranged):
    """Investigated, a general-band fine proposed, prior notice issued and delivered on DAY0."""
    investigate(ent_case)
    services.penalty_propose(actor=o1, case_id=ent_case.pk, baseline_item_id=ranged.pk, facts=[])
    services.prior_notice(actor=o1, case_id=ent_case.pk)
    services.notice_deliver(actor=o1, case_id=ent_case.pk, delivered_on=DAY0)
    ent_case.refresh_from_db()
    return ent_case
