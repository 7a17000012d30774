"""An inspection's hand-over becomes a published penalty decision (行政执法), in a real browser:
the head registers it, two certified officers record and propose from the baseline, the notice
is delivered, the legal reviewer agrees, the head decides, the officer delivers and publishes."""

import datetime as dt

import pytest
from django.core.management import call_command

from tongban.accounts.models import Enterprise, Organisation, User
from tongban.enforcement.models import EnforcementCase
from tongban.enforcement.services import case_from_handover

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("demo", "--quiet")


def logout(page):
    page.click("button:has-text('退出')")


def _act(page, button):
    page.click(f"button:has-text('{button}')")
    page.wait_for_load_state()


def test_hand_over_to_published_decision(page, demo, settings):
    day = dt.date.today()
    settings.TONGBAN_TODAY = day
    ent = Enterprise.objects.get(name="河南安平人防工程监理有限公司")
    officers = list(User.objects.filter(username__in=["zz_inspector", "zz_inspector2"]).values_list("pk", flat=True))
    case = case_from_handover(9001, {
        "org_id": Organisation.objects.get(code="ZZ-ZJZ").pk, "subject_uscc": ent.uscc, "subject_name": ent.name,
        "subject_address": "郑州市金水区", "findings": "擅自拆除人防工程隔墙", "inspected_on": day,
        "task_number": "CJ-TEST", "result_number": "JG-TEST-1", "inspector_user_ids": officers})
    url = page.base_url + f"/enforcement/{case.pk}/"

    login(page, "zz_approver")
    page.goto(url)
    _act(page, "批准立案")
    logout(page)

    login(page, "zz_inspector")
    page.goto(url)
    page.fill("#x-rc", "现场检查：地下一层人防隔墙已拆除约 80 平方米。")
    _act(page, "保存记录")
    page.select_option("#x-pi", label="擅自拆除人民防空工程（ZZ-RF-CL v1）")
    _act(page, "计算建议并拟定")
    assert "ZZ-RF-CL v1" in page.locator("main").inner_text()
    _act(page, "制作行政处罚事先告知书")
    _act(page, "登记告知书送达")
    assert "第四十五条" in page.locator("main").inner_text()  # the statement period still runs
    logout(page)

    settings.TONGBAN_TODAY = day + dt.timedelta(days=15)
    login(page, "zz_legal")
    page.goto(url)
    page.fill("#x-lr", "事实清楚，证据确凿，适用裁量基准一般情形。")
    _act(page, "出具法制审核意见书")
    logout(page)

    login(page, "zz_approver")
    page.goto(url)
    _act(page, "作出行政处罚决定")
    logout(page)

    login(page, "zz_inspector")
    page.goto(url)
    _act(page, "登记送达（送达回证）")
    _act(page, "公示处罚决定（双公示）")
    case = EnforcementCase.objects.get(pk=case.pk)
    assert case.published_on and case.decision_number
    logout(page)

    page.goto(page.base_url + "/enforcement/public/decisions/")
    assert case.decision_number in page.locator("main").inner_text()
