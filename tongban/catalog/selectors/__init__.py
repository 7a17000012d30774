"""Reads of the catalog: the public catalog of published items, staff lists scoped by the actor,
bundles, the consistency report (同要素比对) and which materials may really be omitted."""

from ._common import full_version, get_published_version
from .bundles import BundleGuide, bundle_guide, bundles_for, published_bundles
from .consistency import (
    SCALAR_ELEMENTS,
    BaseGroup,
    Comparison,
    Difference,
    compare_versions,
    consistency_report,
)
from .public import (
    KIND_LABELS,
    catalog_organisations,
    guide_version,
    public_material,
    published_items,
    search_terms,
    topics,
)
from .staff import staff_items

__all__ = [
    "KIND_LABELS",
    "SCALAR_ELEMENTS",
    "BaseGroup",
    "BundleGuide",
    "Comparison",
    "Difference",
    "bundle_guide",
    "bundles_for",
    "catalog_organisations",
    "compare_versions",
    "consistency_report",
    "full_version",
    "get_published_version",
    "guide_version",
    "public_material",
    "published_bundles",
    "published_items",
    "search_terms",
    "staff_items",
    "topics",
]
