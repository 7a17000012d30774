"""The whole statutory flow through the services, and each rule of the law."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404

from tongban.cases import services
from tongban.cases.models import Case, Document, Status, Transition
from tongban.cases.sweep import run_sweep
from tongban.core.calendar import WorkCalendar
from tongban.core.errors import Conflict
from tongban.core.models import Attachment, AuditEvent, Notification

from ..core.test_attachments import (
    document_javascript,
    embedded_file,
    html_after_a_pdf_start,
    page_additional_action,
)
from .factories import blank_pdf, pdf

pytestmark = pytest.mark.django_db
D = dt.date


def test_full_lifecycle_with_pause_and_extension(
    submit, clerk, reviewer, approver, enterprise_user, pin_today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _lifecycle(submit, clerk, reviewer, approver, enterprise_user, pin_today)
    titles = list(Notification.objects.filter(recipient=enterprise_user).values_list("title", flat=True))
    assert any("已受理" in t for t in titles) and any("准予许可" in t for t in titles), titles


def _lifecycle(submit, clerk, reviewer, approver, enterprise_user, pin_today):
    cal = WorkCalendar.default()
    pin_today(D(2025, 9, 22))
    case = submit()
    assert case.status == Status.SUBMITTED and case.number.startswith(f"{case.organisation.code}-20250922-")
    assert len(case.query_code) == 6
    assert case.acceptance_due == D(2025, 9, 28)  # 5 working days; Sunday 28th is worked
    assert case.materials.count() == 2

    pin_today(D(2025, 9, 24))
    case = services.case_accept(actor=clerk, case_id=case.pk)
    assert case.status == Status.REVIEW and case.accepted_on == D(2025, 9, 24)
    assert case.promised_due == cal.add_workdays(D(2025, 9, 24), 10) == D(2025, 10, 14)
    assert case.legal_due == cal.add_workdays(D(2025, 9, 24), 20)

    pin_today(D(2025, 10, 9))
    case = services.case_pause(actor=reviewer, case_id=case.pk, kind="inspection", reason="现场勘验防护单元")
    assert case.status == Status.PAUSED
    pin_today(D(2025, 10, 14))  # Friday 10th, Saturday 11th (worked), Monday 13th, Tuesday 14th
    case = services.case_resume(actor=reviewer, case_id=case.pk, findings="符合设计要求")
    assert case.status == Status.REVIEW and case.paused_days == 4
    assert case.promised_due == cal.add_workdays(D(2025, 10, 14), 4)

    services.case_extension_request(actor=reviewer, case_id=case.pk, reason="需征求规划部门意见")
    services.case_extension_decide(actor=approver, case_id=case.pk, approve=True, note="同意")
    case = Case.objects.get(pk=case.pk)
    assert case.extension_days == 10
    assert case.legal_due == cal.add_workdays(D(2025, 9, 24), 20 + 10 + 4)
    assert case.promised_due == cal.add_workdays(D(2025, 10, 14), 4)  # the item keeps its promise

    case = services.case_submit_review(actor=reviewer, case_id=case.pk, opinion="符合条件", recommend="approve")
    assert case.status == Status.DECISION
    pin_today(D(2025, 10, 16))
    case = services.case_decide(actor=approver, case_id=case.pk, decision="approve", reasons="")
    assert case.status == Status.CONCLUDED and case.decision == "approve"
    assert case.days_used == cal.workdays_between(D(2025, 9, 24), D(2025, 10, 16)) - 4
    case = services.case_deliver(actor=clerk, case_id=case.pk)
    assert case.status == Status.DELIVERED

    kinds = list(case.documents.values_list("kind", flat=True))
    assert kinds == ["acceptance", "exclusion", "extension", "approval"]
    actions = list(Transition.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["submit", "accept", "pause", "resume", "request_extension", "approve_extension",
                       "submit_review", "decide", "deliver"]
    assert AuditEvent.objects.filter(action__startswith="case.", object_id=str(case.pk)).count() == 9


def test_resubmitting_the_same_form_makes_one_case(enterprise_user, version):
    files = {str(m.pk): pdf() for m in version.materials.all()}
    data = {"contact_name": "王经理", "contact_phone": "13800138000"}
    first = services.case_submit(actor=enterprise_user, version=version, data=data, files=files, submission_key="k1")
    files = {str(m.pk): pdf() for m in version.materials.all()}
    again = services.case_submit(actor=enterprise_user, version=version, data=data, files=files, submission_key="k1")
    assert first.pk == again.pk and Case.objects.count() == 1


def test_missing_material_and_bad_phone_are_refused_and_nothing_is_made(enterprise_user, version):
    with pytest.raises(ValidationError) as exc:
        services.case_submit(actor=enterprise_user, version=version, data={"contact_name": "王", "contact_phone": "12ab"},
                             files={}, submission_key="k2")
    messages = exc.value.message_dict
    assert "联系电话应为 7-12 位数字。" in messages["contact_phone"]
    assert any("请上传“建设工程规划许可证”" in m for v in messages.values() for m in v)
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100, "可执行程序"),
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "网页或脚本"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024 + 1), "文件过大"),
        ("empty.pdf", b"", "空的"),
        ("script.pdf", document_javascript(), "JavaScript"),
        ("attached.pdf", embedded_file(), "嵌入的文件"),
        ("tail.pdf", html_after_a_pdf_start(), "网页或脚本代码"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "文件已损坏或不是有效的 PDF"),
        ("规划许可证.exe.pdf", blank_pdf(842, 595), "扩展名（.exe）"),
    ],
)
def test_dangerous_or_oversized_uploads_are_refused(enterprise_user, version, name, data, message):
    materials = list(version.materials.all())
    files = {str(materials[0].pk): pdf(), str(materials[1].pk): pdf(name, data)}
    with pytest.raises(ValidationError) as exc:
        services.case_submit(actor=enterprise_user, version=version, data={"contact_name": "王", "contact_phone": "13800138000"},
                             files=files, submission_key="bad")
    assert message in str(exc.value) and materials[1].name in str(exc.value)
    assert Case.objects.count() == 0 and not Attachment.objects.exists()
    # Neither the refused file nor the good one checked before it reaches the disk.
    assert _stored_files() == []


def _stored_files() -> list[Path]:
    root = Path(default_storage.location)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_refused_submission_names_every_refused_file_and_stores_none(enterprise_user, version):
    first, second = version.materials.all()
    files = {str(first.pk): pdf("a.pdf", document_javascript()), str(second.pk): pdf("b.exe.pdf", blank_pdf(842, 595))}
    with pytest.raises(ValidationError) as exc:
        services.case_submit(actor=enterprise_user, version=version, data={"contact_name": "王", "contact_phone": "1"},
                             files=files, submission_key="two-bad")
    errors = exc.value.message_dict
    assert "JavaScript" in errors[f"material_{first.pk}"][0] and ".exe" in errors[f"material_{second.pk}"][0]
    assert "联系电话应为 7-12 位数字。" in errors["contact_phone"]  # every problem at once
    assert _stored_files() == [] and not Attachment.objects.exists()


def test_a_refused_supplement_stores_none_of_its_files(submit, clerk, enterprise_user, version):
    case = submit()
    material = version.materials.first()
    services.case_request_supplement(actor=clerk, case_id=case.pk, items=[
        {"material_id": material.pk, "problem": "缺少盖章页"}, {"name": "授权委托书", "problem": "未提供"}])
    before = sorted(_stored_files())
    with pytest.raises(ValidationError, match="嵌入的文件"):
        services.case_supplement(actor=enterprise_user, case_id=case.pk,
                                 files={str(material.pk): pdf("盖章页.pdf"), "other_1": pdf("委托书.pdf", embedded_file())})
    assert sorted(_stored_files()) == before
    assert Case.objects.get(pk=case.pk).status == Status.SUPPLEMENT


def test_a_supplement_with_active_content_is_refused_and_the_case_waits(submit, clerk, enterprise_user, version):
    case = submit()
    material = version.materials.first()
    services.case_request_supplement(actor=clerk, case_id=case.pk, items=[{"material_id": material.pk, "problem": "缺少盖章页"}])
    stored = Attachment.objects.count()
    with pytest.raises(ValidationError, match="触发执行的附加动作"):
        services.case_supplement(actor=enterprise_user, case_id=case.pk,
                                 files={str(material.pk): pdf(data=page_additional_action())})
    case.refresh_from_db()
    assert case.status == Status.SUPPLEMENT and Attachment.objects.count() == stored


def test_supplement_only_once(submit, clerk, enterprise_user, version):
    case = submit()
    material = version.materials.first()
    case = services.case_request_supplement(actor=clerk, case_id=case.pk, items=[
        {"material_id": material.pk, "problem": "缺少盖章页"}, {"name": "授权委托书", "problem": "未提供"}])
    assert case.status == Status.SUPPLEMENT
    assert case.documents.get().kind == Document.Kind.SUPPLEMENT
    with pytest.raises(ValidationError, match="还缺少"):
        services.case_supplement(actor=enterprise_user, case_id=case.pk, files={"999999": pdf()})
    with pytest.raises(ValidationError, match="授权委托书"):
        services.case_supplement(actor=enterprise_user, case_id=case.pk, files={str(material.pk): pdf()})
    case = services.case_supplement(actor=enterprise_user, case_id=case.pk,
                                    files={str(material.pk): pdf(), "other_1": pdf("委托书.pdf")})
    assert case.status == Status.SUBMITTED
    assert case.materials.filter(name="授权委托书", round=2).exists()
    assert case.materials.filter(superseded=True).count() == 1
    with pytest.raises(Conflict, match="不得再次要求补正"):
        services.case_request_supplement(actor=clerk, case_id=case.pk, items=[{"material_id": material.pk, "problem": "再补"}])
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED and case.supplement_count == 1


def test_supplement_notice_must_list_something(submit, clerk):
    case = submit()
    with pytest.raises(ValidationError, match="一次告知全部内容"):
        services.case_request_supplement(actor=clerk, case_id=case.pk, items=[{"name": "", "problem": ""}])
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_deemed_acceptance_on_day_six_not_day_five_around_national_day(
    submit, pin_today, supervisor, enterprise_user, django_capture_on_commit_callbacks
):
    pin_today(D(2025, 9, 26))  # Friday; 5 working days: 28, 29, 30 Sep, 9, 10 Oct
    case = submit()
    assert case.acceptance_due == D(2025, 10, 10)
    assert run_sweep(D(2025, 10, 10))["deemed_accepted"] == 0
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED
    assert Case.objects.get(pk=case.pk).warning == "yellow"
    with django_capture_on_commit_callbacks(execute=True):
        assert run_sweep(D(2025, 10, 11))["deemed_accepted"] == 1  # Saturday 11th is a working day
    case.refresh_from_db()
    assert case.status == Status.REVIEW and case.deemed_accepted and case.accepted_on == D(2025, 9, 26)
    assert case.legal_due == WorkCalendar.default().add_workdays(D(2025, 9, 26), 20)
    why = case.transitions.get(action="deem_accept")
    assert why.effective_on == D(2025, 9, 26) and "第三十二条" in why.note
    assert Notification.objects.filter(recipient=supervisor, title__contains="视为受理").exists()
    assert Notification.objects.filter(recipient=enterprise_user, title__contains="已视为受理").exists()
    assert run_sweep(D(2025, 10, 13))["deemed_accepted"] == 0  # claimed once only


def test_deemed_acceptance_is_an_acceptance_with_its_written_notice(submit, pin_today):
    """《行政许可法》第三十二条: the written acceptance notice exists, dated the receipt day, and
    the audit trail has the step, exactly as for a clerk's acceptance."""
    from tongban.cases.models import Document
    from tongban.core.models import AuditEvent

    pin_today(D(2025, 9, 26))
    case = submit()
    run_sweep(D(2025, 10, 11))
    notice = Document.objects.get(case=case, kind=Document.Kind.ACCEPTANCE)
    assert notice.issued_on == D(2025, 9, 26) and notice.number.endswith("号")
    assert notice.content["accepted_on"] == "2025-09-26"
    event = AuditEvent.objects.filter(action="case.deem_accept", object_id=str(case.pk)).get()
    assert event.changes["status"] == ["submitted", "review"]


def test_deemed_acceptance_resumes_after_a_crash(submit, pin_today, monkeypatch):
    """A run that dies half-way leaves the untouched cases submitted; the next run takes them."""
    from tongban.cases import sweep

    pin_today(D(2025, 9, 26))
    first, second = submit(), submit(project_name="另一个项目")
    calls = []
    real = sweep.case_deem_accept

    def dies_on_second(**kwargs):
        calls.append(kwargs["case_id"])
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(sweep, "case_deem_accept", dies_on_second)
    with pytest.raises(RuntimeError):
        run_sweep(D(2025, 10, 11))
    assert sorted(Case.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == [
        Status.REVIEW, Status.SUBMITTED]
    monkeypatch.setattr(sweep, "case_deem_accept", real)
    assert run_sweep(D(2025, 10, 11))["deemed_accepted"] == 1
    assert set(Case.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {Status.REVIEW}


def test_sweep_marks_yellow_then_red_and_is_idempotent(submit, clerk, pin_today):
    pin_today(D(2025, 11, 3))
    case = services.case_accept(actor=clerk, case_id=submit().pk)
    assert case.promised_due == D(2025, 11, 17)
    run_sweep(D(2025, 11, 12))
    assert Case.objects.get(pk=case.pk).warning == ""
    run_sweep(D(2025, 11, 13))  # 2 working days left after the 13th: 14th, 17th
    assert Case.objects.get(pk=case.pk).warning == "yellow"
    counts = run_sweep(D(2025, 11, 18))
    assert counts["case_red"] == 1 and Case.objects.get(pk=case.pk).warning == "red"
    assert run_sweep(D(2025, 11, 18))["case_red"] == 0
    levels = list(case.warning_events.filter(scope="case").values_list("level", flat=True))
    assert sorted(levels) == ["red", "yellow"]


def test_extension_only_once_and_only_by_an_approver(submit, clerk, reviewer, approver):
    case = services.case_accept(actor=clerk, case_id=submit().pk)
    services.case_extension_request(actor=reviewer, case_id=case.pk, reason="情况复杂")
    with pytest.raises(PermissionDenied):
        services.case_extension_decide(actor=reviewer, case_id=case.pk, approve=True)
    services.case_extension_decide(actor=approver, case_id=case.pk, approve=True)
    with pytest.raises(Conflict, match="只能延长一次"):
        services.case_extension_request(actor=reviewer, case_id=case.pk, reason="再延")


@pytest.mark.parametrize(
    ("who", "action", "outcome"),
    [
        ("reviewer", "accept", PermissionDenied),
        ("approver", "accept", PermissionDenied),
        ("enterprise_user", "accept", PermissionDenied),
        ("other_clerk", "accept", Http404),
        ("clerk", "accept", None),
    ],
)
def test_role_matrix_for_acceptance(request, submit, who, action, outcome):
    case = submit()
    actor = request.getfixturevalue(who)
    if outcome is None:
        services.case_accept(actor=actor, case_id=case.pk)
        return
    with pytest.raises(outcome):
        services.case_accept(actor=actor, case_id=case.pk)
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_illegal_transitions_and_stale_pages_conflict(submit, clerk, approver):
    case = submit()
    with pytest.raises(Conflict, match="不能作出决定"):
        services.case_decide(actor=approver, case_id=case.pk, decision="approve", reasons="")
    stale = case.row_version
    services.case_accept(actor=clerk, case_id=case.pk, expected_version=stale)
    with pytest.raises(Conflict, match="不能受理"):
        services.case_accept(actor=clerk, case_id=case.pk, expected_version=stale)


def test_applicant_withdraws_and_others_cannot(submit, enterprise_user, citizen):
    case = submit()
    with pytest.raises(Http404):
        services.case_withdraw(actor=citizen, case_id=case.pk)
    case = services.case_withdraw(actor=enterprise_user, case_id=case.pk, reason="项目调整")
    assert case.status == Status.WITHDRAWN


def test_deny_needs_reasons(submit, clerk, reviewer, approver):
    case = services.case_accept(actor=clerk, case_id=submit().pk)
    services.case_submit_review(actor=reviewer, case_id=case.pk, opinion="不符合", recommend="deny")
    with pytest.raises(ValidationError, match="不予许可须说明理由"):
        services.case_decide(actor=approver, case_id=case.pk, decision="deny", reasons=" ")
    case = services.case_decide(actor=approver, case_id=case.pk, decision="deny", reasons="防护等级不符合要求")
    assert case.documents.filter(kind="denial").exists()


def test_press_reaches_the_handler_inbox(submit, clerk, supervisor, django_capture_on_commit_callbacks):
    from tongban.core.inbox import items_for

    case = services.case_accept(actor=clerk, case_id=submit().pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_press(actor=supervisor, case_id=case.pk, note="请加快办理")
    assert any(i.module == "督办" for i in items_for(clerk))
    assert Notification.objects.filter(recipient=clerk, title__contains="督办").exists()


def test_calendar_change_recomputes_open_cases(submit, clerk, pin_today, admin_p, django_capture_on_commit_callbacks):
    from tongban.core import calendar_store

    pin_today(D(2027, 3, 1))
    case = services.case_accept(actor=clerk, case_id=submit().pk)
    assert case.provisional and case.promised_due == D(2027, 3, 15)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_store.calendar_day_set(actor=admin_p, date=D(2027, 3, 3), kind="holiday", name="测试假日")
    case.refresh_from_db()
    assert case.promised_due == D(2027, 3, 16)
    assert AuditEvent.objects.filter(action="case.recompute", object_id=str(case.pk)).exists()


def test_a_holiday_inside_a_past_pause_updates_the_paused_days_too(
    submit, clerk, reviewer, pin_today, admin_p, django_capture_on_commit_callbacks
):
    """The case page shows the days the clock stood still; a recompute must not leave them stale."""
    from tongban.core import calendar_store

    pin_today(D(2027, 3, 1))
    case = services.case_accept(actor=clerk, case_id=submit().pk)
    services.case_pause(actor=reviewer, case_id=case.pk, kind="inspection", reason="现场勘验")
    pin_today(D(2027, 3, 5))
    case = services.case_resume(actor=reviewer, case_id=case.pk, findings="勘验完毕")
    assert case.paused_days == 4  # 2, 3, 4, 5 March
    with django_capture_on_commit_callbacks(execute=True):
        calendar_store.calendar_day_set(actor=admin_p, date=D(2027, 3, 3), kind="holiday", name="测试假日")
    case.refresh_from_db()
    assert case.paused_days == 3


def _failing_subscriber(case_id, decision=""):
    raise RuntimeError("licence printer on fire")


def test_a_failing_subscriber_never_undoes_the_decision_nor_answers_500(
    client, submit, clerk, reviewer, approver, enterprise_user, django_capture_on_commit_callbacks
):
    from tongban.core import events
    from tongban.core.models import EventDelivery

    case = submit()
    services.case_accept(actor=clerk, case_id=case.pk)
    services.case_submit_review(actor=reviewer, case_id=case.pk, opinion="符合条件", recommend="approve")
    events.subscribe("case.decided", _failing_subscriber)
    try:
        client.force_login(approver)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/cases/{case.pk}/act/decide/", {"decision": "approve", "reasons": ""},
                                   follow=True)
    finally:
        events.unsubscribe("case.decided", _failing_subscriber)
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).status == Status.CONCLUDED
    failed = EventDelivery.objects.get(event="case.decided", subscriber__endswith="_failing_subscriber")
    assert failed.status == "retry" and "licence printer on fire" in failed.last_error
    # the other subscribers ran: the applicant is invited to rate
    assert Notification.objects.filter(recipient=enterprise_user, title__contains="请评价").exists()


def test_the_acceptance_window_closes_by_itself_without_the_sweep(submit, clerk, pin_today):
    """《行政许可法》第三十二条: on day 6 after receipt the application is accepted by law. A
    supplement notice or a refusal is refused, and a clerk's acceptance dates from receipt."""
    pin_today(D(2025, 9, 26))  # Friday before National Day; the period ends 10 Oct 24:00
    on_time, late, late_reject = submit(), submit(project_name="二"), submit(project_name="三")
    pin_today(D(2025, 10, 10))  # the last day: still open
    services.case_request_supplement(actor=clerk, case_id=on_time.pk, items=[{"name": "图纸", "problem": "缺页"}])
    pin_today(D(2025, 10, 13))  # Monday: the period ran out on Saturday the 11th (a working day)
    from tongban.cases.state import Action, available_actions

    offered = available_actions(clerk, Case.objects.get(pk=late.pk))
    assert Action.ACCEPT in offered and Action.REQUEST_SUPPLEMENT not in offered and Action.REJECT not in offered
    with pytest.raises(Conflict, match="第三十二条") as refused:
        services.case_request_supplement(actor=clerk, case_id=late.pk, items=[{"name": "图纸", "problem": "缺页"}])
    assert "不能再要求补正" in refused.value.message and "2025-10-10" in refused.value.message
    with pytest.raises(Conflict, match="第三十二条"):
        services.case_reject(actor=clerk, case_id=late_reject.pk, reasons="不符合", basis="某条")
    assert set(Case.objects.filter(pk__in=[late.pk, late_reject.pk]).values_list("status", flat=True)) == {
        Status.SUBMITTED}
    case = services.case_accept(actor=clerk, case_id=late.pk)
    cal = WorkCalendar.default()
    assert case.accepted_on == D(2025, 9, 26) and case.deemed_accepted
    assert case.legal_due == cal.add_workdays(D(2025, 9, 26), case.legal_limit_days)
    assert case.promised_due == cal.add_workdays(D(2025, 9, 26), case.promised_limit_days)
    notice = case.documents.get(kind="acceptance")
    assert notice.content["accepted_on"] == "2025-09-26" and "第三十二条" in notice.content["note"]


def test_the_window_closing_is_refused_through_the_api_too(client, submit, clerk, pin_today):
    pin_today(D(2025, 9, 26))
    case = submit()
    pin_today(D(2025, 10, 13))
    client.force_login(clerk)
    response = client.post(f"/api/v1/cases/{case.pk}/supplement-request",
                           {"items": [{"name": "图纸", "problem": "缺页"}]}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "acceptance_period_over"
    assert "第三十二条" in response.json()["message"]
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED
