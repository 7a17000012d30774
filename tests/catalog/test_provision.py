"""Which materials can really be omitted: only those an active licence type stands in for
(licences registers itself as the provider); a `provides_from` that nothing supplies is not
enough for the guide to say 可免提交."""

from __future__ import annotations

import pytest

from tongban.catalog import selectors
from tongban.licences.models import LicenceType

from .factories import make_item, material

pytestmark = pytest.mark.django_db

BADGE = "可免提交：由部门共享或电子证照获取"


@pytest.fixture
def item(admin_a, city_a):
    return make_item(
        city_a,
        actor=admin_a,
        implementation_code="RF-FW-003-A",
        materials=[
            material("人防工程质量监督注册登记表", form="electronic"),
            material("人防工程建设审批意见书", form="electronic", provides_from="LIC-T-RFJSSP"),
        ],
    )


def _omittable_by_name(version) -> dict[str, bool]:
    flags = selectors.omittable_materials(version)
    return {m.name: flags[m.pk] for m in version.materials.all()}


def test_a_source_no_licence_type_supplies_is_not_omittable(client, item):
    assert _omittable_by_name(item.current_version) == {
        "人防工程质量监督注册登记表": False,
        "人防工程建设审批意见书": False,
    }
    assert BADGE not in client.get("/guides/RF-FW-003-A/").content.decode()


def test_an_active_licence_type_makes_the_material_omittable(client, item, province):
    LicenceType.objects.create(
        code="LIC-T-RFJSSP", name="人防工程建设审批意见书", organisation=province
    )
    assert _omittable_by_name(item.current_version) == {
        "人防工程质量监督注册登记表": False,
        "人防工程建设审批意见书": True,
    }
    page = client.get("/guides/RF-FW-003-A/").content.decode()
    assert page.count(BADGE) == 1


def test_an_inactive_licence_type_does_not(item, province):
    LicenceType.objects.create(
        code="LIC-T-RFJSSP", name="人防工程建设审批意见书", organisation=province, is_active=False
    )
    assert not any(_omittable_by_name(item.current_version).values())


def test_the_cached_guide_follows_a_licence_type_added_or_withdrawn_later(client, item, province):
    url = "/guides/RF-FW-003-A/"
    assert BADGE not in client.get(url).content.decode()  # the body is now cached
    lt = LicenceType.objects.create(
        code="LIC-T-RFJSSP", name="人防工程建设审批意见书", organisation=province
    )
    assert BADGE in client.get(url).content.decode()
    lt.is_active = False
    lt.save(update_fields=["is_active"])
    assert BADGE not in client.get(url).content.decode()


def test_the_staff_version_page_shows_the_same_as_the_public_guide(client, item, admin_a, province):
    LicenceType.objects.create(
        code="LIC-T-RFJSSP", name="人防工程建设审批意见书", organisation=province
    )
    client.force_login(admin_a)
    assert BADGE in client.get(f"/catalog/items/{item.pk}/v1/").content.decode()
    assert BADGE in client.get(f"/catalog/items/{item.pk}/").content.decode()


def test_the_word_guide_marks_only_the_supplied_material(client, item, province):
    import io

    from docx import Document

    def sources() -> dict[str, str]:
        doc = Document(io.BytesIO(client.get("/guides/RF-FW-003-A/guide.docx").content))
        table = next(t for t in doc.tables if t.rows[0].cells[0].text == "序号")
        return {r.cells[1].text: r.cells[5].text for r in table.rows[1:]}

    assert not any("可免提交" in s for s in sources().values())
    LicenceType.objects.create(
        code="LIC-T-RFJSSP", name="人防工程建设审批意见书", organisation=province
    )
    found = sources()
    assert "可免提交" in found["人防工程建设审批意见书"]
    assert "可免提交" not in found["人防工程质量监督注册登记表"]
