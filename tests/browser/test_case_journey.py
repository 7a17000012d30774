"""One application from start to finish in a real browser: an enterprise applies online, the
window sends the one supplement notice, the enterprise supplements, the window accepts, the
reviewer forwards, the leader approves, and the enterprise downloads the decision and finds the
signed e-licence, whose QR link verifies it."""

import pytest
from django.core.management import call_command

from tongban.cases.models import Case

from ..cases.factories import PDF
from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("demo", "--quiet")


def logout(page):
    page.click("button:has-text('退出')")


def test_apply_accept_review_approve_download(page, demo, tmp_path):
    scan = tmp_path / "扫描件.pdf"
    scan.write_bytes(PDF)
    login(page, "ent_zzcj")
    page.goto(page.base_url + "/guides/RF-XK-001-410100/")
    page.click("a:has-text('在线申请')")
    page.fill("input[name=project_name]", "浏览器测试住宅项目")
    page.fill("input[name=contact_phone]", "13800138000")
    for field in page.locator("input[type=file][required]").all():
        field.set_input_files(str(scan))
    # 免证可办: the applicant authorises the e-licence lookup instead of uploading that material
    if page.locator("#licence-reuse-ok").count():
        page.check("#licence-reuse-ok")
        page.locator("#licence-reuse-result").get_by_text("验签通过").first.wait_for()
    page.click("button:has-text('提交申请')")
    page.wait_for_load_state()
    assert "申请已提交" in page.content(), page.locator("main").inner_text()
    case = Case.objects.get(project_name="浏览器测试住宅项目")
    assert page.locator("h1").inner_text() == "应建防空地下室的民用建筑项目报建审批"
    logout(page)

    login(page, "zz_clerk")
    page.click(f"text={case.number}")
    page.click("summary:has-text('一次性告知补正')")
    first = case.version.materials.order_by("order").first()
    page.check(f"#sm-{first.pk}")
    page.fill(f"#sp-{first.pk}", "缺少建设单位盖章页")
    page.click("button:has-text('发出补正通知')")
    page.get_by_text("已一次性告知补正。").wait_for()
    logout(page)

    login(page, "ent_zzcj")
    page.goto(page.base_url + f"/cases/mine/{case.pk}/")
    assert "缺少建设单位盖章页" in page.locator("main").inner_text()
    page.set_input_files("input[name^=material_]", str(scan))
    page.click("button:has-text('提交补正材料')")
    page.get_by_text("补正材料已提交").wait_for()
    logout(page)

    login(page, "zz_clerk")
    page.goto(page.base_url + f"/cases/{case.pk}/")
    assert "已补正过一次，不得再次要求补正" in page.locator("main").inner_text()
    page.click("button:has-text('受理并出具受理通知书')")
    page.get_by_text("已受理。").wait_for()  # the action form is htmx-boosted
    assert "受理通知书" in page.locator("main").inner_text()
    logout(page)

    login(page, "zz_reviewer")
    page.goto(page.base_url + f"/cases/{case.pk}/")
    page.fill("textarea[name=opinion]", "符合条件，建议准予许可。")
    page.click("button:has-text('提交签批')")
    page.get_by_text("已提交审查意见。").wait_for()
    logout(page)

    login(page, "zz_approver")
    page.goto(page.base_url + f"/cases/{case.pk}/")
    page.click("button:has-text('签批')")
    page.get_by_text("已作出决定。").wait_for()
    assert "已办结·准予许可" in page.locator("main").inner_text()
    logout(page)

    login(page, "ent_zzcj")
    page.goto(page.base_url + f"/cases/mine/{case.pk}/")
    assert "准予行政许可决定书" in page.content()
    with page.expect_download() as info:
        page.locator("li:has-text('准予行政许可决定书') >> text=PDF").click()
    assert info.value.suggested_filename.endswith(".pdf")
    case.refresh_from_db()
    assert case.status == "concluded" and case.decision == "approve"

    # The approval issued a signed e-licence; its QR link opens the public verification page.
    from tongban.licences.models import Licence

    licence = Licence.objects.get(case=case)
    page.goto(page.base_url + "/licences/mine/")
    assert licence.number in page.locator("main").inner_text()
    logout(page)
    page.goto(page.base_url + f"/licences/check/{licence.verify_code}/")
    assert "有效" in page.locator("main").inner_text()
