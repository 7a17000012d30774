"""Completion: a building without an air-defence basement is accepted on its own with a numbered
letter (竣工一幢、验收一幢, 豫人防〔2021〕27号); the whole project's completion verification document
(竣工验收核实文件) follows once every basement has passed and the fee obligations are met."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.core.errors import Conflict

from ..models import Building, FeeAssessment, Project, Rectification, WorksDocument
from ..permissions import LETTER, get_building_for, get_project_for
from ._common import SINGLE_BUILDING_BASIS, check_from, check_version, number, today, transition
from .fees import current

BASEMENT_REFUSAL = (
    f"依据{SINGLE_BUILDING_BASIS}，只有地下无防空地下室的单体建筑可以先行出具同意其竣工验收备案的函"
    "（竣工一幢、验收一幢）；“{name}”建有防空地下室，须待防空地下室验收合格后，随整体项目出具竣工验收核实文件。"
)


def _check_single(building: Building) -> None:
    if building.has_basement:
        raise ValidationError(BASEMENT_REFUSAL.format(name=building.name))
    if building.status == Building.Status.ACCEPTED:
        raise Conflict(f"“{building.name}”已出具单体竣工验收备案函。", code="accepted")


@transaction.atomic
def building_request(*, actor, building_id: int) -> Building:
    """The builder asks for the single-building letter."""
    building = get_building_for(actor, building_id, builder=True, for_update=True)
    project = building.project
    check_from(project, (Project.Status.SUPERVISED,), "申请单体竣工验收备案")
    _check_single(building)
    if building.letter_requested_on:
        raise Conflict(f"已于 {building.letter_requested_on} 申请，请等待人防主管部门出函。", code="requested")
    building.letter_requested_on = today()
    building.save(update_fields=["letter_requested_on"])
    transition(project, actor=actor, action="building_request", from_status=project.status, fields=[],
               note=building.name, changes={"building": building.pk})
    return building


@transaction.atomic
def building_accept(*, actor, building_id: int) -> WorksDocument:
    """The office issues the numbered letter agreeing to the building's completion filing."""
    building = get_building_for(actor, building_id, perm=LETTER, for_update=True)
    project = building.project
    check_from(project, (Project.Status.SUPERVISED,), "出具单体竣工验收备案函")
    _check_single(building)
    if not building.letter_requested_on:
        raise Conflict("建设单位尚未申请出具该单体的竣工验收备案函。", code="not_requested")
    if project.rectifications.filter(status=Rectification.Status.OPEN, visit__building=building).exists():
        raise ValidationError(f"“{building.name}”尚有未完成的整改，整改销号后方可出函。")
    day = today()
    letter = WorksDocument.objects.create(
        project=project, building=building, kind=WorksDocument.Kind.BUILDING_LETTER,
        number=number(project, "building_letter", "人防单验函", day), issued_on=day,
        content={"project": project.name, "builder": project.builder.name, "building": building.name,
                 "use": building.get_use_display(), "above_m2": f"{building.above_area_cm2 / 100:.2f}",
                 "registration_number": project.registration_number, "basis": SINGLE_BUILDING_BASIS},
    )
    building.status, building.passed_on = Building.Status.ACCEPTED, day
    building.save(update_fields=["status", "passed_on"])
    transition(project, actor=actor, action="building_accept", from_status=project.status, fields=[],
               note=f"{building.name}：{letter.number}", changes={"building": building.pk, "letter": letter.number})
    from .projects import _tell_builder

    _tell_builder(project, f"已出具单体竣工验收备案函：{building.name}", f"{letter.number}。可在项目页下载。")
    return letter


def missing_for_verification(project: Project) -> list[str]:
    """What still stands between the project and its completion verification document."""
    if project.status == Project.Status.VERIFIED:
        return []
    out: list[str] = []
    if project.status != Project.Status.SUPERVISED:
        out.append("项目尚未受理报监。")
    for b in project.buildings.all():
        if b.has_basement and b.status != Building.Status.PASSED:
            out.append(f"“{b.name}”的防空地下室尚未竣工验收合格。")
    for r in project.rectifications.filter(status=Rectification.Status.OPEN).select_related("visit"):
        out.append(f"整改通知（{r.visit.get_stage_display()}，期限 {r.due_on}）尚未销号。")
    fee = current(project)
    if fee is None:
        out.append("易地建设费尚未核定。")
    elif fee.status != FeeAssessment.Status.SETTLED:
        out.append(f"易地建设费 {fee.payable_fen / 100:,.2f} 元尚未缴清。")
    return out


@transaction.atomic
def project_verify(*, actor, project_id: int, expected_version: int | None = None) -> WorksDocument:
    project = get_project_for(actor, project_id, perm=LETTER, for_update=True)
    check_from(project, (Project.Status.SUPERVISED,), "出具竣工验收核实文件")
    check_version(project, expected_version)
    missing = missing_for_verification(project)
    if missing:
        raise ValidationError(
            "项目尚未依法履行人防义务，暂不能出具竣工验收核实文件（" + SINGLE_BUILDING_BASIS + "）。尚缺：" + "".join(missing)
        )
    day = today()
    fee = current(project)
    doc = WorksDocument.objects.create(
        project=project, kind=WorksDocument.Kind.VERIFICATION, number=number(project, "verification", "人防核", day),
        issued_on=day,
        content={"project": project.name, "builder": project.builder.name,
                 "registration_number": project.registration_number,
                 "basements": [{"name": b.name, "class": b.get_protection_class_display(),
                                "area": f"{b.basement_area_cm2 / 100:.2f}", "passed_on": b.passed_on.isoformat()}
                               for b in project.buildings.filter(has_basement=True)],
                 "fee_payable": f"{fee.payable_fen / 100:.2f}", "fee_rule_version": fee.rule_version,
                 "basis": SINGLE_BUILDING_BASIS},
    )
    project.status, project.verified_on = Project.Status.VERIFIED, day
    transition(project, actor=actor, action="project_verify", from_status=Project.Status.SUPERVISED,
               fields=["status", "verified_on"], changes={"document": doc.number})
    from .projects import _tell_builder

    _tell_builder(project, f"已出具人防工程竣工验收核实文件：{project.name}", f"{doc.number}。")
    return doc
