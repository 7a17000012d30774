"""Who may write policies, rules, profiles and projects, claim and grant a benefit: every
operation against every kind of actor, in scope and out of it. A refusal raises
PermissionDenied or Http404 (ValidationError only when the actor picks an organisation outside
their scope for something new) and changes nothing."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from tongban.accounts.models import Role
from tongban.policies import importer, matching, profiles
from tongban.policies import services as s
from tongban.policies.models import (
    ConstructionProject,
    EnterpriseProfile,
    ImportJob,
    Policy,
    PolicyMatch,
    PolicyTag,
    PolicyVersion,
)

from ..factories import EnterpriseUserFactory, StaffFactory
from .factories import make_policy, make_profile

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "applicant", "other_applicant", "clerk", "approver", "admin", "outsider"]
FIFTY = {"field": "employees", "op": "gte", "value": 50}


@pytest.fixture
def people(city_a, city_b, admin_a):
    profile = make_profile(region_code="410102")  # in city_a's area (4101xx), not city_b's (4103xx)
    return {
        "anonymous": AnonymousUser(),
        "applicant": EnterpriseUserFactory(username="m_ent", enterprise=profile.enterprise),
        "other_applicant": EnterpriseUserFactory(username="m_ent_other"),
        "clerk": StaffFactory(username="m_clerk", organisation=city_a, roles=[Role.CLERK]),
        "approver": StaffFactory(username="m_approver", organisation=city_a, roles=[Role.APPROVER]),
        "admin": admin_a,
        "outsider": StaffFactory(username="m_outsider", organisation=city_b, roles=list(Role.values)),
    }


@pytest.fixture
def world(people, city_a):
    """A published city_a policy the applicant's enterprise matches, and a city_a draft."""
    published = make_policy(city_a, FIFTY, title="稳岗补贴", amount_fen=100_000)
    draft = make_policy(city_a, FIFTY, title="待发布政策", status=Policy.Status.DRAFT)
    matching.run_full()
    return {"policy": published, "draft": draft, "match": PolicyMatch.objects.get(policy=published),
            "profile": EnterpriseProfile.objects.get(enterprise=people["applicant"].enterprise)}


def _project(a, w):
    return profiles.project_add(actor=a, profile=w["profile"], name="仓库扩建", use="warehouse",
                                total_floor_area_cm2=150_000, region_code="410102")


def _csv():
    return SimpleUploadedFile("profiles.csv", "统一社会信用代码,企业名称\n".encode())


OPERATIONS = {
    # operation: (call(actor, world, city_a), roles allowed, what the outsider gets)
    "policy_create": (lambda a, w, org: s.policy_create(actor=a, organisation=org, title="新政策", legal_basis="依据"),
                      {"admin"}, ValidationError),
    "policy_update": (lambda a, w, org: s.policy_update(actor=a, policy=w["policy"], title="改名"), {"admin"}, Http404),
    "version_create": (lambda a, w, org: s.version_create(actor=a, policy=w["policy"], condition=FIFTY,
                                                           valid_from=dt.date(2026, 7, 1)), {"admin"}, Http404),
    "policy_publish": (lambda a, w, org: s.policy_publish(actor=a, policy=w["draft"]), {"admin"}, Http404),
    "policy_withdraw": (lambda a, w, org: s.policy_withdraw(actor=a, policy=w["policy"], reason="到期"),
                        {"admin"}, Http404),
    "match_claim": (lambda a, w, org: s.match_claim(actor=a, match=w["match"]), {"applicant"}, PermissionDenied),
    "match_grant": (lambda a, w, org: s.match_grant(actor=a, match=w["match"]), {"approver", "admin"}, Http404),
    "profile_save": (lambda a, w, org: profiles.profile_save(actor=a, enterprise=w["profile"].enterprise,
                                                               employees=80), {"admin"}, Http404),
    "project_add": (lambda a, w, org: _project(a, w), {"applicant", "admin"}, Http404),
    # The tag vocabulary, imports and platform profiles are shared by every area.
    "tag_create": (lambda a, w, org: profiles.tag_create(actor=a, name="新标签"), {"admin", "outsider"}, None),
    "import_start": (lambda a, w, org: importer.import_start(actor=a, upload=_csv(), mode="all"),
                     {"admin", "outsider"}, None),
    "profiles_from_platform": (lambda a, w, org: profiles.profiles_from_platform(actor=a), {"admin", "outsider"}, None),
}


def _state():
    return (
        list(Policy.objects.order_by("pk").values_list("title", "status")),
        PolicyVersion.objects.count(),
        list(PolicyMatch.objects.values_list("status", "granted_by")),
        list(EnterpriseProfile.objects.order_by("pk").values_list("enterprise_id", "employees", "project_use")),
        ConstructionProject.objects.count(), PolicyTag.objects.count(), ImportJob.objects.count(),
    )


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(operation, role, people, world, city_a):
    call, allowed, outsider_gets = OPERATIONS[operation]
    before = _state()
    actor = people[role]
    if role in allowed:
        call(actor, world, city_a)
        assert _state() != before
        return
    expected = outsider_gets if role == "outsider" else PermissionDenied
    with pytest.raises(expected):
        call(actor, world, city_a)
    assert _state() == before
