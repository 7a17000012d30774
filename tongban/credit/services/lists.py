"""Red and black lists: entry by the list's criteria (data) with evidence, a publicity period in
which the subject may object, entry only after it; exit on time or on repair (国办发〔2020〕49号)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404

from tongban.core import audit
from tongban.core.errors import Conflict
from tongban.core.permissions import require

from ..models import (
    CreditList,
    CreditRecord,
    EntryStatus,
    Evaluation,
    EvaluationRun,
    ListEntry,
    ObjectionStatus,
    RecordStatus,
)
from ..permissions import MANAGE
from ._common import add_months, cal, today

LIST_BASIS = "国办发〔2020〕49号"


def qualifying(credit_list: CreditList, codes: list[str] | None = None) -> dict[str, dict]:
    """Subjects that meet the list's criteria now: {code: {"name", "record_ids"}}, set-based."""
    c = credit_list.criteria or {}
    out: dict[str, dict] = {}
    if c.get("record_type"):
        live = CreditRecord.objects.filter(record_type=c["record_type"], status=RecordStatus.PUBLISHED)
        if codes is not None:
            live = live.filter(subject_code__in=codes)
        counts = (live.values("subject_code").annotate(n=Count("id")).filter(n__gte=int(c.get("min_count", 1))))
        keep = {row["subject_code"] for row in counts}
        for code, name, pk in live.filter(subject_code__in=keep).values_list("subject_code", "subject_name", "pk"):
            out.setdefault(code, {"name": name, "record_ids": []})["record_ids"].append(pk)
    elif c.get("grade"):
        run = EvaluationRun.objects.filter(status=EvaluationRun.Status.PUBLISHED).order_by("-run_at").first()
        if run is None:
            return {}
        evs = Evaluation.objects.filter(run=run, grade=c["grade"])
        if codes is not None:
            evs = evs.filter(subject_code__in=codes)
        if c.get("no_bad_records"):
            bad = CreditRecord.objects.filter(status=RecordStatus.PUBLISHED, severity__in=["general", "serious"])
            evs = evs.exclude(subject_code__in=bad.values("subject_code"))
        for code, name in evs.values_list("subject_code", "subject_name"):
            out[code] = {"name": name, "record_ids": []}
    return out


def _get_list(list_id: int) -> CreditList:
    cl = CreditList.objects.filter(pk=list_id, is_active=True).first()
    if cl is None:
        raise Http404("名单不存在或已停用。")
    return cl


@transaction.atomic
def list_propose(*, actor, list_id: int, subject_code: str, evidence: str) -> ListEntry:
    """Propose one subject for the list: it must meet the criteria; publicity starts today."""
    require(actor, MANAGE)
    cl = _get_list(list_id)
    code = (subject_code or "").strip().upper()
    found = qualifying(cl, [code]).get(code)
    if found is None:
        raise ValidationError({"subject_code": [f"依据{LIST_BASIS}，列入名单须符合公布的认定标准：{cl.criteria_text}。该主体目前不符合。"]})
    if not (evidence or "").strip():
        raise ValidationError({"evidence": ["请写明认定的事实和证据。"]})
    if ListEntry.objects.filter(credit_list=cl, subject_code=code, status__in=[EntryStatus.PUBLICITY, EntryStatus.MEMBER]).exists():
        raise Conflict("该主体已在公示或已列入该名单。", code="duplicate")
    return _propose(cl, code, found, evidence.strip(), actor)


def _propose(cl: CreditList, code: str, found: dict, evidence: str, actor) -> ListEntry:
    on = today()
    entry = ListEntry.objects.create(
        credit_list=cl, subject_code=code, subject_name=found["name"], evidence=evidence, proposed_on=on,
        publicity_until=cal().add_workdays(on, cl.publicity_days), proposed_by=actor,
        organisation_id=actor.organisation_id,
    )
    if found["record_ids"]:
        entry.records.set(found["record_ids"])
    audit.record("credit.list_propose", actor=actor, obj=entry, changes={"list": cl.code, "subject": code})
    return entry


@transaction.atomic
def list_scan(*, actor, list_id: int) -> int:
    """Propose every subject that meets the criteria and is not already on (or proposed for) the list."""
    require(actor, MANAGE)
    cl = _get_list(list_id)
    live = set(ListEntry.objects.filter(credit_list=cl, status__in=[EntryStatus.PUBLICITY, EntryStatus.MEMBER])
               .values_list("subject_code", flat=True))
    made = 0
    for code, found in qualifying(cl).items():
        if code not in live:
            evidence = "依认定标准自动筛查：" + cl.criteria_text
            _propose(cl, code, found, evidence, actor)
            made += 1
    return made


def entry_close(entry: ListEntry, *, reason: str, actor=None) -> None:
    if entry.status == EntryStatus.PUBLICITY:
        entry.status = EntryStatus.REJECTED
    elif entry.status == EntryStatus.MEMBER:
        entry.status = EntryStatus.EXITED
    else:
        return
    entry.exited_on, entry.exit_reason = today(), reason[:200]
    entry.save(update_fields=["status", "exited_on", "exit_reason"])
    audit.record("credit.list_exit", actor=actor, obj=entry, changes={"status": entry.status, "reason": reason})


def exit_on_repair(record: CreditRecord) -> int:
    entries = ListEntry.objects.filter(records=record, credit_list__exit_on_repair=True,
                                       status__in=[EntryStatus.PUBLICITY, EntryStatus.MEMBER])
    n = 0
    for entry in entries.select_for_update():
        entry_close(entry, reason=f"认定所依据的失信记录 {record.number} 已信用修复")
        n += 1
    return n


def list_sweep() -> dict[str, int]:
    """Enter entries whose publicity ended without a pending objection; exit those whose term ended."""
    on = today()
    entered = exited = 0
    pending = Q(objections__status=ObjectionStatus.PENDING)
    with transaction.atomic():
        for entry in (ListEntry.objects.select_for_update().filter(status=EntryStatus.PUBLICITY, publicity_until__lt=on)
                      .exclude(pending).select_related("credit_list")):
            entry.status, entry.entered_on = EntryStatus.MEMBER, on
            entry.exit_due = add_months(on, entry.credit_list.term_months)
            entry.save(update_fields=["status", "entered_on", "exit_due"])
            audit.record("credit.list_enter", obj=entry, changes={"list": entry.credit_list.code})
            entered += 1
        for entry in ListEntry.objects.select_for_update().filter(status=EntryStatus.MEMBER, exit_due__lt=on):
            entry_close(entry, reason="有效期届满，自动移出")
            exited += 1
    return {"entered": entered, "exited": exited}
