"""API: catalog_list_items and catalog_get_item serve the published catalog."""

import pytest

from tongban.catalog import services

from .factories import make_item

pytestmark = pytest.mark.django_db


def test_operation_ids_are_stable(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    ops = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"catalog_list_items", "catalog_get_item"} <= ops


def test_list_items_with_filters(client, admin_a, admin_b, city_a, city_b):
    make_item(city_a, actor=admin_a, implementation_code="A-1", name="防空地下室竣工验收备案")
    make_item(
        city_b, actor=admin_b, implementation_code="B-1", name="人防工程拆除审批", kind="licensing"
    )
    make_item(city_a, actor=admin_a, implementation_code="A-2", name="未发布事项", publish=False)
    body = client.get("/api/v1/catalog/items").json()
    assert body["count"] == 2
    assert {i["implementation_code"] for i in body["items"]} == {"A-1", "B-1"}
    first = next(i for i in body["items"] if i["implementation_code"] == "A-1")
    assert first["promised_limit_days"] == 10 and first["kind_label"] == "行政确认"
    body = client.get("/api/v1/catalog/items", {"kind": "licensing"}).json()
    assert [i["implementation_code"] for i in body["items"]] == ["B-1"]
    body = client.get("/api/v1/catalog/items", {"organisation": city_a.pk}).json()
    assert [i["implementation_code"] for i in body["items"]] == ["A-1"]


def test_bad_filter_is_422_in_chinese(client, db):
    response = client.get("/api/v1/catalog/items", {"level": "planet"})
    assert response.status_code == 422
    assert "层级应为" in response.json()["message"]
    assert client.get("/api/v1/catalog/items", {"organisation": "x"}).status_code == 422


def test_get_item_returns_the_full_guide(client, admin_a, city_a):
    item = make_item(city_a, actor=admin_a, implementation_code="A-1")
    body = client.get("/api/v1/catalog/items/A-1").json()
    assert body["name"] == "防空地下室竣工验收备案"
    assert body["version"] == 1
    assert body["legal_basis"][0] == "《中华人民共和国人民防空法》第二十二条"
    assert [m["name"] for m in body["materials"]] == ["竣工验收备案表", "竣工验收报告", "委托书"]
    assert body["materials"][0]["template_url"].endswith(
        f"/guides/materials/{item.current_version.materials.first().pk}/template/"
    )
    assert body["materials"][1]["template_url"] is None
    assert [s["limit_days"] for s in body["stages"]] == [6, 3]


def test_get_item_by_version_and_drafts_stay_hidden(client, admin_a, city_a):
    item = make_item(city_a, actor=admin_a, implementation_code="A-1")
    draft = services.draft_start(actor=admin_a, item=item)
    assert client.get("/api/v1/catalog/items/A-1", {"version": draft.number}).status_code == 404
    services.item_publish(version=draft, actor=admin_a)
    assert client.get("/api/v1/catalog/items/A-1").json()["version"] == 2
    assert client.get("/api/v1/catalog/items/A-1", {"version": 1}).json()["version"] == 1
    response = client.get("/api/v1/catalog/items/NOPE")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
