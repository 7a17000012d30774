"""Public guide pages: anyone can read them; they show every element; drafts never leak."""

import pytest

from tongban.catalog import services

from .factories import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(admin_a, city_a):
    fee = {
        "name": "易地建设费",
        "standard": "按应建面积每平方米计收",
        "amount": None,
        "basis": "省定收费标准",
    }
    return make_item(
        city_a,
        actor=admin_a,
        implementation_code="RF-ZS-004-A",
        name="防空地下室易地建设费收缴",
        is_free=False,
        fees=[fee],
        visits=1,
    )


def test_the_guide_page_shows_every_element(client, item):
    page = client.get("/guides/RF-ZS-004-A/").content.decode()
    for text in [
        "防空地下室易地建设费收缴",
        "甲市人防办",
        "RF-ZS-004-A",
        "《中华人民共和国人民防空法》第二十二条",
        "防空地下室已建成并经竣工验收合格。",
        "20 个工作日",  # legal limit
        "10 个工作日",  # promised limit
        "最多跑 1 次",
        "全程网办",
        "竣工验收备案表",
        "复印件",
        "委托代理人办理的",
        "审查",
        "决定",
        "易地建设费",
        "按应建面积每平方米计收",
        "省定收费标准",
        "竣工验收备案证明",
        "0371-66668888",
        "12345",
        "甲市政务服务中心二楼人防窗口",
        f"/cases/apply/{item.implementation_code}/",
    ]:
        assert text in page, text
    material = item.current_version.materials.first()
    assert f"/guides/materials/{material.pk}/template/" in page
    assert "guide.docx" in page and "guide.pdf" in page


def test_a_template_downloads_as_an_attachment(client, item):
    material = item.current_version.materials.first()
    response = client.get(f"/guides/materials/{material.pk}/template/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert client.get(f"/guides/materials/{material.pk}/other/").status_code == 404


def test_a_draft_is_not_public(client, admin_a, item):
    draft = services.draft_start(actor=admin_a, item=item)
    services.draft_save(actor=admin_a, version=draft, elements={"name": "尚未发布的新名称"})
    assert "尚未发布的新名称" not in client.get("/guides/RF-ZS-004-A/").content.decode()
    assert client.get("/guides/RF-ZS-004-A/?v=2").status_code == 404
    material = draft.materials.first()
    assert client.get(f"/guides/materials/{material.pk}/template/").status_code == 404


def test_an_earlier_version_stays_readable_and_says_so(client, admin_a, item):
    draft = services.draft_start(actor=admin_a, item=item)
    services.draft_save(actor=admin_a, version=draft, elements={"name": "第二版名称"})
    services.item_publish(version=draft, actor=admin_a)
    assert "第二版名称" in client.get("/guides/RF-ZS-004-A/").content.decode()
    old = client.get("/guides/RF-ZS-004-A/?v=1").content.decode()
    assert "防空地下室易地建设费收缴" in old and "历史版本" in old


def test_bad_version_parameter_is_404_not_500(client, item):
    assert client.get("/guides/RF-ZS-004-A/?v=abc").status_code == 404
    assert client.get("/guides/RF-ZS-004-A/?v=99999999999").status_code == 404


def test_search_and_filters(client, admin_a, admin_b, city_a, city_b, item):
    make_item(city_b, actor=admin_b, name="人防工程拆除审批", kind="licensing", topic="拆除")
    page = client.get("/guides/", {"q": "易地建设费"}).content.decode()
    assert "防空地下室易地建设费收缴" in page and "人防工程拆除审批" not in page
    page = client.get("/guides/", {"q": "人防 拆除"}).content.decode()
    assert "人防工程拆除审批" in page and "易地建设费收缴" not in page
    page = client.get("/guides/", {"kind": "licensing"}).content.decode()
    assert "人防工程拆除审批" in page and "易地建设费收缴" not in page
    page = client.get("/guides/", {"org": city_a.pk}).content.decode()
    assert "易地建设费收缴" in page and "人防工程拆除审批" not in page
    page = client.get("/guides/", {"topic": "拆除"}).content.decode()
    assert "人防工程拆除审批" in page and "易地建设费收缴" not in page
    assert client.get("/guides/", {"level": "nonsense", "page": "x"}).status_code == 200


def test_a_withdrawn_item_disappears_from_the_catalog(client, admin_a, item):
    services.item_set_active(actor=admin_a, item=item, active=False)
    assert client.get("/guides/RF-ZS-004-A/").status_code == 404
    assert "易地建设费收缴" not in client.get("/guides/").content.decode()


def test_a_bundle_page_merges_the_materials(client, admin_a, city_a):
    a = make_item(city_a, actor=admin_a, name="人防工程报建审批")
    b = make_item(city_a, actor=admin_a, name="防空地下室竣工验收备案")
    bundle = services.bundle_create(
        actor=admin_a,
        organisation=city_a,
        code="YJS-1",
        name="民用建筑人防手续一件事",
        items=[a, b],
        promised_limit_days=15,
        is_published=True,
    )
    page = client.get(f"/guides/bundles/{bundle.pk}/").content.decode()
    assert "民用建筑人防手续一件事" in page
    assert page.count("竣工验收报告") == 1  # submitted once for both items
    assert "分别办理合计 20 个工作日" in page
    assert "民用建筑人防手续一件事" in client.get("/guides/").content.decode()
