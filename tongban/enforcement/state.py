"""The enforcement case state machine in one place: the actions, the statuses each may start
from, and `available_actions`, which pages and API clients read. The services enforce the same
table (and the legal preconditions, with the article in the message)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core.permissions import has_perm, in_scope

from .models import EnforcementCase, PenaltyKind, Procedure, Status
from .permissions import ACTION_PERMS, is_party_of


class Action(models.TextChoices):
    REGISTER = "register", _("批准立案")
    REFUSE_REGISTRATION = "refuse_registration", _("不予立案")
    RECORD = "record", _("记录执法活动")
    PROPOSE = "propose", _("拟定处罚")
    PRIOR_NOTICE = "prior_notice", _("先行告知")
    DELIVER_NOTICE = "deliver_notice", _("送达告知书")
    STATEMENT = "statement", _("陈述申辩")
    HEARING_REQUEST = "hearing_request", _("申请听证")
    HEARING_SCHEDULE = "hearing_schedule", _("安排听证")
    HEARING_HOLD = "hearing_hold", _("记录听证")
    LEGAL_REVIEW = "legal_review", _("法制审核")
    COLLECTIVE = "collective", _("集体讨论")
    EXTEND = "extend", _("延长办案期限")
    DECIDE = "decide", _("作出决定")
    DELIVER = "deliver", _("送达决定书")
    EXECUTE = "execute", _("记录执行")
    CLOSE = "close", _("结案")
    PUBLISH = "publish", _("公示")
    REVOKE = "revoke", _("撤回公示")
    REREVIEW = "rereview", _("内部复核")
    PRESS = "press", _("督办")


ACTION_LABELS = {a.value: a.label for a in Action}
AFTER_DECISION = [Status.DECIDED, Status.EXECUTING, Status.CLOSED]

ALLOWED_FROM: dict[str, list[str]] = {
    "register": [Status.DRAFT],
    "refuse_registration": [Status.DRAFT],
    "record": [Status.INVESTIGATING, Status.NOTIFIED, Status.HEARING],
    "propose": [Status.INVESTIGATING],
    "prior_notice": [Status.INVESTIGATING],
    "deliver_notice": [Status.NOTIFIED],
    "statement": [Status.NOTIFIED, Status.HEARING],
    "hearing_request": [Status.NOTIFIED],
    "hearing_schedule": [Status.HEARING],
    "hearing_hold": [Status.HEARING],
    "legal_review": [Status.INVESTIGATING, Status.NOTIFIED],
    "collective": [Status.INVESTIGATING, Status.NOTIFIED],
    "extend": [Status.INVESTIGATING, Status.NOTIFIED, Status.HEARING],
    # summary procedure and 不予处罚 are decided from the investigation (§51, §33)
    "decide": [Status.INVESTIGATING, Status.NOTIFIED],
    "deliver": [Status.DECIDED],
    "execute": [Status.EXECUTING],
    "close": [Status.EXECUTING],
    "publish": AFTER_DECISION,
    "revoke": AFTER_DECISION,
    "rereview": AFTER_DECISION,
    "press": [Status.DRAFT, Status.INVESTIGATING, Status.NOTIFIED, Status.HEARING, Status.DECIDED, Status.EXECUTING],
}

PARTY_ACTIONS = {Action.STATEMENT, Action.HEARING_REQUEST}  # also open to the party itself


def _guard(action: Action, case: EnforcementCase) -> bool:
    """Bookkeeping beyond the status (the legal preconditions are checked by the services)."""
    if action == Action.DELIVER_NOTICE:
        return case.notice_delivered_on is None
    if action == Action.HEARING_REQUEST:
        return case.hearing_right and case.notice_delivered_on is not None and case.hearing_requested_on is None
    if action == Action.STATEMENT:
        return case.notice_delivered_on is not None
    if action == Action.HEARING_SCHEDULE:
        return case.hearing_held_on is None
    if action == Action.HEARING_HOLD:
        return case.hearing_on is not None and case.hearing_held_on is None
    if action == Action.PRIOR_NOTICE:
        return bool(case.penalty_kind) and case.penalty_kind != PenaltyKind.NOT_PUNISHED \
            and case.procedure == Procedure.GENERAL
    if action == Action.LEGAL_REVIEW:
        return bool(case.penalty_kind)
    if action == Action.COLLECTIVE:
        return case.is_major and not case.collective_on
    if action == Action.EXTEND:
        return case.extension_days == 0
    if action == Action.DECIDE:
        return bool(case.penalty_kind)
    if action == Action.PUBLISH:
        return case.published_on is None and case.penalty_kind != PenaltyKind.NOT_PUNISHED and not case.revoked
    if action == Action.REVOKE:
        return case.published_on is not None and not case.revoked
    if action == Action.REREVIEW:
        return not case.rereview_outcome and case.penalty_kind != PenaltyKind.NOT_PUNISHED
    return True


def _may(actor, action: Action, case: EnforcementCase) -> bool:
    if action in PARTY_ACTIONS and is_party_of(actor, case):
        return True
    if not (getattr(actor, "is_staff_member", False) or actor.is_superuser):
        return False
    return has_perm(actor, "enforcement.view") and in_scope(actor, case.organisation) \
        and has_perm(actor, ACTION_PERMS[action.value])


def available_actions(actor, case: EnforcementCase) -> list[Action]:
    if actor is None or not actor.is_authenticated:
        return []
    return [a for a in Action if case.status in ALLOWED_FROM[a.value] and _guard(a, case) and _may(actor, a, case)]
