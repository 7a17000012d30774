"""The works API: the listed operation ids over the same services; errors are JSON 4xx."""

from __future__ import annotations

import json

import pytest

from tongban.works.models import Building, Project

from .factories import RESIDENTIAL_PLAIN, RESIDENTIAL_WITH_BASEMENT, documents

pytestmark = pytest.mark.django_db


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_from_registration_to_a_single_building_letter_over_the_api(client, world, builder, w_clerk, w_sup, w_head):
    client.force_login(builder)
    body = {"name": "接口项目", "address": "郑州市金水区", "region_code": "410105", "land_type": "residential",
            "buildings": [
                {"name": b["name"], "use": b["use"], "above_area": b["above_area"],
                 "below_area": b.get("below_area", ""), "has_basement": b.get("has_basement", False),
                 "protection_class": b.get("protection_class", ""), "basement_area": b.get("basement_area", "")}
                for b in (RESIDENTIAL_WITH_BASEMENT, RESIDENTIAL_PLAIN)]}
    created = _post(client, "/api/v1/works/projects", body)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["available_actions"] == ["registration_submit"]
    bad = client.post(f"/api/v1/works/projects/{pk}/registration", {})
    assert bad.status_code == 422 and "请上传" in bad.json()["message"]
    files = {f"doc_{k}": v for k, v in documents().items()}
    assert client.post(f"/api/v1/works/projects/{pk}/registration", files).json()["status"] == "submitted"
    client.force_login(w_clerk)
    accepted = _post(client, f"/api/v1/works/projects/{pk}/registration/accept", {"supervisor_id": w_sup.pk})
    assert accepted.status_code == 200 and accepted.json()["registration_number"]
    client.force_login(w_sup)
    visit = _post(client, f"/api/v1/works/projects/{pk}/visits",
                  {"stage": "foundation", "outcome": "rectify", "findings": "x", "requirement": "整改"})
    assert visit.status_code == 422  # the project has no contractor to hold responsible
    visit = _post(client, f"/api/v1/works/projects/{pk}/visits",
                  {"stage": "foundation", "outcome": "passed", "findings": "合格"})
    assert visit.status_code == 201
    plain = Building.objects.get(project_id=pk, has_basement=False)
    basement = Building.objects.get(project_id=pk, has_basement=True)
    client.force_login(builder)
    assert client.post(f"/api/v1/works/buildings/{plain.pk}/request").status_code == 200
    refused = client.post(f"/api/v1/works/buildings/{basement.pk}/request")
    assert refused.status_code == 422 and "豫人防〔2021〕27号" in refused.json()["message"]
    client.force_login(w_head)
    letter = client.post(f"/api/v1/works/buildings/{plain.pk}/accept")
    assert letter.status_code == 200 and letter.json()["kind"] == "building_letter"
    verify = _post(client, f"/api/v1/works/projects/{pk}/verify", {})
    assert verify.status_code == 422 and "尚缺" in verify.json()["message"]
    fee = client.get(f"/api/v1/works/projects/{pk}/fee").json()
    assert fee["assessed"]["payable_yuan"] == "700000.00" and fee["preview"]["rule_version"]
    assert Project.objects.get(pk=pk).status == "supervised"


def test_fee_rules_are_listed_by_region_and_date(client, fee_schedule):
    rules = client.get("/api/v1/policies/fees/rules", {"region_code": "410102", "on": "2021-06-30"}).json()
    assert [(r["region_code"], r["version"]) for r in rules] == [("410100", 1), ("410000", 1)]
    later = client.get("/api/v1/policies/fees/rules", {"region_code": "410102", "on": "2022-01-01"}).json()
    henan = later[1]
    small = next(f for f in henan["factors"] if f["code"] == "HA-ZERO-SMALL-LOGISTICS")
    assert small["below_total_area_m2"] == "2000.00" and "豫人防〔2021〕56号" in small["document"]
    everything = client.get("/api/v1/policies/fees/rules").json()
    assert {r["region_code"] for r in everything} == {"410000", "410100", "410300", "340000"}
    assert client.get("/api/v1/policies/fees/rules", {"region_code": "41"}).status_code == 422


def test_fee_calculate_takes_land_type_and_date(client, fee_schedule):
    on_industrial = _post(client, "/api/v1/policies/fees/calculate", {
        "region_code": "410102", "building_use": "warehouse", "total_floor_area": "1500", "land_type": "industrial"})
    assert on_industrial.status_code == 200 and on_industrial.json()["payable_yuan"] == "210000.00"
    before = _post(client, "/api/v1/policies/fees/calculate", {
        "region_code": "410102", "building_use": "warehouse", "total_floor_area": "1500", "on": "2021-06-30"})
    assert before.json()["rule_version"] == "410100 v1; 410000 v1" and before.json()["payable_yuan"] == "60000.00"
