"""Every write to a case. Each transition is one function that checks permission and scope,
validates, locks the case row, writes a transition row and an audit event and updates the
clocks, in one transaction; notifications and documents go out on commit.

Two staff acting at once: the second waits for the row lock, then finds the status changed and
gets a Conflict (HTTP 409) with a Chinese message. A stale page (its `expected_version` no longer
matches) gets the same, so nothing is lost or done twice, on SQLite too.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.permissions import deny, has_perm, require
from tongban.catalog.models import ItemVersion, Material
from tongban.core import attachments, audit, timeutil
from tongban.core.calendar import WorkCalendar
from tongban.core.errors import Conflict
from tongban.core.notifications import notify

from .models import (
    CLOCKED_STATUSES,
    OPEN_STATUSES,
    Case,
    CaseMaterial,
    Channel,
    Counter,
    Decision,
    Document,
    ExcludedPeriod,
    Extension,
    PauseKind,
    Press,
    Status,
    SupplementNotice,
    Transition,
    Warning,
)
from .permissions import get_case_for, is_applicant_of

ACCEPTANCE_DAYS = 5  # 《行政许可法》第三十二条
EXTENSION_DAYS = 10  # 《行政许可法》第四十二条
DELIVERY_DAYS = 10  # 《行政许可法》第四十四条
QUERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone

ACTION_LABELS = {
    "submit": _("提交申请"),
    "accept": _("受理"),
    "deem_accept": _("逾期视为受理"),
    "reject": _("不予受理"),
    "request_supplement": _("一次性告知补正"),
    "supplement": _("补正材料"),
    "pause": _("启动特别程序"),
    "resume": _("结束特别程序"),
    "extend": _("延长审批期限"),
    "submit_review": _("提交审查意见"),
    "decide": _("作出决定"),
    "deliver": _("送达"),
    "withdraw": _("撤回申请"),
    "terminate": _("终止办理"),
}
ALLOWED_FROM: dict[str, list[str]] = {
    "accept": [Status.SUBMITTED],
    "reject": [Status.SUBMITTED],
    "request_supplement": [Status.SUBMITTED],
    "supplement": [Status.SUPPLEMENT],
    "pause": [Status.REVIEW, Status.DECISION],
    "resume": [Status.PAUSED],
    "extend": [Status.REVIEW, Status.PAUSED, Status.DECISION],
    "submit_review": [Status.REVIEW],
    "decide": [Status.DECISION],
    "deliver": [Status.CONCLUDED],
    "withdraw": OPEN_STATUSES,
    "terminate": OPEN_STATUSES,
}


def warning_days() -> int:
    return getattr(settings, "TONGBAN_WARNING_DAYS", 2)


def _today() -> dt.date:
    return timeutil.today()


def _cal() -> WorkCalendar:
    return WorkCalendar.default()


# --- numbering ------------------------------------------------------------------------------


def _next(key: str) -> int:
    """The next value of a named sequence, under a row lock (gap-free within committed work)."""
    with transaction.atomic():
        counter = Counter.objects.select_for_update().filter(key=key).first()
        if counter is None:
            try:
                with transaction.atomic():
                    Counter.objects.create(key=key, value=0)
            except IntegrityError:
                pass  # another transaction created it first
            counter = Counter.objects.select_for_update().get(key=key)
        counter.value += 1
        counter.save(update_fields=["value"])
        return counter.value


def _case_number(org, on: dt.date) -> str:
    stamp = on.strftime("%Y%m%d")
    return f"{org.code}-{stamp}-{_next(f'case:{org.code}:{stamp}'):04d}"


DOC_ABBR = {
    Document.Kind.ACCEPTANCE: "受",
    Document.Kind.SUPPLEMENT: "补",
    Document.Kind.REJECTION: "不受",
    Document.Kind.APPROVAL: "许",
    Document.Kind.DENIAL: "不许",
    Document.Kind.EXTENSION: "延",
    Document.Kind.EXCLUSION: "特",
}


def _issue_document(case: Case, kind: str, content: dict, on: dt.date) -> Document:
    org = case.organisation
    agency = org.agency()  # documents carry the agency's abbreviation, as paper ones do
    prefix = agency.short_name or agency.name
    seq = _next(f"doc:{org.code}:{kind}:{on.year}")
    number = f"{prefix}{DOC_ABBR[kind]}〔{on.year}〕{seq}号"
    base = {
        "case_number": case.number,
        "item_name": case.version.name,
        "applicant_name": case.applicant_name,
        "organisation": org.name,
        "received_on": case.received_on.isoformat(),
        "project_name": case.project_name,
    }
    return Document.objects.create(case=case, kind=kind, number=number, issued_on=on, content={**base, **content})


# --- clocks -----------------------------------------------------------------------------------


def _stage_limit(case: Case) -> int | None:
    """The per-stage limit of the case's current step, from the item version's stages."""
    if case.status == Status.SUBMITTED:
        return case.version.acceptance_limit_days or ACCEPTANCE_DAYS
    if case.status == Status.CONCLUDED:
        return DELIVERY_DAYS
    code = {Status.REVIEW: "review", Status.DECISION: "decide"}.get(case.status)
    if code is None:
        return None
    # Stages are named by administrators; a stage's code (when set) or its usual name identifies it.
    words = {"review": ("审查", "审核", "勘验"), "decide": ("决定", "签批", "审批")}[code]
    for stage in case.version.stages.all():
        stage_code = getattr(stage, "code", "")
        if stage.limit_days and (stage_code == code or (not stage_code and any(w in stage.name for w in words))):
            return stage.limit_days
    return None


def warning_for(due: dt.date | None, today: dt.date, cal: WorkCalendar) -> str:
    """Red when past 24:00 of the due date, yellow when at most the threshold of working days
    remain. The sweep applies the same rule in SQL."""
    if due is None:
        return Warning.NONE
    if due < today:
        return Warning.RED
    if due <= cal.add_workdays(today, warning_days()):
        return Warning.YELLOW
    return Warning.NONE


def recompute_clock(case: Case, *, today: dt.date | None = None, cal: WorkCalendar | None = None) -> None:
    """Derive the cached due dates and warnings from the case's history. Does not save."""
    cal = cal or _cal()
    today = today or _today()
    case.acceptance_due = cal.add_workdays(case.received_on, case.version.acceptance_limit_days or ACCEPTANCE_DAYS)
    if case.accepted_on:
        end = case.concluded_on or today
        paused = 0
        for period in case.excluded_periods.all():
            stop = min(period.ended_on or end, end)
            paused += max(0, cal.workdays_between(period.started_on, stop))
        case.paused_days = paused
        case.legal_due = cal.add_workdays(case.accepted_on, case.legal_limit_days + case.extension_days + paused)
        case.promised_due = cal.add_workdays(
            case.accepted_on, case.promised_limit_days + case.extension_days + paused
        )
        case.provisional = cal.is_provisional(case.legal_due)
        if case.concluded_on:
            case.days_used = max(0, cal.workdays_between(case.accepted_on, case.concluded_on) - paused)
    else:
        case.provisional = cal.is_provisional(case.acceptance_due)
    limit = _stage_limit(case)
    case.stage_due = cal.add_workdays(case.stage_started_on, limit) if limit and case.stage_started_on else None
    case.due_on = {
        Status.SUBMITTED: case.acceptance_due,
        Status.REVIEW: case.promised_due,
        Status.DECISION: case.promised_due,
        Status.PAUSED: case.promised_due,
        Status.CONCLUDED: case.stage_due,
    }.get(case.status)
    if case.status == Status.SUBMITTED:
        case.warning = warning_for(case.acceptance_due, today, cal)
    elif case.status in CLOCKED_STATUSES:
        case.warning = warning_for(case.promised_due, today, cal)
    else:
        case.warning = Warning.NONE
    active = case.status in (*CLOCKED_STATUSES, Status.SUBMITTED, Status.CONCLUDED)
    case.stage_warning = warning_for(case.stage_due, today, cal) if active else Warning.NONE
    case.legal_overdue = bool(
        case.legal_due and case.status in CLOCKED_STATUSES and case.legal_due < today
    ) or bool(case.legal_due and case.concluded_on and case.concluded_on > case.legal_due)


# --- transitions ------------------------------------------------------------------------------


def _lock(actor, case_id: int, action: str, expected_version: int | None) -> Case:
    case = get_case_for(actor, case_id, action=None, for_update=True)
    if case.status not in ALLOWED_FROM[action]:
        raise Conflict(
            f"办件当前状态为“{case.get_status_display()}”，不能{ACTION_LABELS[action]}。",
            code="illegal_transition",
        )
    if expected_version is not None and expected_version != case.row_version:
        raise Conflict("该办件已被他人处理，请刷新页面查看最新状态后再操作。", code="stale")
    return case


def _require_staff(actor, action: str, case: Case) -> None:
    from .permissions import ACTION_PERMS

    if not getattr(actor, "is_staff_member", False) and not actor.is_superuser:
        raise deny(actor, ACTION_PERMS.get(action, f"cases.{action}"), case)
    require(actor, ACTION_PERMS[action], case)


def _transition(
    case: Case,
    *,
    action: str,
    to: str,
    actor,
    note: str = "",
    effective_on: dt.date | None = None,
    data: dict | None = None,
    today: dt.date | None = None,
) -> Transition:
    today = today or _today()
    before = case.status
    if to != before:
        case.stage_started_on = effective_on or today
    case.status = to
    case.row_version += 1
    recompute_clock(case, today=today)
    case.save()
    row = Transition.objects.create(
        case=case,
        action=action,
        from_status=before,
        to_status=to,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.display_name if getattr(actor, "pk", None) else "系统"),
        at=timezone.now(),
        effective_on=effective_on or today,
        note=note,
        data=data or {},
    )
    if getattr(actor, "is_staff_member", False):
        resolve_presses(case)
    _forget_progress(case)
    audit.record(
        f"case.{action}",
        actor=actor if getattr(actor, "pk", None) else None,
        obj=case,
        changes={"status": [before, to], **({"note": note} if note else {}), **(data or {})},
    )
    return row


def _forget_progress(case: Case) -> None:
    """The public progress query caches briefly; a transition makes the cached answer stale."""
    from django.core.cache import cache

    from .selectors import progress_cache_key

    key = progress_cache_key(case.number, case.query_code)
    transaction.on_commit(lambda: cache.delete(key))


def _tell_applicant(case: Case, title: str, body: str = "") -> None:
    url = reverse("cases:my_case", args=[case.pk])
    recipients = {case.applicant}
    for user in recipients:
        notify(user, f"{case.version.name}：{title}", body=body, url=url, sms=True)


def _tell_staff(users: Iterable, case: Case, title: str, body: str = "", level: str = "info") -> None:
    url = reverse("cases:detail", args=[case.pk])
    for user in {u for u in users if u is not None}:
        notify(user, f"{case.number}：{title}", body=body, url=url, level=level)


# --- submission ---------------------------------------------------------------------------------


def _clean_applicant(actor, on_behalf: Mapping | None) -> dict:
    """Who applies: the logged-in applicant, or (walk-in) the person a clerk registers."""
    if on_behalf is None:
        if actor.enterprise_id:
            ent = actor.enterprise
            return {"applicant": actor, "enterprise": ent, "applicant_name": ent.name, "applicant_code": ent.uscc}
        if not actor.citizen_id:
            raise ValidationError("请先在个人中心完成实名信息（身份证号）后再申请。")
        return {"applicant": actor, "enterprise": None, "applicant_name": actor.display_name,
                "applicant_code": actor.citizen_id}
    applicant = on_behalf["applicant"]
    return {
        "applicant": applicant,
        "enterprise": applicant.enterprise,
        "applicant_name": applicant.enterprise.name if applicant.enterprise_id else applicant.display_name,
        "applicant_code": applicant.enterprise.uscc if applicant.enterprise_id else (applicant.citizen_id or ""),
    }


def _store_materials(case: Case, version: ItemVersion, files: Mapping, actor, round_: int, only: set[int] | None = None) -> int:
    """Save one upload per material; return how many were stored."""
    known = {m.pk: m for m in version.materials.all()}
    stored = 0
    for key, upload in files.items():
        material_id = int(key)
        material = known.get(material_id)
        if material is None:
            raise ValidationError(f"材料编号 {key} 不属于该事项。")
        if only is not None and material_id not in only:
            raise ValidationError(f"“{material.name}”不在补正通知所列材料中。")
        attachment = attachments.store(upload, actor=actor, label=material.name)
        if round_ > 1:
            CaseMaterial.objects.filter(case=case, material=material, superseded=False).update(superseded=True)
        CaseMaterial.objects.create(case=case, material=material, name=material.name, attachment=attachment, round=round_)
        stored += 1
    return stored


@transaction.atomic
def case_submit(
    *,
    actor,
    version: ItemVersion,
    data: Mapping,
    files: Mapping,
    submission_key: str,
    on_behalf: Mapping | None = None,
    provided: Mapping[int, str] | None = None,
) -> Case:
    """File an application. The same `submission_key` from the same applicant returns the case
    already made (double click, network retry) instead of a second one."""
    if on_behalf is not None:
        if not has_perm(actor, "cases.register"):
            raise deny(actor, "cases.register")
    elif not getattr(actor, "is_applicant", False):
        raise PermissionDenied("只有企业或个人用户可以在线申请；窗口人员请使用“窗口代录”。")
    who = _clean_applicant(actor, on_behalf)
    if not submission_key or len(submission_key) > 64:
        raise ValidationError("缺少提交标识，请刷新页面后重新提交。")
    existing = Case.objects.filter(applicant=who["applicant"], submission_key=submission_key).first()
    if existing is not None:
        return existing
    if version.status != ItemVersion.Status.PUBLISHED:
        raise ValidationError("该事项版本未发布或已废止，请从办事指南重新进入申请。")
    if on_behalf is not None:
        from tongban.accounts.permissions import in_scope

        if not in_scope(actor, version.item.organisation):
            raise deny(actor, "cases.register", version.item)
    errors: dict[str, list[str]] = {}
    for field, label in (("contact_name", "联系人"), ("contact_phone", "联系电话")):
        if not str(data.get(field, "")).strip():
            errors.setdefault(field, []).append(f"请填写{label}。")
    phone = str(data.get("contact_phone", "")).strip()
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        errors.setdefault("contact_phone", []).append("联系电话应为 7-12 位数字。")
    provided = dict(provided or {})
    for material in version.materials.all():
        if material.required and str(material.pk) not in {str(k) for k in files} and material.pk not in provided:
            errors.setdefault(f"material_{material.pk}", []).append(f"请上传“{material.name}”。")
    if errors:
        raise ValidationError(errors)
    item = version.item
    today = _today()
    now = timezone.now()
    case = Case(
        number=_case_number(item.organisation, today),
        query_code="".join(secrets.choice(QUERY_ALPHABET) for _ in range(6)),
        item=item,
        version=version,
        organisation=item.organisation,
        contact_name=str(data.get("contact_name", "")).strip()[:50],
        contact_phone=phone,
        project_name=str(data.get("project_name", "")).strip()[:200],
        address=str(data.get("address", "")).strip()[:200],
        summary=str(data.get("summary", "")).strip()[:4000],
        channel=Channel.WINDOW if on_behalf is not None else Channel.ONLINE,
        registered_by=actor if on_behalf is not None else None,
        submission_key=submission_key,
        submitted_at=now,
        received_on=today,
        acceptance_due=today,
        legal_limit_days=version.legal_limit_days,
        promised_limit_days=version.promised_limit_days,
        stage_started_on=today,
        visits=1 if on_behalf is not None else 0,
        **who,
    )
    recompute_clock(case, today=today)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        # The same submission raced us to the unique constraint: return the case it made.
        return Case.objects.get(applicant=who["applicant"], submission_key=submission_key)
    _store_materials(case, version, files, actor, 1)
    for material_id, source in provided.items():
        material = Material.objects.filter(pk=material_id, version=version).first()
        if material is not None:
            CaseMaterial.objects.create(case=case, material=material, name=material.name, provided_from=source)
    Transition.objects.create(
        case=case, action="submit", from_status="", to_status=Status.SUBMITTED,
        actor=actor, actor_name=actor.display_name, at=now, effective_on=today,
        note="窗口代录" if on_behalf is not None else "网上申请",
    )
    audit.record("case.submit", actor=actor, obj=case, changes={"item": version.name, "channel": case.channel})
    transaction.on_commit(lambda: _after_submit(case.pk))
    return case


def _after_submit(case_id: int) -> None:
    case = Case.objects.select_related("version", "organisation").get(pk=case_id)
    _tell_applicant(case, "申请已提交", f"办件编号 {case.number}，查询码 {case.query_code}。受理期限 {case.acceptance_due}。")
    from tongban.accounts.models import Role, User

    clerks = User.objects.filter(organisation=case.organisation, roles__role=Role.CLERK, is_active=True)
    _tell_staff(clerks, case, "新的申请待受理")


# --- window decisions ----------------------------------------------------------------------------


@transaction.atomic
def case_accept(*, actor, case_id: int, note: str = "", expected_version: int | None = None) -> Case:
    case = _lock(actor, case_id, "accept", expected_version)
    _require_staff(actor, "accept", case)
    today = _today()
    case.accepted_on = today
    case.handler = case.handler or actor
    _transition(case, action="accept", to=Status.REVIEW, actor=actor, note=note)
    doc = _issue_document(case, Document.Kind.ACCEPTANCE, {
        "accepted_on": today.isoformat(), "promised_due": case.promised_due.isoformat(),
        "legal_due": case.legal_due.isoformat(),
    }, today)
    transaction.on_commit(lambda: _tell_applicant(case, "已受理", f"受理通知书 {doc.number}；承诺 {case.promised_due} 前办结。"))
    return case


@transaction.atomic
def case_reject(*, actor, case_id: int, reasons: str, basis: str, expected_version: int | None = None) -> Case:
    case = _lock(actor, case_id, "reject", expected_version)
    _require_staff(actor, "reject", case)
    errors = {}
    if not reasons.strip():
        errors["reasons"] = ["请写明不予受理的理由。"]
    if not basis.strip():
        errors["basis"] = ["请写明不予受理的法律依据。"]
    if errors:
        raise ValidationError(errors)
    today = _today()
    case.concluded_on = today
    _transition(case, action="reject", to=Status.REJECTED, actor=actor, note=reasons, data={"basis": basis})
    doc = _issue_document(case, Document.Kind.REJECTION, {"reasons": reasons, "basis": basis}, today)
    transaction.on_commit(lambda: _tell_applicant(case, "不予受理", f"不予受理决定书 {doc.number}。理由：{reasons}"))
    return case


@transaction.atomic
def case_request_supplement(
    *, actor, case_id: int, items: list[Mapping], note: str = "", expected_version: int | None = None
) -> Case:
    """The one-time notification: everything missing or defective, at once. A second request for
    the same case is refused (《行政许可法》第三十二条)."""
    case = _lock(actor, case_id, "request_supplement", expected_version)
    _require_staff(actor, "request_supplement", case)
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
        name = known[int(material_id)].name if material_id and int(material_id) in known else str(entry.get("name", "")).strip()
        if not name or not problem:
            continue
        clean.append({"material_id": int(material_id) if material_id else None, "name": name, "problem": problem})
    if not clean:
        raise ValidationError({"items": ["请逐项列出需要补正的材料及问题，一次告知全部内容。"]})
    today = _today()
    SupplementNotice.objects.create(case=case, items=clean, note=note, issued_by=actor, issued_on=today)
    case.supplement_count = 1
    _transition(case, action="request_supplement", to=Status.SUPPLEMENT, actor=actor, note=note, data={"items": clean})
    doc = _issue_document(case, Document.Kind.SUPPLEMENT, {"items": clean, "note": note}, today)
    listing = "；".join(f"{i['name']}（{i['problem']}）" for i in clean)
    if not hasattr(case, "bundle_entry"):  # a bundle's applicant gets one notice for the bundle
        transaction.on_commit(lambda: _tell_applicant(case, "请补正材料", f"补正材料通知书 {doc.number}：{listing}"))
    for hook in SUPPLEMENT_HOOKS:
        transaction.on_commit(lambda hook=hook: hook(case.pk))
    return case


@transaction.atomic
def case_supplement(*, actor, case_id: int, files: Mapping, note: str = "", expected_version: int | None = None) -> Case:
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
        raise ValidationError({"files": [f"还缺少：{'、'.join(missing)}。补正通知所列材料需一次补齐。"]})
    catalogued = {k: f for k, f in files.items() if not str(k).startswith("other_")}
    _store_materials(case, case.version, catalogued, actor, 2, only=wanted or None)
    for n, entry in enumerate(notice.items):
        upload = files.get(f"other_{n}")
        if upload is not None and not entry.get("material_id"):
            attachment = attachments.store(upload, actor=actor, label=entry["name"])
            CaseMaterial.objects.create(case=case, name=entry["name"], attachment=attachment, round=2)
    today = _today()
    notice.answered_on = today
    notice.save(update_fields=["answered_on"])
    case.received_on = today
    _transition(case, action="supplement", to=Status.SUBMITTED, actor=actor, note=note)
    transaction.on_commit(lambda: _tell_staff([case.handler] if case.handler else _clerks(case), case, "申请人已补正材料"))
    return case


def _clerks(case: Case):
    from tongban.accounts.models import Role, User

    return list(User.objects.filter(organisation=case.organisation, roles__role=Role.CLERK, is_active=True))


# --- review, excluded periods, extension, decision ----------------------------------------------


@transaction.atomic
def case_pause(
    *, actor, case_id: int, kind: str, reason: str, basis: str = "", expected_version: int | None = None
) -> Case:
    case = _lock(actor, case_id, "pause", expected_version)
    _require_staff(actor, "pause", case)
    if kind not in PauseKind.values:
        raise ValidationError({"kind": ["请选择特别程序类型。"]})
    if not reason.strip():
        raise ValidationError({"reason": ["请写明启动特别程序的理由。"]})
    today = _today()
    period = ExcludedPeriod.objects.create(
        case=case, kind=kind, reason=reason, basis=basis.strip() or "《中华人民共和国行政许可法》第四十五条",
        started_on=today, started_by=actor, resume_status=case.status,
    )
    _transition(case, action="pause", to=Status.PAUSED, actor=actor, note=reason, data={"kind": kind})
    doc = _issue_document(case, Document.Kind.EXCLUSION, {
        "kind": period.get_kind_display(), "reason": reason, "basis": period.basis, "started_on": today.isoformat(),
    }, today)
    transaction.on_commit(lambda: _tell_applicant(
        case, f"{period.get_kind_display()}期间不计入审批时限", f"特别程序告知书 {doc.number}：{reason}"))
    return case


@transaction.atomic
def case_resume(*, actor, case_id: int, findings: str = "", expected_version: int | None = None) -> Case:
    case = _lock(actor, case_id, "resume", expected_version)
    _require_staff(actor, "resume", case)
    period = case.excluded_periods.get(ended_on__isnull=True)
    today = _today()
    period.ended_on, period.ended_by, period.findings = today, actor, findings
    period.save(update_fields=["ended_on", "ended_by", "findings"])
    _transition(case, action="resume", to=period.resume_status, actor=actor, note=findings,
                data={"kind": period.kind})
    transaction.on_commit(lambda: _tell_applicant(case, f"{period.get_kind_display()}结束，恢复计时",
                                                  f"新的承诺办结日 {case.promised_due}。"))
    return case


@transaction.atomic
def case_extend(*, actor, case_id: int, reason: str, days: int = EXTENSION_DAYS, expected_version: int | None = None) -> Case:
    """One extension of up to 10 working days, approved by the agency's leader (第四十二条)."""
    case = _lock(actor, case_id, "extend", expected_version)
    _require_staff(actor, "extend", case)
    if Extension.objects.filter(case=case).exists():
        raise Conflict("本件已延期一次，依法不得再次延期。", code="extend_once")
    if not 1 <= int(days) <= EXTENSION_DAYS:
        raise ValidationError({"days": [f"延长期限为 1 至 {EXTENSION_DAYS} 个工作日。"]})
    if not reason.strip():
        raise ValidationError({"reason": ["请写明延期理由。"]})
    today = _today()
    Extension.objects.create(case=case, days=days, reason=reason, approved_by=actor, approved_on=today)
    case.extension_days = days
    _transition(case, action="extend", to=case.status, actor=actor, note=reason, data={"days": days})
    doc = _issue_document(case, Document.Kind.EXTENSION, {"days": days, "reason": reason,
                                                         "legal_due": case.legal_due.isoformat()}, today)
    transaction.on_commit(lambda: _tell_applicant(case, f"审批期限延长 {days} 个工作日",
                                                  f"延长审批期限告知书 {doc.number}：{reason}"))
    return case


@transaction.atomic
def case_submit_review(*, actor, case_id: int, opinion: str, recommend: str, expected_version: int | None = None) -> Case:
    case = _lock(actor, case_id, "submit_review", expected_version)
    _require_staff(actor, "submit_review", case)
    if recommend not in Decision.values:
        raise ValidationError({"recommend": ["请选择审查建议。"]})
    if not opinion.strip():
        raise ValidationError({"opinion": ["请填写审查意见。"]})
    _transition(case, action="submit_review", to=Status.DECISION, actor=actor, note=opinion,
                data={"recommend": recommend})
    transaction.on_commit(lambda: _tell_staff(_approvers(case), case, "审查完毕，待签批"))
    return case


def _approvers(case: Case):
    from tongban.accounts.models import Role, User

    org = case.organisation
    return list(User.objects.filter(organisation__in=[org, *( [org.parent] if org.parent_id else [])],
                                    roles__role=Role.APPROVER, is_active=True))


@transaction.atomic
def case_decide(*, actor, case_id: int, decision: str, reasons: str, expected_version: int | None = None) -> Case:
    case = _lock(actor, case_id, "decide", expected_version)
    _require_staff(actor, "decide", case)
    if decision not in Decision.values:
        raise ValidationError({"decision": ["请选择准予许可或不予许可。"]})
    if decision == Decision.DENY and not reasons.strip():
        raise ValidationError({"reasons": ["不予许可须说明理由，并告知申请人依法申请复议或提起诉讼的权利。"]})
    today = _today()
    case.decision = decision
    case.concluded_on = today
    _transition(case, action="decide", to=Status.CONCLUDED, actor=actor, note=reasons, data={"decision": decision})
    kind = Document.Kind.APPROVAL if decision == Decision.APPROVE else Document.Kind.DENIAL
    doc = _issue_document(case, kind, {"reasons": reasons, "decided_on": today.isoformat(),
                                       "result_name": case.version.result_name}, today)
    label = case.get_decision_display()
    transaction.on_commit(lambda: _tell_applicant(case, label, f"{doc.get_kind_display()} {doc.number}"))
    transaction.on_commit(lambda: _after_decision(case.pk))
    return case


# Modules that act on a decision (licences issues e-licences) register here.
DECISION_HOOKS: list = []
# Modules that relay a supplement notice themselves (a bundle sends one notice for all its cases).
SUPPLEMENT_HOOKS: list = []


def _after_decision(case_id: int) -> None:
    for hook in DECISION_HOOKS:
        hook(case_id)


@transaction.atomic
def case_deliver(*, actor, case_id: int, method: str = "电子送达", expected_version: int | None = None) -> Case:
    case = _lock(actor, case_id, "deliver", expected_version)
    _require_staff(actor, "deliver", case)
    case.delivered_on = _today()
    _transition(case, action="deliver", to=Status.DELIVERED, actor=actor, note=method)
    transaction.on_commit(lambda: _tell_applicant(case, "办理结果已送达", method))
    return case


@transaction.atomic
def case_withdraw(*, actor, case_id: int, reason: str = "", expected_version: int | None = None) -> Case:
    case = _lock(actor, case_id, "withdraw", expected_version)
    if not is_applicant_of(actor, case):
        raise deny(actor, "cases.withdraw", case)
    case.concluded_on = _today()
    if case.excluded_periods.filter(ended_on__isnull=True).exists():
        case.excluded_periods.filter(ended_on__isnull=True).update(ended_on=case.concluded_on)
    _transition(case, action="withdraw", to=Status.WITHDRAWN, actor=actor, note=reason)
    transaction.on_commit(lambda: _tell_staff([case.handler] if case.handler else _clerks(case), case, "申请人已撤回申请"))
    return case


@transaction.atomic
def case_terminate(*, actor, case_id: int, reason: str, expected_version: int | None = None) -> Case:
    case = _lock(actor, case_id, "terminate", expected_version)
    _require_staff(actor, "terminate", case)
    if not reason.strip():
        raise ValidationError({"reason": ["请写明终止办理的理由。"]})
    case.concluded_on = _today()
    case.excluded_periods.filter(ended_on__isnull=True).update(ended_on=case.concluded_on)
    _transition(case, action="terminate", to=Status.TERMINATED, actor=actor, note=reason)
    transaction.on_commit(lambda: _tell_applicant(case, "办件已终止", reason))
    return case


# --- supervision ----------------------------------------------------------------------------------


@transaction.atomic
def case_press(*, actor, case_id: int, note: str) -> Press:
    """督办: the note reaches the case's handler (or the window) and stays in their inbox."""
    case = get_case_for(actor, case_id, action="press", for_update=True)
    if not case.is_open and case.status != Status.CONCLUDED:
        raise Conflict("办件已结束，无需督办。", code="closed")
    if not note.strip():
        raise ValidationError({"note": ["请填写督办意见。"]})
    press = Press.objects.create(case=case, supervisor=actor, note=note.strip(), warning=case.warning)
    audit.record("case.press", actor=actor, obj=case, changes={"note": note, "warning": case.warning})
    targets = [case.handler] if case.handler else _clerks(case)
    transaction.on_commit(lambda: _tell_staff(targets, case, "督办", note, level="warning"))
    return press


def resolve_presses(case: Case) -> None:
    """Acting on a pressed case answers its presses."""
    Press.objects.filter(case=case, resolved_at__isnull=True).update(resolved_at=timezone.now())


def recompute_open_cases(days: set[dt.date]) -> int:
    """Calendar-change hook: recompute every open case whose period may touch a changed day."""
    cal = _cal()
    today = _today()
    changed = 0
    from django.db.models import Q

    if days:
        earliest = min(days)
        touches = Q(acceptance_due__gte=earliest) | Q(legal_due__gte=earliest) | Q(stage_due__gte=earliest)
    else:  # a year's schedule was entered: its provisional dates become final
        touches = Q(provisional=True)
    qs = (
        Case.objects.filter(touches, status__in=[*OPEN_STATUSES, Status.CONCLUDED])
        .select_related("version")
        .prefetch_related("excluded_periods", "version__stages")
    )
    for case in qs.iterator(chunk_size=500):
        before = (case.acceptance_due, case.legal_due, case.promised_due, case.stage_due)
        recompute_clock(case, today=today, cal=cal)
        after = (case.acceptance_due, case.legal_due, case.promised_due, case.stage_due)
        if before != after:
            Case.objects.filter(pk=case.pk).update(
                acceptance_due=case.acceptance_due, legal_due=case.legal_due, promised_due=case.promised_due,
                stage_due=case.stage_due, due_on=case.due_on, warning=case.warning, stage_warning=case.stage_warning,
                provisional=case.provisional, legal_overdue=case.legal_overdue,
            )
            audit.record("case.recompute", obj=case, changes={"before": [str(d) for d in before],
                                                                "after": [str(d) for d in after]})
            changed += 1
    return changed
