"""A citizen files a complaint, the responsible unit accepts and answers it, and the citizen
records the callback and rates the service (有诉即办 → 好差评), in a real browser."""

import pytest
from django.core.management import call_command

from tongban.appeals.models import Appeal
from tongban.reviews.models import Rating

from .conftest import htmx_settled, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("demo", "--quiet")


def logout(page):
    page.click("button:has-text('退出')")


def test_complaint_is_handled_answered_and_rated(page, demo):
    login(page, "citizen_zhang")
    page.goto(page.base_url + "/appeals/new/")
    page.check("#k-complaint")
    page.fill("#f-content", "浏览器测试：在郑州市政务服务中心人防窗口办理防空地下室竣工验收备案，窗口要求重复提交已上传的材料。")
    # The place by name: choosing a city lists its counties (htmx asks the server).
    page.select_option("#f-province", label="河南省")
    page.locator("#f-city option[value='410100']").wait_for(state="attached")
    htmx_settled(page)
    page.select_option("#f-city", label="郑州市")
    page.locator("#f-county option[value='410102']").wait_for(state="attached")
    htmx_settled(page)
    page.select_option("#f-county", label="中原区")
    if page.locator("#f-phone").count() and not page.input_value("#f-phone"):
        page.fill("#f-phone", "13800138000")
    page.click("button:has-text('提交诉求')")
    page.wait_for_load_state()
    appeal = Appeal.objects.filter(content__startswith="浏览器测试").get()
    assert appeal.number in page.locator("main").inner_text()
    # 中原区 has no one to handle it in the demo, so it went to the city, and the citizen sees so.
    assert appeal.division_name == "河南省郑州市中原区" and appeal.organisation.agency().code == "ZZ"
    assert "已分派至 郑州市人民防空办公室" in page.locator("main").inner_text()
    logout(page)

    login(page, "zz_clerk")
    page.goto(page.base_url + f"/appeals/{appeal.pk}/")
    if page.locator("button:has-text('确认受理')").count():
        page.click("button:has-text('确认受理')")
        page.wait_for_load_state()
    page.fill("#reply-body", "经核查，窗口已改为通过共享获取已上传材料，不再要求重复提交，并对窗口人员进行了提醒。")
    page.click("button:has-text('答复')")
    page.wait_for_load_state()
    appeal.refresh_from_db()
    assert appeal.status in ("replied", "closed")
    logout(page)

    login(page, "citizen_zhang")
    page.goto(page.base_url + f"/appeals/mine/{appeal.pk}/")
    assert "不再要求重复提交" in page.locator("main").inner_text()
    # One satisfaction form: the 好差评 rating is also the appeal's callback.
    assert page.locator("input[name=satisfaction]").count() == 0
    page.click("a:has-text('评价本次服务')")
    page.click("label[for=lv-5]")  # Bootstrap button-style radio
    page.click("button:has-text('提交评价')")
    page.wait_for_load_state()
    assert Rating.objects.filter(appeal=appeal, level=5).exists()
    appeal.refresh_from_db()
    assert appeal.status == "closed" and appeal.callbacks.get().satisfaction == "satisfied"
