"""Every write to an enforcement case: one function per step, each locking the case, checking
the allowed-from table, the row version, the permission and the legal precondition (with the
article in its Chinese message), then writing the transition row and the audit event and
publishing its events in the same transaction."""

from ._common import recompute_clock
from .baselines import (
    baseline_clause_save,
    baseline_item_save,
    baseline_new_version,
    baseline_publish,
)
from .decision import (
    DECIDED,
    PUBLISHED,
    REVOKED,
    amount_due,
    case_close,
    case_decide,
    case_deliver,
    case_execute,
    case_press,
    case_publish,
    case_rereview,
    case_revoke,
    decide_blockers,
)
from .intake import (
    case_create,
    case_from_appeal,
    case_from_handover,
    case_refuse_registration,
    case_register,
    on_appeal_referred,
    on_inspection_handed_over,
)
from .investigation import (
    baselines_for,
    case_collective,
    case_extend,
    check_officers,
    penalty_propose,
    proposal_for,
    record_add,
)
from .notice import (
    hearing_hold,
    hearing_request,
    hearing_schedule,
    legal_review,
    notice_deliver,
    prior_notice,
    statement_submit,
)

__all__ = [
    "DECIDED",
    "PUBLISHED",
    "REVOKED",
    "amount_due",
    "baseline_clause_save",
    "baseline_item_save",
    "baseline_new_version",
    "baseline_publish",
    "baselines_for",
    "case_close",
    "case_collective",
    "case_create",
    "case_decide",
    "case_deliver",
    "case_execute",
    "case_extend",
    "case_from_appeal",
    "case_from_handover",
    "case_press",
    "case_publish",
    "case_refuse_registration",
    "case_register",
    "case_rereview",
    "case_revoke",
    "check_officers",
    "decide_blockers",
    "hearing_hold",
    "hearing_request",
    "hearing_schedule",
    "legal_review",
    "notice_deliver",
    "on_appeal_referred",
    "on_inspection_handed_over",
    "penalty_propose",
    "prior_notice",
    "proposal_for",
    "recompute_clock",
    "record_add",
    "statement_submit",
]
