"""The closed loop 受理 → 办理/转办 → 答复 → 回访, deadlines, pressing, reopen, duplicates,
identity protection and the rate limit of anonymous submissions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tongban.appeals import services
from tongban.appeals.models import Appeal, Status, Step, Transfer
from tongban.appeals.routing import RateLimited
from tongban.appeals.sweep import run_sweep
from tongban.core.errors import Conflict
from tongban.core.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db


def test_the_closed_loop_answers_and_calls_back(monday, file_appeal, citizen, handler_a, city_a, committed):
    with committed():
        appeal = file_appeal()
    assert appeal.status == Status.RECEIVED and appeal.organisation == city_a
    assert appeal.category.code == "rf-fee" and appeal.number.startswith("SQ20250303")
    assert Notification.objects.filter(recipient=handler_a, title__contains="待受理").exists()
    # consultation: 3 working days from Monday 3 March
    assert appeal.due_on == dt.date(2025, 3, 6)

    services.appeal_accept(actor=handler_a, appeal_id=appeal.pk)
    with committed():
        services.appeal_reply(actor=handler_a, appeal_id=appeal.pk, body="民办幼儿园属于公益性项目，可按规定申请减免。")
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED and appeal.first_receiver == handler_a and appeal.replied_on == monday
    assert Notification.objects.filter(recipient=citizen, title__contains="已答复").exists()

    services.appeal_callback(actor=handler_a, appeal_id=appeal.pk, satisfaction="satisfied", note="电话回访")
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED and appeal.satisfaction == "satisfied"
    actions = list(Step.objects.filter(appeal=appeal).values_list("action", flat=True))
    assert actions == ["submit", "accept", "reply", "callback"]
    assert set(AuditEvent.objects.filter(object_id=str(appeal.pk), action__startswith="appeal.")
               .values_list("action", flat=True)) >= {"appeal.submit", "appeal.accept", "appeal.reply", "appeal.callback"}


def test_an_illegal_step_is_refused_and_changes_nothing(file_appeal, handler_a):
    appeal = file_appeal()
    with pytest.raises(Conflict, match="不能答复"):
        services.appeal_reply(actor=handler_a, appeal_id=appeal.pk, body="x")
    services.appeal_accept(actor=handler_a, appeal_id=appeal.pk)
    with pytest.raises(ValidationError):
        services.appeal_reply(actor=handler_a, appeal_id=appeal.pk, body="   ")
    appeal.refresh_from_db()
    assert appeal.status == Status.HANDLING and not appeal.replies.exists()


def test_staff_of_another_city_can_neither_see_nor_handle(file_appeal, handler_b):
    appeal = file_appeal()
    with pytest.raises(Http404):
        services.appeal_accept(actor=handler_b, appeal_id=appeal.pk)
    assert Appeal.objects.get(pk=appeal.pk).status == Status.RECEIVED


def test_transfer_then_return_with_a_reason_keeps_the_first_receiver_responsible(file_appeal, handler_a, handler_b,
                                                                              city_b, committed):
    appeal = file_appeal()
    services.appeal_accept(actor=handler_a, appeal_id=appeal.pk)
    with pytest.raises(ValidationError, match="转办理由"):
        services.appeal_transfer(actor=handler_a, appeal_id=appeal.pk, to_organisation_id=city_b.pk, reason=" ")
    with committed():
        services.appeal_transfer(actor=handler_a, appeal_id=appeal.pk, to_organisation_id=city_b.pk,
                                 reason="项目位于乙市")
    appeal.refresh_from_db()
    assert appeal.status == Status.TRANSFERRING and appeal.pending_organisation == city_b
    assert Notification.objects.filter(recipient=handler_b, title__contains="转办待接收").exists()
    # the receiving unit sees it now, and cannot return it silently
    with pytest.raises(ValidationError, match="退回须写明理由"):
        services.appeal_return(actor=handler_b, appeal_id=appeal.pk, reason="")
    with committed():
        services.appeal_return(actor=handler_b, appeal_id=appeal.pk, reason="经核实项目在甲市，不属本单位管辖")
    appeal.refresh_from_db()
    assert appeal.status == Status.HANDLING and appeal.pending_organisation is None
    assert appeal.first_receiver == handler_a and appeal.organisation.name == "甲市人防办"
    transfer = Transfer.objects.get(appeal=appeal)
    assert transfer.state == Transfer.State.RETURNED and "不属本单位" in transfer.return_reason
    assert Notification.objects.filter(recipient=handler_a, title__contains="退回").exists()
    with pytest.raises(Http404):  # back with city_a, out of city_b's sight
        services.appeal_reply(actor=handler_b, appeal_id=appeal.pk, body="x")


def test_an_accepted_transfer_passes_responsibility(file_appeal, handler_a, handler_b, city_b):
    appeal = file_appeal()
    services.appeal_transfer(actor=handler_a, appeal_id=appeal.pk, to_organisation_id=city_b.pk, reason="乙市管辖")
    appeal.refresh_from_db()
    assert appeal.first_receiver == handler_a  # 首问: who first received it
    with pytest.raises(PermissionDenied):  # the sender cannot accept on the receiver's behalf
        services.appeal_accept_transfer(actor=handler_a, appeal_id=appeal.pk)
    services.appeal_accept_transfer(actor=handler_b, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert appeal.organisation == city_b and appeal.handler == handler_b and appeal.status == Status.HANDLING
    services.appeal_reply(actor=handler_b, appeal_id=appeal.pk, body="已办理")


def test_deadline_counts_working_days_and_the_sweep_warns_and_supervisors_press(settings, file_appeal, handler_a,
                                                                                supervisor_p, committed):
    settings.TONGBAN_TODAY = dt.date(2025, 3, 7)  # a Friday
    appeal = file_appeal(kind="complaint")
    assert appeal.due_on == dt.date(2025, 3, 21)  # 10 working days, two weekends skipped
    services.appeal_accept(actor=handler_a, appeal_id=appeal.pk)
    settings.TONGBAN_TODAY = dt.date(2025, 3, 19)
    run_sweep()
    assert Appeal.objects.get(pk=appeal.pk).warning == "yellow"
    settings.TONGBAN_TODAY = dt.date(2025, 3, 24)
    run_sweep()
    appeal.refresh_from_db()
    assert appeal.warning == "red"
    assert Notification.objects.filter(recipient=supervisor_p, title__contains="超期").count() == 1
    run_sweep()  # idempotent: no second notice
    assert Notification.objects.filter(recipient=supervisor_p, title__contains="超期").count() == 1
    with committed():
        press = services.appeal_press(actor=supervisor_p, appeal_id=appeal.pk, note="请今日答复")
    assert Notification.objects.filter(recipient=handler_a, title__contains="督办").exists()
    with pytest.raises(PermissionDenied):
        services.appeal_press(actor=handler_a, appeal_id=appeal.pk, note="x")
    services.appeal_reply(actor=handler_a, appeal_id=appeal.pk, body="已答复")
    press.refresh_from_db()
    assert press.resolved_at is not None
    run_sweep()
    assert Appeal.objects.get(pk=appeal.pk).warning == ""


def test_an_unsatisfied_requester_reopens_once(monday, file_appeal, citizen, handler_a):
    appeal = file_appeal()
    services.appeal_accept(actor=handler_a, appeal_id=appeal.pk)
    services.appeal_reply(actor=handler_a, appeal_id=appeal.pk, body="不能减免")
    services.appeal_callback(actor=citizen, appeal_id=appeal.pk, satisfaction="unsatisfied", note="未说明依据")
    services.appeal_reopen(actor=citizen, appeal_id=appeal.pk, reason="请说明不能减免的依据")
    appeal.refresh_from_db()
    assert appeal.status == Status.HANDLING and appeal.reopen_count == 1 and appeal.due_on == dt.date(2025, 3, 10)
    services.appeal_reply(actor=handler_a, appeal_id=appeal.pk, body="依据如下……")
    services.appeal_callback(actor=citizen, appeal_id=appeal.pk, satisfaction="unsatisfied")
    with pytest.raises(Conflict, match="已重新办理过一次"):
        services.appeal_reopen(actor=citizen, appeal_id=appeal.pk, reason="还是不满意")
    assert Appeal.objects.get(pk=appeal.pk).status == Status.CLOSED
    assert list(appeal.replies.values_list("round", flat=True)) == [1, 2]


def test_a_satisfied_appeal_cannot_be_reopened(file_appeal, citizen, handler_a):
    appeal = file_appeal()
    services.appeal_accept(actor=handler_a, appeal_id=appeal.pk)
    services.appeal_reply(actor=handler_a, appeal_id=appeal.pk, body="答复")
    services.appeal_callback(actor=citizen, appeal_id=appeal.pk, satisfaction="satisfied")
    with pytest.raises(Conflict):
        services.appeal_reopen(actor=citizen, appeal_id=appeal.pk, reason="再办")


def test_a_repeated_appeal_is_flagged_and_can_be_merged(file_appeal, citizen, handler_a, committed):
    first = file_appeal()
    again = file_appeal(content="请问民办幼儿园的易地建设费可以减免吗？")
    other = file_appeal(content="警报器夜间响个不停", title="警报器扰民")
    assert again.duplicate_of == first and other.duplicate_of is None
    with committed():
        services.appeal_merge(actor=handler_a, appeal_id=again.pk, into_id=first.pk)
    again.refresh_from_db()
    assert again.status == Status.MERGED and again.merged_into == first
    assert Notification.objects.filter(recipient=citizen, title__contains="合并").exists()


def test_identity_is_hidden_from_the_unit_complained_about(file_appeal, handler_a, dept_a, city_a, admin_a,
                                                          committed):
    from tongban.appeals.permissions import requester_view

    with committed():
        appeal = file_appeal(kind="complaint", content="易地建设费窗口工作人员态度差", name="张明", phone="13812345678",
                         respondent_id=dept_a.pk)
    seen_by_unit = requester_view(handler_a, appeal)
    assert seen_by_unit["hidden"] and "张明" not in str(seen_by_unit) and "13812345678" not in str(seen_by_unit)
    seen_by_city = requester_view(admin_a, appeal)  # the city agency above the department sees it
    assert seen_by_city["name"] == "张明" and seen_by_city["phone"] == "13812345678"
    assert requester_view(admin_a, appeal, in_list=True)["phone"] == "138****5678"
    appeal.disclose_identity = True
    assert requester_view(handler_a, appeal)["name"] == "张明"
    # no staff notification carries the name or the phone
    assert not Notification.objects.filter(recipient__kind="staff", title__contains="张明").exists()
    assert not Notification.objects.filter(recipient__kind="staff", body__contains="13812345678").exists()


def test_anonymous_submissions_are_rate_limited(settings, rule):
    settings.TONGBAN_APPEALS_ANON_LIMITS = [("ip", 2, 3600), ("phone", 5, 86400)]
    data = {"kind": "suggestion", "content": "建议延长窗口服务时间", "phone": "13900001234"}
    for _ in range(2):
        services.appeal_submit(actor=None, data=data, channel="web", client_ip="203.0.113.7")
    with pytest.raises(RateLimited, match="提交过于频繁"):
        services.appeal_submit(actor=None, data=data, channel="web", client_ip="203.0.113.7")
    assert Appeal.objects.count() == 2
    services.appeal_submit(actor=None, data={**data, "phone": "13900005678"}, channel="web", client_ip="203.0.113.8")
    assert Appeal.objects.count() == 3


def test_anonymous_needs_a_phone_and_bad_input_says_why(rule):
    with pytest.raises(ValidationError) as err:
        services.appeal_submit(actor=None, data={"kind": "x", "content": ""}, channel="web", client_ip="1.1.1.1")
    assert set(err.value.message_dict) >= {"kind", "content", "phone"}
    assert Appeal.objects.count() == 0


def test_hotline_csv_is_all_or_nothing_and_idempotent(rule, handler_a, admin_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tongban.appeals import hotline

    good = "工单编号,诉求类型,标题,诉求内容,来电人,联系电话\nH001,咨询,减免,易地建设费怎么减免,王先生,13700001111\n"
    bad = good + "H002,吐槽,,内容,,\n"
    with pytest.raises(ValidationError, match="第 2 条"):
        hotline.import_tickets(actor=handler_a, records=hotline.parse_csv(SimpleUploadedFile("a.csv", bad.encode())))
    assert Appeal.objects.count() == 0
    result = hotline.import_tickets(actor=handler_a, records=hotline.parse_csv(
        SimpleUploadedFile("a.csv", good.encode("gb18030"))))
    assert [a.channel for a in result.created] == ["hotline"] and result.created[0].external_id == "H001"
    again = hotline.import_tickets(actor=handler_a, records=hotline.parse_csv(SimpleUploadedFile("a.csv", good.encode())))
    assert again.skipped == ["H001"] and Appeal.objects.count() == 1


def test_text_is_stored_as_typed_and_escaped_on_pages(client, file_appeal, handler_a):
    appeal = file_appeal(content="<script>alert(1)</script> 易地建设费")
    assert appeal.content.startswith("<script>")
    client.force_login(handler_a)
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
