"""Applying online is one service (`case_apply`): the page and the API refuse, with the same
Chinese message naming why, an item closed to online application, a deactivated item and an
unpublished version, and nothing is filed."""

import pathlib

import pytest

from tongban.cases.models import Case
from tongban.catalog.models import ItemVersion, OnlineDepth, ServiceItem

from .factories import pdf

pytestmark = pytest.mark.django_db


def _close_online(version):
    ItemVersion.objects.filter(pk=version.pk).update(online_depth=OnlineDepth.FORMS)


def _deactivate(version):
    ServiceItem.objects.filter(pk=version.item_id).update(is_active=False)


def _unpublish(version):
    ItemVersion.objects.filter(pk=version.pk).update(status=ItemVersion.Status.SUPERSEDED)


CLOSURES = {
    "not_online": (_close_online, "该事项暂不支持网上申请"),
    "deactivated": (_deactivate, "该事项已停止办理"),
    "unpublished": (_unpublish, "该事项暂未发布或已废止"),
}


def _api_form(version, key="api-closed"):
    form = {"item_id": version.item_id, "submission_key": key, "contact_name": "王经理", "contact_phone": "13800138000"}
    form.update({f"material_{m.pk}": pdf() for m in version.materials.all()})
    return form


@pytest.mark.parametrize("closure", sorted(CLOSURES))
def test_the_api_refuses_a_closed_item_and_says_why(closure, client, enterprise_user, version):
    close, message = CLOSURES[closure]
    close(version)
    client.force_login(enterprise_user)
    response = client.post("/api/v1/cases/", _api_form(version))
    assert response.status_code == 422, response.content
    assert message in response.json()["message"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("closure", sorted(CLOSURES))
def test_the_apply_page_shows_the_same_message_and_files_nothing(closure, client, enterprise_user, version):
    close, message = CLOSURES[closure]
    close(version)
    client.force_login(enterprise_user)
    url = f"/cases/apply/{version.item.implementation_code}/"
    page = client.get(url)
    assert page.status_code == 422 and message in page.content.decode()
    assert 'name="submission_key"' not in page.content.decode()  # no form to fill in
    form = {"submission_key": "view-closed", "contact_name": "王经理", "contact_phone": "13800138000"}
    form.update({f"material_{m.pk}": pdf() for m in version.materials.all()})
    response = client.post(url, form)
    assert response.status_code == 422 and message in response.content.decode()
    assert not Case.objects.exists()


def test_the_api_still_accepts_an_open_item(client, enterprise_user, version):
    client.force_login(enterprise_user)
    response = client.post("/api/v1/cases/", _api_form(version, key="api-open"))
    assert response.status_code == 201 and response.json()["status"] == "submitted"


def test_a_retry_of_a_filed_application_returns_its_case_even_after_the_item_closed(enterprise_user, version):
    from tongban.cases import services

    data = {"contact_name": "王经理", "contact_phone": "13800138000"}
    files = {str(m.pk): pdf() for m in version.materials.all()}
    case = services.case_apply(actor=enterprise_user, version=version, data=data, files=files, submission_key="k-r")
    _close_online(version)
    version.refresh_from_db()
    again = services.case_apply(actor=enterprise_user, version=version, data=data, files=files, submission_key="k-r")
    assert again.pk == case.pk and Case.objects.count() == 1


def test_cases_does_not_import_licences():
    """Licence reuse reaches cases through the material-provider registry only."""
    root = pathlib.Path(__file__).resolve().parents[2] / "tongban" / "cases"
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py") if "tongban.licences" in p.read_text("utf-8")]
    assert offenders == []
