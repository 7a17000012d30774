"""Who may issue, revoke and configure licences and choose what a licence shows the public: every
operation against every kind of actor, in scope and out of it. A refusal raises
PermissionDenied or Http404 and changes nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tongban.accounts.models import Role
from tongban.licences import services as s
from tongban.licences.models import Licence, LicenceEvent, LicenceType

from ..factories import StaffFactory
from .factories import issue_licence, make_licence_type

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "holder", "other_applicant", "clerk", "approver", "admin", "outsider"]
NOT_FOUND = {"anonymous", "other_applicant", "outsider"}


@pytest.fixture
def people(city_a, city_b, enterprise_user, other_enterprise_user, admin_a):
    return {
        "anonymous": AnonymousUser(),
        "holder": enterprise_user,
        "other_applicant": other_enterprise_user,
        "clerk": StaffFactory(username="m_clerk", organisation=city_a, roles=[Role.CLERK]),
        "approver": StaffFactory(username="m_approver", organisation=city_a, roles=[Role.APPROVER]),
        "admin": admin_a,
        "outsider": StaffFactory(username="m_outsider", organisation=city_b, roles=list(Role.values)),
    }


def _issue_by_hand(actor, lt, p):
    holder = p["holder"]
    return s.licence_issue(actor=actor, licence_type=lt, issuer=p["admin"].organisation, holder_name=holder.enterprise.name,
                           holder_code=holder.enterprise.uscc, holder=holder, holder_enterprise=holder.enterprise,
                           fields={"project_name": "龙湖里"})


OPERATIONS = {
    # operation: (call(actor, licence, p), roles allowed, refusal overrides)
    "issue": (lambda a, lic, p: _issue_by_hand(a, lic.licence_type, p), {"approver", "admin"},
              {r: PermissionDenied for r in ROLES}),
    "revoke": (lambda a, lic, p: s.licence_revoke(actor=a, licence_id=lic.pk, reason="以欺骗手段取得"),
               {"approver", "admin"}, {}),
    "set_public_fields": (lambda a, lic, p: s.licence_set_public_fields(actor=a, licence_id=lic.pk, keys=[]),
                          {"holder"}, {}),
    "type_save": (lambda a, lic, p: s.licence_type_save(actor=a, instance=lic.licence_type,
                                                         data={"name": "改过的名称"}),
                  {"admin"}, {r: PermissionDenied for r in ROLES}),
}


def _state():
    return (list(Licence.objects.values_list("number", "status", "public_fields")), LicenceEvent.objects.count(),
            list(LicenceType.objects.values_list("name", "organisation_id")))


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(operation, role, people, city_a):
    # A type kept by city_a and a licence city_a issued to the holder's enterprise.
    licence = issue_licence(make_licence_type(city_a, code="LIC-CITY"), city_a, people["holder"])
    call, allowed, refusals = OPERATIONS[operation]
    before = _state()
    actor = people[role]
    if role in allowed:
        call(actor, licence, people)
        assert _state() != before
        return
    expected = refusals.get(role) or (Http404 if role in NOT_FOUND else PermissionDenied)
    with pytest.raises(expected):
        call(actor, licence, people)
    assert _state() == before
