"""The item list (随机抽查事项清单), the object directory (名录库, with the all-or-nothing Excel
import) and the inspector directory (执法人员名录库: profiles and declared conflicts)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import Enterprise, Organisation, Role, User
from tongban.core import audit
from tongban.core.permissions import deny, in_scope, require
from tongban.core.standing import RISK_CLASSES
from tongban.core.validators import validate_uscc

from ..models import (
    ConflictDeclaration,
    ConflictKind,
    InspectionItem,
    InspectionObject,
    InspectorProfile,
    ItemStatus,
    Method,
    ObjectKind,
)

RISK_CODES = {code for code, _label in RISK_CLASSES}
RISK_BY_LABEL = {str(label): code for code, label in RISK_CLASSES}
KIND_BY_LABEL = {str(label): code for code, label in ObjectKind.choices}


def _in_org(actor, organisation: Organisation, perm: str = "inspections.manage") -> None:
    require(actor, perm, organisation)
    if not in_scope(actor, organisation):
        raise deny(actor, perm, organisation)


def parse_ratio(value, field: str = "ratio") -> str:
    """A ratio as an exact decimal string between 0 and 1 (“5%” and “0.05” both mean 5%)."""
    text = str(value).strip()
    try:
        number = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [f"抽查比例“{text}”不是数字，请填写如 0.05 或 5%。"]}) from None
    if not (0 <= number <= 1):
        raise ValidationError({field: ["抽查比例应在 0 到 1（0% 到 100%）之间。"]})
    return format(number.normalize(), "f")


# --- the item list --------------------------------------------------------------------------


@transaction.atomic
def item_create(*, actor, organisation: Organisation, code: str, name: str, legal_basis: str, object_kind: str,
                ratio: str = "0.05", frequency: str = "每年一次", method: str = Method.ONSITE,
                required_specialties: list[str] | None = None) -> InspectionItem:
    """A new draft version of an item (version = last + 1)."""
    _in_org(actor, organisation)
    errors = {}
    if not code.strip():
        errors["code"] = ["请填写事项编码。"]
    if not name.strip():
        errors["name"] = ["请填写抽查事项名称。"]
    if not legal_basis.strip():
        errors["legal_basis"] = ["请填写抽查依据（法律、法规或规章条款）。"]
    if object_kind not in ObjectKind.values:
        errors["object_kind"] = ["请选择抽查对象类型。"]
    if method not in Method.values:
        errors["method"] = ["请选择抽查方式。"]
    if errors:
        raise ValidationError(errors)
    last = InspectionItem.objects.filter(organisation=organisation, code=code.strip()).order_by("-version").first()
    item = InspectionItem.objects.create(
        organisation=organisation, code=code.strip(), version=(last.version + 1) if last else 1, name=name.strip(),
        legal_basis=legal_basis.strip(), object_kind=object_kind, ratio=parse_ratio(ratio), frequency=frequency,
        method=method, required_specialties=sorted({s.strip() for s in (required_specialties or []) if s.strip()}),
    )
    audit.record("inspections.item.create", actor=actor, obj=item)
    return item


@transaction.atomic
def item_publish(*, actor, item_id: int) -> InspectionItem:
    """Publish a version; the previously published version of the same item is retired."""
    item = InspectionItem.objects.select_for_update().select_related("organisation").get(pk=item_id)
    _in_org(actor, item.organisation)
    if item.status != ItemStatus.DRAFT:
        from tongban.core.errors import Conflict

        raise Conflict(f"该事项版本当前为“{item.get_status_display()}”，不能再公布。", code="illegal_transition")
    InspectionItem.objects.filter(organisation=item.organisation, code=item.code, status=ItemStatus.PUBLISHED).update(
        status=ItemStatus.RETIRED)
    item.status, item.published_at = ItemStatus.PUBLISHED, timezone.now()
    item.save(update_fields=["status", "published_at"])
    audit.record("inspections.item.publish", actor=actor, obj=item)
    return item


# --- the object directory -------------------------------------------------------------------


def _object_fields(organisation: Organisation, row: dict) -> dict:
    """Validate one directory row; raise ValidationError with per-field Chinese messages."""
    errors: dict[str, list[str]] = {}
    kind = KIND_BY_LABEL.get(str(row.get("kind", "")).strip(), str(row.get("kind", "")).strip())
    if kind not in ObjectKind.values:
        errors["kind"] = ["对象类型应为：企业、建设项目、人防工程或中介机构。"]
    name = str(row.get("name") or "").strip()
    if not name:
        errors["name"] = ["请填写对象名称。"]
    key = str(row.get("key") or "").strip()
    uscc = ""
    if kind in (ObjectKind.ENTERPRISE, ObjectKind.INTERMEDIARY):
        try:
            uscc = validate_uscc(key or str(row.get("uscc") or ""))
            key = uscc
        except ValidationError as exc:
            errors["key"] = list(exc.messages)
    elif not key:
        errors["key"] = ["请填写项目或工程编号。"]
    risk = str(row.get("risk_class") or "").strip()
    risk = RISK_BY_LABEL.get(risk, risk)
    if risk and risk not in RISK_CODES:
        errors["risk_class"] = ["风险等级应为：高风险、较高风险、一般风险或低风险（可留空）。"]
    region = str(row.get("region") or "").strip()
    if region and not (len(region) == 6 and region.isdigit()):
        errors["region"] = ["行政区划代码应为 6 位数字。"]
    if errors:
        raise ValidationError(errors)
    return {"organisation": organisation, "kind": kind, "key": key, "name": name[:200], "uscc": uscc,
            "address": str(row.get("address") or "").strip()[:200], "region": region,
            "industry": str(row.get("industry") or "").strip()[:60], "risk_class": risk}


def _save_object(fields: dict) -> InspectionObject:
    enterprise = Enterprise.objects.filter(uscc=fields["uscc"]).first() if fields["uscc"] else None
    obj, _created = InspectionObject.objects.update_or_create(
        organisation=fields["organisation"], kind=fields["kind"], key=fields["key"],
        defaults={**{k: v for k, v in fields.items() if k not in ("organisation", "kind", "key")},
                  "enterprise": enterprise, "is_active": True},
    )
    return obj


@transaction.atomic
def object_save(*, actor, organisation: Organisation, **row) -> InspectionObject:
    _in_org(actor, organisation)
    obj = _save_object(_object_fields(organisation, row))
    audit.record("inspections.object.save", actor=actor, obj=obj)
    return obj


IMPORT_COLUMNS = ["对象类型", "统一社会信用代码或编号", "名称", "地址", "行政区划代码", "行业", "风险等级"]
_COLUMN_FIELDS = ["kind", "key", "name", "address", "region", "industry", "risk_class"]
FIELD_LABELS = dict(zip(_COLUMN_FIELDS, IMPORT_COLUMNS, strict=True))
MAX_IMPORT_ROWS = 20000


def object_import(*, actor, organisation: Organisation, upload) -> int:
    """Import an Excel sheet (the columns of IMPORT_COLUMNS, a header row first): every row is
    checked before anything is saved; any error refuses the whole file with a per-row report
    (ValidationError {"第3行": [...]}) and nothing changes."""
    import io

    from openpyxl import load_workbook

    from tongban.core.attachments import check_upload

    _in_org(actor, organisation)
    data, kind = check_upload(upload, label="名录文件")
    if kind != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        raise ValidationError({"file": ["请上传 Excel（.xlsx）文件。"]})
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    except Exception:
        raise ValidationError({"file": ["无法读取该 Excel 文件，请使用模板重新填写。"]}) from None
    if not rows or [str(c or "").strip() for c in rows[0][: len(IMPORT_COLUMNS)]] != IMPORT_COLUMNS:
        raise ValidationError({"file": ["表头应为：" + "、".join(IMPORT_COLUMNS) + "（请使用模板）。"]})
    body = [r for r in rows[1:] if any(c not in (None, "") for c in r)]
    if not body:
        raise ValidationError({"file": ["文件中没有数据行。"]})
    if len(body) > MAX_IMPORT_ROWS:
        raise ValidationError({"file": [f"一次最多导入 {MAX_IMPORT_ROWS} 行，请分批导入。"]})
    report: dict[str, list[str]] = {}
    parsed, seen = [], {}
    for number, raw in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in raw):
            continue
        row = dict(zip(_COLUMN_FIELDS, [("" if c is None else str(c)) for c in raw], strict=False))
        try:
            fields = _object_fields(organisation, row)
        except ValidationError as exc:
            report[f"第{number}行"] = [f"{FIELD_LABELS.get(f, f)}：{m}" for f, ms in exc.message_dict.items() for m in ms]
            continue
        ident = (fields["kind"], fields["key"])
        if ident in seen:
            report[f"第{number}行"] = [f"与第{seen[ident]}行重复（{fields['key']}）。"]
            continue
        seen[ident] = number
        parsed.append(fields)
    if report:
        raise ValidationError(report)
    with transaction.atomic():
        for fields in parsed:
            _save_object(fields)
        audit.record("inspections.object.import", actor=actor, obj=organisation, changes={"rows": len(parsed)})
    return len(parsed)


# --- the inspector directory ----------------------------------------------------------------


def _inspector_in_scope(actor, user: User) -> None:
    if not user.has_role(Role.INSPECTOR):
        raise ValidationError("该人员不是执法人员，不能加入执法人员名录库。")
    _in_org(actor, user.organisation)


@transaction.atomic
def inspector_profile_save(*, actor, user: User, specialties: list[str], available: bool = True,
                           unavailable_reason: str = "") -> InspectorProfile:
    _inspector_in_scope(actor, user)
    if not available and not unavailable_reason.strip():
        raise ValidationError({"unavailable_reason": ["请写明不能参加抽查的原因（如休假、培训）。"]})
    profile, _created = InspectorProfile.objects.update_or_create(user=user, defaults={
        "specialties": sorted({s.strip() for s in specialties if s.strip()}), "available": available,
        "unavailable_reason": "" if available else unavailable_reason.strip()})
    audit.record("inspections.inspector.save", actor=actor, obj=profile)
    return profile


@transaction.atomic
def conflict_declare(*, actor, inspector: User, object_id: int, kind: str, note: str = "") -> ConflictDeclaration:
    """An inspector declares a tie (or a manager records one): never drawn for that object."""
    if actor.pk != inspector.pk:
        _inspector_in_scope(actor, inspector)
    elif not actor.has_role(Role.INSPECTOR):
        raise deny(actor, "inspections.record")
    if kind not in ConflictKind.values:
        raise ValidationError({"kind": ["请选择利害关系类型。"]})
    obj = InspectionObject.objects.filter(pk=object_id).first()
    if obj is None:
        raise ValidationError({"object": ["检查对象不存在。"]})
    row, _created = ConflictDeclaration.objects.update_or_create(
        inspector=inspector, object=obj, defaults={"kind": kind, "note": note.strip()[:200]})
    audit.record("inspections.conflict.declare", actor=actor, obj=obj, changes={"inspector": inspector.pk, "kind": kind})
    return row
