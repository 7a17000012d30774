"""Publishing a draft, withdrawing or restoring an item, and choosing the standard item."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.core import audit
from tongban.core.errors import Conflict
from tongban.core.permissions import in_scope

from ..models import ItemVersion, ServiceItem
from ._common import (
    _build_children,
    _check_manage,
    _children_of,
    _clean_version,
    _locked_draft,
    _user,
)


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
