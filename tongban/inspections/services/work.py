"""一批准两出示 and after: the head's approval, the numbered 检查通知书, the on-site record, the
result and its publication, hand-over to enforcement, 申请回避 and supervision presses."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tongban.accounts.selectors import valid_certificate
from tongban.core import attachments, clocks, events, supervision
from tongban.core.errors import Conflict
from tongban.core.notifications import notify
from tongban.core.permissions import deny, has_perm, require

from .. import engine
from ..models import (
    Draw,
    Inspection,
    InspectionResult,
    ResultClass,
    ResultFile,
    Status,
    TeamMember,
    WithdrawalRequest,
    WithdrawalStatus,
)
from ..permissions import acts_on, get_inspection_for, get_result_for, is_member
from ._common import (
    APPROVAL_RULE,
    PUBLICATION_RULE,
    cal,
    check_from,
    check_version,
    number,
    publication_days,
    today,
    transition,
)
from .draws import capped_objects
from .onsite import clean_signature

HANDED_OVER = "inspection.handed_over"
RESULT_PUBLISHED = "inspection.result_published"


def _scoped(actor, inspection: Inspection, perm: str) -> None:
    require(actor, perm, inspection)
    if not acts_on(actor, inspection):  # a joint task's partner acts on its own part only
        raise deny(actor, perm, inspection)


def _members(inspection: Inspection) -> list[TeamMember]:
    return list(inspection.members.filter(active=True).select_related("user"))


@transaction.atomic
def inspection_approve(*, actor, inspection_id: int, expected_version: int | None = None) -> Inspection:
    """一批准: the head approves the inspection before anyone goes out."""
    inspection = get_inspection_for(actor, inspection_id, for_update=True)
    _scoped(actor, inspection, "inspections.approve")
    check_from(inspection, [Status.ASSIGNED], "批准检查")
    check_version(inspection, expected_version)
    if is_member(actor, inspection):
        raise Conflict("检查组成员不能批准本组的检查，须由其他负责人批准。", code="same_person")
    visits = capped_objects([inspection.object_id], inspection.task.period_start.year, exclude_task=inspection.task_id,
                            approved_only=True)
    if visits:
        raise Conflict(
            f"依据国办发〔2024〕54号，“{inspection.object.name}”本年度已被检查 {visits[inspection.object_id]} 次，"
            "达到年度检查上限，不得再次单独检查；请与已检查的部门开展联合检查（综合查一次）。", code="yearly_cap")
    inspection.approved_by, inspection.approved_at = actor, timezone.now()
    transition(inspection, action="approve", to=Status.APPROVED, actor=actor)
    return inspection


@transaction.atomic
def inspection_notice_issue(*, actor, inspection_id: int, expected_version: int | None = None) -> Inspection:
    """两出示: the numbered 检查通知书 naming every inspector and their 执法证 number."""
    inspection = get_inspection_for(actor, inspection_id, for_update=True)
    if not (is_member(actor, inspection) or (has_perm(actor, "inspections.manage")
                                             and acts_on(actor, inspection))):
        raise deny(actor, "inspections.record", inspection)
    if inspection.status == Status.ASSIGNED:
        raise Conflict(f"{APPROVAL_RULE}；本检查尚未经负责人批准，不能出具检查通知书。", code="not_approved")
    check_from(inspection, [Status.APPROVED], "出具检查通知书")
    check_version(inspection, expected_version)
    on = today()
    team = []
    for member in _members(inspection):
        cert = valid_certificate(member.user, on=on)
        if cert is None:
            raise Conflict(f"依据《中华人民共和国行政处罚法》第四十二条，{member.user.display_name} 没有有效的行政执法证，"
                           "不能列入检查通知书；请申请回避替换后再出具。", code="no_certificate")
        team.append({"name": member.user.display_name, "certificate": cert.number,
                     "authority": cert.issuing_authority, "valid_until": cert.valid_until.isoformat()})
    org = inspection.task.plan.organisation.agency()
    inspection.notice_number = number("notice", org, on, "{org}检通〔{year}〕{seq}号")
    inspection.notice_issued_on = on
    inspection.verify_code = secrets.token_urlsafe(12)
    task = inspection.task
    inspection.notice_content = {
        "agency": org.name, "number": inspection.notice_number, "issued_on": on.isoformat(),
        "task_number": task.number, "task_name": task.name, "item_name": task.item.name,
        "legal_basis": task.item.legal_basis, "method": task.item.get_method_display(),
        "object_name": inspection.object.name, "object_address": inspection.object.address,
        "period": [task.period_start.isoformat(), task.period_end.isoformat()],
        "approved_by": inspection.approved_by.display_name if inspection.approved_by else "",
        "approved_on": timezone.localdate(inspection.approved_at).isoformat() if inspection.approved_at else "",
        "inspectors": team,
    }
    transition(inspection, action="notice", to=Status.NOTIFIED, actor=actor, data={"number": inspection.notice_number})
    return inspection


def _clean_record(inspection: Inspection, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    result_class = data.get("result_class", "")
    if result_class not in ResultClass.values:
        errors["result_class"] = ["请选择检查结果。"]
    items = (data.get("items_checked") or "").strip()
    if not items:
        errors["items_checked"] = ["请填写检查内容（检查了哪些事项）。"]
    findings = (data.get("findings") or "").strip()
    if result_class in (ResultClass.RECTIFY, ResultClass.HANDED_OVER, ResultClass.RECTIFIED_ON_SITE) and not findings:
        errors["findings"] = ["发现问题的，请写明发现的问题。"]
    inspected_on = data.get("inspected_on") or today()
    if isinstance(inspected_on, str):
        try:
            inspected_on = dt.date.fromisoformat(inspected_on)
        except ValueError:
            errors["inspected_on"] = ["检查日期格式不正确。"]
            inspected_on = today()
    if inspected_on > today():
        errors["inspected_on"] = ["检查日期不能晚于今天。"]
    elif inspection.notice_issued_on and inspected_on < inspection.notice_issued_on:
        errors["inspected_on"] = ["检查日期不能早于检查通知书的日期。"]
    due = data.get("rectification_due") or None
    if isinstance(due, str):
        try:
            due = dt.date.fromisoformat(due)
        except ValueError:
            errors["rectification_due"] = ["整改期限格式不正确。"]
            due = None
    rectification = (data.get("rectification") or "").strip()
    if result_class == ResultClass.RECTIFY:
        if not rectification:
            errors["rectification"] = ["责令整改的，请写明整改要求。"]
        if due is None:
            errors["rectification_due"] = ["责令整改的，请规定整改期限。"]
        elif due <= inspected_on:
            errors["rectification_due"] = ["整改期限应晚于检查日期。"]
    if result_class == ResultClass.NOT_FOUND and not (data.get("signed_name") or "").strip():
        data = {**data, "signature_refused": True,
                "refusal_reason": (data.get("refusal_reason") or "").strip() or "未找到检查对象，无人签字"}
    signature, signature_errors = clean_signature(data, required=True)
    errors.update(signature_errors)
    if errors:
        raise ValidationError(errors)
    return {"result_class": result_class, "items_checked": items, "findings": findings, "inspected_on": inspected_on,
            "rectification": rectification if result_class == ResultClass.RECTIFY else "",
            "rectification_due": due if result_class == ResultClass.RECTIFY else None,
            **signature}


@transaction.atomic
def inspection_record_submit(*, actor, inspection_id: int, data: dict, files=(),
                             expected_version: int | None = None) -> InspectionResult:
    """The on-site record and the result. Refused before the approval and the notice."""
    inspection = get_inspection_for(actor, inspection_id, for_update=True)
    require(actor, "inspections.record", inspection)
    if not is_member(actor, inspection):
        raise deny(actor, "inspections.record", inspection)
    if inspection.status in (Status.ASSIGNED, Status.APPROVED):
        missing = "负责人批准" if inspection.status == Status.ASSIGNED else "检查通知书"
        raise Conflict(f"{APPROVAL_RULE}。本检查尚未取得{missing}，不得开展检查、录入检查记录。", code="not_notified")
    check_from(inspection, [Status.NOTIFIED], "录入检查记录")
    check_version(inspection, expected_version)
    fields = _clean_record(inspection, data)
    org = inspection.task.plan.organisation.agency()
    due = cal().add_workdays(fields["inspected_on"], publication_days())
    result = InspectionResult.objects.create(
        inspection=inspection, **fields, recorded_at=timezone.now(), recorded_by=actor, publication_due=due,
        warning=clocks.warning_for(due, today()),
        number=number("result", org, fields["inspected_on"], "{code}-JG-{year}-{seq:05d}"),
    )
    for upload in files or ():
        ResultFile.objects.create(result=result, attachment=attachments.store(upload, actor=actor, label="检查照片或文件"))
    transition(inspection, action="record", to=Status.RECORDED, actor=actor,
               data={"result_class": fields["result_class"], "files": len(files or ())})
    if fields["result_class"] == ResultClass.HANDED_OVER:
        result.handed_over_at = timezone.now()
        result.save(update_fields=["handed_over_at"])
        events.publish(HANDED_OVER, result_id=result.pk)
    return result


@transaction.atomic
def inspection_result_publish(*, actor, result_id: int) -> InspectionResult:
    """谁检查、谁录入、谁公开: a member of the team (or the head) publishes the result."""
    result = get_result_for(actor, result_id)
    inspection = get_inspection_for(actor, result.inspection_id, for_update=True)
    require(actor, "inspections.publish", inspection)
    if not (is_member(actor, inspection) or (has_perm(actor, "inspections.approve")
                                             and acts_on(actor, inspection))):
        raise deny(actor, "inspections.publish", inspection)
    check_from(inspection, [Status.RECORDED], "公示结果")
    result.refresh_from_db()
    on = today()
    late = on > result.publication_due
    result.published_on, result.published_by, result.warning = on, actor, ""
    result.save(update_fields=["published_on", "published_by", "warning"])
    note = f"{PUBLICATION_RULE}，已逾期（期限 {result.publication_due}）" if late else ""
    transition(inspection, action="publish", to=Status.PUBLISHED, actor=actor, note=note)
    supervision.resolve(result, actor=actor)
    events.publish(RESULT_PUBLISHED, result_id=result.pk)
    return result


@transaction.atomic
def result_press(*, actor, result_id: int, note: str):
    result = get_result_for(actor, result_id)
    inspection = result.inspection
    _scoped(actor, inspection, "inspections.supervise")
    if result.published_on:
        raise Conflict("该结果已公示，无需督办。", code="published")
    users = [m.user for m in _members(inspection)]
    return supervision.press(actor=actor, obj=result, note=note, notify_users=users, warning=result.warning,
                             title=f"督办：{inspection.object.name} 检查结果公示",
                             url=reverse("inspections:inspection", args=[inspection.pk]))


# --- 申请回避 -----------------------------------------------------------------------------------


@transaction.atomic
def withdrawal_request(*, actor, inspection_id: int, inspector_id: int, reasons: str) -> WithdrawalRequest:
    """The inspected enterprise asks that one inspector withdraw (回避), with its reasons."""
    inspection = get_inspection_for(actor, inspection_id)
    if not (getattr(actor, "enterprise_id", None) and inspection.object.enterprise_id == actor.enterprise_id):
        raise deny(actor, "inspections.withdrawal_request", inspection)
    check_from(inspection, [Status.ASSIGNED, Status.APPROVED, Status.NOTIFIED], "申请回避")
    if not inspection.members.filter(user_id=inspector_id, active=True).exists():
        raise ValidationError({"inspector": ["该人员不是本次检查的执法人员。"]})
    if not (reasons or "").strip():
        raise ValidationError({"reasons": ["请写明申请回避的理由（如亲属关系、曾在本单位任职等）。"]})
    if WithdrawalRequest.objects.filter(inspection=inspection, inspector_id=inspector_id, status=WithdrawalStatus.PENDING).exists():
        raise Conflict("已有对该人员的回避申请在处理中。", code="pending")
    req = WithdrawalRequest.objects.create(inspection=inspection, inspector_id=inspector_id, requested_by=actor,
                                           reasons=reasons.strip())
    from tongban.core import audit

    audit.record("inspections.withdrawal.request", actor=actor, obj=inspection, changes={"inspector": inspector_id})
    return req


@transaction.atomic
def withdrawal_decide(*, actor, request_id: int, grant: bool, note: str = "") -> WithdrawalRequest:
    """Decided by a head other than the requester and the inspector concerned; when granted the
    inspector is replaced from the same frozen pool by the same rule (label replace:<object>:<n>)."""
    req = WithdrawalRequest.objects.select_for_update().filter(pk=request_id).first()
    if req is None:
        raise ValidationError("回避申请不存在。")
    inspection = get_inspection_for(actor, req.inspection_id, for_update=True)
    _scoped(actor, inspection, "inspections.decide")
    if req.status != WithdrawalStatus.PENDING:
        raise Conflict("该回避申请已决定。", code="decided")
    if actor.pk in (req.requested_by_id, req.inspector_id):
        raise Conflict("回避申请须由申请人和被申请回避人员以外的负责人决定。", code="same_person")
    if not grant and not note.strip():
        raise ValidationError({"note": ["不予回避的，请写明理由。"]})
    req.decided_by, req.decided_at, req.decision_note = actor, timezone.now(), note.strip()
    if grant:
        draw = Draw.objects.select_for_update().get(pk=inspection.draw_id)
        obj = f"obj:{inspection.object_id}"
        team = [f"ins:{m.user_id}" for m in inspection.members.filter(active=True).order_by("id")]
        removed = sorted({f"ins:{u}" for u in inspection.members.filter(active=False).values_list("user_id", flat=True)}
                         | {f"ins:{req.inspector_id}"})
        n = sum(1 for r in draw.replacements if r["object"] == obj) + 1
        new_team, problem = engine.replacement(draw.frozen, draw.document, draw.seed, obj=obj, team=team,
                                               removed=removed, n=n)
        if problem:
            raise Conflict("依据《中华人民共和国行政处罚法》第四十二条，执法人员不得少于两人：同一执法人员库中已没有符合条件的"
                           "替换人员，不能准予回避；请作废本次抽取后补充人员重新抽取，或不予回避并说明理由。", code="no_replacement")
        added = [i for i in new_team if i not in team]
        inspection.members.filter(user_id=req.inspector_id).update(active=False)
        for ins in added:
            TeamMember.objects.update_or_create(inspection=inspection, user_id=int(ins[4:]),
                                                defaults={"active": True, "label": f"replace:{obj}:{n}"})
        draw.replacements = [*draw.replacements, {"object": obj, "n": n, "removed": f"ins:{req.inspector_id}",
                                                  "team": new_team}]
        draw.names = {**draw.names, **{i: _name(i) for i in added}}
        draw.save(update_fields=["replacements", "names"])
        req.replacement_id = int(added[0][4:]) if added else None
        req.status = WithdrawalStatus.GRANTED
        if inspection.status == Status.NOTIFIED:  # the notice named the withdrawn inspector: issue a new one
            transition(inspection, action="renotice", to=Status.APPROVED, actor=actor,
                       note="回避替换后须重新出具检查通知书", data={"old_notice": inspection.notice_number})
            Inspection.objects.filter(pk=inspection.pk).update(notice_number="", verify_code="")
        else:
            from tongban.core import audit

            audit.record("inspections.withdrawal.replace", actor=actor, obj=inspection, changes={"team": new_team})
    else:
        req.status = WithdrawalStatus.REFUSED
    req.save()
    transaction.on_commit(lambda: notify(req.requested_by, f"回避申请：{req.get_status_display()}",
                                         body=req.decision_note, url=reverse("inspections:my_company")))
    return req


def _name(ins: str) -> str:
    from tongban.accounts.models import User

    user = User.objects.filter(pk=int(ins[4:])).first()
    return user.display_name if user else ins


# --- clocks ------------------------------------------------------------------------------------


def recompute_publication_dues(days=None) -> int:
    """After a calendar change: every unpublished result's deadline from its inspection date."""
    c = cal()
    changed = 0
    for result in InspectionResult.objects.filter(published_on__isnull=True):
        due = c.add_workdays(result.inspected_on, publication_days())
        if due != result.publication_due:
            result.publication_due = due
            result.warning = clocks.warning_for(due, today(), cal=c)
            result.save(update_fields=["publication_due", "warning"])
            changed += 1
    return changed
