"""What several catalog reads share: the fully loaded version and the version on offer."""

from __future__ import annotations

from ..models import ItemVersion, ServiceItem


def _full_version_qs():
    return ItemVersion.objects.select_related(
        "item__organisation__parent", "published_by"
    ).prefetch_related("materials", "stages", "fees")


def full_version(version: ItemVersion) -> ItemVersion:
    return _full_version_qs().get(pk=version.pk)


def get_published_version(item: ServiceItem) -> ItemVersion | None:
    """The version a new application is filed under, or None when the item is not offered."""
    if not item.is_active or item.current_version_id is None:
        return None
    version = item.current_version
    return version if version.status == ItemVersion.Status.PUBLISHED else None
