"""Bundles (一件事): several published items offered as one."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.accounts.models import Organisation
from tongban.core import audit

from ..models import Bundle, BundleItem, ServiceItem
from ._common import _check_manage


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
