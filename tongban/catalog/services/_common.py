"""What every catalog write shares: the editable fields, the manage check, upload checks and
the validation of a version's content (elements and child rows)."""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404

from tongban.accounts.models import Organisation
from tongban.core.errors import Conflict
from tongban.core.permissions import in_scope, require

from ..models import (
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    Fee,
    ItemVersion,
    Material,
    Stage,
)
from ..permissions import MANAGE

ELEMENTS = [
    "name",
    "kind",
    "topic",
    "applicant_type",
    "legal_basis",
    "conditions",
    "legal_limit_days",
    "promised_limit_days",
    "acceptance_limit_days",
    "extension_limit_days",
    "extension_moves_promised",
    "is_free",
    "visits",
    "online_depth",
    "place",
    "hours",
    "consult_phone",
    "complaint_phone",
    "result_name",
    "commitment_allowed",
    "change_note",
]
MATERIAL_FIELDS = [
    "name",
    "form",
    "copies",
    "required",
    "condition",
    "source",
    "provides_from",
    "notes",
]
MATERIAL_FILES = ["template", "sample"]
STAGE_FIELDS = ["name", "limit_days", "description"]
FEE_FIELDS = ["name", "standard", "amount", "basis"]


# --- checks ------------------------------------------------------------------------------


def _check_manage(actor, organisation: Organisation, *, existing: str = "") -> None:
    """MANAGE within the actor's subtree. Choosing an organisation outside it for something new
    is bad input; acting on an `existing` item or bundle outside it is a 404, as the fetch
    helpers answer, so ids don't leak."""
    if actor is None:  # demo loader and migrations
        return
    require(actor, MANAGE, organisation)
    if not in_scope(actor, organisation):
        if existing:
            raise Http404(f"{existing}不存在或不在您的管辖范围内。")
        raise ValidationError({"organisation": "实施机构不在您的管辖范围内。"})


def check_upload(upload: UploadedFile, label: str) -> None:
    """Templates and samples are documents; anything that a browser would run is refused."""
    ext = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    if ext not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(
            f"{label}的文件类型“.{ext or '无'}”不允许，只能上传 "
            + "、".join(ATTACHMENT_EXTENSIONS)
            + " 格式。"
        )
    if upload.size is not None and upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(f"{label}超过 {ATTACHMENT_MAX_BYTES // 1024 // 1024} MB 的上限。")


def _clean_version(version: ItemVersion) -> None:
    if (
        version.promised_limit_days is not None
        and version.legal_limit_days is not None
        and version.promised_limit_days > version.legal_limit_days
    ):
        raise ValidationError(
            {
                "promised_limit_days": (
                    f"承诺办结时限（{version.promised_limit_days} 个工作日）不能超过"
                    f"法定办结时限（{version.legal_limit_days} 个工作日）。"
                )
            }
        )
    version.full_clean(exclude=["item", "number", "status", "result_sample"])


def _errors_with_prefix(exc: ValidationError, prefix: str, label: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            key = prefix if field == "__all__" else f"{prefix}.{field}"
            out.setdefault(key, []).extend(f"{label}：{m}" for e in errors for m in e.messages)
    else:
        out[prefix] = [f"{label}：{m}" for m in exc.messages]
    return out


def _build_children(
    version: ItemVersion,
    materials: list[dict],
    stages: list[dict],
    fees: list[dict],
) -> tuple[list[Material], list[Stage], list[Fee]]:
    """Validate the child rows of a draft; errors are keyed `materials.<i>.<field>` etc."""
    errors: dict[str, list[str]] = {}
    built_materials: list[Material] = []
    for i, row in enumerate(materials):
        label = f"第 {i + 1} 项材料“{row.get('name') or ''}”"
        m = Material(version=version, order=i + 1, **{k: row.get(k) for k in MATERIAL_FIELDS})
        m.condition = (m.condition or "").strip()
        for key in ("source", "provides_from", "notes"):
            setattr(m, key, (getattr(m, key) or "").strip())
        if m.copies is None:
            m.copies = 1
        if not m.required and not m.condition:
            errors.setdefault(f"materials.{i}.condition", []).append(
                f"{label}：非必须材料必须写明提交条件。"
            )
        try:
            m.full_clean(exclude=["version", "template", "sample"])
        except ValidationError as exc:
            for k, v in _errors_with_prefix(exc, f"materials.{i}", label).items():
                errors.setdefault(k, []).extend(v)
        for fname in MATERIAL_FILES:
            value = row.get(fname)
            if isinstance(value, UploadedFile):
                try:
                    check_upload(value, f"{label}的{Material._meta.get_field(fname).verbose_name}")
                except ValidationError as exc:
                    errors.setdefault(f"materials.{i}.{fname}", []).extend(exc.messages)
        built_materials.append(m)
    names = [m.name for m in built_materials]
    for i, name in enumerate(names):
        if name and names.index(name) != i:
            errors.setdefault(f"materials.{i}.name", []).append(f"材料“{name}”重复。")

    built_stages: list[Stage] = []
    for i, row in enumerate(stages):
        label = f"第 {i + 1} 个环节“{row.get('name') or ''}”"
        s = Stage(version=version, order=i + 1, **{k: row.get(k) for k in STAGE_FIELDS})
        s.description = (s.description or "").strip()
        try:
            s.full_clean(exclude=["version"])
        except ValidationError as exc:
            for k, v in _errors_with_prefix(exc, f"stages.{i}", label).items():
                errors.setdefault(k, []).extend(v)
        built_stages.append(s)
    total = sum(s.limit_days or 0 for s in built_stages)
    if (
        built_stages
        and version.promised_limit_days is not None
        and total > version.promised_limit_days
    ):
        errors.setdefault("stages", []).append(
            f"各环节时限合计 {total} 个工作日，超过承诺办结时限"
            f"（{version.promised_limit_days} 个工作日）。"
        )

    built_fees: list[Fee] = []
    for i, row in enumerate(fees):
        label = f"第 {i + 1} 项收费“{row.get('name') or ''}”"
        f = Fee(version=version, order=i + 1, **{k: row.get(k) for k in FEE_FIELDS})
        try:
            f.full_clean(exclude=["version"])
        except ValidationError as exc:
            for k, v in _errors_with_prefix(exc, f"fees.{i}", label).items():
                errors.setdefault(k, []).extend(v)
        built_fees.append(f)
    if version.is_free and built_fees:
        errors.setdefault("is_free", []).append("标为“不收费”的事项不能列出收费项目。")
    if not version.is_free and not built_fees:
        errors.setdefault("fees", []).append("收费事项至少要列出一个收费项目及其依据。")
    if errors:
        raise ValidationError(errors)
    return built_materials, built_stages, built_fees


def _children_of(version: ItemVersion) -> tuple[list[dict], list[dict], list[dict]]:
    materials = [
        {
            **{k: getattr(m, k) for k in MATERIAL_FIELDS},
            **{f: getattr(m, f).name for f in MATERIAL_FILES},
        }
        for m in version.materials.all()
    ]
    stages = [{k: getattr(s, k) for k in STAGE_FIELDS} for s in version.stages.all()]
    fees = [{k: getattr(f, k) for k in FEE_FIELDS} for f in version.fees.all()]
    return materials, stages, fees


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _locked_draft(version: ItemVersion) -> ItemVersion:
    locked = (
        ItemVersion.objects.select_for_update()
        .select_related("item__organisation")
        .get(pk=version.pk)
    )
    if locked.status != ItemVersion.Status.DRAFT:
        raise Conflict("已发布的版本不能修改；请先创建新的草稿版本。", code="version_published")
    return locked
