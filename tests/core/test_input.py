"""Input no storage can hold (NUL characters) is refused with a clear 4xx, never a 500."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_nul_in_a_query_string_or_form_is_refused(client, admin_a):
    client.force_login(admin_a)
    response = client.get("/accounts/staff/users/", {"q": "a\x00b"})
    assert response.status_code == 400 and "非法字符" in response.content.decode()
    response = client.get("/api/v1/accounts/users", {"q": "\x00"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    response = client.post("/accounts/login/", {"username": "x\x00", "password": "y"})
    assert response.status_code == 400


def test_nul_inside_json_is_refused_by_the_api(client, clerk_a, enterprise_user, city_a):
    from tongban.cases.models import Case
    from tongban.cases.services import case_submit

    from ..cases.factories import make_item, pdf

    version = make_item(city_a)
    case = case_submit(actor=enterprise_user, version=version, submission_key="nul",
                       data={"contact_name": "王", "contact_phone": "13800138000"},
                       files={str(m.pk): pdf() for m in version.materials.all()})
    client.force_login(clerk_a)
    body = json.dumps({"reasons": "理由\u0000", "basis": "依据"})
    response = client.post(f"/api/v1/cases/{case.pk}/reject", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert Case.objects.get(pk=case.pk).status == "submitted"
