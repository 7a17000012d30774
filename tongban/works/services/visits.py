"""Supervision visits through completion: findings and photos, rectification orders with deadlines,
protective equipment checked against the approved makers, hand-over to enforcement, and the
parties' conduct published for the credit module (`works.party_conduct`)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.accounts.models import Enterprise
from tongban.core import clocks, events, supervision
from tongban.inspections.services import onsite_hand_over, onsite_record_store

from ..models import (
    ApprovedMaker,
    Building,
    ConductEvent,
    Party,
    PartyRole,
    Project,
    Rectification,
    Stage,
    Visit,
)
from ..permissions import VISIT, get_project_for
from ._common import RECTIFICATION_DAYS_DEFAULT, cal, check_from, check_version, today, transition

PARTY_CONDUCT = "works.party_conduct"  # (event_id, …what credit needs) — credit's practitioner evaluation
# Hand-over uses the inspections module's event (record_id): enforcement opens the case from it.
HANDED_OVER = "inspection.handed_over"
MAX_PHOTOS = 12


def record_conduct(project: Project, *, enterprise_id: int, role: str, kind: str, on: dt.date,
                   description: str, visit: Visit | None = None) -> ConductEvent:
    event = ConductEvent.objects.create(
        project=project, enterprise_id=enterprise_id, party_role=role, kind=kind, occurred_on=on,
        description=description, visit=visit,
    )
    enterprise = Enterprise.objects.only("uscc", "name").get(pk=enterprise_id)
    # The payload carries everything credit needs, so credit (below works) never reads works.
    events.publish(
        PARTY_CONDUCT, event_id=event.pk, subject_uscc=enterprise.uscc or "", subject_name=enterprise.name,
        party_role=role, conduct=kind, occurred_on=on.isoformat(), source_ref=f"works.conduct:{event.pk}",
        description=description[:500], org_id=project.organisation_id, project_name=project.name,
        conduct_label=str(ConductEvent.Kind(kind).label), party_role_label=str(PartyRole(role).label),
    )
    return event


def approved_maker(enterprise_id: int, on: dt.date) -> ApprovedMaker | None:
    return ApprovedMaker.objects.filter(enterprise_id=enterprise_id, valid_until__gte=on).first()


def store_record(project: Project, *, actor, building: Building | None, stage: str, on: dt.date,
                 findings: str, outcome: str, maker_id: int | None, approved: bool | None, photos,
                 signature: dict | None = None, subject=None) -> Visit:
    """The one place a visit is written: the on-site record is the inspections module's
    (findings, photos content-checked and hashed, signature), the visit links it."""
    subject = subject or project.builder
    label = Stage(stage).label
    record = onsite_record_store(
        actor=actor, organisation=project.organisation, source="works.visit",
        reference=f"{project.registration_number or project.name} · {label}",
        subject_name=subject.name, subject_uscc=subject.uscc or "", subject_address=project.address,
        findings=findings, inspected_on=on, items_checked=f"人防工程质量监督（{label}）",
        signature=signature, files=photos,
    )
    return Visit.objects.create(
        project=project, building=building, stage=stage, visited_on=on, inspector=actor, record=record,
        outcome=outcome, equipment_maker_id=maker_id, equipment_approved=approved,
    )


@transaction.atomic
def visit_record(*, actor, project_id: int, stage: str, findings: str, outcome: str,
                 building_id: int | None = None, visited_on: dt.date | None = None,
                 requirement: str = "", party_role: str = PartyRole.CONTRACTOR,
                 due_days: int | None = None, photos=(), signature: dict | None = None,
                 expected_version: int | None = None) -> Visit:
    project = get_project_for(actor, project_id, perm=VISIT, for_update=True)
    check_from(project, (Project.Status.SUPERVISED,), "记录监督检查")
    check_version(project, expected_version)
    day = today()
    on = visited_on or day
    errors: dict[str, str] = {}
    if stage not in Stage.values:
        errors["stage"] = "请选择检查阶段。"
    if outcome not in Visit.Outcome.values:
        errors["outcome"] = "请选择检查结论。"
    findings = (findings or "").strip()
    if not findings:
        errors["findings"] = "请填写检查情况。"
    if on > day:
        errors["visited_on"] = "检查日期不能晚于今天。"
    building = None
    if building_id:
        building = project.buildings.filter(pk=building_id).first()
        if building is None:
            errors["building_id"] = "所选单体不属于本项目。"
    elif stage == Stage.COMPLETION:
        errors["building_id"] = "竣工检查请选择单体。"
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = f"现场照片最多 {MAX_PHOTOS} 张。"
    responsible = None
    if outcome in (Visit.Outcome.RECTIFY, Visit.Outcome.HANDED_OVER):
        responsible = project.parties.filter(role=party_role).first() if party_role in PartyRole.values else None
        if responsible is None:
            errors["party_role"] = "请选择本项目中的责任单位。"
    if outcome == Visit.Outcome.RECTIFY:
        if not (requirement or "").strip():
            errors["requirement"] = "责令整改须写明整改要求。"
        days = RECTIFICATION_DAYS_DEFAULT if due_days in (None, "") else due_days
        try:
            days = int(days)
            if not 1 <= days <= 60:
                raise ValueError
        except (TypeError, ValueError):
            errors["due_days"] = "整改期限应为 1 至 60 个工作日。"
    # Protective equipment is checked against the approved makers (定点生产企业).
    maker_id, approved, unapproved = None, None, []
    if stage == Stage.EQUIPMENT:
        makers = list(project.parties.filter(role=PartyRole.EQUIPMENT_MAKER).select_related("enterprise"))
        if not makers:
            errors["stage"] = "项目未登记防护设备生产企业，请先由建设单位补充参建单位。"
        unapproved = [p for p in makers if approved_maker(p.enterprise_id, on) is None]
        maker_id = makers[0].enterprise_id if makers else None
        approved = not unapproved if makers else None
        if unapproved and outcome == Visit.Outcome.PASSED:
            errors["outcome"] = (
                f"防护设备生产企业{'、'.join(p.enterprise.name for p in unapproved)}不在人防防护设备定点生产企业名录内"
                "（或认定已过期），不能判定合格。"
            )
    if building is not None and stage == Stage.COMPLETION and outcome == Visit.Outcome.PASSED:
        if not building.has_basement:
            errors["building_id"] = "该单体没有防空地下室，竣工验收请由建设单位申请出具单体竣工验收备案函。"
        elif project.rectifications.filter(status=Rectification.Status.OPEN, visit__building=building).exists():
            errors["outcome"] = "该单体尚有未完成的整改，不能判定防空地下室验收合格。"
    if errors:
        raise ValidationError(errors)
    visit = store_record(project, actor=actor, building=building, stage=stage, on=on, findings=findings,
                         outcome=outcome, maker_id=maker_id, approved=approved, photos=photos,
                         signature=signature, subject=responsible.enterprise if responsible else None)
    for party in unapproved:
        record_conduct(project, enterprise_id=party.enterprise_id, role=PartyRole.EQUIPMENT_MAKER,
                       kind=ConductEvent.Kind.UNAPPROVED_EQUIPMENT, on=on, visit=visit,
                       description=f"{project.name}：所供防护设备的生产企业不在定点生产企业名录内。")
    if outcome == Visit.Outcome.RECTIFY:
        due = cal().add_workdays(on, days)
        Rectification.objects.create(
            visit=visit, project=project, party_id=responsible.enterprise_id, party_role=responsible.role,
            requirement=requirement.strip(), due_on=due, warning=clocks.warning_for(due, day),
        )
        record_conduct(project, enterprise_id=responsible.enterprise_id, role=responsible.role,
                       kind=ConductEvent.Kind.RECTIFICATION_ORDERED, on=on, visit=visit,
                       description=f"{project.name}（{visit.get_stage_display()}）：{requirement.strip()}；限 {due} 前整改。")
    if outcome == Visit.Outcome.HANDED_OVER:
        record_conduct(project, enterprise_id=responsible.enterprise_id, role=responsible.role,
                       kind=ConductEvent.Kind.HANDED_OVER, on=on, visit=visit,
                       description=f"{project.name}（{visit.get_stage_display()}）：{findings}；移交执法。")
        onsite_hand_over(visit.record)
    if building is not None and stage == Stage.COMPLETION and outcome == Visit.Outcome.PASSED:
        building.status = Building.Status.PASSED
        building.passed_on = on
        building.save(update_fields=["status", "passed_on"])
    transition(project, actor=actor, action="visit_record", from_status=project.status, fields=[],
               note=f"{visit.get_stage_display()}：{visit.get_outcome_display()}",
               changes={"visit": visit.pk, "outcome": outcome})
    return visit


@transaction.atomic
def rectification_close(*, actor, rectification_id: int, note: str) -> Rectification:
    """A supervisor re-checks and closes a rectification order."""
    rect = Rectification.objects.filter(pk=rectification_id).values_list("project_id", flat=True).first()
    if rect is None:
        from django.http import Http404

        raise Http404("整改通知不存在。")
    project = get_project_for(actor, rect, perm=VISIT, for_update=True)
    rect = Rectification.objects.select_related("visit").get(pk=rectification_id)
    if rect.status != Rectification.Status.OPEN:
        from tongban.core.errors import Conflict

        raise Conflict("该整改通知已经销号。", code="closed")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写复查意见。"})
    day = today()
    rect.status, rect.done_on, rect.done_note, rect.warning = Rectification.Status.DONE, day, note, ""
    rect.save(update_fields=["status", "done_on", "done_note", "warning"])
    supervision.resolve(rect, actor=actor)  # closing the order answers its presses
    if day <= rect.due_on:
        record_conduct(project, enterprise_id=rect.party_id, role=rect.party_role,
                       kind=ConductEvent.Kind.RECTIFICATION_DONE, on=day, visit=rect.visit,
                       description=f"{project.name}：按期完成整改（{rect.requirement}）。")
    transition(project, actor=actor, action="rectification_close", from_status=project.status, fields=[],
               note=note, changes={"rectification": rect.pk})
    return rect


def sweep_rectifications(on: dt.date | None = None) -> dict[str, int]:
    """Warnings on open orders, and one `rectification_late` conduct event per overdue order,
    claimed with a conditional UPDATE so two workers never publish it twice."""
    on = on or today()
    open_ = Rectification.objects.filter(status=Rectification.Status.OPEN)
    counts = clocks.apply_warnings(
        open_, "due_on", today=on, stopped=Rectification.objects.filter(status=Rectification.Status.DONE)
    )
    late = 0
    for rect in open_.filter(due_on__lt=on, late_reported=False).select_related("project", "visit"):
        with transaction.atomic():
            if Rectification.objects.filter(pk=rect.pk, late_reported=False).update(late_reported=True):
                _late(rect, on)
                late += 1
    counts["late"] = late
    return counts


def _late(rect: Rectification, on: dt.date) -> None:
    record_conduct(rect.project, enterprise_id=rect.party_id, role=rect.party_role,
                   kind=ConductEvent.Kind.RECTIFICATION_LATE, on=on, visit=rect.visit,
                   description=f"{rect.project.name}：逾期未完成整改（期限 {rect.due_on}）。")


def sweep_registrations(on: dt.date | None = None) -> dict[str, int]:
    on = on or today()
    return clocks.apply_warnings(
        Project.objects.filter(status=Project.Status.SUBMITTED), "registration_due", today=on,
        stopped=Project.objects.exclude(status=Project.Status.SUBMITTED).exclude(warning=""),
    )


def parties_of(project: Project) -> list[Party]:
    return list(project.parties.select_related("enterprise"))
