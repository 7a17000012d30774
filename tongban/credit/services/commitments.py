"""Promises and whether they were kept: a subject's 信用承诺 and the office's own promises
(政务诚信). A broken one becomes a credit record."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from tongban.core import audit
from tongban.core.errors import Conflict
from tongban.core.permissions import require, scope_q
from tongban.core.validators import validate_uscc

from ..models import Commitment, Severity, Source, SubjectKind
from ..permissions import MANAGE
from ._common import check_version, number, today
from .records import record_create


@transaction.atomic
def commitment_create(*, actor, kind: str, promise: str, made_in: str, due_on: dt.date, subject_code: str = "",
                      subject_name: str = "") -> Commitment:
    require(actor, MANAGE)
    errors: dict[str, list[str]] = {}
    if kind not in Commitment.Kind.values:
        errors["kind"] = ["承诺类别不正确。"]
    if not (promise or "").strip():
        errors["promise"] = ["请填写承诺内容。"]
    if not (made_in or "").strip():
        errors["made_in"] = ["请填写承诺载体（如 告知承诺书、政策文件、合同）。"]
    if due_on is None:
        errors["due_on"] = ["请填写履行期限。"]
    org = actor.organisation
    if kind == Commitment.Kind.SUBJECT:
        try:
            subject_code = validate_uscc((subject_code or "").strip().upper())
        except ValidationError as exc:
            errors["subject_code"] = exc.messages
        if not (subject_name or "").strip():
            errors["subject_name"] = ["请填写承诺主体名称。"]
    if errors:
        raise ValidationError(errors)
    government = kind == Commitment.Kind.GOVERNMENT
    row = Commitment.objects.create(
        number=number("commitment", "CN"), kind=kind, organisation=org,
        subject_kind=SubjectKind.GOVERNMENT if government else SubjectKind.ENTERPRISE,
        subject_code=org.code if government else subject_code, subject_name=org.name if government else subject_name.strip(),
        promise=promise.strip(), made_in=made_in.strip(), due_on=due_on, created_by=actor,
    )
    audit.record("credit.commitment_create", actor=actor, obj=row, changes={"kind": kind})
    return row


@transaction.atomic
def commitment_close(*, actor, commitment_id: int, kept: bool, note: str, expected_version: int | None = None):
    """Record whether the promise was kept; a broken one makes a credit record on its subject."""
    require(actor, MANAGE)
    row = Commitment.objects.select_for_update().filter(scope_q(actor), pk=commitment_id).first()
    if row is None:
        raise Http404("承诺不存在或不在您的管辖范围内。")
    if row.status != Commitment.Status.OPEN:
        raise Conflict(f"该承诺已认定为“{row.get_status_display()}”。", code="illegal_transition")
    check_version(row, expected_version)
    if not kept and not (note or "").strip():
        raise ValidationError({"note": ["认定未履行的，请写明事实。"]})
    row.status = Commitment.Status.KEPT if kept else Commitment.Status.BROKEN
    row.closed_on, row.closed_by, row.note, row.warning = today(), actor, (note or "").strip(), ""
    row.row_version += 1
    row.save(update_fields=["status", "closed_on", "closed_by", "note", "warning", "row_version"])
    audit.record("credit.commitment_close", actor=actor, obj=row, changes={"status": row.status})
    if not kept:
        government = row.kind == Commitment.Kind.GOVERNMENT
        record_create(
            source=Source.COMMITMENT, source_ref=str(row.pk), subject_kind=row.subject_kind,
            subject_code=row.subject_code, subject_name=row.subject_name, organisation_id=row.organisation_id,
            record_type="promise_broken" if government else "commitment_broken",
            title=("政府承诺未履行：" if government else "违背信用承诺：") + row.made_in,
            content=f"{row.promise}（履行期限 {row.due_on}）。{row.note}", decided_on=row.closed_on,
            # A subject's broken commitment is 一般失信 [K]; the office's own is published without a tier.
            severity="" if government else Severity.GENERAL, actor=actor,
        )
    return row
