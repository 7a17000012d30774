"""The relocation construction fee (易地建设费) of a project, from the rule sets in force
(tongban.policies.fees). The result and its rule versions are stored with the project; reliefs a
rule marks 免申即享 are applied without an application and the builder is told; an officer may add
only reliefs that a rule in force provides and whose conditions the project meets."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.core.errors import Conflict
from tongban.policies import fees as engine
from tongban.policies.models import FeeSchedule

from ..models import FeeAssessment, Project
from ..permissions import FEE, get_project_for
from ._common import check_from, check_version, today, transition


def schedule() -> FeeSchedule:
    found = FeeSchedule.objects.filter(code=engine.RELOCATION_FEE).first()
    if found is None:
        raise ValidationError("尚未配置防空地下室易地建设费收费项目，请联系系统管理员。")
    return found


def inputs(project: Project) -> list[engine.BuildingInput]:
    return [
        engine.BuildingInput(
            name=b.name, use=b.use, above_cm2=b.above_area_cm2, below_cm2=b.below_area_cm2,
            basement_cm2=b.basement_area_cm2 if b.has_basement else 0, category=b.category,
        )
        for b in project.buildings.all()
    ]


def preview(project: Project, *, claimed=(), on: dt.date | None = None) -> engine.FeeResult:
    """The calculation as it would be assessed today: shown to the builder before filing."""
    return engine.calculate_project(
        schedule=schedule(), region_code=project.region_code, land_type=project.land_type,
        buildings=inputs(project), on=on or today(), claimed=claimed,
    )


def current(project: Project) -> FeeAssessment | None:
    return project.fees.filter(superseded=False).first()


def assess(project: Project, *, actor, claimed=(), on: dt.date) -> FeeAssessment:
    """Assess (or re-assess) the fee; the caller holds the project lock."""
    result = preview(project, claimed=claimed, on=on)
    project.fees.filter(superseded=False).update(superseded=True)
    assessment = FeeAssessment.objects.create(
        project=project, rule_set=result.rule_sets[0], rule_version=result.rule_version, assessed_on=on,
        assessed_by=actor, base_fen=result.base_fen, relief_fen=result.relief_fen, payable_fen=result.payable_fen,
        applied_codes=result.applied_codes, claimed_codes=list(claimed), result=result.as_dict(),
        status=FeeAssessment.Status.SETTLED if result.payable_fen == 0 else FeeAssessment.Status.ASSESSED,
    )
    automatic = [r for r in result.applied if r.automatic]
    from .projects import _tell_builder

    body = f"减免前 {engine.yuan(result.base_fen)}，应缴 {engine.yuan(result.payable_fen)}（规则版本 {result.rule_version}）。"
    if automatic:
        body += "已为您自动适用（免申即享，无需申请）：" + "；".join(
            f"{r.factor.label}（{r.factor.citation}），减免 {engine.yuan(r.amount_fen)}" for r in automatic
        ) + "。"
    _tell_builder(project, f"易地建设费已核定：{project.name}", body)
    return assessment


@transaction.atomic
def fee_assess(*, actor, project_id: int, claimed=(), expected_version: int | None = None) -> FeeAssessment:
    """An officer re-assesses the fee, optionally entering reliefs that need verification."""
    project = get_project_for(actor, project_id, perm=FEE, for_update=True)
    check_from(project, (Project.Status.SUBMITTED, Project.Status.SUPERVISED), "核定易地建设费")
    check_version(project, expected_version)
    old = current(project)
    if old is not None and old.status == FeeAssessment.Status.SETTLED and old.payable_fen > 0:
        raise Conflict("易地建设费已缴清，不能重新核定。", code="settled")
    codes = [c.strip() for c in claimed if c and c.strip()]
    assessment = assess(project, actor=actor, claimed=codes, on=today())
    transition(project, actor=actor, action="fee_assess", from_status=project.status, fields=[],
               changes={"payable_fen": assessment.payable_fen, "applied": assessment.applied_codes,
                        "rule_version": assessment.rule_version})
    return assessment


@transaction.atomic
def fee_settle(*, actor, project_id: int, payment_ref: str) -> FeeAssessment:
    project = get_project_for(actor, project_id, perm=FEE, for_update=True)
    assessment = current(project)
    if assessment is None:
        raise Conflict("易地建设费尚未核定。", code="not_assessed")
    if assessment.status == FeeAssessment.Status.SETTLED:
        raise Conflict("易地建设费已缴清。", code="settled")
    payment_ref = (payment_ref or "").strip()
    if not payment_ref:
        raise ValidationError({"payment_ref": "请填写缴款凭证号（非税收入缴款书号）。"})
    assessment.status, assessment.paid_on, assessment.payment_ref = FeeAssessment.Status.SETTLED, today(), payment_ref[:60]
    assessment.save(update_fields=["status", "paid_on", "payment_ref"])
    transition(project, actor=actor, action="fee_settle", from_status=project.status, fields=[],
               changes={"payment_ref": payment_ref})
    return assessment
