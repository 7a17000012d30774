"""The licences and bundles API: operation ids, role matrix, JSON errors in Chinese."""

import json

import pytest

from tongban.api import api
from tongban.licences import signing
from tongban.licences.models import Licence

pytestmark = pytest.mark.django_db

OPERATIONS = {"licence_get", "licence_verify", "licence_revoke", "licence_list_mine", "bundle_submit", "bundle_get"}


def test_openapi_documents_every_operation_id():
    schema = api.get_openapi_schema()
    ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert ids >= OPERATIONS


def test_holder_lists_and_reads_own_licences(client, issue, enterprise_user, other_enterprise_user):
    licence = issue()
    client.force_login(enterprise_user)
    mine = client.get("/api/v1/licences/mine/").json()
    assert [row["number"] for row in mine["items"]] == [licence.number]
    detail = client.get(f"/api/v1/licences/{licence.pk}/").json()
    assert detail["status"] == "valid" and detail["export"]["signature"] == licence.signature
    client.force_login(other_enterprise_user)
    assert client.get("/api/v1/licences/mine/").json()["items"] == []
    assert client.get(f"/api/v1/licences/{licence.pk}/").status_code == 404


def test_revoke_role_matrix_and_errors(client, issue, approver, clerk, approver_b, enterprise_user):
    licence = issue()
    url = f"/api/v1/licences/{licence.pk}/revoke/"

    def post(user, reason="材料造假"):
        client.force_login(user)
        return client.post(url, json.dumps({"reason": reason}), content_type="application/json")

    assert client.post(url, json.dumps({"reason": "x"}), content_type="application/json").status_code == 401
    assert post(enterprise_user).status_code == 403
    assert post(clerk).status_code == 403
    assert post(approver_b).status_code == 404
    response = post(approver, reason=" ")
    assert response.status_code == 422 and "注销原因" in response.json()["message"]
    assert Licence.objects.get().status == "valid"
    response = post(approver)
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    again = post(approver)
    assert again.status_code == 409 and again.json()["code"] == "already_revoked"


def test_anyone_may_verify_an_export(client, issue):
    licence = issue()
    document = signing.export(licence)
    response = client.post("/api/v1/licences/verify/", json.dumps({"document": document}), content_type="application/json")
    assert response.status_code == 200 and response.json()["result"] == "valid"
    document["payload"]["fields"][0]["value"] = "别的项目"
    forged = client.post("/api/v1/licences/verify/", json.dumps({"document": document}), content_type="application/json").json()
    assert forged["result"] == "forged" and forged["number"] is None


def test_bundle_submit_and_get(client, enterprise_user, other_enterprise_user, city_a, version):
    from tongban.bundles.services import bundle_versions, merged_materials
    from tongban.catalog.models import Bundle, BundleItem

    from ..cases.factories import pdf

    bundle = Bundle.objects.create(organisation=city_a, code="YJS-API", name="测试一件事", promised_limit_days=5, is_published=True)
    BundleItem.objects.create(bundle=bundle, item=version.item, order=1)
    client.force_login(enterprise_user)
    form = {"submission_key": "api-b1", "contact_name": "高建国", "contact_phone": "13500000001"}
    form.update({f"bm_{row.key}": pdf() for row in merged_materials(bundle_versions(bundle))})
    response = client.post("/api/v1/bundles/YJS-API/applications/", form)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and len(body["cases"]) == 1
    assert client.get(f"/api/v1/bundles/applications/{body['id']}/").json()["number"] == body["number"]
    missing = client.post("/api/v1/bundles/YJS-API/applications/", {**form, "submission_key": "api-b2"} | {
        k: "" for k in form if k.startswith("bm_")})
    assert missing.status_code == 422 and "请上传" in missing.json()["message"]
    client.force_login(other_enterprise_user)
    assert client.get(f"/api/v1/bundles/applications/{body['id']}/").status_code == 404


def test_verify_and_public_key_urls_come_from_the_configured_public_address(client, issue, enterprise_user, settings):
    settings.SITE_URL = "https://zwfw.example.gov.cn/"
    licence = issue()
    client.force_login(enterprise_user)
    detail = client.get(f"/api/v1/licences/{licence.pk}/").json()
    assert detail["verify_url"] == f"https://zwfw.example.gov.cn/licences/check/{licence.verify_code}/"
    assert detail["export"]["verify_url"] == detail["verify_url"]
    assert detail["export"]["public_key_url"] == f"https://zwfw.example.gov.cn/licences/keys/{licence.key.key_id}.pem"
    page = client.get(f"/licences/mine/{licence.pk}/").content.decode()
    assert "https://zwfw.example.gov.cn/licences/check/" in page and "127.0.0.1" not in page
