"""What every appeal step shares: numbering, deadlines, locking, the step row, notifications."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tongban.accounts.models import Organisation, Role, User
from tongban.core import audit, clocks, supervision, timeutil
from tongban.core.calendar import WorkCalendar
from tongban.core.errors import Conflict
from tongban.core.notifications import notify
from tongban.core.permissions import has_perm
from tongban.core.sequences import next_number

from ..models import (
    OPEN_STATUSES,
    Appeal,
    Status,
    Step,
    Warning,
)
from ..permissions import acts_for, get_appeal_for

QUERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone

PHONE_RE = re.compile(r"^(1\d{10}|0\d{2,3}\d{7,8}|\d{7,8})$")

MAX_CONTENT = 5000


ACTION_LABELS = {
    "submit": "提交诉求",
    "accept": "首问受理",
    "transfer": "转办",
    "accept_transfer": "接收转办",
    "return": "退回",
    "reply": "答复",
    "callback": "回访",
    "reopen": "重新办理",
    "merge": "合并重复诉求",
    "press": "督办",
    "refer": "移送执法",
}

ALLOWED_FROM: dict[str, list[str]] = {
    "accept": [Status.RECEIVED],
    "transfer": [Status.RECEIVED, Status.HANDLING],
    "accept_transfer": [Status.TRANSFERRING],
    "return": [Status.TRANSFERRING],
    "reply": [Status.HANDLING],
    "callback": [Status.REPLIED],
    "reopen": [Status.CLOSED],
    "merge": [Status.RECEIVED, Status.HANDLING, Status.TRANSFERRING],
}


def _today() -> dt.date:
    return timeutil.today()


def recompute(
    appeal: Appeal, *, today: dt.date | None = None, cal: WorkCalendar | None = None
) -> None:
    """Due date from the clock start and the limit; warning while open. Does not save."""
    cal = cal or WorkCalendar.default()
    today = today or _today()
    appeal.due_on = cal.add_workdays(appeal.clock_from, appeal.limit_days)
    appeal.warning = (
        clocks.warning_for(appeal.due_on, today, cal=cal) if appeal.status in OPEN_STATUSES else Warning.NONE
    )


def _number(on: dt.date) -> str:
    stamp = on.strftime("%Y%m%d")
    return f"SQ{stamp}{next_number('appeal', period=stamp):05d}"


def _actor_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def _step(
    appeal: Appeal,
    *,
    action: str,
    to: str,
    actor,
    note: str = "",
    data: dict | None = None,
    organisation=None,
) -> Step:
    before = appeal.status
    appeal.status = to
    appeal.row_version += 1
    recompute(appeal)
    appeal.save()
    who = _actor_or_none(actor)
    row = Step.objects.create(
        appeal=appeal,
        action=action,
        from_status=before if before != to or action != "submit" else "",
        to_status=to,
        actor=who,
        actor_name=who.display_name if who else "诉求人",
        organisation=organisation or (who.organisation if who and who.organisation_id else None),
        at=timezone.now(),
        note=note,
        data=data or {},
    )
    if who is not None and getattr(who, "is_staff_member", False) and action not in ("press",):
        supervision.resolve(appeal, actor=who)  # acting on a pressed appeal answers its presses
    audit.record(
        f"appeal.{action}",
        actor=who,
        obj=appeal,
        changes={"status": [before, to], **({"note": note} if note else {}), **(data or {})},
    )
    return row


def _lock(actor, appeal_id: int, action: str, expected_version: int | None) -> Appeal:
    appeal = get_appeal_for(actor, appeal_id, for_update=True)
    return _check(appeal, action, expected_version)


def _check(appeal: Appeal, action: str, expected_version: int | None) -> Appeal:
    if appeal.status not in ALLOWED_FROM[action]:
        raise Conflict(
            f"诉求当前状态为“{appeal.get_status_display()}”，不能{ACTION_LABELS[action]}。",
            code="illegal_transition",
        )
    if expected_version is not None and expected_version != appeal.row_version:
        raise Conflict("该诉求已被他人处理，请刷新页面查看最新状态后再操作。", code="stale")
    return appeal


# --- who hears about it --------------------------------------------------------------------------


def unit_staff(organisation: Organisation, perm: str = "appeals.handle") -> list[User]:
    """Active staff of the unit's agency holding `perm` (clerks first receive appeals)."""
    agency = organisation.agency()
    roles = [Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR]
    users = (
        User.objects.filter(
            is_active=True,
            kind=User.Kind.STAFF,
            organisation__path__startswith=agency.path,
            roles__role__in=roles,
        )
        .exclude(organisation__kind=Organisation.Kind.AGENCY, organisation__depth__gt=agency.depth)
        .select_related("organisation")
        .distinct()
    )
    return [u for u in users if has_perm(u, perm) and acts_for(u, organisation)]


def _tell_staff(users, appeal: Appeal, title: str, body: str = "", level: str = "info") -> None:
    url = reverse("appeals:detail", args=[appeal.pk])
    for user in {u for u in users if u is not None}:
        notify(user, f"{appeal.number}：{title}", body=body, url=url, level=level)


def _tell_requester(appeal: Appeal, title: str, body: str = "") -> None:
    """In-app for an account holder; an SMS to the phone left by an anonymous requester."""
    if appeal.requester_id:
        notify(
            appeal.requester,
            f"诉求 {appeal.number}：{title}",
            body=body,
            url=reverse("appeals:my_appeal", args=[appeal.pk]),
            sms=True,
        )
    elif appeal.requester_phone:
        from tongban.core.notifications import sms_gateway

        text = f"【通办】诉求 {appeal.number}：{title}" + (f"：{body}" if body else "")
        text += f"（查询码 {appeal.query_code}）"
        transaction.on_commit(lambda: sms_gateway().send(appeal.requester_phone, text[:300]))


# --- submission ---------------------------------------------------------------------------------

