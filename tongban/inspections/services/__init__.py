"""Every write of 双随机一公开 (one function per state change, atomic, audited)."""

from ._common import APPROVAL_RULE, PUBLICATION_DAYS, PUBLICATION_RULE, YEARLY_CAP
from .directory import (
    IMPORT_COLUMNS,
    conflict_declare,
    inspector_profile_save,
    item_create,
    item_publish,
    object_import,
    object_save,
)
from .draws import (
    capped_objects,
    draw_commit,
    draw_seed,
    draw_void_approve,
    draw_void_refuse,
    draw_void_request,
    freeze,
)
from .onsite import clean_signature, onsite_hand_over, onsite_record_store
from .plans import plan_create, plan_file, task_create
from .work import (
    HANDED_OVER,
    RESULT_PUBLISHED,
    inspection_approve,
    inspection_notice_issue,
    inspection_record_submit,
    inspection_result_publish,
    recompute_publication_dues,
    result_press,
    withdrawal_decide,
    withdrawal_request,
)

__all__ = [
    "APPROVAL_RULE",
    "HANDED_OVER",
    "IMPORT_COLUMNS",
    "PUBLICATION_DAYS",
    "PUBLICATION_RULE",
    "RESULT_PUBLISHED",
    "YEARLY_CAP",
    "capped_objects",
    "clean_signature",
    "conflict_declare",
    "draw_commit",
    "draw_seed",
    "draw_void_approve",
    "draw_void_refuse",
    "draw_void_request",
    "freeze",
    "inspection_approve",
    "inspection_notice_issue",
    "inspection_record_submit",
    "inspection_result_publish",
    "inspector_profile_save",
    "item_create",
    "item_publish",
    "object_import",
    "object_save",
    "onsite_hand_over",
    "onsite_record_store",
    "plan_create",
    "plan_file",
    "recompute_publication_dues",
    "result_press",
    "task_create",
    "withdrawal_decide",
    "withdrawal_request",
]
