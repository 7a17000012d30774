"""Where a case comes from and its registration (立案): staff discovery, a referral, a complaint
from appeals, an inspection's hand-over; the head approves registration within the limitation
period (§36)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tongban.core.errors import Conflict
from tongban.core.permissions import in_scope
from tongban.core.validators import validate_citizen_id, validate_uscc

from .. import rules
from ..models import Document, EnforcementCase, PartyKind, Source, Status
from ._common import (
    _today,
    case_number,
    d,
    issue_document,
    lock,
    require_staff,
    staff_with,
    tell_party,
    tell_staff,
    transition,
)


def _party(data: dict) -> dict:
    """Validate the party's identity; link the platform account that will see the case."""
    from tongban.accounts.models import Enterprise, User

    errors: dict[str, list[str]] = {}
    kind = data.get("party_kind") or ""
    name = (data.get("party_name") or "").strip()
    out = {"party_kind": kind, "party_name": name, "party_address": (data.get("party_address") or "").strip()[:200]}
    if kind not in PartyKind.values:
        errors["party_kind"] = ["请选择当事人类型（单位或个人）。"]
    if not name:
        errors["party_name"] = ["请填写当事人名称或姓名。"]
    if kind == PartyKind.ENTERPRISE:
        code = (data.get("party_uscc") or "").strip().upper()
        try:
            validate_uscc(code)
        except ValidationError as exc:
            errors["party_uscc"] = list(exc.messages)
        out["party_uscc"] = code
        out["party_enterprise"] = Enterprise.objects.filter(uscc=code).first() if code else None
    elif kind == PartyKind.PERSON:
        code = (data.get("party_id_number") or "").strip().upper()
        if code:
            try:
                validate_citizen_id(code)
            except ValidationError as exc:
                errors["party_id_number"] = list(exc.messages)
        out["party_id_number"] = code
        out["party_user"] = User.objects.filter(kind=User.Kind.CITIZEN, citizen_id=code).first() if code else None
    if errors:
        raise ValidationError(errors)
    return out


def _date(value, field: str, label: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        raise ValidationError({field: [f"请填写{label}（格式 2026-01-31）。"]}) from None


def _officers(org, ids) -> list:
    from tongban.accounts.models import Role, User

    ids = {int(i) for i in ids or [] if str(i).isdigit()}
    users = list(User.objects.filter(pk__in=ids, roles__role=Role.INSPECTOR, is_active=True).distinct())
    return [u for u in users if u.organisation_id and u.organisation.path.startswith(org.agency().path)]


@transaction.atomic
def case_create(*, actor, organisation, data: dict, officer_ids=(), appeal_id: int | None = None) -> EnforcementCase:
    """An officer opens a case (待立案) from discovery, a referral or a complaint."""
    require_staff(actor, "create")
    if organisation is None or not in_scope(actor, organisation):
        raise ValidationError({"organisation": ["请选择您管辖范围内的办案机关。"]})
    source = data.get("source") or Source.DISCOVERY
    if source not in (Source.DISCOVERY, Source.REFERRAL, Source.COMPLAINT):
        raise ValidationError({"source": ["请选择案件来源：执法检查发现、其他机关移送或投诉举报。"]})
    source_ref = (data.get("source_ref") or "").strip()[:80]
    facts = (data.get("facts") or "").strip()
    if appeal_id:
        return _case_create_from_appeal(actor=actor, organisation=organisation, data=data,
                                        officer_ids=officer_ids, appeal_id=int(appeal_id))
    if source == Source.COMPLAINT:
        # A complaint enters only as a referral of its appeal (one path: appeals' service)
        raise ValidationError({"appeal_id": ["投诉举报案件请填写诉求编号（ID），由诉求移送执法后登记。"]})
    if source == Source.REFERRAL and not source_ref:
        raise ValidationError({"source_ref": ["请填写移送机关及移送函编号。"]})
    party = _party(data)
    if not facts:
        raise ValidationError({"facts": ["请填写涉嫌违法的事实。"]})
    act_on = _date(data.get("act_on"), "act_on", "违法行为发生日")
    act_ended_on = _date(data.get("act_ended_on"), "act_ended_on", "违法行为终了日") if data.get("act_ended_on") else None
    today = _today()
    if act_on > today or (act_ended_on and (act_ended_on < act_on or act_ended_on > today)):
        raise ValidationError({"act_on": ["违法行为日期不能晚于今天，终了日不能早于发生日。"]})
    officers = _officers(organisation, officer_ids or [actor.pk])
    case = EnforcementCase.objects.create(
        number=case_number(organisation, today), organisation=organisation, source=source, source_ref=source_ref,
        facts=facts[:5000], act_on=act_on, act_ended_on=act_ended_on,
        serious_harm=bool(data.get("serious_harm")), is_major=bool(data.get("is_major")),
        created_by=actor, created_on=today, **party,
    )
    case.officers.set(officers)
    transition(case, action="create", to=Status.DRAFT, actor=actor, note=case.get_source_display())
    from tongban.accounts.models import Role

    tell_staff(staff_with(case, Role.APPROVER), case, "待审批立案")
    return case


def case_from_handover(result_id: int, summary: dict) -> EnforcementCase | None:
    """Build the case (待立案) from an inspection's hand-over (contract: inspections.selectors.
    handover_summary). Idempotent: a redelivered event finds the case it made."""
    from tongban.accounts.models import Organisation, Role, User

    ref = str(summary.get("result_number") or result_id)
    existing = EnforcementCase.objects.filter(source=Source.INSPECTION, source_ref=ref).first()
    if existing is not None:
        return existing
    org = Organisation.objects.get(pk=summary["org_id"])
    inspected = summary.get("inspected_on") or _today()
    if isinstance(inspected, str):
        inspected = dt.date.fromisoformat(inspected)
    from tongban.accounts.models import Enterprise

    uscc = summary.get("subject_uscc") or ""
    try:
        with transaction.atomic():
            case = EnforcementCase.objects.create(
                number=case_number(org, _today()), organisation=org, source=Source.INSPECTION, source_ref=ref,
                party_kind=PartyKind.ENTERPRISE, party_name=summary.get("subject_name") or uscc,
                party_uscc=uscc, party_address=summary.get("subject_address") or "",
                party_enterprise=Enterprise.objects.filter(uscc=uscc).first(),
                facts=f"双随机抽查（任务 {summary.get('task_number', '')}，结果 {ref}）发现：{summary.get('findings', '')}"[:5000],
                act_on=inspected, created_on=_today(),
            )
            ids = summary.get("inspector_user_ids") or []
            case.officers.set(User.objects.filter(pk__in=ids, roles__role=Role.INSPECTOR).distinct())
            transition(case, action="create", to=Status.DRAFT, actor=None, note="双随机抽查移交",
                       data={"result_id": result_id})
    except IntegrityError:  # a concurrent delivery made it first
        return EnforcementCase.objects.filter(source=Source.INSPECTION, source_ref=ref).first()
    tell_staff(staff_with(case, Role.APPROVER), case, "抽查移交案件待审批立案")
    return case


# --- complaints referred by appeals (移送执法) ------------------------------------------------------
#
# One path: the appeal is referred by appeals' own service (appeal_refer_to_enforcement, which
# records it on the appeal and publishes "appeal.referred"); the case is built from
# appeals.selectors.referral_summary by case_from_appeal, either at once (an officer's 从诉求立案)
# or when the event arrives. Which unit holds the case: the agency of the appeal's responsible unit
# at referral (a department's complaint goes to its agency), 《行政处罚法》第二十二条 territorial
# competence; an officer may choose another unit of their scope on the 从诉求立案 form.


def _party_from_subject(summary: dict, data: dict | None) -> dict:
    """The party from the structured 被反映对象; the officer's form may add what appeals never
    asks for (a person's ID number, an address)."""
    data = data or {}
    return _party({
        "party_kind": summary.get("subject_kind"), "party_name": summary.get("subject_name"),
        "party_uscc": summary.get("subject_uscc"),
        "party_address": data.get("party_address") or summary.get("subject_address") or "",
        "party_id_number": data.get("party_id_number") or "",
    })


def case_from_appeal(summary: dict, *, actor=None, organisation=None, data: dict | None = None,
                     officer_ids=()) -> EnforcementCase:
    """Build the case (待立案) from a referred complaint (contract: appeals.selectors.
    referral_summary). Idempotent: one case per appeal number (also a database constraint)."""
    from tongban.accounts.models import Organisation, Role

    ref = summary["number"]
    existing = EnforcementCase.objects.filter(source=Source.COMPLAINT, source_ref=ref).first()
    if existing is not None:
        return existing
    data = data or {}
    org = organisation or Organisation.objects.get(pk=summary["org_id"]).agency()
    party = _party_from_subject(summary, data)
    # Without a known date the act happened at the latest when it was complained about; the
    # officer corrects it before registration (§36 counts from the act).
    act_on = _date(data["act_on"], "act_on", "违法行为发生日") if data.get("act_on") else summary["received_on"]
    if isinstance(act_on, str):
        act_on = dt.date.fromisoformat(act_on)
    reason = (summary.get("reason") or "").strip()
    facts = f"投诉举报（{ref}）：{summary.get('title', '')}" + (f"\n移送理由：{reason}" if reason else "")
    if actor is not None:
        officers = _officers(org, officer_ids or [actor.pk])
    else:
        officers = _officers(org, [summary["referred_by_id"]] if summary.get("referred_by_id") else [])
    try:
        with transaction.atomic():
            case = EnforcementCase.objects.create(
                number=case_number(org, _today()), organisation=org, source=Source.COMPLAINT, source_ref=ref,
                facts=facts[:5000], act_on=act_on, serious_harm=bool(data.get("serious_harm")),
                is_major=bool(data.get("is_major")), created_by=actor, created_on=_today(), **party,
            )
            case.officers.set(officers)
            transition(case, action="create", to=Status.DRAFT, actor=actor, note="投诉举报移送",
                       data={"appeal_id": summary["appeal_id"], "appeal_number": ref})
    except IntegrityError:  # a concurrent delivery made it first
        return EnforcementCase.objects.filter(source=Source.COMPLAINT, source_ref=ref).first()
    tell_staff(staff_with(case, Role.APPROVER), case, "投诉举报移送案件待审批立案")
    return case


def _case_create_from_appeal(*, actor, organisation, data, officer_ids, appeal_id: int) -> EnforcementCase:
    """从诉求立案: the officer refers the complaint through appeals' service (scope-checked there:
    an appeal outside the officer's agency is not found), then the case is built at once."""
    from tongban.appeals.selectors import referral_summary
    from tongban.appeals.services import appeal_refer_to_enforcement

    subject = {"subject_kind": data.get("party_kind") or "", "subject_name": data.get("party_name") or "",
               "subject_uscc": data.get("party_uscc") or "", "subject_address": data.get("party_address") or ""}
    if data.get("act_on"):
        _date(data.get("act_on"), "act_on", "违法行为发生日")
    reason = (data.get("facts") or "").strip() or "经核查涉嫌违法，移送执法立案查处。"
    appeal = appeal_refer_to_enforcement(actor=actor, appeal=appeal_id, reason=reason, subject=subject)
    return case_from_appeal(referral_summary(appeal.pk), actor=actor, organisation=organisation, data=data,
                            officer_ids=officer_ids)


def on_appeal_referred(appeal_id: int) -> None:
    """Subscriber of "appeal.referred": reload the referral through appeals' selector."""
    from tongban.appeals.selectors import referral_summary  # lazy: appeals sits below us

    summary = referral_summary(appeal_id)
    if summary is not None:
        case_from_appeal(summary)


def on_inspection_handed_over(result_id: int | None = None, record_id: int | None = None) -> None:
    """Subscriber of "inspection.handed_over": reload the finding through inspections' selector
    (a 双随机 result, or an on-site record of another module's visit, e.g. works supervision)."""
    from tongban.inspections.selectors import handover_summary  # lazy: inspections sits below us

    case_from_handover(result_id or record_id, handover_summary(result_id, record_id=record_id))


@transaction.atomic
def case_register(*, actor, case_id: int, note: str = "", expected_version: int | None = None) -> EnforcementCase:
    """The head approves registration (立案). 《行政处罚法》第三十六条: not within two years (five
    where life, health or financial safety is involved with harm) of the act or its end, no case."""
    case = lock(actor, case_id, "register", expected_version)
    require_staff(actor, "register", case)
    today = _today()
    ends = rules.limitation_ends(case.act_on, case.act_ended_on, case.serious_harm)
    if today > ends:
        years = rules.value("LIMITATION_YEARS_SERIOUS") if case.serious_harm else rules.value("LIMITATION_YEARS")
        raise Conflict(
            f"依据《行政处罚法》第三十六条，违法行为在{years}年内未被发现的，不再给予行政处罚；"
            f"本案追责时效已于{d(ends)}届满，不能立案。",
            code="art36_time_barred",
        )
    if len(case.officers.all()) < 2:
        raise Conflict("依据《行政处罚法》第四十二条，行政处罚应当由两名以上具有执法资格的执法人员实施，"
                       "请先指定至少两名承办执法人员。", code="art42_officers")
    case.registered_on = today
    case.registered_by = actor
    case.limitation_ends_on = ends
    case.decision_due = rules.decision_due(today)
    issue_document(case, Document.Kind.REGISTRATION, {
        "source": case.get_source_display(), "source_ref": case.source_ref, "act_on": case.act_on.isoformat(),
        "limitation_ends_on": ends.isoformat(), "approved_by": actor.display_name, "note": note,
        "officers": [u.display_name for u in case.officers.all()], "decision_due": case.decision_due.isoformat(),
    }, today, for_party=False)
    transition(case, action="register", to=Status.INVESTIGATING, actor=actor, note=note,
               data={"decision_due": case.decision_due.isoformat()})
    tell_staff(case.officers.all(), case, "已批准立案", f"办案期限至 {case.decision_due}（《行政处罚法》第六十条）")
    tell_party(case, "已立案调查", "执法机关已依法对您（单位）立案调查。")
    return case


@transaction.atomic
def case_refuse_registration(*, actor, case_id: int, reason: str, expected_version: int | None = None):
    case = lock(actor, case_id, "refuse_registration", expected_version)
    require_staff(actor, "refuse_registration", case)
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请填写不予立案的理由。"]})
    transition(case, action="refuse_registration", to=Status.NOT_REGISTERED, actor=actor, note=reason.strip())
    return case
