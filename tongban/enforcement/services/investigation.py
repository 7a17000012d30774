"""Investigation: every act a record signed by two certified officers with its files (§42, §47);
the penalty proposed from the published baseline; extension (§60) and collective decision (§57)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.core import attachments, audit
from tongban.core.errors import Conflict

from .. import rules
from ..models import (
    Baseline,
    BaselineItem,
    Document,
    EnforcementCase,
    PartyKind,
    PenaltyKind,
    Procedure,
    Record,
    Status,
)
from ._common import _today, d, issue_document, lock, require_staff, transition, yuan

OFFICER_KINDS = {Record.Kind.INSPECTION, Record.Kind.QUESTIONING, Record.Kind.EVIDENCE, Record.Kind.SAMPLING,
                 Record.Kind.SEALING}


def _store_files(record: Record, files, actor) -> None:
    for upload in files or []:
        att = attachments.store(upload, actor=actor)
        record.attachments.add(att)
        # 全过程记录 (§47): the file's hash enters the audit chain with the act it documents
        audit.record("enforcement.file", actor=actor, obj=record.case,
                     changes={"record": record.pk, "kind": record.kind, "sha256": att.sha256,
                              "name": att.original_name, "size": att.size})


def check_officers(case: EnforcementCase, officer_ids, on: dt.date) -> list:
    """《行政处罚法》第四十二条: at least two officers holding a valid 行政执法证 on the day."""
    from tongban.accounts.models import Role, User
    from tongban.accounts.selectors import certified_user_ids

    ids = {int(i) for i in officer_ids or [] if str(i).strip().isdigit()}
    agency_path = case.organisation.agency().path
    users = [u for u in User.objects.filter(pk__in=ids, roles__role=Role.INSPECTOR, is_active=True)
             .select_related("organisation").distinct() if u.organisation and u.organisation.path.startswith(agency_path)]
    certified = certified_user_ids([u.pk for u in users], on=on)
    valid = [u for u in users if u.pk in certified]
    if len(valid) < 2:
        missing = [u.display_name for u in users if u.pk not in certified]
        extra = f"（{'、'.join(missing)} 在 {on} 没有有效的行政执法证）" if missing else ""
        raise Conflict("依据《行政处罚法》第四十二条，行政处罚应当由具有行政执法资格的执法人员实施，执法人员不得少于两人；"
                       f"本次记录有效持证执法人员不足两名{extra}，不能记录。", code="art42_two_officers")
    return valid


@transaction.atomic
def record_add(*, actor, case_id: int, kind: str, on, content: str, officer_ids=(), place: str = "",
               files=(), expected_version: int | None = None) -> Record:
    """One investigation act with its files (全过程记录, §47)."""
    case = lock(actor, case_id, "record", expected_version)
    require_staff(actor, "record", case)
    if kind not in OFFICER_KINDS:
        raise ValidationError({"kind": ["请选择执法活动类别：现场检查、询问、证据收集、抽样取证或查封扣押。"]})
    if isinstance(on, str):
        try:
            on = dt.date.fromisoformat(on)
        except ValueError:
            raise ValidationError({"on": ["请填写执法活动日期（格式 2026-01-31）。"]}) from None
    on = on or _today()
    if on > _today() or (case.registered_on and on < case.registered_on and kind != Record.Kind.INSPECTION):
        raise ValidationError({"on": ["执法活动日期不能晚于今天，调查取证不能早于立案日期。"]})
    if not (content or "").strip():
        raise ValidationError({"content": ["请填写笔录或记录内容。"]})
    officers = check_officers(case, officer_ids, on)
    from tongban.accounts.selectors import valid_certificate

    record = Record.objects.create(
        case=case, kind=kind, on=on, place=(place or "")[:200], content=content.strip()[:20000], created_by=actor,
        certificate_numbers=[valid_certificate(u, on=on).number for u in officers],
    )
    record.officers.set(officers)
    case.officers.add(*officers)
    _store_files(record, files, actor)
    if kind == Record.Kind.QUESTIONING:
        issue_document(case, Document.Kind.QUESTIONING, {
            "on": on.isoformat(), "place": record.place, "content": record.content,
            "officers": [f"{u.display_name}（执法证号 {n}）" for u, n in zip(officers, record.certificate_numbers, strict=True)],
        }, on)
    transition(case, action="record", to=case.status, actor=actor, note=record.get_kind_display(),
               effective_on=on, data={"record": record.pk, "files": record.attachments.count()})
    return record


def baselines_for(case: EnforcementCase):
    """The baselines of the case's jurisdiction (its agency or one above it) in force today: of each
    baseline the latest published version whose effective date has come (a version published for
    a later date waits; the one it replaces still applies until then)."""
    path = case.organisation.path
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
    today = _today()
    return Baseline.objects.filter(status=Baseline.Status.PUBLISHED, organisation__path__in=prefixes,
                                   effective_from__lte=today).with_replaced(today).filter(replaced=False)


def proposal_for(item: BaselineItem, facts) -> rules.Proposal:
    clauses = [rules.ClauseData(c.code, c.circumstance, c.condition, c.low_pct, c.high_pct, c.penalty_kind)
               for c in item.clauses.all()]
    return rules.propose(baseline_label=item.baseline.label, item_code=item.code, scheme=item.scheme,
                         min_fen=item.min_fen, max_fen=item.max_fen, clauses=clauses, facts=set(facts or []))


SEVERITY = {"not_punished": 0, "warning": 1, "fine": 2, "confiscation": 3, "suspension": 4, "revocation": 5}


def heavier_than(kind: str, fine_fen: int, ref_kind: str, ref_fine: int) -> bool:
    if SEVERITY.get(kind, 0) != SEVERITY.get(ref_kind, 0):
        return SEVERITY.get(kind, 0) > SEVERITY.get(ref_kind, 0)
    return fine_fen > ref_fine


def check_art45(case: EnforcementCase, kind: str, fine_fen: int) -> None:
    """《行政处罚法》第四十五条: the penalty may not be raised because the party stated or defended."""
    if case.notified_kind and heavier_than(kind, fine_fen, case.notified_kind, case.notified_fine_fen):
        told = PenaltyKind(case.notified_kind).label + (f" {yuan(case.notified_fine_fen)} 元"
                                                        if case.notified_kind == "fine" else "")
        raise Conflict(f"依据《行政处罚法》第四十五条，行政机关不得因当事人陈述、申辩而给予更重的处罚；"
                       f"处罚不得重于已先行告知的“{told}”。", code="art45_no_raise")


def check_art51(case: EnforcementCase, kind: str, fine_fen: int) -> None:
    if case.procedure == Procedure.SUMMARY and not rules.summary_allowed(kind, fine_fen, case.party_kind):
        limit = rules.value("SUMMARY_FINE_ORG_FEN" if case.party_kind == PartyKind.ENTERPRISE else "SUMMARY_FINE_PERSON_FEN")
        who = "法人或者其他组织" if case.party_kind == PartyKind.ENTERPRISE else "公民"
        raise ValidationError({"procedure": [
            f"依据《行政处罚法》第五十一条，只有警告或者对{who}处以 {yuan(limit)} 元以下罚款的，才可以适用简易程序当场作出决定；"
            "本案应当适用普通程序。"]})


@transaction.atomic
def penalty_propose(*, actor, case_id: int, baseline_item_id: int, facts=(), penalty_kind: str = "",
                    fine_fen: int | None = None, departure_reason: str = "", procedure: str = Procedure.GENERAL,
                    expected_version: int | None = None) -> EnforcementCase:
    """The platform proposes from the baseline; the officer puts a penalty forward, departing from
    the proposal only with a written reason (shown to the legal reviewer, counted on the dashboard)."""
    case = lock(actor, case_id, "propose", expected_version)
    require_staff(actor, "propose", case)
    item = BaselineItem.objects.filter(pk=baseline_item_id, baseline__in=baselines_for(case)) \
        .select_related("baseline").first()
    if item is None:
        raise ValidationError({"baseline_item_id": ["请选择本辖区已公布的裁量基准中的违法行为。"]})
    codes = {c.code for c in item.clauses.all()}
    facts = [f for f in facts or [] if f]
    unknown = [f for f in facts if f not in codes]
    if unknown:
        raise ValidationError({"facts": [f"裁量情形 {'、'.join(unknown)} 不属于该违法行为的裁量基准。"]})
    proposal = proposal_for(item, facts)
    kind = penalty_kind or proposal.penalty_kind
    if kind not in PenaltyKind.values:
        raise ValidationError({"penalty_kind": ["请选择处罚种类。"]})
    fine = proposal.fine_fen if fine_fen is None and kind == proposal.penalty_kind else int(fine_fen or 0)
    if kind == PenaltyKind.FINE and fine <= 0:
        raise ValidationError({"fine_fen": ["罚款金额必须大于零。"]})
    if kind != PenaltyKind.FINE:
        fine = 0
    if kind == PenaltyKind.FINE and fine > item.max_fen:
        raise ValidationError({"fine_fen": [f"罚款超过了法定最高额 {yuan(item.max_fen)} 元（{item.penalty_provision}）。"]})
    if procedure not in Procedure.values:
        raise ValidationError({"procedure": ["请选择普通程序或简易程序。"]})
    case.procedure = procedure
    check_art51(case, kind, fine)
    check_art45(case, kind, fine)
    departs = not proposal.within(kind, fine)
    reason = (departure_reason or "").strip()
    if departs and not reason:
        raise ValidationError({"departure_reason": [
            "拟定的处罚与裁量基准的建议不一致，须书面说明偏离理由（国办发〔2022〕27号：严格执行裁量基准）。"]})
    case.baseline_item = item
    case.circumstances = facts
    case.proposal = proposal.as_dict()
    case.penalty_kind = kind
    case.fine_fen = fine
    case.departs = departs
    case.departure_reason = reason if departs else ""
    case.review_opinion = ""  # a new proposal needs a new legal review
    transition(case, action="propose", to=case.status, actor=actor,
               note=f"{PenaltyKind(kind).label}{' ' + yuan(fine) + ' 元' if fine else ''}",
               data={"proposal": proposal.as_dict(), "departs": departs})
    return case


@transaction.atomic
def case_extend(*, actor, case_id: int, reason: str, expected_version: int | None = None) -> EnforcementCase:
    """§60: beyond 90 days only with the head's approval, recorded (SAMR practice: once, 30 days)."""
    case = lock(actor, case_id, "extend", expected_version)
    require_staff(actor, "extend", case)
    if case.extension_days:
        raise Conflict("办案期限已经延长过一次；再次延长须经集体讨论决定（《行政处罚法》第六十条）。", code="art60_extended")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请填写延长办案期限的理由。"]})
    case.extension_days = rules.value("EXTENSION_DAYS")
    case.extension_reason = reason.strip()
    case.extension_approved_by = actor
    case.decision_due = case.decision_due + dt.timedelta(days=case.extension_days)
    transition(case, action="extend", to=case.status, actor=actor, note=reason.strip(),
               data={"days": case.extension_days, "decision_due": case.decision_due.isoformat()})
    return case


@transaction.atomic
def case_collective(*, actor, case_id: int, minutes: str, on=None, files=(),
                    expected_version: int | None = None) -> EnforcementCase:
    """§57: a major case is decided collectively by the agency's heads; the minutes are kept."""
    case = lock(actor, case_id, "collective", expected_version)
    require_staff(actor, "collective", case)
    if not case.is_major:
        raise Conflict("本案未列为重大案件，无需集体讨论。", code="not_major")
    if not (minutes or "").strip():
        raise ValidationError({"minutes": ["请填写集体讨论纪要（参加人员、讨论意见、结论）。"]})
    case.collective_on = on if isinstance(on, dt.date) else _today()
    case.collective_minutes = minutes.strip()[:20000]
    record = Record.objects.create(case=case, kind=Record.Kind.EVIDENCE, on=case.collective_on,
                                   content=f"集体讨论纪要：{case.collective_minutes}", created_by=actor)
    _store_files(record, files, actor)
    transition(case, action="collective", to=case.status, actor=actor, note=case.collective_minutes[:200])
    return case


def statement_period_text(case: EnforcementCase) -> str:
    return f"陈述申辩至{d(case.statement_until)}，听证申请至{d(case.hearing_request_until)}"


__all__ = ["Status"]
