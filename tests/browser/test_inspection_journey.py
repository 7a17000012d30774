"""双随机一公开 in a real browser: the office plans and commits a draw, two people fix the seed,
the head approves, an inspector issues the notice and records on a phone, publishes, and the
public sees the result."""

import pytest

from tongban.accounts.models import Role
from tongban.core import timeutil
from tongban.inspections.models import AnnualPlan, Inspection

from ..factories import StaffFactory
from ..inspections.factories import enterprise_objects, inspector, make_item
from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Secret-pass-123"


@pytest.fixture
def office(city_a):
    admin = StaffFactory(username="j_admin", organisation=city_a, roles=[Role.ADMIN])
    StaffFactory(username="j_head", organisation=city_a, roles=[Role.APPROVER])
    StaffFactory(username="j_witness", organisation=city_a, roles=[Role.SUPERVISOR])
    for name in ("甲执法", "乙执法", "丙执法"):
        inspector(city_a, name)
    enterprise_objects(admin, city_a, 2)
    make_item(admin, city_a)
    return city_a


def logout(page):
    page.click("button:has-text('退出')")


def test_plan_draw_approve_notice_record_publish(page, office):
    today = timeutil.today().isoformat()
    login(page, "j_admin", PASSWORD)
    page.goto(page.base_url + "/inspections/")
    page.fill("#p-title", "年度双随机抽查计划")
    page.click("button:has-text('新建年度计划')")
    page.fill("#t-name", "维护管理专项抽查")
    page.fill("#t-start", today)
    page.fill("#t-end", today)
    page.fill("#r-medium", "0.5")
    page.click("button:has-text('创建任务')")
    page.get_by_text("抽查任务已创建。").wait_for()
    task_url = page.url
    page.goto(page.base_url + f"/inspections/plans/{AnnualPlan.objects.get().pk}/")
    page.click("button:has-text('报备上级机关')")
    page.goto(task_url)
    page.click("button:has-text('冻结名单并公布抽取承诺')")
    page.fill("input[name=numbers]", "07,15,23")
    page.fill("input[name=source]", "福利彩票开奖号码")
    page.fill("input[name=announced_on]", today)
    page.click("button:has-text('录入')")
    page.get_by_text("公开号码已录入。").wait_for()
    logout(page)

    login(page, "j_witness", PASSWORD)
    page.goto(task_url)
    page.fill("input[name=numbers]", "07,15,23")
    page.click("button:has-text('复核确认并抽取')")
    page.get_by_text("号码已复核，抽取完成。").wait_for()
    logout(page)

    insp = Inspection.objects.get()
    login(page, "j_head", PASSWORD)
    page.goto(page.base_url + "/inspections/approvals/")
    page.click(f"a:has-text('{insp.object.name}')")
    page.click("button:has-text('批准检查')")
    page.get_by_text("已批准检查。").wait_for()
    logout(page)

    page.set_viewport_size({"width": 390, "height": 844})  # on site, on a phone
    member = insp.members.first().user
    login(page, member.username, PASSWORD)
    page.goto(page.base_url + "/inspections/mine/")
    page.click(f"a:has-text('{insp.object.name}')")
    page.click("button:has-text('出具检查通知书')")
    page.get_by_text("检查通知书已出具。").wait_for()
    page.fill("#r-items", "人防工程维护管理制度")
    page.fill("#r-signed", "高建国")
    page.check("#r-confirm")
    page.click("button:has-text('提交检查记录')")
    page.get_by_text("检查记录已提交。").wait_for()
    page.click("button:has-text('公示结果')")
    page.get_by_text("结果已公示。").wait_for()
    logout(page)

    page.goto(page.base_url + f"/inspections/public/tasks/{insp.task_id}/")
    assert insp.object.name in page.locator("main").inner_text()
    assert "未发现问题" in page.locator("main").inner_text()
