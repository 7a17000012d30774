"""《行政许可法》第四十二条: 二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日，并应当
将延长期限的理由告知申请人. The handler asks while the legal period runs; a different head of the
agency approves or refuses; the applicant gets the written notice with the new due date."""

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.accounts.models import Role
from tongban.cases import documents, services
from tongban.cases.models import Case, Document, Extension, Status
from tongban.cases.state import Action, available_actions
from tongban.catalog.documents import find_cjk_font
from tongban.core.calendar import WorkCalendar
from tongban.core.errors import Conflict
from tongban.core.inbox import counts_for, items_for
from tongban.core.models import AuditEvent, Notification

from ..factories import StaffFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def head_b(city_a):
    """A second head of the agency: the one who decides when the first one asked."""
    return StaffFactory(username="c_approver_2", organisation=city_a, roles=[Role.APPROVER])


@pytest.fixture
def accepted(submit, clerk, pin_today):
    """A case accepted on Wednesday 3 Sep 2025: its twenty working days end on 30 Sep, the day
    before the National Day holiday (1-8 Oct; Sunday 28 Sep and Saturday 11 Oct are worked)."""
    pin_today(D(2025, 9, 3))
    case = services.case_accept(actor=clerk, case_id=submit().pk)
    assert case.legal_due == D(2025, 9, 30) and case.promised_due == WorkCalendar.default().add_workdays(
        D(2025, 9, 3), 10)
    return case


def test_article_42_a_request_after_the_legal_period_has_run_out_is_refused(accepted, reviewer, pin_today):
    pin_today(D(2025, 10, 9))  # the first working day after 30 Sep 24:00
    case = Case.objects.get(pk=accepted.pk)
    assert Action.REQUEST_EXTENSION not in available_actions(reviewer, case)
    with pytest.raises(Conflict) as refused:
        services.case_extension_request(actor=reviewer, case_id=case.pk, reason="需征求规划部门意见")
    message = refused.value.message
    assert "第四十二条" in message and "2025-09-30" in message and "不能再申请延期" in message
    assert not Extension.objects.exists()
    assert Case.objects.get(pk=case.pk).row_version == case.row_version


def test_article_42_a_request_on_the_last_day_of_the_legal_period_is_taken(accepted, reviewer, pin_today):
    pin_today(D(2025, 9, 30))  # the period ends at 24:00 today
    assert Action.REQUEST_EXTENSION in available_actions(reviewer, Case.objects.get(pk=accepted.pk))
    request = services.case_extension_request(actor=reviewer, case_id=accepted.pk, reason="需征求规划部门意见")
    assert request.status == Extension.Status.PENDING and request.legal_due_before == D(2025, 9, 30)


def test_article_42_nobody_approves_their_own_request(accepted, approver, head_b, pin_today):
    pin_today(D(2025, 9, 25))
    services.case_extension_request(actor=approver, case_id=accepted.pk, reason="需组织专家论证")
    case = Case.objects.get(pk=accepted.pk)
    assert Action.DECIDE_EXTENSION not in available_actions(approver, case)
    assert Action.DECIDE_EXTENSION in available_actions(head_b, case)
    with pytest.raises(PermissionDenied, match=r"第四十二条.*不能审批自己提出的延期申请"):
        services.case_extension_decide(actor=approver, case_id=case.pk, approve=True)
    assert Extension.objects.get().status == Extension.Status.PENDING
    assert Case.objects.get(pk=case.pk).legal_due == D(2025, 9, 30)
    request = services.case_extension_decide(actor=head_b, case_id=case.pk, approve=True, note="同意延期")
    assert (request.requested_by, request.decided_by) == (approver, head_b)


def test_article_42_one_open_request_at_a_time(accepted, reviewer, approver, pin_today):
    pin_today(D(2025, 9, 22))
    services.case_extension_request(actor=reviewer, case_id=accepted.pk, reason="需征求规划部门意见")
    with pytest.raises(Conflict, match="待负责人审批"):
        services.case_extension_request(actor=approver, case_id=accepted.pk, reason="再申请一次")
    assert Extension.objects.count() == 1


def test_article_42_approval_moves_the_legal_due_date_by_ten_working_days_across_national_day(
    accepted, reviewer, approver, pin_today
):
    pin_today(D(2025, 9, 29))
    services.case_extension_request(actor=reviewer, case_id=accepted.pk, reason="需征求规划部门意见")
    pin_today(D(2025, 9, 30))
    promised_before = Case.objects.get(pk=accepted.pk).promised_due
    services.case_extension_decide(actor=approver, case_id=accepted.pk, approve=True, note="同意")
    case = Case.objects.get(pk=accepted.pk)
    # 9, 10, 11 (Saturday, worked), 13-17, 20, 21 October: holidays and the rest day skipped
    assert case.legal_due == D(2025, 10, 21) == WorkCalendar.default().add_workdays(D(2025, 9, 30), 10)
    assert case.extension_days == 10
    assert case.promised_due == promised_before  # by default the promise stays the agency's own
    assert Action.REQUEST_EXTENSION not in available_actions(reviewer, case)  # once per case
    request = Extension.objects.get()
    assert request.status == "approved" and request.legal_due_after == D(2025, 10, 21)
    # both people are on record: the rows, the audit trail and the case's history
    assert (request.requested_by, request.decided_by, request.decided_on) == (reviewer, approver, D(2025, 9, 30))
    audit = {e.action: e.actor for e in AuditEvent.objects.filter(object_id=str(case.pk), action__contains="extension")}
    assert audit == {"case.request_extension": reviewer, "case.approve_extension": approver}
    steps = [(t.action, t.actor) for t in case.transitions.filter(action__contains="extension")]
    assert steps == [("request_extension", reviewer), ("approve_extension", approver)]


def test_the_promised_date_moves_with_the_legal_one_only_when_the_item_says_so(
    accepted, reviewer, approver, pin_today, version
):
    version.extension_moves_promised = True
    version.save(update_fields=["extension_moves_promised"])
    pin_today(D(2025, 9, 12))
    promised_before = Case.objects.get(pk=accepted.pk).promised_due
    services.case_extension_request(actor=reviewer, case_id=accepted.pk, reason="需征求规划部门意见", days=5)
    services.case_extension_decide(actor=approver, case_id=accepted.pk, approve=True)
    case = Case.objects.get(pk=accepted.pk)
    cal = WorkCalendar.default()
    assert case.promised_due == cal.add_workdays(promised_before, 5)
    assert case.legal_due == cal.add_workdays(D(2025, 9, 30), 5)
    assert case.promised_extension_days == 5 and Extension.objects.get().moves_promised
    # the public progress query shows the promised limit with its extension ("N+5")
    from tongban.cases.selectors import public_progress

    shown = public_progress(case.number, case.query_code)
    assert shown["promised_extension_days"] == 5


def test_an_item_whose_law_allows_another_length_is_kept(accepted, reviewer, pin_today, version):
    version.extension_limit_days = 15
    version.save(update_fields=["extension_limit_days"])
    pin_today(D(2025, 9, 12))
    with pytest.raises(ValidationError, match="1 至 15 个工作日"):
        services.case_extension_request(actor=reviewer, case_id=accepted.pk, reason="需检测", days=16)
    request = services.case_extension_request(actor=reviewer, case_id=accepted.pk, reason="需检测")
    assert request.days == 15


def test_the_applicant_receives_the_numbered_notice_with_the_new_due_date(
    accepted, reviewer, approver, enterprise_user, pin_today, client, django_capture_on_commit_callbacks
):
    pin_today(D(2025, 9, 29))
    services.case_extension_request(actor=reviewer, case_id=accepted.pk, reason="需征求规划部门意见")
    pin_today(D(2025, 9, 30))
    with django_capture_on_commit_callbacks(execute=True):
        services.case_extension_decide(actor=approver, case_id=accepted.pk, approve=True)
    doc = Document.objects.get(case=accepted, kind=Document.Kind.EXTENSION)
    assert "延〔2025〕" in doc.number and doc.number.endswith("号") and doc.issued_on == D(2025, 9, 30)
    text = "".join(documents.paragraphs(doc))
    assert "第四十二条" in text and "2025年10月21日" in text and "需征求规划部门意见" in text
    assert Notification.objects.filter(recipient=enterprise_user, title__contains="至 2025-10-21").exists()
    client.force_login(enterprise_user)
    page = client.get(f"/cases/mine/{accepted.pk}/").content.decode()
    assert "法定办结期限至 2025-10-21" in page and doc.number in page
    assert "申请延长审批期限" not in page  # the agency's deliberation is not the applicant's page
    if find_cjk_font() is not None:
        from pypdf import PdfReader

        body = client.get(f"/cases/{accepted.pk}/documents/{doc.pk}.pdf").content
        pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).replace("\x00", "")
        assert "延长审批期限告知书" in pdf_text and "2025年10月21日" in pdf_text


def test_a_refusal_needs_reasons_tells_the_handler_and_a_new_request_may_follow(
    accepted, reviewer, approver, pin_today, django_capture_on_commit_callbacks
):
    pin_today(D(2025, 9, 15))
    services.case_extension_request(actor=reviewer, case_id=accepted.pk, reason="材料复杂")
    with pytest.raises(ValidationError, match="不批准延期须写明理由"):
        services.case_extension_decide(actor=approver, case_id=accepted.pk, approve=False, note=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_extension_decide(actor=approver, case_id=accepted.pk, approve=False, note="期限内可以办结")
    case = Case.objects.get(pk=accepted.pk)
    assert case.legal_due == D(2025, 9, 30) and not case.documents.filter(kind="extension").exists()
    assert Notification.objects.filter(recipient=reviewer, title__contains="未获批准").exists()
    assert Action.REQUEST_EXTENSION in available_actions(reviewer, case)


def test_approval_after_the_legal_period_has_run_out_is_refused(accepted, reviewer, approver, pin_today):
    """The head approves within the period too (期限届满前经负责人批准); refusing stays possible."""
    pin_today(D(2025, 9, 30))
    services.case_extension_request(actor=reviewer, case_id=accepted.pk, reason="材料复杂")
    pin_today(D(2025, 10, 9))
    with pytest.raises(Conflict, match=r"第四十二条.*不能再批准延期"):
        services.case_extension_decide(actor=approver, case_id=accepted.pk, approve=True)
    assert Extension.objects.get().status == "pending"


def test_a_decided_case_leaves_no_request_open(accepted, reviewer, approver, pin_today):
    pin_today(D(2025, 9, 10))
    services.case_extension_request(actor=reviewer, case_id=accepted.pk, reason="材料复杂")
    services.case_submit_review(actor=reviewer, case_id=accepted.pk, opinion="符合", recommend="approve")
    services.case_decide(actor=approver, case_id=accepted.pk, decision="approve", reasons="")
    assert Extension.objects.get().status == "lapsed"
    assert counts_for(approver, items_for(approver))["total"] == 0


def test_the_approver_inbox_lists_pending_requests_with_counts_from_the_same_query(
    accepted, reviewer, approver, head_b, pin_today
):
    pin_today(D(2025, 9, 10))
    services.case_extension_request(actor=approver, case_id=accepted.pk, reason="需组织专家论证")
    mine = [i for i in items_for(approver) if i.provider == "cases_extensions"]
    theirs = [i for i in items_for(head_b) if i.provider == "cases_extensions"]
    assert mine == [] and len(theirs) == 1 and "延期申请" in theirs[0].title
    assert theirs[0].url == f"/cases/{accepted.pk}/"
    assert counts_for(head_b, items_for(head_b))["total"] >= 1
    assert items_for(reviewer) == [i for i in items_for(reviewer) if i.provider != "cases_extensions"]


def test_the_case_page_offers_the_request_to_the_handler_and_the_decision_to_the_head(
    accepted, reviewer, approver, pin_today, client
):
    pin_today(D(2025, 9, 10))
    client.force_login(reviewer)
    page = client.get(f"/cases/{accepted.pk}/").content.decode()
    assert f"/cases/{accepted.pk}/act/request_extension/" in page and "2025-09-30 24:00 前提出" in page
    response = client.post(f"/cases/{accepted.pk}/act/request_extension/",
                           {"reason": "需征求规划部门意见", "days": "10"}, follow=True)
    assert "延期申请已提交" in response.content.decode()
    client.force_login(approver)
    page = client.get(f"/cases/{accepted.pk}/").content.decode()
    assert "延期申请待您审批" in page and "需征求规划部门意见" in page
    response = client.post(f"/cases/{accepted.pk}/act/decide_extension/", {"approve": "1", "note": "同意"}, follow=True)
    page = response.content.decode()
    assert "已批准延期" in page and "新法定届满日" in page and "承诺时限不变" in page
    assert Case.objects.get(pk=accepted.pk).status == Status.REVIEW


def test_the_api_asks_and_decides_and_the_old_operation_says_where_to_go(
    accepted, reviewer, approver, head_b, client, pin_today
):
    pin_today(D(2025, 9, 10))
    client.force_login(approver)
    response = client.post(f"/api/v1/cases/{accepted.pk}/extend", json.dumps({"reason": "x"}),
                           content_type="application/json")
    assert response.status_code == 410
    assert "case_extension_request" in response.json()["message"] and "第四十二条" in response.json()["message"]
    client.force_login(reviewer)
    response = client.post(f"/api/v1/cases/{accepted.pk}/extension-request", json.dumps({"reason": "需论证"}),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["extensions"][0]["status"] == "pending"
    response = client.post(f"/api/v1/cases/{accepted.pk}/extension-decision", json.dumps({"approve": True}),
                           content_type="application/json")
    assert response.status_code == 403  # a reviewer is not the head of the agency
    client.force_login(head_b)
    response = client.post(f"/api/v1/cases/{accepted.pk}/extension-decision",
                           json.dumps({"approve": True, "note": "同意"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["legal_due"] == "2025-10-21"
    assert response.json()["extensions"][0]["decided_by"] == head_b.display_name


def test_the_guide_says_whether_an_extension_moves_the_promised_limit(client, version):
    url = f"/guides/{version.item.implementation_code}/"
    assert "延期只延长法定时限，承诺时限不变" in client.get(url).content.decode()
    from django.core.cache import cache

    version.extension_moves_promised = True
    version.save(update_fields=["extension_moves_promised"])
    cache.clear()  # published guides are cached; a published version does not change in real life
    assert "延期同时顺延承诺时限" in client.get(url).content.decode()
