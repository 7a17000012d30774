"""Filing an application (online or at the window)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tongban.catalog.material_sources import Supplies, material_supplies
from tongban.catalog.models import ItemVersion, Material
from tongban.core import attachments, audit, timeutil
from tongban.core.permissions import deny, has_perm

from ..models import (
    Case,
    CaseMaterial,
    Channel,
    Status,
    Transition,
)
from ._common import (
    QUERY_ALPHABET,
    _case_number,
    _tell_applicant,
    _tell_staff,
    _today,
    recompute_clock,
)


def _clean_applicant(actor, on_behalf: Mapping | None) -> dict:
    """Who applies: the logged-in applicant, or (walk-in) the person a clerk registers."""
    if on_behalf is None:
        if actor.enterprise_id:
            ent = actor.enterprise
            return {
                "applicant": actor,
                "enterprise": ent,
                "applicant_name": ent.name,
                "applicant_code": ent.uscc,
            }
        if not actor.citizen_id:
            raise ValidationError("请先在个人中心完成实名信息（身份证号）后再申请。")
        return {
            "applicant": actor,
            "enterprise": None,
            "applicant_name": actor.display_name,
            "applicant_code": actor.citizen_id,
        }
    applicant = on_behalf["applicant"]
    return {
        "applicant": applicant,
        "enterprise": applicant.enterprise,
        "applicant_name": applicant.enterprise.name
        if applicant.enterprise_id
        else applicant.display_name,
        "applicant_code": applicant.enterprise.uscc
        if applicant.enterprise_id
        else (applicant.citizen_id or ""),
    }


def check_materials(
    version: ItemVersion,
    files: Mapping,
    *,
    only: set[int] | None = None,
    extra: Mapping[str, tuple[object, str]] | None = None,
) -> list[tuple[Material | None, str, attachments.Checked]]:
    """Check every upload of a submission before any is stored: the material each belongs to,
    then its content. Returns (material, name, checked) rows for `store_materials`; a
    ValidationError names every refused file under its form field (`material_<id>`), so nothing
    reaches the disk when one of them is refused. `extra` adds uploads that belong to no catalogued
    material (a supplement's "other" items), keyed by field name, with their label."""
    known = {m.pk: m for m in version.materials.all()}
    errors: dict[str, list[str]] = {}
    wanted: dict[str, tuple[object, str]] = {}
    materials: dict[str, Material] = {}
    for key, upload in files.items():
        field = f"material_{key}"
        material = known.get(int(key)) if str(key).isdigit() else None
        if material is None:
            errors.setdefault(field, []).append(f"材料编号 {key} 不属于该事项。")
            continue
        if only is not None and material.pk not in only:
            errors.setdefault(field, []).append(f"“{material.name}”不在补正通知所列材料中。")
            continue
        wanted[field], materials[field] = (upload, material.name), material
    for field, (upload, label) in (extra or {}).items():
        wanted[field] = (upload, label)
    try:
        checked = attachments.check_all(wanted)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        checked = {}
    if errors:
        raise ValidationError(errors)
    return [
        (materials.get(field), materials[field].name if field in materials else wanted[field][1], item)
        for field, item in checked.items()
    ]


def store_materials(case: Case, rows, actor, round_: int) -> int:
    """Store the uploads `check_materials` passed; a later round supersedes the earlier copy."""
    for material, name, checked in rows:
        attachment = attachments.save(checked, actor=actor)
        if round_ > 1 and material is not None:
            CaseMaterial.objects.filter(case=case, material=material, superseded=False).update(
                superseded=True
            )
        CaseMaterial.objects.create(
            case=case, material=material, name=name, attachment=attachment, round=round_
        )
    return len(rows)


@transaction.atomic
def case_submit(
    *,
    actor,
    version: ItemVersion,
    data: Mapping,
    files: Mapping,
    submission_key: str,
    on_behalf: Mapping | None = None,
    provided: Mapping[int, str] | None = None,
) -> Case:
    """File an application. The same `submission_key` from the same applicant returns the case
    already made (double click, network retry) instead of a second one."""
    if on_behalf is not None:
        if not has_perm(actor, "cases.register"):
            raise deny(actor, "cases.register")
    elif not getattr(actor, "is_applicant", False):
        raise PermissionDenied("只有企业或个人用户可以在线申请；窗口人员请使用“窗口代录”。")
    who = _clean_applicant(actor, on_behalf)
    if not submission_key or len(submission_key) > 64:
        raise ValidationError("缺少提交标识，请刷新页面后重新提交。")
    existing = Case.objects.filter(
        applicant=who["applicant"], submission_key=submission_key
    ).first()
    if existing is not None:
        return existing
    if version.status != ItemVersion.Status.PUBLISHED:
        raise ValidationError("该事项版本未发布或已废止，请从办事指南重新进入申请。")
    if on_behalf is not None:
        from tongban.core.permissions import in_scope

        if not in_scope(actor, version.item.organisation):
            raise deny(actor, "cases.register", version.item)
    errors: dict[str, list[str]] = {}
    for field, label in (("contact_name", "联系人"), ("contact_phone", "联系电话")):
        if not str(data.get(field, "")).strip():
            errors.setdefault(field, []).append(f"请填写{label}。")
    phone = str(data.get("contact_phone", "")).strip()
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        errors.setdefault("contact_phone", []).append("联系电话应为 7-12 位数字。")
    by_commitment = str(data.get("by_commitment", "")).lower() in ("1", "true", "on")
    if by_commitment:
        refusal = commitment_refusal(version, who["applicant_code"])
        if refusal:
            errors.setdefault("by_commitment", []).append(refusal)
    provided = dict(provided or {})
    for material in version.materials.all():
        if (
            material.required
            and str(material.pk) not in {str(k) for k in files}
            and material.pk not in provided
        ):
            errors.setdefault(f"material_{material.pk}", []).append(f"请上传“{material.name}”。")
    try:
        checked = check_materials(version, files)  # every file, before anything is stored
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    item = version.item
    today = _today()
    now = timeutil.now()
    case = Case(
        number=_case_number(item.organisation, today),
        query_code="".join(secrets.choice(QUERY_ALPHABET) for _ in range(6)),
        item=item,
        version=version,
        organisation=item.organisation,
        contact_name=str(data.get("contact_name", "")).strip()[:50],
        contact_phone=phone,
        project_name=str(data.get("project_name", "")).strip()[:200],
        address=str(data.get("address", "")).strip()[:200],
        summary=str(data.get("summary", "")).strip()[:4000],
        channel=Channel.WINDOW if on_behalf is not None else Channel.ONLINE,
        registered_by=actor if on_behalf is not None else None,
        submission_key=submission_key,
        submitted_at=now,
        received_on=today,
        acceptance_due=today,
        legal_limit_days=version.legal_limit_days,
        promised_limit_days=version.promised_limit_days,
        stage_started_on=today,
        visits=1 if on_behalf is not None else 0,
        by_commitment=by_commitment,
        **who,
    )
    recompute_clock(case, today=today)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        # The same submission raced us to the unique constraint: return the case it made.
        return Case.objects.get(applicant=who["applicant"], submission_key=submission_key)
    store_materials(case, checked, actor, 1)
    for material_id, source in provided.items():
        material = Material.objects.filter(pk=material_id, version=version).first()
        if material is not None:
            CaseMaterial.objects.create(
                case=case, material=material, name=material.name, provided_from=source
            )
    Transition.objects.create(
        case=case,
        action="submit",
        from_status="",
        to_status=Status.SUBMITTED,
        actor=actor,
        actor_name=actor.display_name,
        at=now,
        effective_on=today,
        note="窗口代录" if on_behalf is not None else "网上申请",
    )
    audit.record(
        "case.submit",
        actor=actor,
        obj=case,
        changes={"item": version.name, "channel": case.channel},
    )
    transaction.on_commit(lambda: _after_submit(case.pk))
    return case


def commitment_refusal(version: ItemVersion, code: str) -> str | None:
    """Why the applicant may not use 告知承诺 on this item (a sentence to show them), or None.
    Credit standing comes through core.standing (cases sits below credit, ADR 0011)."""
    from tongban.core.standing import standing_of

    if not version.commitment_allowed:
        return "该事项未实行告知承诺制，请按一般程序提交全部材料。"
    standing = standing_of(code)
    if standing.may_use_commitment:
        return None
    black = "、".join(m.name for m in standing.lists if m.kind == "black")
    why = f"列入{black}" if black else "存在公示中的严重失信记录"
    return f"因{why}，本次不适用告知承诺，请按一般程序提交全部材料。"


# --- applying online -----------------------------------------------------------------------------


def application_closed(item, version: ItemVersion | None) -> str | None:
    """Why `version` of `item` cannot be applied for online (a short phrase), or None."""
    if not item.is_active:
        return "已停止办理"
    if version is None or version.status != ItemVersion.Status.PUBLISHED:
        return "暂未发布或已废止"
    if not version.applies_online:
        return "暂不支持网上申请"
    return None


_ADVICE = {
    "已停止办理": "暂不能申请。",
    "暂未发布或已废止": "请从办事指南重新进入申请。",
    "暂不支持网上申请": "请按办事指南到办理地点提交。",
}


def _refuse_if_closed(item, version: ItemVersion | None) -> None:
    reason = application_closed(item, version)
    if reason is not None:
        raise ValidationError(f"该事项{reason}，{_ADVICE[reason]}", code="closed")


def application_version(item) -> ItemVersion:
    """The version of `item` an applicant may apply for online; a ValidationError naming why
    when there is none (the item is deactivated, unpublished or not online)."""
    _refuse_if_closed(item, item.current_version)
    return item.current_version


@transaction.atomic
def case_apply(
    *,
    actor,
    version: ItemVersion,
    data: Mapping,
    files: Mapping,
    submission_key: str,
    authorise_reuse: bool = False,
    supplies: Supplies | None = None,
) -> Case:
    """An applicant applies online: the page, the API and bundles all come through here.

    The item must be active, the version published and open to online application. Materials
    that a registered provider (an e-licence, 免证可办) supplies need no upload once the applicant
    authorises the lookup; an upload of the same material wins over the provider. `supplies`
    lets a caller that already asked the providers (a bundle) pass their answer on."""
    if not getattr(actor, "is_applicant", False):
        raise PermissionDenied("只有企业或个人用户可以在线申请；窗口人员请使用“窗口代录”。")
    existing = Case.objects.filter(applicant=actor, submission_key=submission_key).first() if submission_key else None
    if existing is not None:
        return existing  # a retry returns the case already made, even if the item closed since
    _refuse_if_closed(version.item, version)
    if supplies is None:
        supplies = material_supplies(actor=actor, version=version, authorised=authorise_reuse)
    uploaded = {str(k) for k in files}
    provided = {mid: source for mid, source in supplies.provided.items() if str(mid) not in uploaded}
    case = case_submit(
        actor=actor, version=version, data=data, files=files, submission_key=submission_key, provided=provided
    )
    supplies.record(case=case, actor=actor, used=provided)
    return case


def _after_submit(case_id: int) -> None:
    case = Case.objects.select_related("version", "organisation").get(pk=case_id)
    _tell_applicant(
        case,
        "申请已提交",
        f"办件编号 {case.number}，查询码 {case.query_code}。受理期限 {case.acceptance_due}。",
    )
    from tongban.accounts.models import Role, User

    clerks = User.objects.filter(
        organisation=case.organisation, roles__role=Role.CLERK, is_active=True
    )
    _tell_staff(clerks, case, "新的申请待受理")


# --- window decisions ----------------------------------------------------------------------------


def _walk_in_applicant(*, actor, kind: str, code: str, name: str, phone: str):
    """Find the applicant's account by 统一社会信用代码 or 身份证号, or open one for them."""
    import uuid

    from tongban.accounts import services as accounts
    from tongban.accounts.models import Enterprise, User
    from tongban.core.validators import validate_citizen_id, validate_uscc

    code, name = code.strip().upper(), name.strip()
    if not code or not name:
        raise ValidationError({"applicant_code": ["请填写申请人名称和统一社会信用代码（企业）或身份证号（个人）。"]})
    if kind == "enterprise":
        try:
            code = validate_uscc(code)
        except ValidationError as exc:
            raise ValidationError({"applicant_code": exc.messages}) from None
        enterprise = Enterprise.objects.filter(uscc=code).first() or accounts.enterprise_register(
            uscc=code, name=name, actor=actor
        )
        user = User.objects.filter(enterprise=enterprise, is_active=True).order_by("id").first()
        return user or accounts.applicant_user_create(
            username=f"e{code}", password=uuid.uuid4().hex, real_name=name, enterprise=enterprise, phone=phone,
            actor=actor,
        )
    try:
        code = validate_citizen_id(code)
    except ValidationError as exc:
        raise ValidationError({"applicant_code": exc.messages}) from None
    user = User.objects.filter(citizen_id=code, is_active=True).first()
    return user or accounts.applicant_user_create(
        username=f"p{code}", password=uuid.uuid4().hex, real_name=name, citizen_id=code, phone=phone, actor=actor
    )


@transaction.atomic
def case_register_walk_in(
    *, actor, version: ItemVersion, applicant_kind: str, applicant_code: str, applicant_name: str,
    data: Mapping, files: Mapping, submission_key: str,
) -> Case:
    """A clerk registers an application brought to the window. The applicant's account (found or
    opened) and the case are made together: a refused application leaves no account behind."""
    if not has_perm(actor, "cases.register"):
        raise deny(actor, "cases.register")
    applicant = _walk_in_applicant(
        actor=actor, kind=applicant_kind, code=applicant_code, name=applicant_name,
        phone=str(data.get("contact_phone", "")),
    )
    return case_submit(
        actor=actor, version=version, data=data, files=files, submission_key=submission_key,
        on_behalf={"applicant": applicant},
    )
