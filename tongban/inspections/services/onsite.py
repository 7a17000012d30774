"""The on-site record shared with modules whose visits have no draw or task (works supervision
visits): findings, photos and files content-checked and hashed by core.attachments, the typed
signature or a recorded refusal. Hand-over uses the same event as a 双随机 result
(`inspection.handed_over`, with `record_id`), so enforcement reads both through one selector."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from tongban.core import attachments, events

from ..models import OnSiteFile, OnSiteRecord
from ._common import number, today

HANDED_OVER = "inspection.handed_over"
MAX_FILES = 12
SIGNATURE_MESSAGE = "请由检查对象的负责人输入姓名并勾选确认；拒绝签字的请选择“拒绝签字”并记录情况。"


def clean_signature(data: dict, *, required: bool) -> tuple[dict, dict[str, list[str]]]:
    """The typed signature with its confirmation box, or a refusal with what happened.
    A 双随机 result requires one of them; a record for another module may have neither yet."""
    errors: dict[str, list[str]] = {}
    signed = (data.get("signed_name") or "").strip()
    refused = bool(data.get("signature_refused"))
    reason = (data.get("refusal_reason") or "").strip()
    if refused:
        if not reason:
            errors["refusal_reason"] = ["检查对象拒绝签字的，请记录拒签情况。"]
        signed = ""
    elif (signed and not data.get("signature_confirmed")) or (required and not signed):
        errors["signed_name"] = [SIGNATURE_MESSAGE]
    return {"signed_name": signed[:50], "signature_refused": refused,
            "refusal_reason": reason[:200] if refused else ""}, errors


def onsite_record_store(*, actor, organisation, source: str, reference: str = "", subject_name: str, subject_uscc: str = "",
                        subject_address: str = "", findings: str, inspected_on: dt.date,
                        items_checked: str = "", signature: dict | None = None, files=()) -> OnSiteRecord:
    """Write one record in the caller's transaction (the caller checked its own permission and
    state). Bad input raises ValidationError and writes nothing."""
    findings = (findings or "").strip()
    errors: dict[str, list[str]] = {}
    if not findings:
        errors["findings"] = ["请填写检查情况。"]
    if inspected_on > today():
        errors["inspected_on"] = ["检查日期不能晚于今天。"]
    files = list(files or ())
    if len(files) > MAX_FILES:
        errors["photos"] = [f"现场照片和文件最多 {MAX_FILES} 个。"]
    sig, sig_errors = clean_signature(signature or {}, required=False)
    errors.update(sig_errors)
    # Content-check every file before anything is written, so one bad file changes nothing.
    checked = []
    for i, upload in enumerate(files):
        try:
            checked.append(attachments.check(upload, label=f"现场照片 {i + 1}"))
        except ValidationError as exc:
            errors.setdefault("photos", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    agency = organisation.agency()
    record = OnSiteRecord.objects.create(
        organisation=organisation, source=source, reference=reference[:200], subject_name=subject_name[:200], subject_uscc=subject_uscc or "",
        subject_address=(subject_address or "")[:200], items_checked=(items_checked or "").strip(),
        findings=findings, inspected_on=inspected_on, recorded_at=timezone.now(), recorded_by=actor,
        number=number("onsite", agency, inspected_on, "{code}-XC-{year}-{seq:05d}"), **sig,
    )
    for item in checked:
        OnSiteFile.objects.create(record=record, attachment=attachments.save(item, actor=actor))
    return record


def onsite_hand_over(record: OnSiteRecord) -> None:
    """移交执法: the same event a 双随机 result publishes; enforcement opens the case from it."""
    record.handed_over_at = timezone.now()
    record.save(update_fields=["handed_over_at"])
    events.publish(HANDED_OVER, record_id=record.pk)
