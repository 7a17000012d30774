"""Every write to a case. Each transition is one function that checks permission and scope,
validates, locks the case row, writes a transition row and an audit event and updates the
clocks, in one transaction; notifications and documents go out on commit.

Two staff acting at once: the second waits for the row lock, then finds the status changed and
gets a Conflict (HTTP 409) with a Chinese message. A stale page (its `expected_version` no longer
matches) gets the same, so nothing is lost or done twice, on SQLite too.
"""

from ._common import (
    ACCEPTANCE_DAYS,
    ACTION_LABELS,
    ALLOWED_FROM,
    DELIVERY_DAYS,
    EXTENSION_DAYS,
    QUERY_ALPHABET,
    forget_progress,
    recompute_clock,
)
from .extension import case_extension_decide, case_extension_request, extension_limit
from .flow import (
    case_decide,
    case_deliver,
    case_pause,
    case_resume,
    case_submit_review,
    case_terminate,
    case_withdraw,
)
from .submission import (  # noqa: F401
    application_closed,
    application_version,
    case_apply,
    case_register_walk_in,
    case_submit,
    commitment_refusal,
)
from .supervision import case_press, recompute_open_cases
from .window import (
    case_accept,
    case_deem_accept,
    case_reject,
    case_request_supplement,
    case_supplement,
)

__all__ = [
    "ACCEPTANCE_DAYS",
    "ACTION_LABELS",
    "ALLOWED_FROM",
    "DELIVERY_DAYS",
    "EXTENSION_DAYS",
    "QUERY_ALPHABET",
    "case_accept",
    "case_decide",
    "case_deem_accept",
    "case_deliver",
    "case_extension_decide",
    "case_extension_request",
    "case_pause",
    "case_press",
    "case_register_walk_in",
    "case_reject",
    "case_request_supplement",
    "case_resume",
    "case_submit",
    "case_submit_review",
    "case_supplement",
    "case_terminate",
    "case_withdraw",
    "commitment_refusal",
    "extension_limit",
    "forget_progress",
    "recompute_clock",
    "recompute_open_cases",
]
