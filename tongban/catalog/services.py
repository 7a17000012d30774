"""Every write to the catalog. Atomic and audited; only drafts change.

A version's content is written as a whole by `draft_save` (elements, materials, stages and
fees), so a draft is always consistent: promised ≤ legal, stage limits within the promised
limit, a condition for every conditional material.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from tongban.accounts.models import Organisation
from tongban.accounts.permissions import in_scope, require
from tongban.core import audit
from tongban.core.errors import Conflict

from .models import (
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    Bundle,
    BundleItem,
    Fee,
    ItemVersion,
    Material,
    ServiceItem,
    Stage,
)
from .permissions import MANAGE

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
    "is_free",
    "visits",
    "online_depth",
    "place",
    "hours",
    "consult_phone",
    "complaint_phone",
    "result_name",
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


def _assign_file(instance, field: str, value: Any) -> None:
    """Keep a stored file (its name), store a new upload, or clear."""
    if isinstance(value, UploadedFile):
        getattr(instance, field).save(os.path.basename(value.name), value, save=False)
    elif isinstance(value, File) or (isinstance(value, str) and value):
        setattr(instance, field, getattr(value, "name", value))
    else:
        setattr(instance, field, "")


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


def _write_children(version, materials, stages, fees, material_rows) -> None:
    version.materials.all().delete()
    version.stages.all().delete()
    version.fees.all().delete()
    for m, row in zip(materials, material_rows, strict=True):
        for fname in MATERIAL_FILES:
            _assign_file(m, fname, row.get(fname))
    Material.objects.bulk_create(materials)
    Stage.objects.bulk_create(stages)
    Fee.objects.bulk_create(fees)


# --- items and drafts --------------------------------------------------------------------


@transaction.atomic
def item_create(
    *,
    actor,
    organisation: Organisation,
    base_code: str,
    implementation_code: str,
    elements: dict,
    materials: Iterable[dict] = (),
    stages: Iterable[dict] = (),
    fees: Iterable[dict] = (),
    is_standard: bool = False,
    result_sample: Any = None,
) -> ServiceItem:
    """Create an item and its first draft (version 1)."""
    _check_manage(actor, organisation)
    base_code = (base_code or "").strip()
    implementation_code = (implementation_code or "").strip()
    if ServiceItem.objects.filter(implementation_code=implementation_code).exists():
        raise ValidationError({"implementation_code": f"实施编码“{implementation_code}”已被使用。"})
    if ServiceItem.objects.filter(base_code=base_code, organisation=organisation).exists():
        raise ValidationError(
            {"base_code": f"{organisation.name}已有基本编码为“{base_code}”的事项。"}
        )
    if is_standard and ServiceItem.objects.filter(base_code=base_code, is_standard=True).exists():
        raise ValidationError({"is_standard": f"基本编码“{base_code}”已有标准事项。"})
    item = ServiceItem(
        organisation=organisation,
        base_code=base_code,
        implementation_code=implementation_code,
        is_standard=is_standard,
    )
    item.full_clean(exclude=["current_version"])
    item.save()
    version = ItemVersion(item=item, number=1, created_by=_user(actor))
    _fill_and_save(version, elements, list(materials), list(stages), list(fees), result_sample)
    audit.record(
        "catalog.item_create",
        actor=actor,
        obj=item,
        changes={"implementation_code": [None, implementation_code], "name": [None, version.name]},
    )
    return item


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _fill_and_save(version, elements, materials, stages, fees, result_sample) -> None:
    unknown = set(elements) - set(ELEMENTS)
    if unknown:
        raise ValidationError(f"不可修改的字段：{', '.join(sorted(unknown))}")
    for key, value in elements.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(version, key, value)
    errors: dict[str, list[str]] = {}
    try:
        _clean_version(version)
    except ValidationError as exc:
        errors.update(exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages})
    if isinstance(result_sample, UploadedFile):
        try:
            check_upload(result_sample, "审批结果样本")
        except ValidationError as exc:
            errors.setdefault("result_sample", []).extend(exc.messages)
    try:
        built = _build_children(version, materials, stages, fees)
    except ValidationError as exc:
        for k, v in exc.message_dict.items():
            errors.setdefault(k, []).extend(v)
    if errors:
        raise ValidationError(errors)
    if result_sample is not None:
        _assign_file(version, "result_sample", result_sample)
    version.save()
    _write_children(version, *built, materials)


@transaction.atomic
def draft_start(*, actor, item: ServiceItem) -> ItemVersion:
    """The item's draft: the existing one, or a new copy of the current published version."""
    _check_manage(actor, item.organisation, existing="事项")
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    draft = item.versions.filter(status=ItemVersion.Status.DRAFT).first()
    if draft is not None:
        return draft
    source = item.current_version or item.versions.order_by("-number").first()
    if source is None:  # pragma: no cover - items are created with a version
        raise Conflict("该事项没有可复制的版本。")
    number = (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = ItemVersion(item=item, number=number, created_by=_user(actor))
    for key in ELEMENTS:
        setattr(draft, key, getattr(source, key))
    draft.change_note = ""
    draft.result_sample = source.result_sample.name
    draft.save()
    materials, stages, fees = _children_of(source)
    built = _build_children(draft, materials, stages, fees)
    _write_children(draft, *built, materials)
    audit.record(
        "catalog.draft_start",
        actor=actor,
        obj=item,
        changes={"version": [source.number, number]},
    )
    return draft


def _locked_draft(version: ItemVersion) -> ItemVersion:
    locked = (
        ItemVersion.objects.select_for_update()
        .select_related("item__organisation")
        .get(pk=version.pk)
    )
    if locked.status != ItemVersion.Status.DRAFT:
        raise Conflict("已发布的版本不能修改；请先创建新的草稿版本。", code="version_published")
    return locked


@transaction.atomic
def draft_save(
    *,
    actor,
    version: ItemVersion,
    elements: dict,
    materials: list[dict] | None = None,
    stages: list[dict] | None = None,
    fees: list[dict] | None = None,
    result_sample: Any = None,
) -> ItemVersion:
    """Replace a draft's content. Children not given are kept as they are."""
    _check_manage(actor, version.item.organisation, existing="事项")
    draft = _locked_draft(version)
    before = audit.snapshot(draft, ELEMENTS)
    old_materials, old_stages, old_fees = _children_of(draft)
    _fill_and_save(
        draft,
        elements,
        old_materials if materials is None else materials,
        old_stages if stages is None else stages,
        old_fees if fees is None else fees,
        result_sample,
    )
    changes = audit.diff(draft, before, ELEMENTS)
    for key, old, new in (
        ("materials", old_materials, materials),
        ("stages", old_stages, stages),
        ("fees", old_fees, fees),
    ):
        if new is not None and [r.get("name") for r in old] != [r.get("name") for r in new]:
            changes[key] = [[r.get("name") for r in old], [r.get("name") for r in new]]
    audit.record(
        "catalog.draft_save",
        actor=actor,
        obj=draft.item,
        changes={"version": draft.number, **changes},
    )
    return draft


@transaction.atomic
def draft_discard(*, actor, version: ItemVersion) -> None:
    """Throw a draft away. An item that was never published goes with its only draft."""
    _check_manage(actor, version.item.organisation, existing="事项")
    draft = _locked_draft(version)
    item = draft.item
    number = draft.number
    draft.delete()
    if item.current_version_id is None and not item.versions.exists():
        if item.bundles.exists():
            raise Conflict("该事项已列入一件事，不能删除。")
        audit.record("catalog.item_delete", actor=actor, obj=item)
        item.delete()
        return
    audit.record("catalog.draft_discard", actor=actor, obj=item, changes={"version": number})


def publish_problems(version: ItemVersion) -> list[str]:
    """What stops a draft from being published, in words for the editor."""
    problems = []
    if not version.materials.exists():
        problems.append("至少要列出一项申请材料。")
    if not version.stages.exists():
        problems.append("至少要列出一个办理环节。")
    if not version.legal_basis.strip():
        problems.append("请填写设定依据。")
    return problems


@transaction.atomic
def item_publish(*, version: ItemVersion, actor) -> ItemVersion:
    """Freeze a draft and make it the item's current version; the previous one is superseded."""
    _check_manage(actor, version.item.organisation, existing="事项")
    item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
    draft = _locked_draft(version)
    problems = publish_problems(draft)
    if problems:
        raise ValidationError(problems)
    _clean_version(draft)
    materials, stages, fees = _children_of(draft)
    _build_children(draft, materials, stages, fees)
    previous = item.current_version
    if previous is not None:
        # Only the status of the old version changes; its content stays as published.
        previous.status = ItemVersion.Status.SUPERSEDED
        previous.save(update_fields=["status"])
    draft.status = ItemVersion.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.published_by = _user(actor)
    draft.save(update_fields=["status", "published_at", "published_by"])
    item.current_version = draft
    item.save(update_fields=["current_version"])
    audit.record(
        "catalog.item_publish",
        actor=actor,
        obj=item,
        changes={
            "version": [previous.number if previous else None, draft.number],
            "name": draft.name,
            "promised_limit_days": draft.promised_limit_days,
        },
    )
    return draft


@transaction.atomic
def item_set_active(*, actor, item: ServiceItem, active: bool) -> ServiceItem:
    """Withdraw an item from the public catalog (停止实施) or put it back."""
    _check_manage(actor, item.organisation, existing="事项")
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if active and item.current_version_id is None:
        raise Conflict("事项尚未发布，不能恢复实施。")
    if item.is_active != active:
        item.is_active = active
        item.save(update_fields=["is_active"])
        audit.record(
            "catalog.item_restore" if active else "catalog.item_withdraw",
            actor=actor,
            obj=item,
            changes={"is_active": [not active, active]},
        )
    return item


@transaction.atomic
def item_set_standard(*, actor, item: ServiceItem, standard: bool) -> ServiceItem:
    """Make this implementation the standard its base code is compared with (or stop it)."""
    _check_manage(actor, item.organisation, existing="事项")
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.is_standard == standard:
        return item
    previous = None
    if standard:
        previous = ServiceItem.objects.filter(base_code=item.base_code, is_standard=True).first()
        if previous is not None:
            if actor is not None and not in_scope(actor, previous.organisation):
                raise ValidationError(
                    {"is_standard": f"基本编码“{item.base_code}”的标准事项由上级机构维护。"}
                )
            previous.is_standard = False
            previous.save(update_fields=["is_standard"])
    item.is_standard = standard
    item.save(update_fields=["is_standard"])
    audit.record(
        "catalog.item_set_standard",
        actor=actor,
        obj=item,
        changes={"is_standard": [not standard, standard], "replaces": previous},
    )
    return item


# --- bundles -----------------------------------------------------------------------------


def _bundle_items(items: Iterable[ServiceItem]) -> list[ServiceItem]:
    items = list(items)
    if len(items) < 2:
        raise ValidationError({"items": "一件事至少要包含两个事项。"})
    if len({i.pk for i in items}) != len(items):
        raise ValidationError({"items": "同一事项不能重复列入。"})
    unpublished = [i.implementation_code for i in items if i.current_version_id is None]
    if unpublished:
        raise ValidationError({"items": f"以下事项尚未发布：{'、'.join(unpublished)}"})
    return items


@transaction.atomic
def bundle_create(
    *,
    actor,
    organisation: Organisation,
    code: str,
    name: str,
    items: Iterable[ServiceItem],
    promised_limit_days: int,
    description: str = "",
    is_published: bool = False,
) -> Bundle:
    _check_manage(actor, organisation)
    items = _bundle_items(items)
    if Bundle.objects.filter(code=code).exists():
        raise ValidationError({"code": f"编码“{code}”已被使用。"})
    bundle = Bundle(
        organisation=organisation,
        code=code,
        name=name,
        description=description,
        promised_limit_days=promised_limit_days,
        is_published=is_published,
    )
    bundle.full_clean()
    bundle.save()
    BundleItem.objects.bulk_create(
        [BundleItem(bundle=bundle, item=item, order=n) for n, item in enumerate(items, 1)]
    )
    audit.record(
        "catalog.bundle_create",
        actor=actor,
        obj=bundle,
        changes={"items": [None, [i.implementation_code for i in items]]},
    )
    return bundle


@transaction.atomic
def bundle_update(
    *,
    actor,
    bundle: Bundle,
    name: str,
    items: Iterable[ServiceItem],
    promised_limit_days: int,
    description: str = "",
    is_published: bool = False,
) -> Bundle:
    _check_manage(actor, bundle.organisation, existing="一件事")
    items = _bundle_items(items)
    bundle = Bundle.objects.select_for_update().get(pk=bundle.pk)
    fields = ["name", "description", "promised_limit_days", "is_published"]
    before = audit.snapshot(bundle, fields)
    old_items = list(bundle.entries.values_list("item__implementation_code", flat=True))
    bundle.name, bundle.description = name, description
    bundle.promised_limit_days, bundle.is_published = promised_limit_days, is_published
    bundle.full_clean()
    bundle.save(update_fields=fields)
    bundle.entries.all().delete()
    BundleItem.objects.bulk_create(
        [BundleItem(bundle=bundle, item=item, order=n) for n, item in enumerate(items, 1)]
    )
    changes = audit.diff(bundle, before, fields)
    new_items = [i.implementation_code for i in items]
    if old_items != new_items:
        changes["items"] = [old_items, new_items]
    audit.record("catalog.bundle_update", actor=actor, obj=bundle, changes=changes)
    return bundle
