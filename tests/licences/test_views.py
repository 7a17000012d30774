"""Staff search in scope, the holder's pages, downloads and published keys."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_staff_search_stays_in_scope(client, issue, approver, approver_b, enterprise_user):
    licence = issue()
    client.force_login(approver)
    page = client.get("/licences/", {"q": enterprise_user.enterprise.uscc}).content.decode()
    assert licence.number in page and "有效" in page
    assert licence.number not in client.get("/licences/", {"status": "revoked"}).content.decode()
    assert client.get(f"/licences/{licence.pk}/").status_code == 200
    client.force_login(approver_b)
    assert licence.number not in client.get("/licences/").content.decode()
    assert client.get(f"/licences/{licence.pk}/").status_code == 404


def test_staff_revoke_from_the_licence_page(client, issue, approver):
    licence = issue()
    client.force_login(approver)
    response = client.post(f"/licences/{licence.pk}/revoke/", {"reason": ""}, follow=True)
    assert "注销原因" in response.content.decode()
    client.post(f"/licences/{licence.pk}/revoke/", {"reason": "以欺骗手段取得"})
    licence.refresh_from_db()
    assert licence.status == "revoked"


def test_list_query_count_does_not_grow_with_licences(client, issue, approver):
    issue()
    client.force_login(approver)
    client.get("/licences/")  # warm: the first page after login saves the session and builds the menu
    with CaptureQueriesContext(connection) as one:
        client.get("/licences/")
    for _ in range(5):
        issue()
    with CaptureQueriesContext(connection) as six:
        client.get("/licences/")
    assert len(six) == len(one)


def test_holder_sees_my_licences_and_downloads_json(client, issue, enterprise_user, clerk):
    licence = issue()
    client.force_login(enterprise_user)
    page = client.get("/licences/mine/").content.decode()
    assert licence.number in page and "人防工程建设审批意见书" in page
    assert client.get(f"/licences/mine/{licence.pk}/").status_code == 200
    export = client.get(f"/licences/{licence.pk}/download.json")
    assert export.status_code == 200 and export.json()["payload"]["number"] == licence.number
    client.post(f"/licences/mine/{licence.pk}/", {"public": ["address"]})
    licence.refresh_from_db()
    assert licence.public_fields == ["address"]
    client.force_login(clerk)
    assert client.get("/licences/mine/").status_code == 403


def test_licence_types_are_managed_by_admins(client, admin_city, clerk, licence_type, city_a):
    client.force_login(clerk)
    assert client.get("/licences/types/").status_code == 200
    assert client.get("/licences/types/new/").status_code == 403
    client.force_login(admin_city)
    response = client.post("/licences/types/new/", {
        "code": "LIC-TEST", "name": "测试证照", "organisation": city_a.pk, "validity_months": "12",
        "base_codes": licence_type.items.get().base_code, "fields_text": "grade|等级||public", "is_active": "on"})
    assert response.status_code == 400 and "已对应证照" in response.content.decode()
    response = client.post("/licences/types/new/", {
        "code": "LIC-TEST", "name": "测试证照", "organisation": city_a.pk, "validity_months": "12",
        "base_codes": "OTHER-01", "fields_text": "grade|等级||public", "is_active": "on"})
    assert response.status_code == 302
    from tongban.licences.models import LicenceType

    lt = LicenceType.objects.get(code="LIC-TEST")
    assert lt.fields == [{"key": "grade", "label": "等级", "source": "", "public": True}]
