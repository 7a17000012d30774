"""What every case transition shares: numbering, clocks, locking, the transition row and
the notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse

from tongban.core import audit, clocks, supervision, timeutil
from tongban.core.calendar import WorkCalendar
from tongban.core.errors import Conflict
from tongban.core.notifications import notify
from tongban.core.permissions import deny, require
from tongban.core.sequences import next_number

from ..models import (
    CLOCKED_STATUSES,
    Case,
    Document,
    Status,
    Transition,
    Warning,
)
from ..permissions import get_case_for
from ..state import (  # the action table and the window rule live in state.py
    ACTION_LABELS,
    ALLOWED_FROM,
)

ACCEPTANCE_DAYS = 5  # 《行政许可法》第三十二条

EXTENSION_DAYS = 10  # 《行政许可法》第四十二条; an item's own law may give another (ItemVersion.extension_limit_days)

DELIVERY_DAYS = 10  # 《行政许可法》第四十四条

QUERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone




def _today() -> dt.date:
    return timeutil.today()


def _cal() -> WorkCalendar:
    return WorkCalendar.default()


# --- numbering ------------------------------------------------------------------------------


def _case_number(org, on: dt.date) -> str:
    stamp = on.strftime("%Y%m%d")
    return f"{org.code}-{stamp}-{next_number(f'case:{org.code}', period=stamp):04d}"


DOC_ABBR = {
    Document.Kind.ACCEPTANCE: "受",
    Document.Kind.SUPPLEMENT: "补",
    Document.Kind.REJECTION: "不受",
    Document.Kind.APPROVAL: "许",
    Document.Kind.DENIAL: "不许",
    Document.Kind.EXTENSION: "延",
    Document.Kind.EXCLUSION: "特",
}


def _issue_document(case: Case, kind: str, content: dict, on: dt.date) -> Document:
    org = case.organisation
    agency = org.agency()  # documents carry the agency's abbreviation, as paper ones do
    prefix = agency.short_name or agency.name
    seq = next_number(f"doc:{org.code}:{kind}", period=on.year)
    number = f"{prefix}{DOC_ABBR[kind]}〔{on.year}〕{seq}号"
    base = {
        "case_number": case.number,
        "item_name": case.version.name,
        "applicant_name": case.applicant_name,
        "organisation": org.name,
        # The issuer, frozen with the rest: a document speaks for the agency as it was named then.
        "agency": agency.name,
        "received_on": case.received_on.isoformat(),
        "project_name": case.project_name,
    }
    return Document.objects.create(
        case=case, kind=kind, number=number, issued_on=on, content={**base, **content}
    )


# --- clocks -----------------------------------------------------------------------------------


def _stage_limit(case: Case) -> int | None:
    """The per-stage limit of the case's current step, from the item version's stages."""
    if case.status == Status.SUBMITTED:
        return case.version.acceptance_limit_days or ACCEPTANCE_DAYS
    if case.status == Status.CONCLUDED:
        return DELIVERY_DAYS
    code = {Status.REVIEW: "review", Status.DECISION: "decide"}.get(case.status)
    if code is None:
        return None
    # Stages are named by administrators; a stage's code (when set) or its usual name identifies it.
    words = {"review": ("审查", "审核", "勘验"), "decide": ("决定", "签批", "审批")}[code]
    for stage in case.version.stages.all():
        stage_code = getattr(stage, "code", "")
        if stage.limit_days and (
            stage_code == code or (not stage_code and any(w in stage.name for w in words))
        ):
            return stage.limit_days
    return None


def recompute_clock(
    case: Case, *, today: dt.date | None = None, cal: WorkCalendar | None = None
) -> None:
    """Derive the cached due dates and warnings from the case's history. Does not save."""
    cal = cal or _cal()
    today = today or _today()
    case.acceptance_due = cal.add_workdays(
        case.received_on, case.version.acceptance_limit_days or ACCEPTANCE_DAYS
    )
    if case.accepted_on:
        end = case.concluded_on or today
        paused = 0
        for period in case.excluded_periods.all():
            stop = min(period.ended_on or end, end)
            paused += max(0, cal.workdays_between(period.started_on, stop))
        case.paused_days = paused
        case.legal_due = cal.add_workdays(
            case.accepted_on, case.legal_limit_days + case.extension_days + paused
        )
        # The promised limit is the agency's own promise: an extension moves it only when the
        # item says so (ItemVersion.extension_moves_promised, copied to the case on approval).
        case.promised_due = cal.add_workdays(
            case.accepted_on, case.promised_limit_days + case.promised_extension_days + paused
        )
        case.provisional = cal.is_provisional(case.legal_due)
        if case.concluded_on:
            case.days_used = max(
                0, cal.workdays_between(case.accepted_on, case.concluded_on) - paused
            )
    else:
        case.provisional = cal.is_provisional(case.acceptance_due)
    limit = _stage_limit(case)
    case.stage_due = (
        cal.add_workdays(case.stage_started_on, limit) if limit and case.stage_started_on else None
    )
    case.due_on = {
        Status.SUBMITTED: case.acceptance_due,
        Status.REVIEW: case.promised_due,
        Status.DECISION: case.promised_due,
        Status.PAUSED: case.promised_due,
        Status.CONCLUDED: case.stage_due,
    }.get(case.status)
    if case.status == Status.SUBMITTED:
        case.warning = clocks.warning_for(case.acceptance_due, today, cal=cal)
    elif case.status in CLOCKED_STATUSES:
        case.warning = clocks.warning_for(case.promised_due, today, cal=cal)
    else:
        case.warning = Warning.NONE
    active = case.status in (*CLOCKED_STATUSES, Status.SUBMITTED, Status.CONCLUDED)
    case.stage_warning = clocks.warning_for(case.stage_due, today, cal=cal) if active else Warning.NONE
    case.legal_overdue = bool(
        case.legal_due and case.status in CLOCKED_STATUSES and case.legal_due < today
    ) or bool(case.legal_due and case.concluded_on and case.concluded_on > case.legal_due)


def window_closed_message(case: Case, action: str) -> str:
    limit = case.version.acceptance_limit_days or ACCEPTANCE_DAYS
    text = (
        f"自 {case.received_on} 收件起 {limit} 个工作日的受理期限已于 {case.acceptance_due} 24:00 届满，"
        "依《中华人民共和国行政许可法》第三十二条，逾期不告知补正的，自收到申请材料之日起即为受理"
    )
    return f"{text}，不能再{action}。" if action else f"{text}，受理日期为收件之日。"


# --- transitions ------------------------------------------------------------------------------


def _lock(actor, case_id: int, action: str, expected_version: int | None) -> Case:
    case = get_case_for(actor, case_id, action=None, for_update=True)
    if case.status not in ALLOWED_FROM[action]:
        raise Conflict(
            f"办件当前状态为“{case.get_status_display()}”，不能{ACTION_LABELS[action]}。",
            code="illegal_transition",
        )
    if expected_version is not None and expected_version != case.row_version:
        raise Conflict("该办件已被他人处理，请刷新页面查看最新状态后再操作。", code="stale")
    return case


def _require_staff(actor, action: str, case: Case) -> None:
    from ..permissions import ACTION_PERMS

    if not getattr(actor, "is_staff_member", False) and not actor.is_superuser:
        raise deny(actor, ACTION_PERMS.get(action, f"cases.{action}"), case)
    require(actor, ACTION_PERMS[action], case)


def _transition(
    case: Case,
    *,
    action: str,
    to: str,
    actor,
    note: str = "",
    effective_on: dt.date | None = None,
    data: dict | None = None,
    today: dt.date | None = None,
    actor_name: str | None = None,
) -> Transition:
    today = today or _today()
    before = case.status
    if to != before:
        case.stage_started_on = effective_on or today
    case.status = to
    case.row_version += 1
    recompute_clock(case, today=today)
    case.save()
    row = Transition.objects.create(
        case=case,
        action=action,
        from_status=before,
        to_status=to,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_name or (actor.display_name if getattr(actor, "pk", None) else "系统"),
        at=timeutil.now(),
        effective_on=effective_on or today,
        note=note,
        data=data or {},
    )
    if getattr(actor, "is_staff_member", False):
        supervision.resolve(case, actor=actor)  # acting on a pressed case answers its presses
    forget_progress(case)
    audit.record(
        f"case.{action}",
        actor=actor if getattr(actor, "pk", None) else None,
        obj=case,
        changes={"status": [before, to], **({"note": note} if note else {}), **(data or {})},
    )
    return row


def forget_progress(case: Case) -> None:
    """The public progress query caches briefly; a transition makes the cached answer stale."""
    from django.core.cache import cache

    from ..selectors import progress_cache_key

    key = progress_cache_key(case.number, case.query_code)
    # Now (a reader in this transaction sees the new state) and after commit (a reader that cached
    # the committed old state in between is dropped too).
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def _tell_applicant(case: Case, title: str, body: str = "") -> None:
    url = reverse("cases:my_case", args=[case.pk])
    recipients = {case.applicant}
    for user in recipients:
        notify(user, f"{case.version.name}：{title}", body=body, url=url, sms=True)


def _tell_staff(
    users: Iterable, case: Case, title: str, body: str = "", level: str = "info"
) -> None:
    url = reverse("cases:detail", args=[case.pk])
    for user in {u for u in users if u is not None}:
        notify(user, f"{case.number}：{title}", body=body, url=url, level=level)


# --- submission ---------------------------------------------------------------------------------


def _clerks(case: Case):
    from tongban.accounts.models import Role, User

    return list(
        User.objects.filter(organisation=case.organisation, roles__role=Role.CLERK, is_active=True)
    )


# --- review, excluded periods, extension, decision ----------------------------------------------


def _approvers(case: Case):
    from tongban.accounts.models import Role, User

    org = case.organisation
    return list(
        User.objects.filter(
            organisation__in=[org, *([org.parent] if org.parent_id else [])],
            roles__role=Role.APPROVER,
            is_active=True,
        )
    )

