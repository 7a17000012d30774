"""Bundles (一件事): the staff list, the published ones and a bundle's merged guide."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from tongban.core.permissions import require, scope_q

from ..models import Bundle, BundleItem, ItemVersion
from ..permissions import VIEW
from ._common import full_version, get_published_version
from .provision import omittable_ids


def bundles_for(actor) -> QuerySet[Bundle]:
    require(actor, VIEW)
    return (
        Bundle.objects.filter(scope_q(actor))
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=BundleItem.objects.select_related("item__current_version").order_by(
                    "order"
                ),
            )
        )
    )


def published_bundles() -> QuerySet[Bundle]:
    return (
        Bundle.objects.filter(is_published=True)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=BundleItem.objects.select_related(
                    "item__current_version", "item__organisation"
                ).order_by("order"),
            )
        )
    )


@dataclass
class BundleGuide:
    bundle: Bundle
    versions: list[ItemVersion]
    # {"material", "required", "condition", "omittable", "items": [...]}
    materials: list[dict]
    total_promised: int
    visits: int


def bundle_guide(pk: int) -> BundleGuide:
    bundle = published_bundles().filter(pk=pk).first()
    if bundle is None:
        raise Http404("一件事不存在或未发布。")
    versions = []
    for entry in bundle.entries.all():
        version = get_published_version(entry.item)
        if version is not None:
            versions.append(full_version(version))
    merged: dict[str, dict] = {}
    for version in versions:
        omittable = omittable_ids(version)
        for m in version.materials.all():
            row = merged.setdefault(
                m.name,
                {
                    "material": m,
                    "required": m.required,
                    "condition": m.condition,
                    "omittable": True,
                    "items": [],
                },
            )
            row["required"] = row["required"] or m.required
            # 可免提交 only if every item asking for it does without the upload
            row["omittable"] = row["omittable"] and m.pk in omittable
            row["items"].append(version.name)
    return BundleGuide(
        bundle=bundle,
        versions=versions,
        materials=list(merged.values()),
        total_promised=sum(v.promised_limit_days for v in versions),
        visits=max((v.visits for v in versions), default=0),
    )
