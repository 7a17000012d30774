"""Creating an item and editing its draft: start, save, discard. Only drafts change."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max

from tongban.accounts.models import Organisation
from tongban.core import audit
from tongban.core.errors import Conflict

from ..models import Fee, ItemVersion, Material, ServiceItem, Stage
from ._common import (
    ELEMENTS,
    MATERIAL_FILES,
    _build_children,
    _check_manage,
    _children_of,
    _clean_version,
    _locked_draft,
    _user,
    check_upload,
)


def _assign_file(instance, field: str, value: Any) -> None:
    """Keep a stored file (its name), store a new upload, or clear."""
    if isinstance(value, UploadedFile):
        getattr(instance, field).save(os.path.basename(value.name), value, save=False)
    elif isinstance(value, File) or (isinstance(value, str) and value):
        setattr(instance, field, getattr(value, "name", value))
    else:
        setattr(instance, field, "")


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
