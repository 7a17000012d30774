"""Bundles (一件事) test data: a published bundle over published items, the merged materials'
uploads, and an application through the real service."""

from __future__ import annotations

from tongban.bundles import services as bundles
from tongban.catalog.models import Bundle, BundleItem

from ..cases.factories import pdf

SHARED = {"contact_name": "高建国", "contact_phone": "13500000001", "project_name": "龙湖里二期", "address": "郑东新区"}


def make_bundle(organisation, versions, *, code="YJS-TEST-01", name="民用建筑项目人防手续一件事",
                promised_limit_days=12, is_published=True) -> Bundle:
    """A bundle of the items of `versions`, in that order."""
    b = Bundle.objects.create(organisation=organisation, code=code, name=name,
                              promised_limit_days=promised_limit_days, is_published=is_published)
    for n, v in enumerate(versions, 1):
        BundleItem.objects.create(bundle=b, item=v.item, order=n)
    return b


def bundle_files(bundle, skip=()) -> dict:
    """One PDF per merged material, keyed as bundle_submit expects, except those named in `skip`."""
    merged = bundles.merged_materials(bundles.bundle_versions(bundle))
    return {row.key: pdf(f"{row.name}.pdf") for row in merged if row.name not in skip}


def apply_bundle(actor, bundle, key="bundle-key-1", **kw):
    files = kw.pop("files", None) or bundle_files(bundle)
    return bundles.bundle_submit(actor=actor, bundle=bundle, data=dict(SHARED), files=files,
                                 submission_key=key, **kw)
