"""Pages and API operations as a user meets them: staff lists and queue, the public query and
report, the subject's credit page with its repair date, and the operation ids of the issue."""

import datetime as dt

import pytest

from tongban.credit import services

from .factories import black_list, pdf, penalty_record, scoring_method

D = dt.date


@pytest.fixture
def record(city_a, firm, pin_today):
    pin_today(D(2026, 6, 10))
    return penalty_record(city_a, uscc=firm.enterprise.uscc, name=firm.enterprise.name, decided_on=D(2026, 6, 1))


def test_staff_pages(client, record, credit_admin):
    scoring_method()
    black_list()
    services.evaluation_run(actor=credit_admin)
    client.force_login(credit_admin)
    for url in ["/credit/", f"/credit/records/{record.pk}/", "/credit/queue/", "/credit/evaluations/", "/credit/lists/",
                "/credit/commitments/", "/credit/import/"]:
        page = client.get(url)
        assert page.status_code == 200, url
    assert record.number in client.get("/credit/").content.decode()


def test_the_inbox_and_the_dashboard_show_credit_work(client, record, firm, credit_admin, supervisor_a, pin_today):
    pin_today(D(2026, 9, 1))
    services.repair_apply(actor=firm, record_id=record.pk, corrected="a", penalty_fulfilled="b", commitment="c",
                          evidence=[pdf()])
    client.force_login(credit_admin)
    inbox = client.get("/workspace/")
    assert inbox.status_code == 200 and "信用修复" in inbox.content.decode()
    client.force_login(supervisor_a)
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200 and "待审核修复申请" in dashboard.content.decode()


def test_the_subject_sees_the_day_repair_can_be_asked(client, record, firm, pin_today):
    client.force_login(firm)
    page = client.get("/credit/mine/").content.decode()
    assert "2026-09-01" in page and "2027-06-01" in page and "最短公示期届满后可申请信用修复" in page
    pin_today(D(2026, 9, 1))
    page = client.get("/credit/mine/").content.decode()
    assert f"/credit/mine/records/{record.pk}/repair/" in page
    done = client.post(f"/credit/mine/records/{record.pk}/repair/", {
        "corrected": "已补建", "penalty_fulfilled": "已缴纳", "commitment": "守法", "evidence": [pdf()]})
    assert done.status_code == 302
    assert record.repairs.count() == 1


def test_the_public_query_and_report(client, record, city_a, pin_today):
    from tests.factories import make_citizen_id

    person = penalty_record(city_a, person=True, name="李小明", id_number=make_citizen_id("410102", D(1980, 1, 1), 9))
    page = client.get(f"/credit/query/?code={record.subject_code}")
    assert page.status_code == 200 and record.title in page.content.decode()
    bad = client.get("/credit/query/?code=123")
    assert bad.status_code == 400
    by_id = client.get(f"/credit/query/?code={person.subject_code}")  # persons are not searchable by ID number
    assert by_id.status_code == 400 and "李*明" not in by_id.content.decode() and person.title not in by_id.content.decode()
    pdf_response = client.get(f"/credit/query/report.pdf?code={record.subject_code}")
    assert pdf_response.status_code in (200, 503)
    if pdf_response.status_code == 200:
        assert pdf_response.content.startswith(b"%PDF")
    assert client.get("/credit/public/lists/").status_code == 200
    assert client.get("/credit/public/grades/").status_code == 200


def test_api_operations(client, record, firm, credit_admin, pin_today):
    client.force_login(credit_admin)
    listed = client.get("/api/v1/credit/records").json()
    assert [r["number"] for r in listed] == [record.number]
    one = client.get(f"/api/v1/credit/records/{record.pk}").json()
    assert one["repair_from"] == "2026-09-01" and one["rule_version"] == "2025"
    client.logout()
    public = client.get(f"/api/v1/credit/public?code={record.subject_code}").json()
    assert public["records"][0]["number"] == record.number
    assert client.get("/api/v1/credit/public?code=bad").status_code == 422
    client.force_login(firm)
    form = {"corrected": "已整改", "penalty_fulfilled": "已缴纳", "commitment": "守法"}
    early = client.post(f"/api/v1/credit/records/{record.pk}/repair", form)
    assert early.status_code == 409 and "国办发〔2025〕22号" in early.json()["message"]
    pin_today(D(2026, 9, 1))
    assert client.post(f"/api/v1/credit/records/{record.pk}/repair", form).status_code == 422  # no evidence
    applied = client.post(f"/api/v1/credit/records/{record.pk}/repair", {**form, "evidence": [pdf()]})
    assert applied.status_code == 201 and record.repairs.count() == 1
    objection = client.post("/api/v1/credit/objections", {"target": "record", "target_id": record.pk, "content": "有误"},
                            content_type="application/json")
    assert objection.status_code == 201
    client.force_login(credit_admin)
    decided = client.post(f"/api/v1/credit/objections/{objection.json()['id']}/decide",
                          {"corrected": False, "reasons": "事实清楚"}, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["status"] == "upheld"
    scoring_method()
    run = client.post("/api/v1/credit/evaluations", {}, content_type="application/json")
    assert run.status_code == 201 and run.json()["firms"] >= 1
    assert client.get("/api/v1/credit/lists/members").status_code == 200
    client.force_login(firm)
    assert client.post("/api/v1/credit/evaluations", {}, content_type="application/json").status_code == 403


def test_operation_ids_match_the_issue():
    from tongban.api import api

    schema = api.get_openapi_schema()
    ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"credit_record_list", "credit_record_get", "credit_public_query", "credit_repair_apply",
            "credit_repair_decide", "credit_objection_submit", "credit_objection_decide", "credit_evaluation_run",
            "credit_list_members", "credit_export_dual_publicity"} <= ids
