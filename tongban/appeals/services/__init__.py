"""Every write to an appeal: submit, accept (首问), transfer, accept or return a transfer, reply,
callback, reopen once, press, merge. Each locks the row, checks the status and the actor, writes
a step row and an audit event in one transaction; notifications go out on commit.

Notifications to staff never carry the requester's name or phone: the unit complained about may
be among the readers.
"""

from ._common import (  # noqa: F401
    ACTION_LABELS,
    ALLOWED_FROM,
    MAX_CONTENT,
    PHONE_RE,
    QUERY_ALPHABET,
    _actor_or_none,
    _check,
    _lock,
    _number,
    _step,
    _tell_requester,
    _tell_staff,
    _today,
    recompute,
    unit_staff,
)
from .handling import (  # noqa: F401
    _callback,
    _pending_transfer,
    _reopen,
    appeal_accept,
    appeal_accept_transfer,
    appeal_callback,
    appeal_callback_by_code,
    appeal_reopen,
    appeal_reopen_by_code,
    appeal_reply,
    appeal_return,
    appeal_transfer,
)
from .intake import (  # noqa: F401
    _clean_phone,
    _decimal,
    _resolve_category,
    appeal_submit,
)
from .referral import (  # noqa: F401
    REFERABLE,
    REFERRED,
    appeal_refer_to_enforcement,
    appeal_set_subject,
    clean_subject,
    may_edit_subject,
    refusal_for,
)
from .supervision import (  # noqa: F401
    appeal_dismiss_duplicate,
    appeal_merge,
    appeal_press,
    appeal_set_respondent,
    recompute_open_appeals,
)
