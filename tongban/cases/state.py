"""The case state machine in one place: the actions, the statuses each may start from, and
`available_actions`, which says what an actor may do to a case now. The services enforce the
same tables and guards; pages and API clients read `available_actions` rather than re-deriving
the rules."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core import timeutil
from tongban.core.permissions import has_perm, in_scope

from .models import OPEN_STATUSES, Case, Status
from .permissions import ACTION_PERMS, is_applicant_of


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交申请")  # files the case (cases.services.case_apply / case_submit)
    ACCEPT = "accept", _("受理")
    DEEM_ACCEPT = "deem_accept", _("逾期视为受理")  # the sweep only, never a person
    REJECT = "reject", _("不予受理")
    REQUEST_SUPPLEMENT = "request_supplement", _("一次性告知补正")  # once per case (第三十二条)
    SUPPLEMENT = "supplement", _("补正材料")  # the applicant answers the notice
    PAUSE = "pause", _("启动特别程序")
    RESUME = "resume", _("结束特别程序")
    REQUEST_EXTENSION = "request_extension", _("申请延长审批期限")  # the handler, while the legal period runs (第四十二条)
    DECIDE_EXTENSION = "decide_extension", _("审批延期申请")  # another person, the head of the agency (第四十二条)
    SUBMIT_REVIEW = "submit_review", _("提交审查意见")
    DECIDE = "decide", _("作出决定")
    DELIVER = "deliver", _("送达")
    WITHDRAW = "withdraw", _("撤回申请")  # the applicant
    TERMINATE = "terminate", _("终止办理")
    PRESS = "press", _("督办")  # supervision; writes no transition


ACTION_LABELS = {
    action.value: action.label for action in Action if action != Action.PRESS
} | {
    # steps recorded in the history that are not actions of their own
    "approve_extension": _("批准延长审批期限"),
    "refuse_extension": _("不批准延期申请"),
    "extend": _("延长审批期限"),  # cases extended before requests existed
}

# action -> statuses it may start from (the services check it under the row lock)
ALLOWED_FROM: dict[str, list[str]] = {
    "accept": [Status.SUBMITTED],
    "reject": [Status.SUBMITTED],
    "request_supplement": [Status.SUBMITTED],
    "supplement": [Status.SUPPLEMENT],
    "pause": [Status.REVIEW, Status.DECISION],
    "resume": [Status.PAUSED],
    "request_extension": [Status.REVIEW, Status.PAUSED, Status.DECISION],
    "decide_extension": [Status.REVIEW, Status.PAUSED, Status.DECISION],
    "submit_review": [Status.REVIEW],
    "decide": [Status.DECISION],
    "deliver": [Status.CONCLUDED],
    "withdraw": OPEN_STATUSES,
    "terminate": OPEN_STATUSES,
    # a concluded case awaiting delivery may still be pressed (送达 has its own limit)
    "press": [*OPEN_STATUSES, Status.CONCLUDED],
}

APPLICANT_ACTIONS = {Action.SUPPLEMENT, Action.WITHDRAW}  # checked by ownership, not a permission


def acceptance_window_closed(case: Case, today: dt.date) -> bool:
    """《行政许可法》第三十二条: once the acceptance period has run out without a supplement notice
    or a refusal, the application is accepted by law, whether or not the sweep has run yet."""
    return (
        case.status == Status.SUBMITTED
        and case.acceptance_due is not None
        and case.acceptance_due < today
    )


def legal_period_running(case: Case, today: dt.date) -> bool:
    """《行政许可法》第四十二条: an extension is for a decision that cannot be made within the legal
    period (二十日内不能作出决定的), so it is asked and granted before that period ends (24:00
    of the legal due date)."""
    if case.status == Status.PAUSED:
        return True  # an excluded period stops the clock: the period cannot run out meanwhile
    return case.legal_due is not None and today <= case.legal_due


def pending_extension(case: Case):
    """The open extension request of the case, or None."""
    return next((e for e in case.extensions.all() if e.status == "pending"), None)


def _guard(action: Action, case: Case, actor=None) -> bool:
    """The once-only and bookkeeping rules beyond the status."""
    if action in (Action.REQUEST_SUPPLEMENT, Action.REJECT) and acceptance_window_closed(case, timeutil.today()):
        return False  # 第三十二条: past the period the application is accepted by law
    if action == Action.REQUEST_SUPPLEMENT:
        return case.supplement_count == 0
    if action == Action.SUPPLEMENT:
        return hasattr(case, "supplement_notice")
    if action == Action.REQUEST_EXTENSION:
        return (
            legal_period_running(case, timeutil.today())
            and not any(e.status in ("pending", "approved") for e in case.extensions.all())
        )
    if action == Action.DECIDE_EXTENSION:
        request = pending_extension(case)
        # 第四十二条: a different person decides; the requester is not offered their own request.
        return request is not None and request.requested_by_id != getattr(actor, "pk", None)
    return True


def _may(actor, action: Action, case: Case) -> bool:
    if action in APPLICANT_ACTIONS:
        return is_applicant_of(actor, case)
    if not (getattr(actor, "is_staff_member", False) or actor.is_superuser):
        return False
    return (
        has_perm(actor, "cases.view")
        and in_scope(actor, case.organisation)
        and has_perm(actor, ACTION_PERMS[action])
    )


def available_actions(actor, case: Case) -> list[Action]:
    """What `actor` may do to `case` now (in the order of `Action`)."""
    if actor is None or not actor.is_authenticated:
        return []
    return [
        action
        for action in Action
        if action.value in ALLOWED_FROM
        and case.status in ALLOWED_FROM[action.value]
        and _may(actor, action, case)
        and _guard(action, case, actor)
    ]
