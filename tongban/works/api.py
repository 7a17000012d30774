"""Works API: thin over services and selectors; every operation has a stable operation id."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from . import selectors, services
from .models import Project
from .permissions import get_building_for, get_project_for
from .services import fees as fee_service

router = Router(tags=["人防工程"])


class BuildingIn(Schema):
    name: str
    use: str
    above_area: str  # m², up to two decimals
    below_area: str = ""
    has_basement: bool = False
    protection_class: str = ""
    basement_area: str = ""
    category: str = ""


class PartyIn(Schema):
    role: str
    uscc: str


class ProjectIn(Schema):
    name: str
    address: str
    region_code: str
    land_type: str
    buildings: list[BuildingIn]
    parties: list[PartyIn] = []


class BuildingOut(Schema):
    id: int
    name: str
    use: str
    has_basement: bool
    protection_class: str
    status: str
    letter_requested_on: dt.date | None


class ProjectOut(Schema):
    id: int
    name: str
    status: str
    status_label: str
    registration_number: str
    submitted_on: dt.date | None
    registration_due: dt.date | None
    accepted_on: dt.date | None
    warning: str
    row_version: int
    buildings: list[BuildingOut]
    missing: list[str]
    available_actions: list[str]

    @staticmethod
    def resolve_status_label(obj: Project) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_buildings(obj: Project):
        return list(obj.buildings.all())

    @staticmethod
    def resolve_missing(obj: Project) -> list[str]:
        return services.missing_for_verification(obj)

    @staticmethod
    def resolve_available_actions(obj: Project, context) -> list[str]:
        return selectors.available_actions(context["request"].user, obj)


class VersionIn(Schema):
    row_version: int | None = None


class AcceptIn(VersionIn):
    supervisor_id: int


class VisitIn(VersionIn):
    stage: str
    findings: str
    outcome: str
    building_id: int | None = None
    visited_on: dt.date | None = None
    requirement: str = ""
    party_role: str = "contractor"
    due_days: int | None = None
    signed_name: str = ""
    signature_confirmed: bool = False
    signature_refused: bool = False
    refusal_reason: str = ""


class VisitOut(Schema):
    id: int
    stage: str
    outcome: str
    visited_on: dt.date
    equipment_approved: bool | None
    rectification_due: dt.date | None

    @staticmethod
    def resolve_rectification_due(obj) -> dt.date | None:
        rect = getattr(obj, "rectification", None)  # the reverse one-to-one raises AttributeError
        return rect.due_on if rect else None


class DocumentOut(Schema):
    id: int
    kind: str
    number: str
    issued_on: dt.date


class FeeIn(VersionIn):
    waivers: list[str] = []


def _project(request, pk: int) -> Project:
    return get_project_for(request.user, pk)


@router.get("/projects", response=list[ProjectOut], operation_id="works_project_list", summary="人防工程项目列表")
def works_project_list(request, status: str = ""):
    return list(selectors.project_list(request.user, status=status if status in Project.Status.values else "")[:200])


@router.post("/projects", response={201: ProjectOut}, operation_id="works_project_create",
             summary="建设单位登记人防工程项目（单体、参建单位）")
def works_project_create(request, payload: ProjectIn):
    project = services.project_create(
        actor=request.user, name=payload.name, address=payload.address, region_code=payload.region_code,
        land_type=payload.land_type, buildings=[b.model_dump() for b in payload.buildings],
        parties=[p.model_dump() for p in payload.parties],
    )
    return 201, project


@router.get("/projects/{int:pk}", response=ProjectOut, operation_id="works_project_get", summary="人防工程项目")
def works_project_get(request, pk: int):
    return _project(request, pk)


@router.post("/projects/{int:pk}/registration", response=ProjectOut, operation_id="works_registration_submit",
             summary="网上报监（multipart：doc_<材料代码> 文件）",
             description="材料代码：" + "、".join(f"{c}（{label}）" for c, label in services.REGISTRATION_DOCUMENTS))
def works_registration_submit(request, pk: int, row_version: int | None = None):
    files = {k.removeprefix("doc_"): f for k, f in request.FILES.items() if k.startswith("doc_")}
    return services.registration_submit(actor=request.user, project_id=pk, files=files, expected_version=row_version)


@router.post("/projects/{int:pk}/registration/accept", response=ProjectOut, operation_id="works_registration_accept",
             summary="监督站受理报监、指定监督员、出具监督计划书")
def works_registration_accept(request, pk: int, payload: AcceptIn):
    return services.registration_accept(actor=request.user, project_id=pk, supervisor_id=payload.supervisor_id,
                                        expected_version=payload.row_version)


@router.post("/projects/{int:pk}/visits", response={201: VisitOut}, operation_id="works_visit_record",
             summary="记录监督检查（阶段、检查情况、结论、整改要求与期限）")
def works_visit_record(request, pk: int, payload: VisitIn):
    visit = services.visit_record(
        actor=request.user, project_id=pk, stage=payload.stage, findings=payload.findings, outcome=payload.outcome,
        building_id=payload.building_id, visited_on=payload.visited_on, requirement=payload.requirement,
        party_role=payload.party_role, due_days=payload.due_days, expected_version=payload.row_version,
        signature={"signed_name": payload.signed_name, "signature_confirmed": payload.signature_confirmed,
                   "signature_refused": payload.signature_refused, "refusal_reason": payload.refusal_reason},
    )
    return 201, visit


@router.post("/buildings/{int:pk}/request", response=BuildingOut, operation_id="works_building_request",
             summary="建设单位申请单体竣工验收备案（无防空地下室的单体）")
def works_building_request(request, pk: int):
    return services.building_request(actor=request.user, building_id=pk)


@router.post("/buildings/{int:pk}/accept", response=DocumentOut, operation_id="works_building_accept",
             summary="出具同意单体建筑竣工验收备案的函（竣工一幢、验收一幢）")
def works_building_accept(request, pk: int):
    get_building_for(request.user, pk)
    return services.building_accept(actor=request.user, building_id=pk)


@router.post("/projects/{int:pk}/verify", response=DocumentOut, operation_id="works_project_verify",
             summary="出具整体项目竣工验收核实文件（尚缺事项未完成时拒绝并列明）")
def works_project_verify(request, pk: int, payload: VersionIn):
    return services.project_verify(actor=request.user, project_id=pk, expected_version=payload.row_version)


@router.get("/projects/{int:pk}/fee", response=dict, operation_id="works_fee_preview",
            summary="易地建设费预览（按现行规则逐步计算，未核定）")
def works_fee_preview(request, pk: int):
    project = _project(request, pk)
    current = fee_service.current(project)
    return {
        "preview": fee_service.preview(project).as_dict(),
        "assessed": None if current is None else {
            "payable_yuan": f"{current.payable_fen / 100:.2f}", "status": current.status,
            "rule_version": current.rule_version, "applied_codes": current.applied_codes,
            "assessed_on": current.assessed_on.isoformat(),
        },
    }


@router.post("/projects/{int:pk}/fee", response=dict, operation_id="works_fee_assess",
             summary="核定易地建设费（可录入现行规则中需核定的减免）")
def works_fee_assess(request, pk: int, payload: FeeIn):
    assessment = services.fee_assess(actor=request.user, project_id=pk, claimed=payload.waivers,
                                     expected_version=payload.row_version)
    return {"payable_yuan": f"{assessment.payable_fen / 100:.2f}", "rule_version": assessment.rule_version,
            "applied_codes": assessment.applied_codes, "status": assessment.status}
