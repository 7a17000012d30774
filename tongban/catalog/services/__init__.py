"""Every write to the catalog. Atomic and audited; only drafts change.

A version's content is written as a whole by `draft_save` (elements, materials, stages and
fees), so a draft is always consistent: promised ≤ legal, stage limits within the promised
limit, a condition for every conditional material.
"""

from ._common import (
    ELEMENTS,
    FEE_FIELDS,
    MATERIAL_FIELDS,
    MATERIAL_FILES,
    STAGE_FIELDS,
    check_upload,
)
from .bundles import bundle_create, bundle_update
from .drafts import draft_discard, draft_save, draft_start, item_create
from .publishing import item_publish, item_set_active, item_set_standard, publish_problems

__all__ = [
    "ELEMENTS",
    "FEE_FIELDS",
    "MATERIAL_FIELDS",
    "MATERIAL_FILES",
    "STAGE_FIELDS",
    "bundle_create",
    "bundle_update",
    "check_upload",
    "draft_discard",
    "draft_save",
    "draft_start",
    "item_create",
    "item_publish",
    "item_set_active",
    "item_set_standard",
    "publish_problems",
]
