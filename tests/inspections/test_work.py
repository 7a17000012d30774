"""一批准两出示, the record, results and their publication, 申请回避, the yearly cap and the
object directory import."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.core.errors import Conflict
from tongban.inspections import selectors, services
from tongban.inspections.models import InspectionObject, ResultClass, Status, WithdrawalStatus

from .factories import DAY, make_item, make_task, redraw, run_draw

pytestmark = pytest.mark.django_db

SIGNED = {"items_checked": "人防工程维护管理制度、设备运行记录", "signed_name": "高建国", "signature_confirmed": True}


@pytest.fixture
def drawn(task, admin, witness, pin_today):
    pin_today(DAY)
    draw = run_draw(admin, witness, task)
    return draw.inspections.order_by("position").first()


def _member(insp):
    return insp.members.filter(active=True).first().user


def _go(insp, head):
    services.inspection_approve(actor=head, inspection_id=insp.pk)
    return services.inspection_notice_issue(actor=_member(insp), inspection_id=insp.pk)


def test_yiPiZhun_liangChuShi_no_record_without_approval_and_notice(drawn, head):
    """一批准两出示 (《行政处罚法》第五十五条): without the head's approval and the notice, nothing is recorded."""
    member = _member(drawn)
    with pytest.raises(Conflict, match="尚未取得负责人批准"):
        services.inspection_record_submit(actor=member, inspection_id=drawn.pk, data={**SIGNED, "result_class": "no_issue"})
    with pytest.raises(Conflict, match="尚未经负责人批准"):
        services.inspection_notice_issue(actor=member, inspection_id=drawn.pk)
    services.inspection_approve(actor=head, inspection_id=drawn.pk)
    with pytest.raises(Conflict, match="尚未取得检查通知书"):
        services.inspection_record_submit(actor=member, inspection_id=drawn.pk, data={**SIGNED, "result_class": "no_issue"})
    drawn.refresh_from_db()
    assert drawn.status == Status.APPROVED and not hasattr(drawn, "result")


def test_a_team_member_cannot_approve_their_own_inspection(drawn, head):
    from tongban.accounts.models import StaffRole

    member = _member(drawn)
    StaffRole.objects.create(user=member, role="approver")
    member._role_cache = None
    with pytest.raises(Conflict, match="检查组成员不能批准"):
        services.inspection_approve(actor=member, inspection_id=drawn.pk)


def test_the_notice_names_the_inspectors_and_its_qr_page_verifies_them(drawn, head, client):
    insp = _go(drawn, head)
    assert insp.notice_number.endswith("号") and "检通〔2026〕1号" in insp.notice_number
    names = [i["name"] for i in insp.notice_content["inspectors"]]
    assert len(names) == 2 and all(i["certificate"].startswith("豫41") for i in insp.notice_content["inspectors"])
    page = client.get(f"/inspections/verify/{insp.verify_code}/").content.decode()
    assert "真实有效" in page and names[0] in page and insp.notice_content["inspectors"][0]["certificate"] in page
    assert "13712345678" not in page  # nothing else about the officers
    assert client.get("/inspections/verify/forged-code/").status_code == 404
    from tongban.catalog.documents import find_cjk_font
    from tongban.inspections import documents

    if find_cjk_font():
        assert documents.render_pdf(insp).startswith(b"%PDF")


def test_record_publish_and_hand_over_to_enforcement(drawn, head, django_capture_on_commit_callbacks):
    from tongban.core.models import EventDelivery  # noqa: F401  (the outbox exists)

    insp = _go(drawn, head)
    member = _member(insp)
    photo = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
    seen = []
    from tongban.core import events

    events.subscribe(services.HANDED_OVER, lambda result_id: seen.append(result_id))
    with django_capture_on_commit_callbacks(execute=True):
        result = services.inspection_record_submit(actor=member, inspection_id=insp.pk, files=[photo], data={
            **SIGNED, "result_class": ResultClass.HANDED_OVER, "findings": "防护密闭门损坏，涉嫌违法"})
    assert result.files.count() == 1 and len(result.files.first().attachment.sha256) == 64
    summary = selectors.handover_summary(result.pk)
    assert summary["subject_uscc"] == insp.object.uscc and summary["findings"].startswith("防护密闭门")
    assert sorted(summary["inspector_user_ids"]) == sorted(insp.members.values_list("user_id", flat=True))
    assert set(summary) == {"org_id", "subject_uscc", "subject_name", "subject_address", "findings", "inspected_on",
                            "task_number", "result_number", "inspector_user_ids"}
    services.inspection_result_publish(actor=member, result_id=result.pk)
    out = selectors.result_summary(result.pk)
    assert out["result_class"] == "handed_over" and out["published_on"] == DAY and "/inspections/public/tasks/" in out["public_url"]


def test_a_rectification_order_needs_a_deadline_and_a_signature_or_a_recorded_refusal(drawn, head):
    insp = _go(drawn, head)
    member = _member(insp)
    with pytest.raises(ValidationError) as exc:
        services.inspection_record_submit(actor=member, inspection_id=insp.pk, data={
            "items_checked": "x", "result_class": "rectify", "findings": "标识缺失", "signature_refused": True})
    assert {"rectification", "rectification_due", "refusal_reason"} <= set(exc.value.message_dict)
    result = services.inspection_record_submit(actor=member, inspection_id=insp.pk, data={
        "items_checked": "x", "result_class": "rectify", "findings": "标识缺失", "rectification": "补设标识",
        "rectification_due": DAY + dt.timedelta(days=15), "signature_refused": True, "refusal_reason": "负责人拒绝签字"})
    assert result.signature_refused and result.rectification_due == DAY + dt.timedelta(days=15)


def test_guofa_2019_5_publication_within_20_working_days_across_a_holiday(drawn, head, admin_p, pin_today,
                                                                          django_capture_on_commit_callbacks):
    """国发〔2019〕5号: published within 20 working days of the inspection; a holiday moves the deadline."""
    from tongban.core import calendar_store
    from tongban.inspections.tasks import run_sweep

    insp = _go(drawn, head)
    result = services.inspection_record_submit(actor=_member(insp), inspection_id=insp.pk,
                                               data={**SIGNED, "result_class": "no_issue"})
    assert result.publication_due == dt.date(2026, 3, 30)  # Monday 2 March + 20 working days
    with django_capture_on_commit_callbacks(execute=True):  # the calendar.changed subscriber recomputes
        calendar_store.calendar_day_set(actor=admin_p, date=dt.date(2026, 3, 10), kind="holiday", name="测试假日")
    result.refresh_from_db()
    assert result.publication_due == dt.date(2026, 3, 31)
    pin_today(dt.date(2026, 4, 1))
    run_sweep(dt.date(2026, 4, 1))
    result.refresh_from_db()
    assert result.warning == "red"
    services.inspection_result_publish(actor=_member(insp), result_id=result.pk)
    result.refresh_from_db()
    assert result.warning == "" and "已逾期" in insp.transitions.get(action="publish").note


def test_guobanfa_2024_54_yearly_cap_suggests_a_joint_task(settings, task, admin, head, witness, office, objects, pin_today):
    """国办发〔2024〕54号: a yearly cap per object across all tasks; a second visit is refused."""
    pin_today(DAY)
    other = make_task(admin, office, make_item(admin, office, code="RF-003"), ratios={"medium": "1"})
    first = run_draw(admin, witness, task)
    second = run_draw(admin, witness, other)  # under the default cap of 2: every object is in it
    settings.TONGBAN_INSPECTIONS_YEARLY_CAP = 1
    insp = first.inspections.first()
    services.inspection_approve(actor=head, inspection_id=insp.pk)
    again = second.inspections.get(object=insp.object)
    with pytest.raises(Conflict, match="综合查一次"):
        services.inspection_approve(actor=head, inspection_id=again.pk)
    again.refresh_from_db()
    assert again.status == Status.ASSIGNED
    third = make_task(admin, office, make_item(admin, office, code="RF-004"), ratios={"medium": "1"})
    _frozen, _n, extra = services.freeze(third)
    assert f"obj:{insp.object_id}" in extra["capped"]


def test_withdrawal_replaces_the_inspector_from_the_same_pool_and_the_script_agrees(drawn, head, tmp_path):
    from django.core.exceptions import PermissionDenied

    from ..factories import EnterpriseUserFactory

    insp = drawn
    company_user = EnterpriseUserFactory(enterprise=insp.object.enterprise)
    _go(insp, head)
    gone = _member(insp)
    req = services.withdrawal_request(actor=company_user, inspection_id=insp.pk, inspector_id=gone.pk,
                                      reasons="该执法人员系我公司法定代表人的近亲属")
    with pytest.raises(PermissionDenied):  # never the inspector concerned
        services.withdrawal_decide(actor=gone, request_id=req.pk, grant=True)
    req = services.withdrawal_decide(actor=head, request_id=req.pk, grant=True, note="理由成立")
    insp.refresh_from_db()
    assert req.status == WithdrawalStatus.GRANTED and req.replacement_id not in (None, gone.pk)
    active = list(insp.members.filter(active=True).values_list("user_id", flat=True))
    assert len(active) == 2 and gone.pk not in active
    assert insp.status == Status.APPROVED and insp.notice_number == ""  # a new notice must name the new team
    out = redraw(insp.draw, tmp_path)
    assert out.returncode == 0 and "replacements 1" in out.stdout, out.stdout


def test_object_import_is_all_or_nothing_with_a_row_report(admin, office):
    from openpyxl import Workbook

    from tongban.core.validators import make_uscc

    def book(rows):
        wb = Workbook()
        wb.active.append(services.IMPORT_COLUMNS)
        for r in rows:
            wb.active.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        return SimpleUploadedFile("名录.xlsx", buf.getvalue())

    good = make_uscc("9", "1", "410100", "MA900001")
    rows = [["企业", good, "好企业", "", "410105", "建筑业", "高风险"],
            ["企业", "91410100MA0000000", "坏代码企业", "", "410105", "", ""],
            ["人防工程", "", "无编号工程", "", "4101", "", "极高"]]
    with pytest.raises(ValidationError) as exc:
        services.object_import(actor=admin, organisation=office, upload=book(rows))
    report = exc.value.message_dict
    assert set(report) == {"第3行", "第4行"} and any("18 位" in m for m in report["第3行"])
    assert any("风险等级" in m for m in report["第4行"]) and any("行政区划" in m for m in report["第4行"])
    assert not InspectionObject.objects.exists()  # nothing saved
    assert services.object_import(actor=admin, organisation=office, upload=book(rows[:1])) == 1
    assert InspectionObject.objects.get().risk_class == "high"


def test_only_published_items_can_be_tasked(admin, office):
    from tongban.inspections.models import AnnualPlan

    item = services.item_create(actor=admin, organisation=office, code="RF-X", name="草稿事项", legal_basis="某条",
                                object_kind="enterprise")
    plan = AnnualPlan.objects.create(organisation=office, year=2026, title="计划", created_by=admin)
    with pytest.raises(ValidationError, match="国办发〔2024〕54号"):
        services.task_create(actor=admin, plan_id=plan.pk, item_id=item.pk, name="任务", period_start=DAY, period_end=DAY)


def test_public_results_page_and_exports(drawn, head, client):
    insp = _go(drawn, head)
    result = services.inspection_record_submit(actor=_member(insp), inspection_id=insp.pk,
                                               data={**SIGNED, "result_class": "no_issue"})
    assert client.get("/inspections/public/results.json").json()["results"] == []  # not before publication
    services.inspection_result_publish(actor=_member(insp), result_id=result.pk)
    body = client.get("/inspections/public/results.json").json()
    assert body["format"] == "tongban-inspection-results-1"
    assert body["results"][0]["subject_uscc"] == insp.object.uscc and body["results"][0]["result_label"] == "未发现问题"
    csv = client.get("/inspections/public/results.csv").content.decode("utf-8-sig").splitlines()
    assert csv[0] == ",".join(selectors.EXPORT_FIELDS) and insp.object.uscc in csv[1]
    assert insp.object.name in client.get(f"/inspections/public/enterprises/{insp.object.uscc}/").content.decode()
    api = client.get("/api/v1/inspections/results").json()
    assert api["results"][0]["result_number"] == result.number
