"""The enforcement API: the operation ids the issue lists, the whole path through JSON, refusals
as 409/422 with the article and nothing changed, the public baseline list without login."""

import datetime as dt
import json

import pytest

from tongban.api import api
from tongban.enforcement.models import EnforcementCase

from .conftest import DAY0

pytestmark = pytest.mark.django_db

OPERATIONS = {
    "enforcement_case_create", "enforcement_case_register", "enforcement_record_add", "enforcement_penalty_propose",
    "enforcement_prior_notice", "enforcement_statement_submit", "enforcement_hearing_request",
    "enforcement_legal_review", "enforcement_decide", "enforcement_deliver", "enforcement_publish",
    "enforcement_rereview", "enforcement_baseline_list",
}


def post(client, url, body=None):
    return client.post(f"/api/v1/enforcement{url}", json.dumps(body or {}), content_type="application/json")


def test_openapi_documents_every_operation_id():
    schema = api.get_openapi_schema()
    ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert ids >= OPERATIONS


def test_the_whole_path_through_the_api(client, today, city_a, o1, o2, head, reviewer, ranged, enterprise_user):
    ent = enterprise_user.enterprise
    client.force_login(o1)
    r = post(client, "/cases/", {"organisation_id": city_a.pk, "party_kind": "enterprise", "party_name": ent.name,
                                 "party_uscc": ent.uscc, "facts": "未按规定修建防空地下室", "act_on": "2026-03-01",
                                 "officer_ids": [o1.pk, o2.pk]})
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert post(client, f"/cases/{pk}/register/").status_code == 403  # the officer may not approve
    client.force_login(head)
    assert post(client, f"/cases/{pk}/register/").json()["status"] == "investigating"
    client.force_login(o1)
    r = post(client, f"/cases/{pk}/records/", {"kind": "inspection", "on": str(DAY0), "content": "检查",
                                                "officer_ids": [o1.pk]})
    assert r.status_code == 409 and "第四十二条" in r.json()["message"]
    r = post(client, f"/cases/{pk}/records/", {"kind": "inspection", "on": str(DAY0), "content": "检查",
                                                "officer_ids": [o1.pk, o2.pk]})
    assert r.status_code == 201 and len(r.json()["certificate_numbers"]) == 2
    r = post(client, f"/cases/{pk}/propose/", {"baseline_item_id": ranged.pk, "facts": ["R-LI"]})
    assert r.json()["proposal"]["clauses"] == ["R-LI"] and r.json()["fine_fen"] == 20_000_00
    assert post(client, f"/cases/{pk}/prior-notice/").json()["status"] == "notified"
    assert post(client, f"/cases/{pk}/deliver/", {"document": "notice", "delivered_on": str(DAY0)}).status_code == 200
    client.force_login(enterprise_user)
    assert post(client, f"/cases/{pk}/statements/", {"content": "已整改"}).status_code == 201
    assert post(client, f"/cases/{pk}/hearing-request/").status_code == 409  # no hearing right at ¥20,000
    client.force_login(reviewer)
    assert post(client, f"/cases/{pk}/legal-review/", {"opinion": "agree", "reasons": "同意"}).status_code == 200
    client.force_login(head)
    before = EnforcementCase.objects.get(pk=pk).row_version
    r = post(client, f"/cases/{pk}/decide/")
    assert r.status_code == 409 and "第四十五条" in r.json()["message"]
    assert EnforcementCase.objects.get(pk=pk).row_version == before
    today(dt.date(2026, 4, 10))
    r = post(client, f"/cases/{pk}/decide/", {"fine_fen": 25_000_00, "departure_reason": "加重"})
    assert r.status_code == 409 and r.json()["code"] == "art45_no_raise"
    r = post(client, f"/cases/{pk}/decide/")
    assert r.status_code == 200 and r.json()["decision_number"]
    client.force_login(o1)
    assert post(client, f"/cases/{pk}/deliver/", {"document": "decision"}).json()["status"] == "executing"
    assert post(client, f"/cases/{pk}/publish/").json()["published_on"] == "2026-04-10"
    assert post(client, f"/cases/{pk}/rereview/", {"outcome": "upheld", "reason": "x"}).status_code == 403


def test_bad_input_is_422_not_500(client, ent_case, o1):
    client.force_login(o1)
    assert post(client, f"/cases/{ent_case.pk}/propose/", {"baseline_item_id": 999999}).status_code == 422
    assert post(client, f"/cases/{ent_case.pk}/deliver/", {"document": "x"}).status_code == 422
    assert post(client, "/cases/", {"organisation_id": ent_case.organisation_id, "party_kind": "x", "party_name": "",
                                    "act_on": "2026-01-01"}).status_code == 422


def test_baselines_are_public(client, baseline):
    r = client.get("/api/v1/enforcement/baselines/")
    assert r.status_code == 200
    items = {i["code"]: i for i in r.json()[0]["items"]}
    assert items["RF-02"]["scheme"] == "max_only" and len(items["RF-01"]["clauses"]) == 5
