"""The ledger's API operations, through the same rules as the pages."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from tongban.ledger.models import Problem

from .factories import assigned, closed, evidenced, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(city_a, pin_today):
    pin_today(dt.date(2026, 7, 2))
    return world(city_a, start=dt.date(2026, 4, 1))


def _client(client, user):
    client.force_login(user)
    return client


def test_campaign_and_problem_operations(client, w):
    c = _client(client, w.office)
    r = c.post("/api/v1/ledger/campaigns", {
        "title": "作风建设整治", "code": "ZF", "lead_office_id": w.city.pk, "superior": "省整治组",
        "starts_on": "2026-07-01", "finding_until": "2026-07-31", "rectifying_until": "2026-10-31",
        "rules_until": "2026-11-30", "ends_on": "2026-12-31"}, content_type="application/json")
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    r = c.post(f"/api/v1/ledger/campaigns/{cid}/problems", {"title": "窗口人员离岗", "source_kind": "visit"},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["number"] == "ZF-001"
    pid = r.json()["id"]
    r = c.post(f"/api/v1/ledger/problems/{pid}/task", {"measures": "建立离岗登记", "lead_unit_id": w.dept.pk,
                                                       "leader_id": w.leader.pk, "limit_days": 5},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "rectifying" and r.json()["due_on"] == "2026-07-09"
    r = c.get(f"/api/v1/ledger/campaigns/{cid}/problems")
    assert [p["number"] for p in r.json()] == ["ZF-001"]
    r = c.post(f"/api/v1/ledger/problems/{pid}/closeout", {"summary": "完成"}, content_type="application/json")
    assert r.status_code == 403  # the office is not the lead unit


def test_closeout_refused_in_chinese_then_decided(client, w):
    p = assigned(w)
    c = _client(client, w.clerk)
    r = c.post(f"/api/v1/ledger/problems/{p.pk}/closeout", {"summary": "完成"}, content_type="application/json")
    assert r.status_code == 422 and "尚缺" in r.json()["message"]
    evidenced(w, p)
    r = c.post(f"/api/v1/ledger/problems/{p.pk}/closeout", {"summary": "完成"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "closing"
    client.force_login(w.leader)
    r = client.post(f"/api/v1/ledger/problems/{p.pk}/closeout/decide", {"approve": True},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "closed"


def test_recheck_draw_steps(client, w, django_user_model):
    closed(w, assigned(w, co=False))
    c = _client(client, w.office)
    r = c.post(f"/api/v1/ledger/campaigns/{w.campaign.pk}/rechecks", {"step": "commit"}, content_type="application/json")
    assert r.status_code == 200 and len(r.json()["commitment"]) == 64
    rid = r.json()["id"]
    r = c.post(f"/api/v1/ledger/campaigns/{w.campaign.pk}/rechecks", {"step": "enter", "recheck_id": rid,
                                                                      "numbers": "1,2,3"}, content_type="application/json")
    r = c.post(f"/api/v1/ledger/campaigns/{w.campaign.pk}/rechecks", {"step": "confirm", "recheck_id": rid,
                                                                      "numbers": "1,2,3"}, content_type="application/json")
    assert r.status_code == 422 and "另一名" in r.json()["message"]
    client.force_login(w.office2)
    r = client.post(f"/api/v1/ledger/campaigns/{w.campaign.pk}/rechecks", {"step": "confirm", "recheck_id": rid,
                                                                           "numbers": "1,2,3"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["selected"] == ["TST-001"]


def test_import_and_export(client, w, django_capture_on_commit_callbacks):
    c = _client(client, w.office)
    wb = Workbook()
    wb.active.append(["编号", "问题", "问题来源", "整改措施", "牵头单位", "配合单位", "责任领导", "整改时限（工作日）", "进展（%）"])
    wb.active.append(["", "导入的问题", "单位自查", "", "", "", "", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "导入.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/api/v1/ledger/campaigns/{w.campaign.pk}/import", {"file": buf})
    assert r.status_code == 202, r.content
    assert Problem.objects.filter(title="导入的问题").exists()
    r = c.get(f"/api/v1/ledger/campaigns/{w.campaign.pk}/export?format=docx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert c.get(f"/api/v1/ledger/campaigns/{w.campaign.pk}/export?format=pdf").status_code == 422


def test_survey_operations(client, w, enterprise_user):
    c = _client(client, w.office)
    r = c.post("/api/v1/ledger/surveys", {"title": "问卷", "closes_on": "2026-07-31", "anonymous": False,
                                          "questions": [{"kind": "scale", "text": "满意度"}]},
               content_type="application/json")
    assert r.status_code == 201, r.content
    sid, qid = r.json()["id"], r.json()["questions"][0]["id"]
    client.force_login(enterprise_user)
    r = client.post(f"/api/v1/ledger/surveys/{sid}/answers", {"answers": {str(qid): 4}}, content_type="application/json")
    assert r.status_code == 201
    r = client.post(f"/api/v1/ledger/surveys/{sid}/answers", {"answers": {str(qid): 5}}, content_type="application/json")
    assert r.status_code == 409
    client.force_login(w.office)
    r = client.get(f"/api/v1/ledger/surveys/{sid}/results")
    assert r.json()[0]["mean"] == 4


def test_assessment_operations(client, w, admin_a, pin_today):
    from tongban.ledger.assessment import services as svc

    pin_today(dt.date(2026, 5, 4))
    p = assigned(w, co=False)
    closed(w, p)
    pin_today(dt.date(2026, 7, 2))
    ind = svc.indicator_define(actor=admin_a, code="ledger.on_time", name="按期销号率", kind="computed",
                               computation="ledger.closed_on_time")
    scheme = svc.scheme_create(actor=admin_a, organisation=w.city, name="方案", items=[(ind, "department", "100")])
    c = _client(client, admin_a)
    r = c.post("/api/v1/ledger/assessment/runs", {"scheme_id": scheme.pk, "period": "2026Q2"},
               content_type="application/json")
    assert r.status_code == 201, r.content
    run_id = r.json()[0]["run_id"]
    r = c.get(f"/api/v1/ledger/assessment/runs/{run_id}/scores/{w.dept.pk}")
    assert r.status_code == 200
    assert r.json()["points"][0]["records"] == {"model": "ledger.problem", "ok": [p.pk], "not_ok": []}
    client.logout()
    assert client.get(f"/api/v1/ledger/assessment/runs/{run_id}/scores/{w.dept.pk}").status_code == 401
