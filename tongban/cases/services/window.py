"""The window's decisions within the acceptance period (《行政许可法》第三十二条): accept, deemed
acceptance, refusal, the one supplement notice and the applicant's supplement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.core import events
from tongban.core.errors import Conflict
from tongban.core.permissions import deny

from ..models import (
    Case,
    Document,
    Status,
    SupplementNotice,
)
from ..permissions import is_applicant_of
from ..state import acceptance_window_closed
from ._common import (
    ACCEPTANCE_DAYS,
    _clerks,
    _issue_document,
    _lock,
    _require_staff,
    _tell_applicant,
    _tell_staff,
    _today,
    _transition,
    window_closed_message,
)
from .submission import check_materials, store_materials


@transaction.atomic
def case_accept(
    *, actor, case_id: int, note: str = "", expected_version: int | None = None
) -> Case:
    case = _lock(actor, case_id, "accept", expected_version)
    _require_staff(actor, "accept", case)
    today = _today()
    late = acceptance_window_closed(case, today)
    # 《行政许可法》第三十二条: past the acceptance period the application is already accepted by
    # law as of receipt, so a late acceptance dates from receipt and the decision clocks with it.
    case.accepted_on = case.received_on if late else today
    case.deemed_accepted = late
    case.handler = case.handler or actor
    if late:
        note = (note + "；" if note else "") + window_closed_message(case, "")
    _transition(
        case, action="accept", to=Status.REVIEW, actor=actor, note=note,
        effective_on=case.accepted_on,
    )
    doc = _issue_document(
        case,
        Document.Kind.ACCEPTANCE,
        {
            "accepted_on": case.accepted_on.isoformat(),
            "promised_due": case.promised_due.isoformat(),
            "legal_due": case.legal_due.isoformat(),
            **({"deemed": True, "note": note} if late else {}),
        },
        today,
    )
    transaction.on_commit(
        lambda: _tell_applicant(
            case, "已受理", f"受理通知书 {doc.number}；承诺 {case.promised_due} 前办结。"
        )
    )
    return case


def case_deem_accept(*, case_id: int, today: dt.date | None = None) -> Case | None:
    """《行政许可法》第三十二条: no acceptance, refusal or supplement notice within the acceptance
    period means the application is accepted as of the day it was received. The sweep calls this
    for each overdue case; it goes through the same transition as a clerk's acceptance (row,
    audit event, numbered 受理通知书 dated the receipt day). Returns None when the case is no
    longer due (accepted meanwhile, or taken by another worker)."""
    from tongban.accounts.selectors import supervisors_of

    today = today or _today()
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id, status=Status.SUBMITTED).first()
        if case is None or case.acceptance_due is None or case.acceptance_due >= today:
            return None
        limit = case.version.acceptance_limit_days or ACCEPTANCE_DAYS
        why = (
            f"自 {case.received_on} 收件起 {limit} 个工作日内（至 {case.acceptance_due} 24:00）"
            "未作出受理、不予受理或补正告知，依《中华人民共和国行政许可法》第三十二条视为受理，"
            "受理日期为收件之日。"
        )
        case.deemed_accepted = True
        case.accepted_on = case.received_on
        _transition(
            case, action="deem_accept", to=Status.REVIEW, actor=None, note=why,
            effective_on=case.received_on, today=today, actor_name="系统（电子监察）",
        )
        doc = _issue_document(
            case,
            Document.Kind.ACCEPTANCE,
            {
                "accepted_on": case.received_on.isoformat(),
                "promised_due": case.promised_due.isoformat(),
                "legal_due": case.legal_due.isoformat(),
                "deemed": True,
                "note": why,
            },
            case.received_on,
        )
        supervisors = supervisors_of(case.organisation)
        transaction.on_commit(
            lambda: _tell_applicant(case, "已视为受理", f"{why}受理通知书 {doc.number}。")
        )
        transaction.on_commit(
            lambda: _tell_staff(supervisors, case, "逾期未受理，已视为受理", why, level="warning")
        )
    return case


@transaction.atomic
def case_reject(
    *, actor, case_id: int, reasons: str, basis: str, expected_version: int | None = None
) -> Case:
    case = _lock(actor, case_id, "reject", expected_version)
    _require_staff(actor, "reject", case)
    if acceptance_window_closed(case, _today()):
        raise Conflict(window_closed_message(case, "作出不予受理决定"), code="acceptance_period_over")
    errors = {}
    if not reasons.strip():
        errors["reasons"] = ["请写明不予受理的理由。"]
    if not basis.strip():
        errors["basis"] = ["请写明不予受理的法律依据。"]
    if errors:
        raise ValidationError(errors)
    today = _today()
    case.concluded_on = today
    _transition(
        case, action="reject", to=Status.REJECTED, actor=actor, note=reasons, data={"basis": basis}
    )
    doc = _issue_document(
        case, Document.Kind.REJECTION, {"reasons": reasons, "basis": basis}, today
    )
    transaction.on_commit(
        lambda: _tell_applicant(case, "不予受理", f"不予受理决定书 {doc.number}。理由：{reasons}")
    )
    return case


@transaction.atomic
def case_request_supplement(
    *,
    actor,
    case_id: int,
    items: list[Mapping],
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """The one-time notification: everything missing or defective, at once. A second request for
    the same case is refused (《行政许可法》第三十二条)."""
    case = _lock(actor, case_id, "request_supplement", expected_version)
    _require_staff(actor, "request_supplement", case)
    if acceptance_window_closed(case, _today()):
        raise Conflict(window_closed_message(case, "要求补正"), code="acceptance_period_over")
    if case.supplement_count >= 1:
        raise Conflict(
            "本件已发出过一次补正通知。依照“一次性告知”要求，不得再次要求补正；请作出受理或不予受理决定。",
            code="supplement_once",
        )
    known = {m.pk: m for m in case.version.materials.all()}
    clean = []
    for entry in items:
        material_id = entry.get("material_id")
        problem = str(entry.get("problem", "")).strip()
        name = (
            known[int(material_id)].name
            if material_id and int(material_id) in known
            else str(entry.get("name", "")).strip()
        )
        if not name or not problem:
            continue
        clean.append(
            {
                "material_id": int(material_id) if material_id else None,
                "name": name,
                "problem": problem,
            }
        )
    if not clean:
        raise ValidationError({"items": ["请逐项列出需要补正的材料及问题，一次告知全部内容。"]})
    today = _today()
    SupplementNotice.objects.create(
        case=case, items=clean, note=note, issued_by=actor, issued_on=today
    )
    case.supplement_count = 1
    _transition(
        case,
        action="request_supplement",
        to=Status.SUPPLEMENT,
        actor=actor,
        note=note,
        data={"items": clean},
    )
    doc = _issue_document(case, Document.Kind.SUPPLEMENT, {"items": clean, "note": note}, today)
    listing = "；".join(f"{i['name']}（{i['problem']}）" for i in clean)
    if not case.notices_relayed:  # else the group the case belongs to sends one notice for all
        transaction.on_commit(
            lambda: _tell_applicant(case, "请补正材料", f"补正材料通知书 {doc.number}：{listing}")
        )
    events.publish("case.supplement_requested", case_id=case.pk)
    return case


@transaction.atomic
def case_supplement(
    *, actor, case_id: int, files: Mapping, note: str = "", expected_version: int | None = None
) -> Case:
    """The applicant answers the notice. The acceptance period restarts from this day."""
    case = _lock(actor, case_id, "supplement", expected_version)
    if not is_applicant_of(actor, case):
        raise deny(actor, "cases.supplement", case)
    notice = case.supplement_notice
    wanted = {i["material_id"] for i in notice.items if i.get("material_id")}
    keys = {str(k) for k in files}
    if not files:
        raise ValidationError({"files": ["请上传补正通知所列的材料。"]})
    missing = [
        i["name"]
        for n, i in enumerate(notice.items)
        if (str(i["material_id"]) if i.get("material_id") else f"other_{n}") not in keys
    ]
    if missing:
        raise ValidationError(
            {"files": [f"还缺少：{'、'.join(missing)}。补正通知所列材料需一次补齐。"]}
        )
    catalogued = {k: f for k, f in files.items() if not str(k).startswith("other_")}
    others = {
        f"other_{n}": (files[f"other_{n}"], entry["name"])
        for n, entry in enumerate(notice.items)
        if f"other_{n}" in files and not entry.get("material_id")
    }
    # Every file is checked before any is stored: a refused one leaves nothing on disk.
    checked = check_materials(case.version, catalogued, only=wanted or None, extra=others)
    store_materials(case, checked, actor, 2)
    today = _today()
    notice.answered_on = today
    notice.save(update_fields=["answered_on"])
    case.received_on = today
    _transition(case, action="supplement", to=Status.SUBMITTED, actor=actor, note=note)
    transaction.on_commit(
        lambda: _tell_staff(
            [case.handler] if case.handler else _clerks(case), case, "申请人已补正材料"
        )
    )
    return case
