"""整治台账 in a real browser: an anonymous survey answer becomes a problem, the lead office
assigns it, the lead unit gives evidence and asks for close-out, the responsible leader signs,
and the public list shows it closed."""

import datetime as dt

import pytest

from tongban.accounts.models import Organisation, Role
from tongban.ledger.models import Problem
from tongban.ledger.services import campaign_create, consult

from ..factories import OrganisationFactory, StaffFactory
from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Secret-pass-123"


@pytest.fixture
def setting(transactional_db):
    city = OrganisationFactory(name="甲市人防办")
    dept = OrganisationFactory(name="审批科", parent=city, kind=Organisation.Kind.DEPARTMENT)
    office = StaffFactory(username="b_office", organisation=city, roles=[Role.SUPERVISOR])
    StaffFactory(username="b_leader", real_name="主任甲", organisation=city, roles=[Role.APPROVER])
    StaffFactory(username="b_clerk", organisation=dept, roles=[Role.CLERK])
    today = dt.date.today()
    campaign = campaign_create(actor=office, title="优化营商环境专项整治", code="BJ", lead_office_id=city.pk,
                               superior="省整治组", starts_on=today, finding_until=today + dt.timedelta(days=30),
                               rectifying_until=today + dt.timedelta(days=90), rules_until=today + dt.timedelta(days=120),
                               ends_on=today + dt.timedelta(days=150), publish_list=True)
    survey = consult.survey_create(actor=office, title="营商环境问卷", campaign_id=campaign.pk,
                                   closes_on=today + dt.timedelta(days=10),
                                   questions=[{"kind": "text", "text": "您遇到的问题"}])
    return campaign, survey, dept


def logout(page):
    page.click("button:has-text('退出')")


def test_a_survey_answer_becomes_a_problem_that_is_closed_and_published(page, setting):
    campaign, survey, dept = setting
    page.goto(page.base_url + f"/ledger/s/{survey.pk}/")
    page.fill("textarea", "竣工验收备案要跑三趟")
    page.click("button:has-text('提交')")
    assert "提交成功" in page.locator("main").inner_text()

    login(page, "b_office", PASSWORD)
    page.goto(page.base_url + f"/ledger/surveys/{survey.pk}/")
    page.click("button:has-text('转为问题')")
    page.wait_for_load_state()
    problem = Problem.objects.get(title="竣工验收备案要跑三趟")
    assert problem.number in page.locator("main").inner_text()
    page.fill("#a-m", "推行容缺受理，一次办结")
    page.select_option("#a-u", label=f"甲市人防办 · {dept.name}")
    page.fill("#a-d", "5")
    page.click("button:has-text('交办')")
    page.wait_for_load_state()
    assert "整改任务已交办" in page.locator("main").inner_text()
    logout(page)

    login(page, "b_clerk", PASSWORD)
    page.goto(page.base_url + f"/ledger/problem/{problem.pk}/")
    page.fill("#e-n", "已实行容缺受理")
    page.click("button:has-text('提交佐证')")
    page.wait_for_load_state()
    page.fill("#s-s", "整改完成")
    page.click("button:has-text('申请销号')")
    page.wait_for_load_state()
    assert "待责任领导签批" in page.locator("main").inner_text()
    logout(page)

    login(page, "b_leader", PASSWORD)
    page.goto(page.base_url + "/ledger/signoff/")
    page.click(f"text={problem.number}")
    page.click("button:has-text('同意销号')")
    page.wait_for_load_state()
    assert "已同意销号" in page.locator("main").inner_text()

    page.goto(page.base_url + f"/ledger/public/{campaign.pk}/")
    text = page.locator("main").inner_text()
    assert "竣工验收备案要跑三趟" in text and "已销号" in text and "主任甲" not in text
