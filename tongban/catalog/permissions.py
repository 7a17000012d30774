"""Catalog permissions. Every staff role reads the catalog of its subtree; admins manage it.

Published items are public: guides need no login. Drafts, the consistency report and the
import/export screens are staff-only and scoped by the implementing organisation.
"""

from __future__ import annotations

from django.http import Http404

from tongban.accounts.models import Role
from tongban.core.permissions import grant, in_scope, require, scope_q

from .models import Bundle, ItemVersion, Material, ServiceItem

VIEW = "catalog.view_items"
MANAGE = "catalog.manage_items"

grant(Role.ADMIN, VIEW, MANAGE)
for _role in Role.values:
    grant(_role, VIEW)


def items_in_scope(actor):
    return ServiceItem.objects.filter(scope_q(actor))


def get_item_for(actor, pk: int, *, for_write: bool = False) -> ServiceItem:
    """Fetch an item the actor may see or manage; 404 outside scope so ids don't leak."""
    require(actor, MANAGE if for_write else VIEW)
    item = (
        items_in_scope(actor)
        .select_related("organisation__parent", "current_version")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("事项不存在或不在您的管辖范围内。")
    return item


def get_version_for(actor, item_pk: int, number: int, *, for_write: bool = False) -> ItemVersion:
    item = get_item_for(actor, item_pk, for_write=for_write)
    version = item.versions.filter(number=number).select_related("item__organisation").first()
    if version is None:
        raise Http404("版本不存在。")
    return version


def get_material_for(actor, pk: int) -> Material:
    require(actor, VIEW)
    material = (
        Material.objects.filter(scope_q(actor, "version__item__organisation"), pk=pk)
        .select_related("version__item")
        .first()
    )
    if material is None:
        raise Http404("材料不存在或不在您的管辖范围内。")
    return material


def get_bundle_for(actor, pk: int, *, for_write: bool = False) -> Bundle:
    require(actor, MANAGE if for_write else VIEW)
    bundle = Bundle.objects.filter(scope_q(actor), pk=pk).select_related("organisation").first()
    if bundle is None:
        raise Http404("一件事不存在或不在您的管辖范围内。")
    return bundle


def may_manage(actor, item: ServiceItem) -> bool:
    from tongban.core.permissions import has_perm

    return has_perm(actor, MANAGE) and in_scope(actor, item.organisation)
