"""Staff pages: admins manage items of their subtree; other staff read; scope gives 404."""

import pytest

from tongban.catalog.models import Bundle, ItemVersion, ServiceItem

from .factories import make_item

pytestmark = pytest.mark.django_db


def _draft_post(version, **overrides):
    data = {
        "v-name": version.name,
        "v-kind": version.kind,
        "v-topic": version.topic,
        "v-applicant_type": version.applicant_type,
        "v-legal_basis": version.legal_basis,
        "v-conditions": version.conditions,
        "v-legal_limit_days": version.legal_limit_days,
        "v-promised_limit_days": version.promised_limit_days,
        "v-acceptance_limit_days": version.acceptance_limit_days,
        "v-extension_limit_days": version.extension_limit_days,
        "v-is_free": "on",
        "v-visits": version.visits,
        "v-online_depth": version.online_depth,
        "v-place": version.place,
        "v-hours": version.hours,
        "v-consult_phone": version.consult_phone,
        "v-complaint_phone": version.complaint_phone,
        "v-result_name": version.result_name,
        "v-change_note": "",
        "m-TOTAL_FORMS": "1",
        "m-INITIAL_FORMS": "0",
        "m-0-name": "申请书",
        "m-0-form": "original",
        "m-0-copies": "1",
        "m-0-required": "on",
        "s-TOTAL_FORMS": "1",
        "s-INITIAL_FORMS": "0",
        "s-0-name": "审查",
        "s-0-limit_days": "3",
        "f-TOTAL_FORMS": "0",
        "f-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_another_citys_admin_gets_404_and_changes_nothing(client, admin_b, admin_a, city_a):
    item = make_item(city_a, actor=admin_a)
    client.force_login(admin_b)
    assert client.get(f"/catalog/items/{item.pk}/").status_code == 404
    assert client.post(f"/catalog/items/{item.pk}/revise/").status_code == 404
    assert client.post(f"/catalog/items/{item.pk}/active/", {"active": "0"}).status_code == 404
    assert client.get(f"/catalog/items/{item.pk}/v1/").status_code == 404
    material = item.current_version.materials.first()
    assert client.get(f"/catalog/materials/{material.pk}/template/").status_code == 404
    assert item.versions.count() == 1
    item.refresh_from_db()
    assert item.is_active
    assert "防空地下室竣工验收备案" not in client.get("/catalog/").content.decode()


def test_a_clerk_reads_the_catalog_but_cannot_change_it(client, clerk_a, admin_a, dept_a):
    item = make_item(dept_a, actor=admin_a)
    client.force_login(clerk_a)
    assert "防空地下室竣工验收备案" in client.get("/catalog/").content.decode()
    assert client.get(f"/catalog/items/{item.pk}/").status_code == 200
    assert client.post(f"/catalog/items/{item.pk}/revise/").status_code == 403
    assert client.get("/catalog/new/").status_code == 403
    assert client.get("/catalog/import/").status_code == 403
    assert item.versions.count() == 1


def test_applicants_cannot_open_staff_pages(client, citizen):
    client.force_login(citizen)
    assert client.get("/catalog/").status_code == 403


def test_admin_creates_an_item_edits_its_draft_and_publishes(client, admin_a, city_a):
    client.force_login(admin_a)
    version = ItemVersion(**{
        "name": "人防工程拆除审批", "kind": "licensing", "topic": "", "applicant_type": "both",
        "legal_basis": "《中华人民共和国人民防空法》第二十八条", "conditions": "确需拆除。",
        "legal_limit_days": 20, "promised_limit_days": 10, "acceptance_limit_days": 5,
        "visits": 1, "online_depth": 3, "place": "", "hours": "", "consult_phone": "",
        "complaint_phone": "", "result_name": "拆除审批意见书",
    })  # fmt: skip
    data = {k.replace("v-", "v-"): v for k, v in _draft_post(version).items() if k.startswith("v-")}
    data.update(
        {
            "id-organisation": city_a.pk,
            "id-base_code": "RF-XK-005",
            "id-implementation_code": "RF-XK-005-A",
        }
    )
    response = client.post("/catalog/new/", data)
    assert response.status_code == 302
    item = ServiceItem.objects.get(implementation_code="RF-XK-005-A")
    draft = item.versions.get()

    # promised > legal: a Chinese message on the field, nothing saved
    response = client.post(
        f"/catalog/items/{item.pk}/draft/", _draft_post(draft, **{"v-promised_limit_days": "25"})
    )
    assert response.status_code == 200
    assert (
        "承诺办结时限（25 个工作日）不能超过法定办结时限（20 个工作日）"
        in response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.promised_limit_days == 10 and not draft.materials.exists()

    response = client.post(f"/catalog/items/{item.pk}/draft/", _draft_post(draft, then="publish"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current_version.number == 1
    assert [m.name for m in item.current_version.materials.all()] == ["申请书"]
    assert client.get("/guides/RF-XK-005-A/").status_code == 200

    # a published version has no draft to edit: the edit page sends the user back
    response = client.get(f"/catalog/items/{item.pk}/draft/")
    assert response.status_code == 302


def test_a_conditional_material_without_condition_is_shown_as_an_error(client, admin_a, city_a):
    item = make_item(city_a, actor=admin_a, publish=False)
    client.force_login(admin_a)
    data = _draft_post(item.versions.get())
    del data["m-0-required"]
    response = client.post(f"/catalog/items/{item.pk}/draft/", data)
    assert response.status_code == 200
    assert "非必须材料必须写明提交条件" in response.content.decode()


def test_admin_creates_a_bundle(client, admin_a, city_a):
    a = make_item(city_a, actor=admin_a, name="报建审批")
    b = make_item(city_a, actor=admin_a, name="竣工验收备案")
    client.force_login(admin_a)
    response = client.post(
        "/catalog/bundles/new/",
        {
            "organisation": city_a.pk,
            "code": "YJS-A-1",
            "name": "人防手续一件事",
            "description": "一次办",
            "promised_limit_days": 15,
            "is_published": "on",
            "items": [a.pk, b.pk],
        },
    )
    assert response.status_code == 302
    bundle = Bundle.objects.get(code="YJS-A-1")
    assert list(bundle.entries.values_list("item_id", flat=True)) == [a.pk, b.pk]
    response = client.post(
        "/catalog/bundles/new/",
        {
            "organisation": city_a.pk,
            "code": "YJS-A-2",
            "name": "x",
            "promised_limit_days": 5,
            "items": [a.pk],
        },
    )
    assert "一件事至少要包含两个事项" in response.content.decode()


def test_export_contains_only_the_actors_items(client, admin_a, admin_b, city_a, city_b):
    make_item(city_a, actor=admin_a, implementation_code="A-1")
    make_item(city_b, actor=admin_b, implementation_code="B-1")
    client.force_login(admin_a)
    body = client.get("/catalog/export.json").content.decode()
    assert "A-1" in body and "B-1" not in body
    assert client.get("/catalog/export.csv").status_code == 404


def test_the_staff_menu_lists_the_catalog(client, clerk_a, admin_a):
    client.force_login(clerk_a)
    page = client.get("/catalog/").content.decode()
    assert "同要素比对" in page and "导入导出" not in page
    client.force_login(admin_a)
    assert "导入导出" in client.get("/catalog/").content.decode()
