"""The guide page in a real browser: an applicant finds an item and sees its checklist."""

import pytest

from tests.catalog.factories import make_item

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_an_applicant_finds_a_guide_and_sees_materials_limits_and_downloads(page, admin_a, city_a):
    make_item(city_a, actor=admin_a, implementation_code="RF-BA-002-A")
    page.goto(page.base_url + "/guides/")
    page.fill("input[name=q]", "竣工 验收")
    page.click("button:has-text('搜索')")
    page.click("text=防空地下室竣工验收备案")
    assert page.locator("h1").inner_text() == "防空地下室竣工验收备案"
    facts = page.locator(".fact").all_inner_texts()
    assert any("10 个工作日" in f and "法定 20 个工作日" in f for f in facts)
    assert any("零跑腿" in f for f in facts)
    rows = page.locator("#materials tbody tr").all_inner_texts()
    assert len(rows) == 3 and "委托代理人办理的" in rows[2]
    with page.expect_download() as info:
        page.click("#materials >> text=空白表")
    assert info.value.suggested_filename.endswith(".docx")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
