"""Staff pages: the catalog of the actor's subtree, drafts, publishing, bundles, the
consistency report, import and export."""

from .bundles import bundle_edit, bundle_list
from .drafts import draft_discard, draft_edit, draft_publish, draft_start
from .import_export import export, import_view
from .items import (
    consistency,
    item_active,
    item_create,
    item_detail,
    item_list,
    item_standard,
    material_file,
    result_sample,
    version_detail,
)

__all__ = [
    "bundle_edit",
    "bundle_list",
    "consistency",
    "draft_discard",
    "draft_edit",
    "draft_publish",
    "draft_start",
    "export",
    "import_view",
    "item_active",
    "item_create",
    "item_detail",
    "item_list",
    "item_standard",
    "material_file",
    "result_sample",
    "version_detail",
]
