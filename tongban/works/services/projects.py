"""Projects and online quality-supervision registration (网上报监): the builder enters the project
and registers it with the required documents; the station accepts it within its limit, assigns a
supervisor, numbers the registration and issues the supervision plan."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tongban.accounts.models import Enterprise, User
from tongban.core import attachments, clocks, supervision
from tongban.core.notifications import notify
from tongban.core.permissions import ROLE_PERMISSIONS
from tongban.core.validators import validate_uscc
from tongban.policies.models import BuildingUse, LandType, ReliefCategory
from tongban.policies.profiles import m2_to_cm2
from tongban.policies.rules.spec import REGION_RE

from ..models import Building, Party, PartyRole, Project, ProjectDocument, WorksDocument
from ..permissions import ACCEPT, VISIT, get_project_for, station_for
from ._common import cal, check_from, check_version, number, registration_days, today, transition

# The materials of 网上报监 (人防工程质量监督登记) [K]: what Henan's stations ask for.
REGISTRATION_DOCUMENTS = [
    ("drawing_review", "施工图设计文件审查合格书（人防部分）"),
    ("construction_permit", "建设工程施工许可证或开工批准文件"),
    ("contracts", "施工、监理中标通知书或合同"),
    ("quality_form", "人防工程质量监督登记表"),
]


def _area(value, label: str, *, required: bool) -> int:
    if isinstance(value, int):
        if value < 0:
            raise ValidationError(f"{label}不能为负数。")
        return value
    cm2 = m2_to_cm2(value, label) if str(value or "").strip() not in ("", "0") else None
    if cm2 is None:
        if required:
            raise ValidationError(f"请填写{label}。")
        return 0
    return cm2


def _building(i: int, row: dict, errors: dict) -> Building | None:
    where = f"第 {i + 1} 个单体"
    name = (row.get("name") or "").strip()
    out = Building(name=name[:60], use=row.get("use") or "", category=row.get("category") or "")
    if not name:
        errors[f"buildings.{i}.name"] = f"{where}：请填写单体名称。"
    if out.use not in BuildingUse.values:
        errors[f"buildings.{i}.use"] = f"{where}：请选择建筑用途。"
    if out.category and out.category not in ReliefCategory.values:
        errors[f"buildings.{i}.category"] = f"{where}：建筑类别不在可选范围内。"
    for key, field, label, required in (
        ("above_area", "above_area_cm2", "地上建筑面积", True),
        ("below_area", "below_area_cm2", "地下建筑面积", False),
        ("basement_area", "basement_area_cm2", "防空地下室面积", False),
    ):
        try:
            setattr(out, field, _area(row.get(key), f"{where}{label}", required=required))
        except ValidationError as exc:
            errors[f"buildings.{i}.{key}"] = "；".join(exc.messages)
    out.has_basement = bool(row.get("has_basement"))
    out.protection_class = (row.get("protection_class") or "") if out.has_basement else ""
    if out.has_basement:
        if out.protection_class not in Building.Protection.values or not out.protection_class:
            errors[f"buildings.{i}.protection_class"] = f"{where}：有防空地下室的单体请选择防护等级。"
        if not out.basement_area_cm2:
            errors[f"buildings.{i}.basement_area"] = f"{where}：请填写防空地下室面积。"
        elif out.basement_area_cm2 > out.below_area_cm2:
            errors[f"buildings.{i}.basement_area"] = f"{where}：防空地下室面积不能大于地下建筑面积。"
    elif out.basement_area_cm2:
        errors[f"buildings.{i}.basement_area"] = f"{where}：未勾选“有防空地下室”时防空地下室面积应为 0。"
    return out


@transaction.atomic
def project_create(*, actor, name: str, address: str, region_code: str, land_type: str,
                   buildings: list[dict], parties: list[dict] = ()) -> Project:
    """The builder enters its project (one per construction permit) with buildings and parties."""
    if not getattr(actor, "is_applicant", False) or not actor.enterprise_id:
        raise PermissionDenied("只有建设单位的企业用户可以登记人防工程项目。")
    errors: dict[str, str] = {}
    name, address = (name or "").strip(), (address or "").strip()
    if not name:
        errors["name"] = "请填写项目名称。"
    if not address:
        errors["address"] = "请填写建设地点。"
    station = None
    if not REGION_RE.match(region_code or ""):
        errors["region_code"] = "请选择项目所在地（6 位行政区划代码）。"
    else:
        station = station_for(region_code)
        if station is None:
            errors["region_code"] = "该地区尚未设置人防工程质量监督站，暂不能网上报监，请联系当地人防主管部门。"
    if land_type not in LandType.values:
        errors["land_type"] = "请选择用地类型。"
    rows = [r for r in (buildings or []) if any(str(v).strip() for v in r.values() if v is not None)]
    if not rows:
        errors["buildings"] = "请至少填写一个单体建筑。"
    built = [_building(i, row, errors) for i, row in enumerate(rows)]
    names = [b.name for b in built if b.name]
    if len(names) != len(set(names)):
        errors["buildings"] = "单体名称不能重复。"
    party_rows: list[tuple[str, Enterprise]] = []
    for i, row in enumerate(parties or []):
        role, uscc = row.get("role") or "", (row.get("uscc") or "").strip().upper()
        if not role and not uscc:
            continue
        if role not in PartyRole.values or role == PartyRole.BUILDER:
            errors[f"parties.{i}.role"] = f"第 {i + 1} 个参建单位：请选择角色（建设单位即本企业，无需填写）。"
            continue
        try:
            validate_uscc(uscc)
        except ValidationError as exc:
            errors[f"parties.{i}.uscc"] = f"第 {i + 1} 个参建单位：{'；'.join(exc.messages)}"
            continue
        enterprise = Enterprise.objects.filter(uscc=uscc).first()
        if enterprise is None:
            errors[f"parties.{i}.uscc"] = f"第 {i + 1} 个参建单位：平台上没有统一社会信用代码为 {uscc} 的企业，请核对或请该企业先注册。"
            continue
        party_rows.append((role, enterprise))
    if errors:
        raise ValidationError(errors)
    project = Project.objects.create(
        organisation=station, builder_id=actor.enterprise_id, created_by=actor, name=name[:200],
        address=address[:200], region_code=region_code, land_type=land_type,
    )
    for b in built:
        b.project = project
    Building.objects.bulk_create(built)
    Party.objects.create(project=project, role=PartyRole.BUILDER, enterprise_id=actor.enterprise_id)
    for role, enterprise in dict.fromkeys(party_rows):
        Party.objects.get_or_create(project=project, role=role, enterprise=enterprise)
    transition(project, actor=actor, action="create", from_status="", fields=[],
               changes={"name": name, "buildings": len(built)})
    return project


@transaction.atomic
def registration_submit(*, actor, project_id: int, files: dict, expected_version: int | None = None) -> Project:
    """网上报监: the builder registers the works for quality supervision with the documents.
    `files` maps a document code of REGISTRATION_DOCUMENTS to an upload; on a resubmission after
    a return, documents already given may be left out."""
    project = get_project_for(actor, project_id, builder=True, for_update=True)
    check_from(project, (Project.Status.DRAFT, Project.Status.RETURNED), "报监")
    check_version(project, expected_version)
    have = set(project.documents.values_list("kind", flat=True))
    errors: dict[str, str] = {}
    stored = []
    for code, label in REGISTRATION_DOCUMENTS:
        upload = files.get(code)
        if upload is None:
            if code not in have:
                errors[f"doc_{code}"] = f"请上传“{label}”。"
            continue
        try:
            stored.append((code, label, attachments.store(upload, actor=actor, label=label)))
        except ValidationError as exc:
            errors[f"doc_{code}"] = "；".join(exc.messages)
    unknown = set(files) - {c for c, _l in REGISTRATION_DOCUMENTS}
    if unknown:
        errors["__all__"] = f"不认识的材料：{'、'.join(sorted(unknown))}。"
    if errors:
        raise ValidationError(errors)
    for code, label, attachment in stored:
        ProjectDocument.objects.filter(project=project, kind=code).delete()
        ProjectDocument.objects.create(project=project, kind=code, label=label, attachment=attachment)
    before = project.status
    day = today()
    project.status = Project.Status.SUBMITTED
    project.submitted_on = day
    # [K] acceptance limit in working days, the day of submission not counted.
    project.registration_due = cal().add_workdays(day, registration_days())
    project.warning = clocks.warning_for(project.registration_due, day)
    project.returned_reason = ""
    transition(project, actor=actor, action="registration_submit", from_status=before,
               fields=["status", "submitted_on", "registration_due", "warning", "returned_reason"])
    return project


@transaction.atomic
def registration_return(*, actor, project_id: int, reason: str, expected_version: int | None = None) -> Project:
    """The station returns a registration whose documents are incomplete, saying what to fix."""
    project = get_project_for(actor, project_id, perm=ACCEPT, for_update=True)
    check_from(project, (Project.Status.SUBMITTED,), "退回")
    check_version(project, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请一次性写明需要补正的全部内容。"})
    project.status = Project.Status.RETURNED
    project.returned_reason = reason
    project.warning = ""
    supervision.resolve(project, actor=actor)  # acting on the registration answers its presses
    transition(project, actor=actor, action="registration_return", from_status=Project.Status.SUBMITTED,
               note=reason, fields=["status", "returned_reason", "warning"])
    _tell_builder(project, f"人防工程报监被退回补正：{project.name}", reason)
    return project


@transaction.atomic
def registration_accept(*, actor, project_id: int, supervisor_id: int,
                        expected_version: int | None = None) -> Project:
    """The station accepts the registration, assigns a supervisor, numbers the registration,
    issues the supervision plan, and assesses the relocation fee (eligible reliefs applied without
    an application: 免申即享)."""
    project = get_project_for(actor, project_id, perm=ACCEPT, for_update=True)
    check_from(project, (Project.Status.SUBMITTED,), "受理")
    check_version(project, expected_version)
    supervisor = supervisor_choices(project).filter(pk=supervisor_id).first() if supervisor_id else None
    if supervisor is None:
        raise ValidationError({"supervisor_id": "请选择本监督站的监督人员（须具有监督检查权限）。"})
    day = today()
    project.status = Project.Status.SUPERVISED
    project.accepted_on = day
    project.supervisor = supervisor
    project.warning = ""
    project.registration_number = number(project, "registration", "人防质监登", day)
    supervision.resolve(project, actor=actor)
    transition(project, actor=actor, action="registration_accept", from_status=Project.Status.SUBMITTED,
               fields=["status", "accepted_on", "supervisor", "warning", "registration_number"],
               changes={"registration_number": project.registration_number, "supervisor": supervisor.pk,
                        "late": day > project.registration_due if project.registration_due else False})
    plan = WorksDocument.objects.create(
        project=project, kind=WorksDocument.Kind.PLAN, number=number(project, "plan", "人防质监计", day),
        issued_on=day, content=_plan_content(project, supervisor),
    )
    from .fees import assess

    assess(project, actor=actor, claimed=(), on=day)
    _tell_builder(project, f"人防工程报监已受理：{project.name}",
                  f"报监登记号 {project.registration_number}；监督员 {supervisor.display_name}；"
                  f"已出具监督计划书 {plan.number}。")
    return project


def supervisor_choices(project: Project):
    """Active staff of the station (or its units) who may record supervision visits."""
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if VISIT in perms]
    return (
        User.objects.filter(
            is_active=True, kind=User.Kind.STAFF, organisation__path__startswith=project.organisation.path,
            roles__role__in=roles,
        ).select_related("organisation").distinct().order_by("pk")
    )


def _plan_content(project: Project, supervisor) -> dict:
    from ..models import Stage

    return {
        "project": project.name,
        "address": project.address,
        "builder": project.builder.name,
        "registration_number": project.registration_number,
        "supervisor": supervisor.display_name,
        "buildings": [
            {"name": b.name, "basement": b.has_basement, "class": b.get_protection_class_display(),
             "area": f"{b.basement_area_cm2 / 100:.2f}"}
            for b in project.buildings.all()
        ],
        "stages": [str(label) for _v, label in Stage.choices],
        "parties": [f"{p.get_role_display()}：{p.enterprise.name}" for p in project.parties.select_related("enterprise")],
    }


def _tell_builder(project: Project, title: str, body: str) -> None:
    from django.urls import reverse

    url = reverse("works:my_project", args=[project.pk])
    for user in User.objects.filter(enterprise_id=project.builder_id, is_active=True):
        notify(user, title, body=body, url=url)
