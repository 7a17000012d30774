"""What every enforcement step shares: numbering, the clock, locking, the transition row, the
audit event, documents and notifications."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tongban.core import audit, clocks, supervision, timeutil
from tongban.core.errors import Conflict
from tongban.core.notifications import notify
from tongban.core.permissions import deny, require
from tongban.core.sequences import next_number

from ..models import PRE_DECISION, Document, EnforcementCase, Status, Transition
from ..permissions import ACTION_PERMS, get_case_for
from ..state import ACTION_LABELS, ALLOWED_FROM


def _today() -> dt.date:
    return timeutil.today()


def case_number(org, on: dt.date) -> str:
    seq = next_number(f"enforcement:case:{org.code}", period=on.year)
    return f"ZF-{org.code}-{on.year}-{seq:04d}"


DOC_ABBR = {
    Document.Kind.REGISTRATION: "立审",
    Document.Kind.PRIOR_NOTICE: "罚告",
    Document.Kind.HEARING_NOTICE: "听通",
    Document.Kind.QUESTIONING: "询",
    Document.Kind.LEGAL_REVIEW: "法审",
    Document.Kind.DECISION: "罚决",
    Document.Kind.NOT_PUNISHED: "不罚决",
    Document.Kind.DELIVERY: "送",
}


def doc_number(case: EnforcementCase, kind: str, on: dt.date) -> str:
    agency = case.organisation.agency()
    prefix = agency.short_name or agency.name
    seq = next_number(f"enforcement:doc:{agency.code}:{kind}", period=on.year)
    return f"{prefix}{DOC_ABBR[kind]}〔{on.year}〕{seq}号"


def issue_document(case: EnforcementCase, kind: str, content: dict, on: dt.date, *, number: str = "",
                   for_party: bool = True) -> Document:
    base = {
        "case_number": case.number,
        "party_name": case.party_name,
        "party_code": case.party_uscc if case.party_kind == "enterprise" else case.party_id_number,
        "party_address": case.party_address,
        "agency": case.organisation.agency().name,
        "facts": case.facts,
    }
    return Document.objects.create(case=case, kind=kind, number=number or doc_number(case, kind, on),
                                   issued_on=on, content={**base, **content}, for_party=for_party)


def recompute_clock(case: EnforcementCase, today: dt.date | None = None) -> None:
    """The current deadline and its warning. Does not save."""
    today = today or _today()
    if case.status in PRE_DECISION:
        due = case.decision_due  # set by registration, extension and reopening (§60)
    elif case.status == Status.DECIDED:
        due = case.delivery_due
    elif case.status == Status.EXECUTING:
        due = case.payment_due if not case.paid_on else None
    else:
        due = None
    case.due_on = due
    case.warning = clocks.warning_for(due, today) if due else ""


def lock(actor, case_id: int, action: str, expected_version: int | None = None,
         allowed: list[str] | None = None) -> EnforcementCase:
    case = get_case_for(actor, case_id, for_update=True)
    if case.status not in (allowed or ALLOWED_FROM[action]):
        raise Conflict(f"案件当前状态为“{case.get_status_display()}”，不能{ACTION_LABELS[action]}。",
                       code="illegal_transition")
    if expected_version is not None and expected_version != case.row_version:
        raise Conflict("该案件已被他人处理，请刷新页面查看最新状态后再操作。", code="stale")
    return case


def require_staff(actor, action: str, case: EnforcementCase | None = None) -> None:
    perm = ACTION_PERMS[action]
    if not getattr(actor, "is_staff_member", False) and not getattr(actor, "is_superuser", False):
        raise deny(actor, perm, case)
    require(actor, perm, case)


def transition(case: EnforcementCase, *, action: str, to: str, actor, note: str = "",
               effective_on: dt.date | None = None, data: dict | None = None) -> Transition:
    today = _today()
    before = case.status
    case.status = to
    case.row_version += 1
    recompute_clock(case, today)
    case.save()
    real = actor if getattr(actor, "pk", None) else None
    row = Transition.objects.create(
        case=case, action=action, from_status=before, to_status=to, actor=real,
        actor_name=real.display_name if real else "系统", at=timezone.now(),
        effective_on=effective_on or today, note=note, data=data or {},
    )
    if real is not None and getattr(real, "is_staff_member", False):
        supervision.resolve(case, actor=real)
    audit.record(f"enforcement.{action}", actor=real, obj=case,
                 changes={"status": [before, to], **({"note": note} if note else {}), **(data or {})})
    return row


def investigators(case: EnforcementCase) -> set[int]:
    return case.investigator_ids


def tell_party(case: EnforcementCase, title: str, body: str = "") -> None:
    from tongban.accounts.models import User

    url = reverse("enforcement:my_case", args=[case.pk])
    if case.party_enterprise_id:
        users = User.objects.filter(enterprise_id=case.party_enterprise_id, is_active=True)
    elif case.party_user_id:
        users = User.objects.filter(pk=case.party_user_id)
    else:
        return
    for user in users:
        notify(user, f"{case.number}：{title}", body=body, url=url, sms=True)


def tell_staff(users, case: EnforcementCase, title: str, body: str = "") -> None:
    url = reverse("enforcement:detail", args=[case.pk])
    for user in {u for u in users if u is not None}:
        notify(user, f"{case.number}：{title}", body=body, url=url)


def staff_with(case: EnforcementCase, role: str):
    from tongban.accounts.models import User

    org = case.organisation
    agency = org.agency()
    return list(User.objects.filter(organisation__path__startswith=agency.path, roles__role=role,
                                    is_active=True).distinct())


def yuan(fen: int) -> str:
    from ..models import fen_to_yuan

    return fen_to_yuan(fen)


def d(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"
