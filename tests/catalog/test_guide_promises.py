"""A guide says 可免提交 only where the application form really does without the upload
(issue 14): checked on every published guide of the demo catalog, and on its Word download,
its bundle guide and the API."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document
from lxml import html

from tongban.accounts import demo as accounts_demo
from tongban.accounts.models import User
from tongban.catalog import demo as catalog_demo
from tongban.catalog.models import Bundle, ItemVersion, ServiceItem
from tongban.licences import demo as licences_demo

pytestmark = pytest.mark.django_db

OMIT = "可免提交"


@pytest.fixture
def demo_catalog(db):
    """The demo organisations, catalog and licence types, loaded as `tongban demo` does."""
    for loader in (accounts_demo.load, catalog_demo.load, licences_demo.load):
        loader(lambda _msg: None)
    return list(
        ServiceItem.objects.filter(
            is_active=True, current_version__status=ItemVersion.Status.PUBLISHED
        ).select_related("current_version")
    )


@pytest.fixture
def applicant(demo_catalog):
    return User.objects.get(username="ent_zzcj")


def _guide_materials(page: str) -> dict[str, bool]:
    """Material name → whether the guide page marks it 可免提交."""
    tree = html.fromstring(page)
    rows = tree.xpath('//section[@id="materials"]//tbody/tr')
    out = {}
    for row in rows:
        name = row.xpath('string(.//div[contains(@class, "fw-medium")])').strip()
        out[name] = OMIT in row.text_content()
    return out


def _form_requires(page: str) -> dict[str, bool]:
    """Material name → whether the application form's file input insists on an upload."""
    tree = html.fromstring(page)
    out = {}
    for field in tree.xpath('//input[@type="file"][starts-with(@name, "material_")]'):
        label = tree.xpath(f'string(//label[@for="{field.get("id")}"])').strip()
        out[label] = field.get("required") is not None
    return out


def test_every_demo_guide_marks_omittable_only_what_the_application_form_does_not_demand(
    client, demo_catalog, applicant
):
    client.force_login(applicant)
    promised: list[tuple[str, str]] = []
    for item in demo_catalog:
        code = item.implementation_code
        guide = client.get(reverse("guides:item", args=[code]))
        assert guide.status_code == 200, code
        shown = _guide_materials(guide.content.decode())
        assert set(shown) == {m.name for m in item.current_version.materials.all()}, code
        form = client.get(reverse("cases:apply", args=[code]))
        assert form.status_code == 200, code
        requires = _form_requires(form.content.decode())
        for name, omittable in shown.items():
            if omittable:
                promised.append((code, name))
                assert requires[name] is False, f"{code}：指南称“{name}”可免提交，申请表却要求上传"
    names = {name for _code, name in promised}
    # The demo's licence types do stand in for these, so the check above is not vacuous...
    assert {"营业执照", "人防工程建设审批意见书"} <= names
    # ...and nothing supplies these, so no guide may promise them.
    assert "建设工程规划许可证" not in names  # no licence type LIC-JSGCGHXK
    assert "人防工程质量监督报告" not in names  # no provider for SHARE-RFZJ-JDBG


def test_the_word_guide_promises_the_same_as_the_page(client, demo_catalog):
    def source_cells(code: str) -> dict[str, str]:
        response = client.get(reverse("guides:docx", args=[code]))
        doc = Document(io.BytesIO(response.content))
        table = next(t for t in doc.tables if t.rows[0].cells[0].text == "序号")
        return {row.cells[1].text: row.cells[5].text for row in table.rows[1:]}

    permit = source_cells("RF-XK-001-410000")
    assert OMIT not in permit["建设工程规划许可证"]
    registration = source_cells("RF-FW-003-410000")
    assert OMIT in registration["人防工程建设审批意见书"]


def test_the_bundle_guide_promises_only_what_every_item_does_without(client, demo_catalog):
    bundle = Bundle.objects.get(code="YJS-RF-410100-01")
    page = client.get(reverse("guides:bundle", args=[bundle.pk])).content.decode()
    rows = {
        row.xpath("string(td[2])").replace(OMIT, "").strip(): OMIT in row.text_content()
        for row in html.fromstring(page).xpath("//tbody/tr")
    }
    assert rows["人防工程建设审批意见书"] is True
    assert rows["建设工程规划许可证"] is False
    assert rows["人防工程质量监督报告"] is False


def test_the_api_tells_which_materials_can_be_omitted(client, demo_catalog):
    body = client.get("/api/v1/catalog/items/RF-XK-006-410000").json()
    omittable = {m["name"]: m["omittable"] for m in body["materials"]}
    assert omittable == {
        "人防工程设计资质申请表": False,
        "营业执照": True,
        "主要专业技术人员注册证书及社保证明": False,
    }
    body = client.get("/api/v1/catalog/items/RF-XK-001-410000").json()
    permit = next(m for m in body["materials"] if m["name"] == "建设工程规划许可证")
    assert permit["provides_from"] == "LIC-JSGCGHXK" and permit["omittable"] is False


def test_the_demo_standard_guides_do_not_contradict_themselves(admin_user_demo):
    from tongban.catalog import selectors

    flagged = {
        (g.standard.implementation_code, x.element)
        for g in selectors.consistency_report(admin_user_demo)
        if g.standard
        for x in g.standard_contradictions
        if "相矛盾" in x.message
    }
    assert flagged == set()


@pytest.fixture
def admin_user_demo(demo_catalog):
    return User.objects.get(username="admin")
