"""Reads of the catalog: the public catalog of published items, staff lists scoped by the actor,
bundles, the consistency report (同要素比对) and which materials may really be omitted."""

from ._common import full_version, get_published_version
from .bundles import BundleGuide, bundle_guide, bundles_for, published_bundles
from .consistency import (
    PAPER_FORMS,
    SCALAR_ELEMENTS,
    BaseGroup,
    Comparison,
    Contradiction,
    Difference,
    compare_versions,
    consistency_report,
    guide_contradictions,
)
from .provision import (
    omittable_ids,
    omittable_materials,
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
    "PAPER_FORMS",
    "SCALAR_ELEMENTS",
    "BaseGroup",
    "BundleGuide",
    "Comparison",
    "Contradiction",
    "Difference",
    "bundle_guide",
    "bundles_for",
    "catalog_organisations",
    "compare_versions",
    "consistency_report",
    "full_version",
    "get_published_version",
    "guide_contradictions",
    "guide_version",
    "omittable_ids",
    "omittable_materials",
    "public_material",
    "published_bundles",
    "published_items",
    "search_terms",
    "staff_items",
    "topics",
]
