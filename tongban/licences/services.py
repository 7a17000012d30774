"""Every write to licences: types, issuing (by hand or on approval of a case), revocation,
expiry and the holder's choice of public fields. Atomic, audited, notifications on commit."""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import secrets
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tongban.core import audit, timeutil
from tongban.core.errors import Conflict
from tongban.core.notifications import notify
from tongban.core.permissions import deny, in_scope, require
from tongban.core.sequences import next_number

from . import signing
from .models import Licence, LicenceEvent, LicenceType, LicenceTypeItem, Status
from .permissions import ISSUE, MANAGE_TYPES, REVOKE, get_licence_for, is_holder

log = logging.getLogger(__name__)

# Where a licence field's value comes from when the licence is issued from a case.
SOURCES = {
    "project_name": ("项目名称", lambda c: c.project_name),
    "address": ("项目地址", lambda c: c.address),
    "applicant_name": ("申请人", lambda c: c.applicant_name),
    "item_name": ("审批事项", lambda c: c.version.name),
    "case_number": ("办件编号", lambda c: c.number),
    "decided_on": ("决定日期", lambda c: c.concluded_on.isoformat() if c.concluded_on else ""),
    "result_name": ("审批结果", lambda c: c.version.result_name),
    "organisation": ("办理机构", lambda c: c.organisation.name),
    "summary": ("申请事项说明", lambda c: c.summary),
}
ACTION_LABELS = {"issue": "签发", "revoke": "注销", "expire": "到期失效", "publicity": "设置公开字段"}


# --- types ------------------------------------------------------------------------------------


def clean_fields(rows) -> list[dict]:
    """Validate a type's field list: unique keys, labels, known sources."""
    out, seen = [], set()
    for row in rows:
        key = str(row.get("key", "")).strip()
        label = str(row.get("label", "")).strip()
        source = str(row.get("source", "")).strip()
        if not key or not label:
            raise ValidationError({"fields": ["每个照面字段都需要标识和名称。"]})
        if not key.replace("_", "").isalnum() or not key.isascii():
            raise ValidationError({"fields": [f"字段标识“{key}”只能包含字母、数字和下划线。"]})
        if key in seen:
            raise ValidationError({"fields": [f"字段标识“{key}”重复。"]})
        if source and source not in SOURCES:
            raise ValidationError({"fields": [f"字段“{label}”的取值来源“{source}”不存在。"]})
        seen.add(key)
        out.append({"key": key, "label": label, "source": source, "public": bool(row.get("public"))})
    return out


@transaction.atomic
def licence_type_save(*, actor, data: Mapping, instance: LicenceType | None = None,
                      base_codes: list[str] | None = None) -> LicenceType:
    require(actor, MANAGE_TYPES)
    # A type kept outside the actor's scope is refused as such, before its input is looked at.
    if instance is not None and not in_scope(actor, instance.organisation):
        raise deny(actor, MANAGE_TYPES, instance)
    lt = instance or LicenceType()
    org = data.get("organisation", lt.organisation if lt.pk else None)
    if org is None or not in_scope(actor, org):
        raise ValidationError({"organisation": ["请选择您管辖范围内的发证机构。"]})
    before = {f: getattr(lt, f) for f in ("code", "name", "validity_months", "is_active")} if lt.pk else {}
    lt.code = str(data.get("code", lt.code)).strip().upper()
    lt.name = str(data.get("name", lt.name)).strip()
    lt.organisation = org
    lt.description = str(data.get("description", lt.description or "")).strip()
    lt.validity_months = data.get("validity_months", lt.validity_months)
    lt.is_active = bool(data.get("is_active", lt.is_active if lt.pk else True))
    lt.fields = clean_fields(data.get("fields", lt.fields or []))
    lt.full_clean()
    lt.save()
    if base_codes is not None:
        codes = sorted({c.strip().upper() for c in base_codes if c.strip()})
        taken = LicenceTypeItem.objects.filter(base_code__in=codes).exclude(licence_type=lt).select_related("licence_type")
        if taken:
            raise ValidationError({"base_codes": [
                f"事项 {t.base_code} 已对应证照“{t.licence_type.name}”。" for t in taken]})
        LicenceTypeItem.objects.filter(licence_type=lt).exclude(base_code__in=codes).delete()
        for code in codes:
            LicenceTypeItem.objects.get_or_create(licence_type=lt, base_code=code)
    audit.record("licence_type.save", actor=actor, obj=lt, changes={"before": before, "code": lt.code,
                                                                     "items": base_codes})
    return lt


# --- issuing --------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validity_end(lt: LicenceType, start: dt.date) -> dt.date | None:
    """The last valid day: N months on, less a day (a 2-year licence from 2026-03-02 ends 2028-03-01)."""
    if not lt.validity_months:
        return None
    return add_months(start, lt.validity_months) - dt.timedelta(days=1)


@transaction.atomic
def licence_issue(
    *,
    actor,
    licence_type: LicenceType,
    issuer,
    holder_name: str,
    holder_code: str,
    fields: Mapping[str, str],
    holder=None,
    holder_enterprise=None,
    case=None,
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Licence:
    """Sign and store a licence. Staff issue within their scope; `actor=None` is the system
    (issuing on approval of a case)."""
    if actor is not None:
        require(actor, ISSUE)
        if not in_scope(actor, issuer):
            raise deny(actor, ISSUE, issuer)
    if not licence_type.is_active:
        raise ValidationError("该证照类型已停用，不能签发。")
    if not holder_name.strip() or not holder_code.strip():
        raise ValidationError("请填写持证主体名称和代码。")
    issued_on = issued_on or timeutil.today()
    valid_until = valid_until if valid_until is not None else validity_end(licence_type, issued_on)
    if valid_until is not None and valid_until < issued_on:
        raise ValidationError("有效期截止日期不能早于签发日期。")
    key = signing.active_key(issuer.agency() if hasattr(issuer, "agency") else issuer, actor=actor)
    signer = key.organisation
    number = f"{licence_type.code}-{signer.code}-{issued_on.year}-{next_number(f'licence:{licence_type.code}:{signer.code}', period=issued_on.year):05d}"
    rows = [{"key": f["key"], "label": f["label"], "value": str(fields.get(f["key"], "") or "")}
            for f in licence_type.fields]
    payload = {
        "format": signing.FORMAT,
        "number": number,
        "type": {"code": licence_type.code, "name": licence_type.name},
        "issuer": {"code": signer.code, "name": signer.name},
        "holder": {"name": holder_name.strip(), "code": holder_code.strip().upper()},
        "fields": rows,
        "issued_on": issued_on.isoformat(),
        "valid_from": issued_on.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else None,
        "key_id": key.key_id,
    }
    licence = Licence.objects.create(
        number=number, licence_type=licence_type, issuer=signer, case=case, holder=holder,
        holder_enterprise=holder_enterprise, holder_name=payload["holder"]["name"],
        holder_code=payload["holder"]["code"], fields={r["key"]: r["value"] for r in rows},
        issued_on=issued_on, valid_from=issued_on, valid_until=valid_until, payload=payload,
        signature=signing.sign_payload(payload, key), key=key, verify_code=secrets.token_urlsafe(16),
        public_fields=[f["key"] for f in licence_type.fields if f.get("public")],
    )
    _event(licence, "issue", actor, f"由办件 {case.number} 签发" if case else "")
    audit.record("licence.issue", actor=actor, obj=licence,
                 changes={"number": number, "type": licence_type.code, "case": case.number if case else None})
    transaction.on_commit(lambda: _tell_holder(licence, "电子证照已签发",
                                               f"《{licence_type.name}》编号 {number}，可在“我的证照”查看和下载。"))
    return licence


def _event(licence: Licence, action: str, actor, note: str = "") -> None:
    LicenceEvent.objects.create(
        licence=licence, action=action, actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor.display_name if getattr(actor, "pk", None) else "系统", at=timezone.now(), note=note,
    )


def _holders(licence: Licence):
    from tongban.accounts.models import User

    if licence.holder_enterprise_id:
        return list(User.objects.filter(enterprise_id=licence.holder_enterprise_id, is_active=True))
    return [licence.holder] if licence.holder_id else []


def _tell_holder(licence: Licence, title: str, body: str) -> None:
    url = reverse("licences:my_detail", args=[licence.pk])
    for user in _holders(licence):
        notify(user, f"{licence.licence_type.name}：{title}", body=body, url=url, sms=True)


def licence_type_for_case(case) -> LicenceType | None:
    link = LicenceTypeItem.objects.select_related("licence_type").filter(base_code=case.item.base_code).first()
    return link.licence_type if link and link.licence_type.is_active else None


def licence_issue_for_case(case_id: int) -> Licence | None:
    """Issue the licence an approved case yields; idempotent (one licence per case and type)."""
    from tongban.cases.models import Case, Decision

    case = Case.objects.select_related("item", "version", "organisation", "enterprise", "applicant").get(pk=case_id)
    if case.decision != Decision.APPROVE:
        return None
    lt = licence_type_for_case(case)
    if lt is None:
        return None
    existing = Licence.objects.filter(case=case, licence_type=lt).first()
    if existing is not None:
        return existing
    fields = {f["key"]: SOURCES[f["source"]][1](case) for f in lt.fields if f.get("source") in SOURCES}
    try:
        return licence_issue(
            actor=None, licence_type=lt, issuer=case.organisation.agency(), holder_name=case.applicant_name,
            holder_code=case.applicant_code, fields=fields, holder=case.applicant, holder_enterprise=case.enterprise,
            case=case, issued_on=case.concluded_on or timeutil.today(),
        )
    except IntegrityError:  # issued concurrently by the hook and the sweep
        return Licence.objects.filter(case=case, licence_type=lt).first()


def issue_missing(since_days: int = 30) -> int:
    """Sweep: approved cases of mapped items concluded recently that have no licence yet."""
    from tongban.cases.models import Case, Decision

    codes = list(LicenceTypeItem.objects.filter(licence_type__is_active=True).values_list("base_code", flat=True))
    if not codes:
        return 0
    since = timeutil.today() - dt.timedelta(days=since_days)
    ids = (Case.objects.filter(decision=Decision.APPROVE, item__base_code__in=codes, concluded_on__gte=since)
           .exclude(licences__isnull=False).values_list("id", flat=True))
    issued = 0
    for case_id in list(ids):
        try:
            if licence_issue_for_case(case_id) is not None:
                issued += 1
        except Exception:
            log.exception("issuing the licence of case %s failed", case_id)
    return issued


# --- revocation, expiry, publicity ----------------------------------------------------------------------


@transaction.atomic
def licence_revoke(*, actor, licence_id: int, reason: str) -> Licence:
    licence = get_licence_for(actor, licence_id, for_update=True)
    if not getattr(actor, "is_staff_member", False) and not actor.is_superuser:
        raise deny(actor, REVOKE, licence)
    require(actor, REVOKE, licence)
    if licence.status == Status.REVOKED:
        raise Conflict("该证照已注销，不能重复注销。", code="already_revoked")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请写明注销原因。"]})
    before = licence.status
    licence.status, licence.revoked_at, licence.revoked_by, licence.revoke_reason = (
        Status.REVOKED, timezone.now(), actor, reason[:2000])
    licence.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    _event(licence, "revoke", actor, reason)
    audit.record("licence.revoke", actor=actor, obj=licence, changes={"status": [before, Status.REVOKED], "reason": reason})
    transaction.on_commit(lambda: _tell_holder(licence, "证照已注销", f"编号 {licence.number}，原因：{reason}"))
    return licence


def expire_due(today: dt.date | None = None) -> int:
    """Sweep: mark licences past their last valid day as expired. Each row is claimed with a
    conditional UPDATE, so two workers never expire (and notify) the same licence twice."""
    today = today or timeutil.today()
    count = 0
    for pk in list(Licence.objects.filter(status=Status.VALID, valid_until__lt=today).values_list("pk", flat=True)):
        with transaction.atomic():
            if not Licence.objects.filter(pk=pk, status=Status.VALID).update(status=Status.EXPIRED):
                continue
            licence = Licence.objects.select_related("licence_type").get(pk=pk)
            _event(licence, "expire", None, f"有效期至 {licence.valid_until}")
            audit.record("licence.expire", obj=licence, changes={"status": [Status.VALID, Status.EXPIRED]})
            transaction.on_commit(lambda lic=licence: _tell_holder(
                lic, "证照已过期", f"编号 {lic.number} 有效期至 {lic.valid_until}，如需继续使用请办理延续。"))
            count += 1
    return count


@transaction.atomic
def licence_set_public_fields(*, actor, licence_id: int, keys: list[str]) -> Licence:
    """The holder chooses which fields the public verification page shows."""
    licence = get_licence_for(actor, licence_id, for_update=True)
    if not is_holder(actor, licence):
        raise PermissionDenied("只有持证人可以设置公开字段。")
    known = [f["key"] for f in licence.licence_type.fields]
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise ValidationError({"public_fields": ["所选字段不属于该证照。"]})
    before = licence.public_fields
    licence.public_fields = [k for k in known if k in keys]
    licence.save(update_fields=["public_fields"])
    _event(licence, "publicity", actor, "、".join(licence.public_fields) or "不公开照面字段")
    audit.record("licence.publicity", actor=actor, obj=licence, changes={"public_fields": [before, licence.public_fields]})
    return licence
