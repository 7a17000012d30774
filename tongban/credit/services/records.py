"""Making, publishing, taking down and withdrawing credit records.

Records are made by event handlers (licence and penalty decisions, inspection results, founded bad
ratings), by broken commitments and by imports, always through `record_create`, which is
idempotent per source object (a delivery may run twice)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.core.errors import Conflict

from ..models import (
    LIVE_STATUSES,
    CreditRecord,
    PlatformPush,
    PublicityRule,
    RecordStatus,
    RecordStep,
    Severity,
    Source,
    SubjectKind,
)
from ._common import add_months, cal, number, step, today

# Penalty kinds that make a 严重失信 record when the publisher gives no hint (国办发〔2025〕22号 [K]).
SERIOUS_KINDS = {"revocation", "suspension"}
NOT_A_RECORD = {"not_punished"}  # 《行政处罚法》第三十三条: no penalty, nothing to publish


def rule_for(day: dt.date) -> PublicityRule:
    """The publicity regime in force on `day` (the earliest one for older decisions)."""
    rule = PublicityRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    rule = rule or PublicityRule.objects.order_by("effective_from").first()
    if rule is None:  # a database flushed after migrating (e.g. a transactional test): re-seed
        ensure_publicity_rules()
        return rule_for(day)
    return rule


def ensure_publicity_rules() -> None:
    """The shipped publicity regimes (the data migration's rows), when none are there."""
    import importlib

    seeded = importlib.import_module("tongban.credit.migrations.0002_seed_publicity_rules")
    for row in seeded.RULES:
        PublicityRule.objects.get_or_create(code=row["code"], defaults=row)


def publicity_window(rule: PublicityRule, severity: str, decided_on: dt.date) -> tuple[dt.date, dt.date]:
    """(the day from which repair may be asked, the day the record comes down), counted from the
    decision date: repair after the minimum period, takedown at the maximum (国办发〔2025〕22号)."""
    low, high = rule.months(severity)
    return add_months(decided_on, low), add_months(decided_on, high)


def publication(rule: PublicityRule, *, severity: str, penalty_kind: str = "", procedure: str = "") -> tuple[bool, str]:
    """Whether a penalty record is published under `rule`, and why not."""
    if penalty_kind and penalty_kind in (rule.unpublished_kinds or []):
        return False, "警告类行政处罚信息依规不予公示"
    if procedure == "summary" and penalty_kind == "fine" and not rule.publish_summary_fines:
        return False, "适用简易程序作出的罚款处罚信息依规不予公示"
    if severity == Severity.MINOR and not rule.minor_publish:
        return False, f"轻微失信信息依{rule.basis}可不予公示"
    return True, ""


def record_create(
    *, source: str, source_ref: str, subject_kind: str, subject_code: str, subject_name: str, organisation_id: int,
    record_type: str, title: str, decided_on: dt.date, content: str = "", legal_basis: str = "",
    decision_number: str = "", severity: str = "", penalty_kind: str = "", fine_fen: int = 0, procedure: str = "",
    dual_publicity: bool = False, published: bool | None = None, extra: dict | None = None, actor=None,
) -> CreditRecord:
    """Make the record for one source object, or return the one already made."""
    existing = CreditRecord.objects.filter(source=source, source_ref=str(source_ref)).first()
    if existing is not None:
        return existing
    rule = rule_for(decided_on)
    status, reason = RecordStatus.PUBLISHED, ""
    repair_from = takedown_on = None
    if severity:
        repair_from, takedown_on = publicity_window(rule, severity, decided_on)
        ok, reason = publication(rule, severity=severity, penalty_kind=penalty_kind, procedure=procedure)
        if not ok:
            status = RecordStatus.UNPUBLISHED
            repair_from = takedown_on = None
        elif takedown_on < today():
            status, reason = RecordStatus.EXPIRED, "录入时最长公示期已届满"
    if published is False:
        status, reason = RecordStatus.UNPUBLISHED, reason or "依规不予公示"
    record = CreditRecord(
        number=number("record", "XY", today()), subject_kind=subject_kind, subject_code=subject_code.strip().upper(),
        subject_name=subject_name.strip()[:150], organisation_id=organisation_id, source=source,
        source_ref=str(source_ref), record_type=record_type, title=title[:200], content=content, legal_basis=legal_basis,
        decision_number=decision_number[:80], decided_on=decided_on, penalty_kind=penalty_kind, fine_fen=int(fine_fen or 0),
        procedure=procedure, severity=severity, rule=rule, dual_publicity=dual_publicity, status=status,
        unpublished_reason=reason, published_on=today() if status == RecordStatus.PUBLISHED else None,
        repair_from=repair_from, takedown_on=takedown_on, extra=extra or {},
        dual_due=cal().add_workdays(decided_on, rule.dual_publicity_days) if dual_publicity else None,
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # the same delivery raced us to the unique constraint
        return CreditRecord.objects.get(source=source, source_ref=str(source_ref))
    step(record, "create", actor=actor, note=reason or f"依据{rule.basis}（{rule.code}）")
    if status == RecordStatus.PUBLISHED:
        schedule_push(record, PlatformPush.Action.PUBLISH)
    return record


# --- from other modules' summaries (the event handlers call these) --------------------------------


def severity_of(summary: dict) -> str:
    hint = summary.get("severity_hint") or ""
    if hint in Severity.values and hint:
        return hint
    kind = summary.get("penalty_kind") or ""
    if kind in SERIOUS_KINDS:
        return Severity.SERIOUS
    return Severity.MINOR if kind == "warning" else Severity.GENERAL


def record_from_penalty(summary: dict, *, case_id: int) -> CreditRecord | None:
    """双公示 of a penalty decision, from enforcement's publicity summary (contract: common brief)."""
    if (summary.get("penalty_kind") or "") in NOT_A_RECORD:
        return None
    person = summary.get("party_kind") == "person"
    severity = severity_of(summary)
    decided_on = _date(summary.get("decided_on"))
    return record_create(
        source=Source.PENALTY, source_ref=str(case_id),
        subject_kind=SubjectKind.PERSON if person else SubjectKind.ENTERPRISE,
        subject_code=(summary.get("party_id_number") if person else summary.get("party_uscc")) or "",
        subject_name=summary.get("party_name") or "", organisation_id=summary["org_id"],
        record_type=f"penalty_{severity}", title=f"行政处罚：{summary.get('violation') or ''}"[:200],
        content=summary.get("violation") or "", legal_basis=summary.get("legal_basis") or "",
        decision_number=summary.get("decision_number") or "", decided_on=decided_on, severity=severity,
        penalty_kind=summary.get("penalty_kind") or "", fine_fen=summary.get("fine_fen") or 0,
        procedure=summary.get("procedure") or "", dual_publicity=True,
        extra={"published_on": str(summary.get("published_on") or "")},
    )


def record_from_licence(case) -> CreditRecord:
    """双公示 of a licence granted (case.decided with "approve")."""
    enterprise = case.enterprise_id is not None
    return record_create(
        source=Source.LICENCE, source_ref=str(case.pk),
        subject_kind=SubjectKind.ENTERPRISE if enterprise else SubjectKind.PERSON,
        subject_code=case.applicant_code, subject_name=case.applicant_name, organisation_id=case.organisation_id,
        record_type="licence", title=f"行政许可：{case.version.name}",
        content=f"准予行政许可：{case.version.name}" + (f"（{case.project_name}）" if case.project_name else ""),
        legal_basis=case.version.legal_basis, decision_number=case.number,
        decided_on=case.concluded_on or today(), dual_publicity=True,
        extra={"licence_name": case.version.result_name, "item": case.version.name},
    )


def record_from_inspection(summary: dict, *, result_id: int) -> CreditRecord:
    """A published random-inspection result (双随机一公开), from inspections' result summary."""
    code = summary.get("result_class") or "unknown"
    return record_create(
        source=Source.INSPECTION, source_ref=str(result_id), subject_kind=SubjectKind.ENTERPRISE,
        subject_code=summary.get("subject_uscc") or "", subject_name=summary.get("subject_name") or "",
        organisation_id=summary["org_id"], record_type=f"inspection_{code}",
        title=f"抽查结果：{summary.get('result_label') or code}",
        content=f"{summary.get('item_name') or ''}（{summary.get('task_number') or ''}）",
        decided_on=_date(summary.get("published_on")), extra={"public_url": summary.get("public_url") or ""},
    )


def record_from_review(rect) -> CreditRecord:
    """A bad rating found founded after verification: the office's own 政务诚信 record."""
    org = rect.rating.organisation
    return record_create(
        source=Source.REVIEW, source_ref=str(rect.pk), subject_kind=SubjectKind.GOVERNMENT, subject_code=org.code,
        subject_name=org.name, organisation_id=org.pk, record_type="review_founded",
        title="政务服务差评经核实属实", content=rect.verification, decided_on=rect.verified_on or today(),
        published=False,
    )


def _date(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if value:
        return dt.date.fromisoformat(str(value)[:10])
    return today()


# --- pushes to credit platforms ------------------------------------------------------------------


def schedule_push(record: CreditRecord, action: str, *, only: set[str] | None = None) -> list[int]:
    """Queue `action` for every configured platform (or `only` those named), sent after commit."""
    from ..platforms import platforms

    ids = []
    for platform in platforms():
        if only is not None and platform.name not in only:
            continue
        push, _ = PlatformPush.objects.get_or_create(record=record, platform=platform.name, action=action)
        if push.status != PlatformPush.Status.SENT:
            ids.append(push.pk)
    if ids:
        transaction.on_commit(lambda: send_pushes(ids))
    return ids


def platforms_that_received(record: CreditRecord) -> set[str]:
    return set(record.pushes.filter(action=PlatformPush.Action.PUBLISH, status=PlatformPush.Status.SENT)
               .values_list("platform", flat=True))


def send_pushes(ids: list[int]) -> int:
    """Send pending pushes; each success keeps the platform's receipt. A failure stays for the
    sweep to retry. Returns how many were sent."""
    from ..exports import record_row
    from ..platforms import PushError, platform_named

    sent = 0
    for push in PlatformPush.objects.filter(pk__in=ids).exclude(status=PlatformPush.Status.SENT).select_related(
            "record__organisation", "record__rule"):
        platform = platform_named(push.platform)
        if platform is None:
            continue
        try:
            receipt = platform.push(push.action, record_row(push.record))
        except (PushError, OSError) as exc:
            PlatformPush.objects.filter(pk=push.pk).update(status=PlatformPush.Status.FAILED, attempts=push.attempts + 1,
                                                           last_error=str(exc)[:500])
            continue
        PlatformPush.objects.filter(pk=push.pk).update(status=PlatformPush.Status.SENT, attempts=push.attempts + 1,
                                                       receipt=str(receipt)[:200], sent_at=timezone.now(), last_error="")
        sent += 1
        _after_push(push.record_id, push.action)
    return sent


def _after_push(record_id: int, action: str) -> None:
    if action == PlatformPush.Action.PUBLISH:
        CreditRecord.objects.filter(pk=record_id, reported_on__isnull=True).update(reported_on=today())
    if action == PlatformPush.Action.WITHDRAW:
        with transaction.atomic():
            record = CreditRecord.objects.select_for_update().get(pk=record_id)
            pending = record.pushes.filter(action=PlatformPush.Action.WITHDRAW).exclude(status=PlatformPush.Status.SENT)
            if record.status == RecordStatus.WITHDRAWING and not pending.exists():
                _void(record, None, "各信用平台均已回执撤回")


# --- withdrawal on revocation, takedown at the maximum --------------------------------------------


def _void(record: CreditRecord, actor, note: str) -> None:
    before = record.status
    record.status, record.withdrawn_on, record.warning = RecordStatus.VOID, today(), ""
    record.row_version += 1
    record.save(update_fields=["status", "withdrawn_on", "warning", "row_version", "updated_at"])
    step(record, "void", actor=actor, before=before, note=note)


def withdrawal_due(record: CreditRecord) -> dt.date:
    """Withdrawal deadline: 3 working days from the revocation (《行政处罚法》第四十八条：行政处罚决定被依法变更、
    撤销、确认违法或者确认无效的，行政机关应当在三日内撤回行政处罚决定信息并公开说明理由)."""
    return cal().add_workdays(record.revoked_on, record.rule.withdrawal_days if record.rule else 3)


@transaction.atomic
def record_withdraw(*, source: str, source_ref: str, reason: str, actor=None,
                    revoked_on: dt.date | None = None) -> CreditRecord | None:
    """The penalty behind a record was changed or revoked: the record leaves the public pages at once,
    is marked void, and the platforms that received it are told within 3 working days
    (《行政处罚法》第四十八条：行政处罚决定被依法变更、撤销、确认违法或者确认无效的，应当在三日内撤回公开信息)."""
    record = CreditRecord.objects.select_for_update().filter(source=source, source_ref=str(source_ref)).first()
    if record is None or record.status in (RecordStatus.VOID, RecordStatus.WITHDRAWING):
        return record
    before = record.status
    record.void_reason = (reason or "原处罚决定已变更或撤销")[:300]
    # Kept on the record so a calendar change can move the deadline (sweep.recompute_open).
    record.revoked_on = min(revoked_on, today()) if revoked_on else today()
    record.withdraw_due = withdrawal_due(record)
    received = platforms_that_received(record) | set(
        record.pushes.filter(action=PlatformPush.Action.PUBLISH).values_list("platform", flat=True))
    if not received:
        record.save(update_fields=["void_reason", "revoked_on", "withdraw_due", "updated_at"])
        _void(record, actor, record.void_reason)
        return record
    record.status = RecordStatus.WITHDRAWING
    record.row_version += 1
    record.save(update_fields=["status", "void_reason", "revoked_on", "withdraw_due", "row_version", "updated_at"])
    step(record, "withdraw", actor=actor, before=before, note=record.void_reason)
    schedule_push(record, PlatformPush.Action.WITHDRAW, only=received)
    return record


def takedown_due(on: dt.date | None = None) -> int:
    """Sweep: take down every published record whose maximum period has passed. Claims the rows
    with a conditional UPDATE, so two workers never take the same record down twice."""
    on = on or today()
    due = list(CreditRecord.objects.filter(status=RecordStatus.PUBLISHED, takedown_on__lt=on)
               .values_list("pk", flat=True)[:10_000])
    if not due:
        return 0
    with transaction.atomic():
        claimed = list(CreditRecord.objects.select_for_update().filter(pk__in=due, status=RecordStatus.PUBLISHED)
                       .values_list("pk", flat=True))
        CreditRecord.objects.filter(pk__in=claimed).update(status=RecordStatus.EXPIRED, updated_at=timezone.now())
        now = timezone.now()
        RecordStep.objects.bulk_create([RecordStep(record_id=pk, action="takedown", from_status=RecordStatus.PUBLISHED,
                                                   to_status=RecordStatus.EXPIRED, actor_name="系统", at=now,
                                                   note="最长公示期届满，自动撤下") for pk in claimed])
        from ..platforms import platforms

        PlatformPush.objects.bulk_create(
            [PlatformPush(record_id=pk, platform=p.name, action=PlatformPush.Action.TAKEDOWN)
             for pk in claimed for p in platforms()], ignore_conflicts=True)
        ids = list(PlatformPush.objects.filter(record_id__in=claimed, action=PlatformPush.Action.TAKEDOWN)
                   .exclude(status=PlatformPush.Status.SENT).values_list("pk", flat=True))
        if ids:
            transaction.on_commit(lambda: send_pushes(ids))
    return len(claimed)


def retry_pushes() -> int:
    ids = list(PlatformPush.objects.exclude(status=PlatformPush.Status.SENT).values_list("pk", flat=True)[:2000])
    return send_pushes(ids) if ids else 0


def ensure_live(record: CreditRecord) -> None:
    if record.status not in LIVE_STATUSES:
        raise Conflict(f"该信用记录当前状态为“{record.get_status_display()}”，不能进行此操作。", code="illegal_transition")
