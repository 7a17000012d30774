"""A penalty is decided and published as a credit record; the enterprise sees the day it may ask
for repair, applies with evidence once that day comes, and the credit administrator approves it
(信用修复), in a real browser. The record is made through credit's service from the publicity
summary enforcement sends (the enforcement module is merged separately)."""

import datetime as dt

import pytest

from tests.credit.factories import penalty_record
from tests.factories import EnterpriseUserFactory, OrganisationFactory, StaffFactory
from tongban.accounts.models import Role
from tongban.credit.models import RecordStatus

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Secret-pass-123"


def test_penalty_published_then_repaired(page, settings, tmp_path):
    settings.TONGBAN_TODAY = dt.date(2026, 6, 10)
    org = OrganisationFactory(name="郑州市人民防空办公室")
    firm = EnterpriseUserFactory(username="jfirm", enterprise__name="郑州城建置业有限公司")
    StaffFactory(username="jcredit", organisation=org, roles=[Role.CREDIT_ADMIN])
    record = penalty_record(org, uscc=firm.enterprise.uscc, name=firm.enterprise.name, decided_on=dt.date(2026, 6, 1))

    login(page, "jfirm", PASSWORD)
    page.goto(page.base_url + "/credit/mine/")
    main = page.locator("main").inner_text()
    assert "2026-09-01" in main and "最短公示期届满后可申请信用修复" in main

    settings.TONGBAN_TODAY = dt.date(2026, 9, 1)
    page.reload()
    page.click("a.repair-link")
    page.fill("#f-corrected", "已按要求补建防空地下室并通过验收")
    page.fill("#f-paid", "罚款已于 2026 年 6 月 20 日缴纳")
    page.fill("#f-commit", "今后严格遵守人防法律法规")
    evidence = tmp_path / "缴款凭证.pdf"
    from tests.credit.factories import pdf

    evidence.write_bytes(pdf().read())
    page.set_input_files("#f-evidence", str(evidence))
    page.click("button:has-text('提交申请')")
    page.wait_for_load_state()
    assert "修复申请" in page.locator("main").inner_text()
    page.click("button:has-text('退出')")

    login(page, "jcredit", PASSWORD)
    page.goto(page.base_url + "/credit/queue/")
    page.fill("input[name=reasons]", "整改到位，罚款已缴纳")
    page.click("button:has-text('准予修复')")
    page.wait_for_load_state()
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED
    page.click("button:has-text('退出')")

    login(page, "jfirm", PASSWORD)
    page.goto(page.base_url + "/credit/mine/")
    assert "已修复" in page.locator("main").inner_text()
