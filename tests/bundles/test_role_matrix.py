"""Who may apply for a bundle, answer its supplement notice and read it: every operation against
every kind of actor. A refusal raises PermissionDenied or Http404 (401/403/404 through the API)
and changes nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from tongban.accounts.models import Role
from tongban.bundles import services as s
from tongban.bundles.models import BundleApplication
from tongban.cases import services as cases
from tongban.cases.models import Case

from ..cases.factories import pdf
from ..factories import OrganisationFactory, StaffFactory
from .factories import SHARED, apply_bundle, bundle_files

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "applicant", "other_applicant", "clerk", "inspector", "outsider"]


@pytest.fixture
def people(province, city_a, enterprise_user, other_enterprise_user, clerk):
    city_c = OrganisationFactory(name="丙市人防办", parent=province, division_code="410500")
    return {
        "anonymous": AnonymousUser(),
        "applicant": enterprise_user,
        "other_applicant": other_enterprise_user,
        "clerk": clerk,  # city_a handles two of the bundle's three cases
        "inspector": StaffFactory(username="m_inspector", organisation=city_a, roles=[Role.INSPECTOR]),  # no cases.view
        # Staff of a city with no case in the bundle, holding every role.
        "outsider": StaffFactory(username="m_outsider", organisation=city_c, roles=list(Role.values)),
    }


@pytest.fixture
def waiting(bundle, people):
    """The applicant's application, its first case sent back for one missing document."""
    application = apply_bundle(people["applicant"], bundle)
    case = application.entries.get(order=1).case
    cases.case_request_supplement(actor=people["clerk"], case_id=case.pk,
                                  items=[{"material_id": case.version.materials.get(order=1).pk, "problem": "已过期"}])
    return application


def _supplement(actor, application):
    case = application.entries.get(order=1).case
    files = {case.pk: {str(case.version.materials.get(order=1).pk): pdf()}}
    return s.bundle_supplement(actor=actor, application_id=application.pk, files=files)


OPERATIONS = {
    # operation: (call(actor, bundle, application), roles allowed)
    "submit": (lambda a, b, app: s.bundle_submit(actor=a, bundle=b, data=dict(SHARED), files=bundle_files(b),
                                                  submission_key="matrix-1"), {"applicant", "other_applicant"}),
    "supplement": (lambda a, b, app: _supplement(a, app), {"applicant"}),
}


def _state():
    return BundleApplication.objects.count(), list(Case.objects.order_by("pk").values_list("status", "row_version"))


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(operation, role, people, bundle, waiting):
    call, allowed = OPERATIONS[operation]
    before = _state()
    if role in allowed:
        call(people[role], bundle, waiting)
        assert _state() != before
        return
    # Only an applicant applies, only the owner answers; neither question leaks whether the
    # application exists, so every refusal is the same 403.
    with pytest.raises(PermissionDenied):
        call(people[role], bundle, waiting)
    assert _state() == before


API_READ = {"anonymous": 401, "applicant": 200, "other_applicant": 404, "clerk": 200, "inspector": 404,
            "outsider": 404}


@pytest.mark.parametrize("role", ROLES)
def test_bundle_get_through_the_api(role, people, waiting, client):
    if role != "anonymous":
        client.force_login(people[role])
    response = client.get(f"/api/v1/bundles/applications/{waiting.pk}/")
    assert response.status_code == API_READ[role]
    if response.status_code == 200:
        assert response.json()["status"] == "supplement"


@pytest.mark.parametrize("role", ["anonymous", "clerk", "outsider"])
def test_bundle_submit_through_the_api_is_for_applicants(role, people, bundle, client):
    if role != "anonymous":
        client.force_login(people[role])
    form = {"submission_key": "api-matrix", **{k: v for k, v in SHARED.items() if k.startswith("contact")}}
    form.update({f"bm_{k}": f for k, f in bundle_files(bundle).items()})
    response = client.post(f"/api/v1/bundles/{bundle.code}/applications/", form)
    assert response.status_code == (401 if role == "anonymous" else 403)
    assert not BundleApplication.objects.exists() and not Case.objects.exists()
