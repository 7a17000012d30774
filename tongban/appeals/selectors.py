"""Reads of appeals, scoped by the actor."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

from .kb_services import anonymise
from .models import OPEN_STATUSES, Appeal, Status, Step, Warning
from .permissions import appeals_for, scope_root


def appeal_list(actor, *, status: str = "", kind: str = "", warning: str = "", q: str = "",
                duplicates: bool = False) -> QuerySet[Appeal]:
    qs = appeals_for(actor).select_related("organisation", "pending_organisation", "category", "respondent",
                                           "requester", "duplicate_of")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if warning in (Warning.YELLOW, Warning.RED):
        qs = qs.filter(warning=warning)
    if duplicates:
        qs = qs.filter(duplicate_of__isnull=False).exclude(status=Status.MERGED)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q))
    return qs.order_by("-submitted_at", "-id")


def awaiting(actor) -> QuerySet[Appeal]:
    """What the actor's unit has to do now: confirm, accept or return a transfer, handle, call back."""
    root = scope_root(actor)
    if root is None:
        return Appeal.objects.none()
    # The unit's subtree without the agencies below it, as ids: the appeal table is then read by
    # its (organisation, status, due) and (pending organisation, status) indexes instead of a join
    # on the organisation path over every appeal.
    from tongban.accounts.models import Organisation

    units = list(Organisation.objects.filter(path__startswith=root.path)
                 .exclude(kind="agency", depth__gt=root.depth).values_list("id", flat=True))
    mine = Q(organisation_id__in=units, status__in=[Status.RECEIVED, Status.HANDLING, Status.REPLIED])
    work = mine | Q(status=Status.TRANSFERRING, pending_organisation_id__in=units)
    return (
        Appeal.objects.filter(work).select_related("organisation", "pending_organisation", "category")
        .order_by("due_on", "id")
    )


def timeline(appeal: Appeal) -> QuerySet[Step]:
    return appeal.steps.select_related("organisation").order_by("at", "id")


def metrics(actor) -> dict:
    qs = appeals_for(actor).order_by()
    return qs.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        red=Count("id", filter=Q(warning=Warning.RED)),
        yellow=Count("id", filter=Q(warning=Warning.YELLOW)),
        awaiting_callback=Count("id", filter=Q(status=Status.REPLIED)),
        satisfied=Count("id", filter=Q(satisfaction__in=["satisfied", "basic"])),
        unsatisfied=Count("id", filter=Q(satisfaction="unsatisfied")),
        reopened=Count("id", filter=Q(reopen_count__gt=0)),
        duplicates=Count("id", filter=Q(duplicate_of__isnull=False) & ~Q(status=Status.MERGED)),
    )


# --- what the public sees (Open311) -------------------------------------------------------------
#
# An appeal is public only when its requester agreed (publish_consent), and even then nothing
# that identifies them: no name, phone, e-mail or ID number (also not inside the free text or the
# answer), the place only down to the street, coordinates to about 100 m.

_DIGITS = r"0-9０-９"
# House, building, unit, floor and room numbers, in digits or Chinese numerals. A document number
# such as 〔2024〕3号 follows a bracket and is kept.
_HOUSE_NUMBER = re.compile(rf"(?<![〕\]）)])[{_DIGITS}]+[-－—#＃]?[{_DIGITS}]*\s*(?=号|栋|幢|单元|室|楼|层|户|弄|巷)")
_HOUSE_NUMBER_CN = re.compile(r"[一二三四五六七八九十百零〇两]+(?=号院|号楼|栋|幢|单元|室)")
_FIRST_NUMBER = re.compile(rf"[{_DIGITS}#＃]|[一二三四五六七八九十百零〇两]+(?=号|栋|幢|单元|室|楼|层|户)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # typed by accident; not valid in XML
COORDINATE_STEP = Decimal("0.001")  # about 110 m of latitude: the spot of the problem, not a door


def published_appeals() -> QuerySet[Appeal]:
    """Appeals their requesters agreed to publish; a merged duplicate lives on in the one it joined."""
    return (
        Appeal.objects.filter(publish_consent=True).exclude(status=Status.MERGED)
        .select_related("category", "organisation", "requester")
    )


def _requester_strings(appeal: Appeal) -> list[str]:
    values = [appeal.requester_name, appeal.requester_phone, appeal.requester_email]
    if appeal.requester_id:
        values += [appeal.requester.display_name, appeal.requester.real_name, appeal.requester.phone,
                   appeal.requester.email]
    return [v for v in values if v]


def public_text(appeal: Appeal, text: str) -> str:
    """Free text (the appeal, the answer) without what identifies the requester."""
    text = _EMAIL.sub("[邮箱]", _CONTROL.sub("", text or ""))
    text = anonymise(text, _requester_strings(appeal))
    text = _HOUSE_NUMBER.sub("×", text)
    return _HOUSE_NUMBER_CN.sub("×", text)


def public_address(appeal: Appeal) -> str:
    """The place down to the street: cut at the first house, building or room number."""
    address = anonymise(_CONTROL.sub("", appeal.address or ""), _requester_strings(appeal))
    match = _FIRST_NUMBER.search(address)
    if match:
        address = address[: match.start()]
    return address.strip(" ,，、;；-－—(（")


def public_coordinate(value: Decimal | None) -> float | None:
    if value is None:
        return None
    return float(value.quantize(COORDINATE_STEP, rounding=ROUND_HALF_UP))


# --- the contract with enforcement (移送执法) --------------------------------------------------


def referral_summary(appeal_id: int) -> dict | None:
    """What enforcement may know of a referred complaint: its number, title, unit, the party
    complained about and the referral's reason. Never the complainant's identity or own words.
    None when the appeal was not referred."""
    appeal = Appeal.objects.select_related("organisation").filter(pk=appeal_id, referred_on__isnull=False).first()
    if appeal is None:
        return None
    step = appeal.steps.filter(action="refer").order_by("-at", "-id").first()
    return {
        "appeal_id": appeal.pk,
        "number": appeal.number,
        "title": appeal.title,
        "org_id": appeal.organisation_id,
        "received_on": appeal.received_on,
        "referred_on": appeal.referred_on,
        "reason": step.note if step else "",
        "referred_by_id": step.actor_id if step else None,
        "subject_kind": appeal.subject_kind,
        "subject_name": appeal.subject_name,
        "subject_uscc": appeal.subject_uscc,
        "subject_address": appeal.subject_address,
        "address": public_address(appeal),
    }
