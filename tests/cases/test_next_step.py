"""The case page always says what happens next (issue 14, item 7): in 待补正 who is waiting, since
when and until when the acceptance clock waits; once decided, the applicant finds the result on
the case page itself: the decision, the e-licence and the rating to give."""

from __future__ import annotations

import datetime as dt

import pytest

from tongban.cases import services
from tongban.cases.models import Status

from ..licences.factories import make_licence_type
from .factories import decide_case

pytestmark = pytest.mark.django_db


def _supplement(case, clerk, version):
    material = version.materials.order_by("order").first()
    return services.case_request_supplement(actor=clerk, case_id=case.pk, items=[
        {"material_id": material.pk, "problem": "缺少盖章页"}], note="请一次补齐。")


def test_during_a_supplement_the_applicant_page_says_the_clock_waits_for_them_article_32(
    client, submit, clerk, version, enterprise_user, pin_today
):
    pin_today(dt.date(2026, 3, 2))
    case = submit()
    pin_today(dt.date(2026, 3, 3))
    _supplement(case, clerk, version)
    client.force_login(enterprise_user)
    page = client.get(f"/cases/mine/{case.pk}/").content.decode()
    assert "下一步" in page
    assert "请您补正材料：2026-03-03 已一次性告知需补正的全部内容" in page
    assert "受理期限在您补正前暂停，自收到补正材料之日起重新计算 5 个工作日" in page
    assert "第三十二条" in page


def test_during_a_supplement_the_staff_action_card_says_the_applicant_is_supplementing(
    client, submit, clerk, version, pin_today
):
    pin_today(dt.date(2026, 3, 2))
    case = submit()
    pin_today(dt.date(2026, 3, 3))
    _supplement(case, clerk, version)
    pin_today(dt.date(2026, 3, 9))
    client.force_login(clerk)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    card = page[page.index("case-actions"):]
    assert "申请人补正中：自 2026-03-03 一次性告知起等待申请人补正材料" in card
    assert "受理期限暂停至收到补正材料之日，自该日起重新计算 5 个工作日" in card
    assert "依法不得再次要求补正" in card


def test_every_status_has_a_next_step_on_both_pages(client, submit, clerk, reviewer, approver, enterprise_user):
    case = submit()
    client.force_login(clerk)
    assert "待窗口受理：请于" in client.get(f"/cases/{case.pk}/").content.decode()
    services.case_accept(actor=clerk, case_id=case.pk)
    client.force_login(enterprise_user)
    assert "审查中：承诺于" in client.get(f"/cases/mine/{case.pk}/").content.decode()
    services.case_submit_review(actor=reviewer, case_id=case.pk, opinion="符合", recommend="approve")
    client.force_login(approver)
    assert "待签批：审查意见已提交" in client.get(f"/cases/{case.pk}/").content.decode()


def test_a_decided_case_shows_its_licence_and_the_rating_link_on_the_applicant_page(
    client, submit, clerk, reviewer, approver, enterprise_user, version, province,
    django_capture_on_commit_callbacks,
):
    make_licence_type(province, base_code=version.item.base_code)
    case = submit()
    with django_capture_on_commit_callbacks(execute=True):
        decide_case(case, clerk=clerk, reviewer=reviewer, approver=approver)
    case.refresh_from_db()
    assert case.status == Status.CONCLUDED
    from tongban.licences.models import Licence

    licence = Licence.objects.get(case=case)
    client.force_login(enterprise_user)
    page = client.get(f"/cases/mine/{case.pk}/").content.decode()
    results = page[page.index("case-results"):]
    assert "办理结果" in page and "准予许可" in results
    assert f'href="/licences/mine/{licence.pk}/"' in results and licence.number in results
    assert f'href="/reviews/rate/case/{case.pk}/"' in results and "评价本次服务" in results
    doc = case.documents.get(kind="approval")
    assert f'href="/cases/{case.pk}/documents/{doc.pk}.pdf"' in results
    assert "将于" in page and "前送达" in page


def test_an_open_case_shows_no_result_card(client, submit, enterprise_user):
    case = submit()
    client.force_login(enterprise_user)
    assert "case-results" not in client.get(f"/cases/mine/{case.pk}/").content.decode()


def test_the_next_step_reads_in_english_when_chosen(client, submit, clerk, version, enterprise_user, settings):
    case = submit()
    _supplement(case, clerk, version)
    client.force_login(enterprise_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/cases/mine/{case.pk}/").content.decode()
    assert "Please supplement your materials" in page and "Article 32" in page
    assert "请您补正材料" not in page
