"""The cases API: stable operation ids, JSON errors with Chinese messages, never 500."""

import json
import threading

import pytest
from django.db import connection

from tongban.api import api
from tongban.cases import services
from tongban.cases.models import Case, Status

from .factories import pdf

pytestmark = pytest.mark.django_db

OPERATIONS = {
    "case_submit", "case_get", "case_list", "case_accept", "case_reject", "case_request_supplement",
    "case_supplement", "case_pause", "case_resume", "case_extend", "case_extension_request", "case_extension_decide", "case_decide", "case_withdraw",
    "case_public_query",
}


def test_openapi_documents_every_operation_id():
    schema = api.get_openapi_schema()
    ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert ids >= OPERATIONS


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_submit_and_act_through_the_api(client, enterprise_user, clerk, version):
    client.force_login(enterprise_user)
    form = {"item_id": version.item_id, "submission_key": "api-1", "contact_name": "王经理", "contact_phone": "13800138000"}
    form.update({f"material_{m.pk}": pdf() for m in version.materials.all()})
    response = client.post("/api/v1/cases/", form)
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    assert response.json()["status"] == "submitted"

    client.force_login(clerk)
    assert client.get("/api/v1/cases/").json()["count"] == 1
    response = post(client, f"/api/v1/cases/{case_id}/accept", {"note": "齐全"})
    assert response.status_code == 200 and response.json()["status"] == "review"
    response = post(client, f"/api/v1/cases/{case_id}/accept", {})
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"
    assert "不能受理" in response.json()["message"]
    response = post(client, f"/api/v1/cases/{case_id}/decide", {"decision": "approve"})
    assert response.status_code == 403 or response.status_code == 409


def test_api_errors_are_json(client, submit, clerk, reviewer, other_clerk):
    case = submit()
    client.force_login(reviewer)
    response = post(client, f"/api/v1/cases/{case.pk}/accept", {})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    client.force_login(other_clerk)
    assert post(client, f"/api/v1/cases/{case.pk}/accept", {}).status_code == 404
    client.force_login(clerk)
    response = post(client, f"/api/v1/cases/{case.pk}/reject", {"reasons": "", "basis": ""})
    assert response.status_code == 422 and "理由" in response.json()["message"]
    response = post(client, f"/api/v1/cases/{case.pk}/pause", {"kind": 5})
    assert response.status_code == 422
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_public_query_needs_no_login_and_hides_personal_data(client, submit):
    case = submit()
    client.logout()
    response = client.get("/api/v1/cases/progress", {"number": case.number, "code": case.query_code})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "submitted" and "*" in body["applicant"]
    assert case.contact_phone not in json.dumps(body, ensure_ascii=False)
    assert client.get("/api/v1/cases/progress", {"number": case.number, "code": "AAAAAA"}).status_code == 404
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_two_leaders_deciding_at_once_one_wins(submit, clerk, reviewer, approver, city_a):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL")
    from tongban.accounts.models import Role

    from ..factories import StaffFactory

    second = StaffFactory(username="c_approver2", organisation=city_a, roles=[Role.APPROVER])
    case = services.case_accept(actor=clerk, case_id=submit().pk)
    services.case_submit_review(actor=reviewer, case_id=case.pk, opinion="符合", recommend="approve")
    barrier = threading.Barrier(2)
    results: list = []

    def decide(actor, decision):
        from django.db import connections

        try:
            barrier.wait()
            services.case_decide(actor=actor, case_id=case.pk, decision=decision, reasons="理由")
            results.append("ok")
        except Exception as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(approver, "approve")),
               threading.Thread(target=decide, args=(second, "deny"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1
    conflict = next(r for r in results if r != "ok")
    assert "不能作出决定" in str(conflict)
    case.refresh_from_db()
    assert case.status == Status.CONCLUDED
    assert case.transitions.filter(action="decide").count() == 1
    assert case.documents.filter(kind__in=["approval", "denial"]).count() == 1
