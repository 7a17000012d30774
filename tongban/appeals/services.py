"""Every write to an appeal: submit, accept (首问), transfer, accept or return a transfer, reply,
callback, reopen once, press, merge. Each locks the row, checks the status and the actor, writes
a step row and an audit event in one transaction; notifications go out on commit.

Notifications to staff never carry the requester's name or phone: the unit complained about may
be among the readers.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tongban.accounts.models import Organisation, Role, User
from tongban.accounts.permissions import deny, has_perm
from tongban.core import audit, timeutil
from tongban.core.calendar import WorkCalendar
from tongban.core.errors import Conflict
from tongban.core.notifications import notify

from . import routing
from .models import (
    OPEN_STATUSES,
    Appeal,
    Callback,
    Category,
    Channel,
    Counter,
    Kind,
    Press,
    Reply,
    Satisfaction,
    Status,
    Step,
    Transfer,
    Warning,
)
from .permissions import acts_for, get_appeal_by_code, get_appeal_for, require_handler

QUERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone
PHONE_RE = re.compile(r"^(1\d{10}|0\d{2,3}\d{7,8}|\d{7,8})$")
MAX_CONTENT = 5000

ACTION_LABELS = {
    "submit": "提交诉求",
    "accept": "首问受理",
    "transfer": "转办",
    "accept_transfer": "接收转办",
    "return": "退回",
    "reply": "答复",
    "callback": "回访",
    "reopen": "重新办理",
    "merge": "合并重复诉求",
    "press": "督办",
}
ALLOWED_FROM: dict[str, list[str]] = {
    "accept": [Status.RECEIVED],
    "transfer": [Status.RECEIVED, Status.HANDLING],
    "accept_transfer": [Status.TRANSFERRING],
    "return": [Status.TRANSFERRING],
    "reply": [Status.HANDLING],
    "callback": [Status.REPLIED],
    "reopen": [Status.CLOSED],
    "merge": [Status.RECEIVED, Status.HANDLING, Status.TRANSFERRING],
}


def _today() -> dt.date:
    return timeutil.today()


def warning_days() -> int:
    return getattr(settings, "TONGBAN_WARNING_DAYS", 2)


def warning_for(due: dt.date | None, today: dt.date, cal: WorkCalendar) -> str:
    if due is None:
        return Warning.NONE
    if due < today:
        return Warning.RED
    if due <= cal.add_workdays(today, warning_days()):
        return Warning.YELLOW
    return Warning.NONE


def recompute(appeal: Appeal, *, today: dt.date | None = None, cal: WorkCalendar | None = None) -> None:
    """Due date from the clock start and the limit; warning while open. Does not save."""
    cal = cal or WorkCalendar.default()
    today = today or _today()
    appeal.due_on = cal.add_workdays(appeal.clock_from, appeal.limit_days)
    appeal.warning = warning_for(appeal.due_on, today, cal) if appeal.status in OPEN_STATUSES else Warning.NONE


def _next(key: str) -> int:
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


def _number(on: dt.date) -> str:
    stamp = on.strftime("%Y%m%d")
    return f"SQ{stamp}{_next(f'appeal:{stamp}'):05d}"


def _actor_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def _step(appeal: Appeal, *, action: str, to: str, actor, note: str = "", data: dict | None = None,
          organisation=None) -> Step:
    before = appeal.status
    appeal.status = to
    appeal.row_version += 1
    recompute(appeal)
    appeal.save()
    who = _actor_or_none(actor)
    row = Step.objects.create(
        appeal=appeal, action=action, from_status=before if before != to or action != "submit" else "",
        to_status=to, actor=who, actor_name=who.display_name if who else "诉求人",
        organisation=organisation or (who.organisation if who and who.organisation_id else None),
        at=timezone.now(), note=note, data=data or {},
    )
    if who is not None and getattr(who, "is_staff_member", False) and action not in ("press",):
        Press.objects.filter(appeal=appeal, resolved_at__isnull=True).update(resolved_at=timezone.now())
    audit.record(f"appeal.{action}", actor=who, obj=appeal,
                 changes={"status": [before, to], **({"note": note} if note else {}), **(data or {})})
    return row


def _lock(actor, appeal_id: int, action: str, expected_version: int | None) -> Appeal:
    appeal = get_appeal_for(actor, appeal_id, for_update=True)
    return _check(appeal, action, expected_version)


def _check(appeal: Appeal, action: str, expected_version: int | None) -> Appeal:
    if appeal.status not in ALLOWED_FROM[action]:
        raise Conflict(f"诉求当前状态为“{appeal.get_status_display()}”，不能{ACTION_LABELS[action]}。",
                       code="illegal_transition")
    if expected_version is not None and expected_version != appeal.row_version:
        raise Conflict("该诉求已被他人处理，请刷新页面查看最新状态后再操作。", code="stale")
    return appeal


# --- who hears about it --------------------------------------------------------------------------


def unit_staff(organisation: Organisation, perm: str = "appeals.handle") -> list[User]:
    """Active staff of the unit's agency holding `perm` (clerks first receive appeals)."""
    agency = organisation.agency()
    roles = [Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR]
    users = (
        User.objects.filter(is_active=True, kind=User.Kind.STAFF, organisation__path__startswith=agency.path,
                            roles__role__in=roles)
        .exclude(organisation__kind=Organisation.Kind.AGENCY, organisation__depth__gt=agency.depth)
        .select_related("organisation").distinct()
    )
    return [u for u in users if has_perm(u, perm) and acts_for(u, organisation)]


def _tell_staff(users, appeal: Appeal, title: str, body: str = "", level: str = "info") -> None:
    url = reverse("appeals:detail", args=[appeal.pk])
    for user in {u for u in users if u is not None}:
        notify(user, f"{appeal.number}：{title}", body=body, url=url, level=level)


def _tell_requester(appeal: Appeal, title: str, body: str = "") -> None:
    """In-app for an account holder; an SMS to the phone left by an anonymous requester."""
    if appeal.requester_id:
        notify(appeal.requester, f"诉求 {appeal.number}：{title}", body=body,
               url=reverse("appeals:my_appeal", args=[appeal.pk]), sms=True)
    elif appeal.requester_phone:
        from tongban.core.notifications import sms_gateway

        text = f"【通办】诉求 {appeal.number}：{title}" + (f"：{body}" if body else "")
        text += f"（查询码 {appeal.query_code}）"
        transaction.on_commit(lambda: sms_gateway().send(appeal.requester_phone, text[:300]))


# --- submission ---------------------------------------------------------------------------------


def _clean_phone(value: str) -> str:
    return re.sub(r"[\s\-()（）]", "", str(value or ""))


def _decimal(value, label: str, bound: int, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors.setdefault(label, []).append("坐标格式不正确。")
        return None
    if not -bound <= number <= bound:
        errors.setdefault(label, []).append("坐标超出范围。")
        return None
    return number


def _resolve_category(value) -> Category | None:
    if value in (None, ""):
        return None
    if isinstance(value, Category):
        return value
    category = Category.objects.filter(code=str(value), is_active=True).first()
    if category is None and str(value).isdigit():
        category = Category.objects.filter(pk=int(value), is_active=True).first()
    if category is None:
        raise ValidationError({"category": ["所选分类不存在或已停用。"]})
    return category


@transaction.atomic
def appeal_submit(
    *,
    actor,
    data: Mapping,
    channel: str,
    client_ip: str | None = None,
    external: tuple[str, str] | None = None,
) -> Appeal:
    """File an appeal. The actor is the requester (logged in), a clerk registering a walk-in or
    hotline call (appeals.register / appeals.import), an integration account, or nobody
    (anonymous, with a phone, rate-limited by address and phone)."""
    user = _actor_or_none(actor)
    staff_entry = user is not None and getattr(user, "is_staff_member", False)
    if channel not in Channel.values:
        raise ValidationError({"channel": ["渠道不正确。"]})
    if channel == Channel.WINDOW and not has_perm(user, "appeals.register"):
        raise deny(actor, "appeals.register")
    if channel == Channel.HOTLINE and not has_perm(user, "appeals.import"):
        raise deny(actor, "appeals.import")
    if staff_entry and channel not in (Channel.WINDOW, Channel.HOTLINE, Channel.OPEN311):
        raise PermissionDenied("工作人员请通过“窗口登记”录入群众诉求。")

    errors: dict[str, list[str]] = {}
    kind = str(data.get("kind") or "").strip()
    if kind not in Kind.values:
        errors["kind"] = ["请选择诉求类型（投诉、咨询、建议、求助或表扬）。"]
    content = str(data.get("content") or "").strip()
    title = str(data.get("title") or "").strip()
    if not content:
        errors["content"] = ["请填写诉求内容。"]
    elif len(content) > MAX_CONTENT:
        errors["content"] = [f"诉求内容不超过 {MAX_CONTENT} 字。"]
    if not title and content:
        title = re.sub(r"\s+", " ", content)[:40]
    if len(title) > 120:
        errors["title"] = ["标题不超过 120 字。"]
    phone = _clean_phone(data.get("phone", ""))
    name = str(data.get("name") or "").strip()[:60]
    email = str(data.get("email") or "").strip()[:254]
    anonymous = user is None or staff_entry
    if user is not None and not staff_entry:
        name = name or user.display_name
        phone = phone or _clean_phone(user.phone)
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = ["联系电话应为 11 位手机号或带区号的固定电话。"]
    if not phone and (user is None or staff_entry) and channel in (Channel.WEB, Channel.WINDOW, Channel.MOBILE):
        errors.setdefault("phone", []).append("请留下联系电话，以便答复和回访。")
    if user is None and channel == Channel.OPEN311 and not phone:
        errors.setdefault("phone", []).append("匿名提交须留下联系电话。")
    if email:
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["电子邮箱格式不正确。"]
    lat = _decimal(data.get("lat"), "lat", 90, errors)
    lng = _decimal(data.get("long"), "long", 180, errors)
    division = str(data.get("division_code") or "").strip()
    if division and not (division.isdigit() and len(division) == 6):
        errors["division_code"] = ["行政区划代码应为 6 位数字。"]
    try:
        category = _resolve_category(data.get("category"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
        category = None
    item = None
    if data.get("item_id"):
        from tongban.catalog.models import ServiceItem

        item = ServiceItem.objects.select_related("organisation").filter(pk=data.get("item_id")).first()
        if item is None:
            errors["item_id"] = ["所选事项不存在。"]
    related_case = None
    if data.get("case_id"):
        from tongban.cases.models import Case

        related_case = Case.objects.select_related("item__organisation").filter(pk=data.get("case_id")).first()
        mine = related_case is not None and user is not None and (
            related_case.applicant_id == user.pk or (user.enterprise_id and related_case.enterprise_id == user.enterprise_id))
        if related_case is None or not (mine or staff_entry):
            errors["case_id"] = ["所关联的办件不存在或不是您的办件。"]
        elif item is None:
            item = related_case.item
    respondent = None
    if data.get("respondent_id"):
        respondent = Organisation.objects.filter(pk=data.get("respondent_id"), is_active=True).first()
        if respondent is None:
            errors["respondent_id"] = ["被投诉单位不存在。"]
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    keys = {}
    if user is None:
        keys = routing.throttle_keys(ip=client_ip, phone=phone)
        routing.throttle_check(keys, now)
    if external is not None:
        existing = Appeal.objects.filter(external_source=external[0], external_id=external[1]).first()
        if existing is not None:
            return existing

    target = routing.route(kind=kind, title=title, content=content, item=item, division_code=division,
                           category=category)
    if respondent is None and kind == Kind.COMPLAINT and item is not None:
        respondent = item.organisation
    today = _today()
    appeal = Appeal(
        number=_number(today),
        query_code="".join(secrets.choice(QUERY_ALPHABET) for _ in range(6)),
        kind=kind, channel=channel, title=title, content=content, category=target.category, item=item,
        related_case=related_case, division_code=division, address=str(data.get("address") or "")[:200],
        latitude=lat, longitude=lng,
        requester=None if staff_entry else user, requester_name=name, requester_phone=phone, requester_email=email,
        is_anonymous=anonymous and not name,
        disclose_identity=str(data.get("disclose_identity", "")).lower() in ("1", "true", "on", "yes"),
        respondent=respondent, organisation=target.organisation,
        registered_by=user if staff_entry else None,
        submitted_at=now, received_on=today, clock_from=today, limit_days=routing.limit_days(kind),
        due_on=today, external_source=external[0] if external else "", external_id=external[1] if external else "",
        client_key=keys.get("ip", ""),
    )
    duplicate = routing.find_duplicate(requester=appeal.requester, phone=phone, title=title, content=content, now=now)
    appeal.duplicate_of = duplicate
    appeal.status = Status.RECEIVED
    recompute(appeal, today=today)
    appeal.save()
    _step_data = {"route": target.why, "organisation": target.organisation.name, "channel": channel}
    if duplicate:
        _step_data["duplicate_of"] = duplicate.number
    Step.objects.create(
        appeal=appeal, action="submit", from_status="", to_status=Status.RECEIVED,
        actor=user, actor_name=(user.display_name if user and staff_entry else "诉求人"),
        organisation=user.organisation if staff_entry else None, at=now,
        note=f"分办至 {target.organisation.name}（{target.why}）", data=_step_data,
    )
    audit.record("appeal.submit", actor=user, obj=appeal,
                 changes={"kind": kind, "channel": channel, "organisation": target.organisation.pk,
                          "duplicate_of": duplicate.pk if duplicate else None})
    if keys:
        routing.throttle_record(keys, now)
    staff = unit_staff(target.organisation)
    transaction.on_commit(lambda: _tell_staff(
        staff, appeal, f"新{appeal.get_kind_display()}待受理", f"{appeal.title}（{appeal.get_channel_display()}）"))
    transaction.on_commit(lambda: _tell_requester(
        appeal, "已收到", f"承办单位 {target.organisation.name}，将于 {appeal.due_on} 前答复"))
    return appeal


# --- handling ----------------------------------------------------------------------------------


@transaction.atomic
def appeal_accept(*, actor, appeal_id: int, note: str = "", expected_version: int | None = None) -> Appeal:
    """首问受理: the receiving unit confirms; the actor becomes the first receiver."""
    appeal = _lock(actor, appeal_id, "accept", expected_version)
    require_handler(actor, appeal)
    if appeal.first_receiver_id is None:
        appeal.first_receiver, appeal.first_organisation = actor, appeal.organisation
    appeal.handler = actor
    _step(appeal, action="accept", to=Status.HANDLING, actor=actor, note=note)
    return appeal


@transaction.atomic
def appeal_transfer(*, actor, appeal_id: int, to_organisation_id: int, reason: str,
                    expected_version: int | None = None) -> Transfer:
    """转办 to another unit, with a reason. The transferring unit stays responsible until the
    other unit accepts it (首问负责制)."""
    appeal = _lock(actor, appeal_id, "transfer", expected_version)
    require_handler(actor, appeal)
    target = Organisation.objects.filter(pk=to_organisation_id, is_active=True).first()
    if target is None:
        raise ValidationError({"to_organisation": ["请选择接收转办的单位。"]})
    if target.agency().pk == appeal.organisation.agency().pk:
        raise ValidationError({"to_organisation": ["不能转办给本单位，请选择其他单位。"]})
    if not reason.strip():
        raise ValidationError({"reason": ["请写明转办理由。"]})
    if appeal.first_receiver_id is None:
        appeal.first_receiver, appeal.first_organisation = actor, appeal.organisation
    appeal.handler = appeal.handler or actor
    transfer = Transfer.objects.create(appeal=appeal, from_organisation=appeal.organisation, to_organisation=target,
                                       reason=reason.strip(), created_by=actor)
    appeal.pending_organisation = target
    _step(appeal, action="transfer", to=Status.TRANSFERRING, actor=actor, note=reason.strip(),
          data={"to": target.name})
    staff = unit_staff(target)
    transaction.on_commit(lambda: _tell_staff(staff, appeal, "转办待接收", f"来自 {appeal.organisation.name}：{reason}"))
    return transfer


def _pending_transfer(appeal: Appeal) -> Transfer:
    return appeal.transfers.select_for_update().get(state=Transfer.State.PENDING)


@transaction.atomic
def appeal_accept_transfer(*, actor, appeal_id: int, note: str = "", expected_version: int | None = None) -> Appeal:
    appeal = _lock(actor, appeal_id, "accept_transfer", expected_version)
    require_handler(actor, appeal, organisation=appeal.pending_organisation)
    transfer = _pending_transfer(appeal)
    transfer.state, transfer.decided_by, transfer.decided_at = Transfer.State.ACCEPTED, actor, timezone.now()
    transfer.save(update_fields=["state", "decided_by", "decided_at"])
    previous = appeal.organisation
    appeal.organisation, appeal.pending_organisation, appeal.handler = transfer.to_organisation, None, actor
    _step(appeal, action="accept_transfer", to=Status.HANDLING, actor=actor, note=note,
          data={"from": previous.name})
    tell = [transfer.created_by, appeal.first_receiver]
    transaction.on_commit(lambda: _tell_staff(tell, appeal, f"{appeal.organisation.name} 已接收转办"))
    return appeal


@transaction.atomic
def appeal_return(*, actor, appeal_id: int, reason: str, expected_version: int | None = None) -> Appeal:
    """A unit that is not competent returns the transfer, with a reason (never silently); the
    transferring unit, still responsible, handles it or transfers it elsewhere."""
    appeal = _lock(actor, appeal_id, "return", expected_version)
    require_handler(actor, appeal, organisation=appeal.pending_organisation)
    if not reason.strip():
        raise ValidationError({"reason": ["退回须写明理由（例如不属于本单位职责及依据）。"]})
    transfer = _pending_transfer(appeal)
    transfer.state, transfer.decided_by, transfer.decided_at = Transfer.State.RETURNED, actor, timezone.now()
    transfer.return_reason = reason.strip()
    transfer.save(update_fields=["state", "decided_by", "decided_at", "return_reason"])
    appeal.pending_organisation = None
    _step(appeal, action="return", to=Status.HANDLING, actor=actor, note=reason.strip(),
          data={"returned_by": transfer.to_organisation.name})
    tell = [transfer.created_by, appeal.first_receiver, appeal.handler]
    transaction.on_commit(lambda: _tell_staff(tell, appeal, f"{transfer.to_organisation.name} 退回转办", reason,
                                              level="warning"))
    return appeal


@transaction.atomic
def appeal_reply(*, actor, appeal_id: int, body: str, expected_version: int | None = None) -> Reply:
    appeal = _lock(actor, appeal_id, "reply", expected_version)
    require_handler(actor, appeal)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["请填写答复内容。"]})
    if len(body) > MAX_CONTENT:
        raise ValidationError({"body": [f"答复内容不超过 {MAX_CONTENT} 字。"]})
    reply = Reply.objects.create(appeal=appeal, round=appeal.reopen_count + 1, body=body,
                                 organisation=appeal.organisation, replied_by=actor, replied_at=timezone.now())
    appeal.replied_on = _today()
    appeal.handler = appeal.handler or actor
    _step(appeal, action="reply", to=Status.REPLIED, actor=actor, note=body)
    transaction.on_commit(lambda: _tell_requester(appeal, "已答复", body[:120]))
    transaction.on_commit(lambda: _after_reply(appeal.pk))
    return reply


# Modules that act on an answered appeal (reviews invites a rating) register here.
REPLY_HOOKS: list = []


def _after_reply(appeal_id: int) -> None:
    for hook in REPLY_HOOKS:
        hook(appeal_id)


def _callback(appeal: Appeal, *, actor, satisfaction: str, note: str, method: str) -> Callback:
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": ["请选择回访结果。"]})
    row = Callback.objects.create(appeal=appeal, round=appeal.reopen_count + 1, satisfaction=satisfaction,
                                  method=method, note=(note or "").strip(), recorded_by=_actor_or_none(actor),
                                  recorded_at=timezone.now())
    appeal.satisfaction = satisfaction
    appeal.closed_on = _today()
    _step(appeal, action="callback", to=Status.CLOSED, actor=actor, note=note or "",
          data={"satisfaction": satisfaction, "method": method}, organisation=appeal.organisation if not _actor_or_none(actor) else None)
    if satisfaction == Satisfaction.UNSATISFIED and appeal.reopen_count == 0:
        transaction.on_commit(lambda: _tell_requester(appeal, "回访记录为不满意", "如需重新办理，可在诉求页面申请重办一次。"))
    return row


@transaction.atomic
def appeal_callback(*, actor, appeal_id: int, satisfaction: str, note: str = "", method: str = Callback.Method.PHONE,
                    expected_version: int | None = None) -> Callback:
    """回访 by staff of the responsible unit or of the first-receiving unit, or online by the
    requester. Records satisfaction and closes the appeal."""
    appeal = _lock(actor, appeal_id, "callback", expected_version)
    if appeal.requester_id and appeal.requester_id == getattr(actor, "pk", None):
        method = Callback.Method.ONLINE
    elif not (has_perm(actor, "appeals.callback") and (
            acts_for(actor, appeal.organisation) or acts_for(actor, appeal.first_organisation)
            or has_perm(actor, "appeals.supervise"))):
        raise deny(actor, "appeals.callback", appeal)
    if method not in Callback.Method.values:
        raise ValidationError({"method": ["回访方式不正确。"]})
    return _callback(appeal, actor=actor, satisfaction=satisfaction, note=note, method=method)


@transaction.atomic
def appeal_callback_by_code(*, number: str, code: str, satisfaction: str, note: str = "") -> Callback:
    """The anonymous requester rates the answer with the number and query code."""
    appeal = _check(get_appeal_by_code(number, code, for_update=True), "callback", None)
    return _callback(appeal, actor=None, satisfaction=satisfaction, note=note, method=Callback.Method.ONLINE)


def _reopen(appeal: Appeal, *, actor, reason: str) -> Appeal:
    if appeal.satisfaction != Satisfaction.UNSATISFIED:
        raise Conflict("只有回访不满意的诉求可以申请重新办理。", code="reopen_not_unsatisfied")
    if appeal.reopen_count >= 1:
        raise Conflict("该诉求已重新办理过一次，不能再次重办；如仍有异议，可向上级机关反映。", code="reopen_once")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请说明不满意的原因和诉求。"]})
    today = _today()
    appeal.reopen_count += 1
    appeal.clock_from = today
    appeal.limit_days = routing.limit_days(appeal.kind, reopen=True)
    appeal.closed_on = None
    appeal.satisfaction = ""
    _step(appeal, action="reopen", to=Status.HANDLING, actor=actor, note=reason.strip(),
          organisation=appeal.organisation if not _actor_or_none(actor) else None)
    staff = [appeal.handler, appeal.first_receiver] if appeal.handler_id else unit_staff(appeal.organisation)
    transaction.on_commit(lambda: _tell_staff(staff, appeal, "诉求人不满意，申请重新办理", reason, level="warning"))
    return appeal


@transaction.atomic
def appeal_reopen(*, actor, appeal_id: int, reason: str, expected_version: int | None = None) -> Appeal:
    appeal = _lock(actor, appeal_id, "reopen", expected_version)
    if appeal.requester_id != getattr(actor, "pk", None):
        raise deny(actor, "appeals.reopen", appeal)
    return _reopen(appeal, actor=actor, reason=reason)


@transaction.atomic
def appeal_reopen_by_code(*, number: str, code: str, reason: str) -> Appeal:
    appeal = _check(get_appeal_by_code(number, code, for_update=True), "reopen", None)
    return _reopen(appeal, actor=None, reason=reason)


# --- supervision and duplicates -------------------------------------------------------------------


@transaction.atomic
def appeal_press(*, actor, appeal_id: int, note: str) -> Press:
    appeal = get_appeal_for(actor, appeal_id, for_update=True)
    if not has_perm(actor, "appeals.press"):
        raise deny(actor, "appeals.press", appeal)
    if appeal.status not in OPEN_STATUSES:
        raise Conflict("诉求已答复或办结，无需督办。", code="closed")
    if not (note or "").strip():
        raise ValidationError({"note": ["请填写督办意见。"]})
    press = Press.objects.create(appeal=appeal, supervisor=actor, note=note.strip())
    Step.objects.create(appeal=appeal, action="press", from_status=appeal.status, to_status=appeal.status,
                        actor=actor, actor_name=actor.display_name, organisation=actor.organisation,
                        at=timezone.now(), note=note.strip(), data={"warning": appeal.warning})
    audit.record("appeal.press", actor=actor, obj=appeal, changes={"note": note, "warning": appeal.warning})
    org = appeal.pending_organisation or appeal.organisation
    targets = [appeal.handler, appeal.first_receiver] if appeal.handler_id else unit_staff(org)
    transaction.on_commit(lambda: _tell_staff(targets, appeal, "督办", note, level="warning"))
    return press


@transaction.atomic
def appeal_merge(*, actor, appeal_id: int, into_id: int, expected_version: int | None = None) -> Appeal:
    """Merge a duplicate into the appeal it repeats: the duplicate ends as merged, its requester
    is told the number that carries on."""
    appeal = _lock(actor, appeal_id, "merge", expected_version)
    require_handler(actor, appeal, perm="appeals.merge")
    if into_id == appeal.pk:
        raise ValidationError({"into": ["不能与自身合并。"]})
    into = get_appeal_for(actor, into_id)
    if into.status == Status.MERGED:
        raise Conflict("目标诉求本身已被合并，请合并至其主诉求。", code="merge_chain")
    appeal.merged_into = into
    appeal.closed_on = _today()
    appeal.pending_organisation = None
    appeal.transfers.filter(state=Transfer.State.PENDING).update(state=Transfer.State.RETURNED,
                                                               return_reason="已合并至其他诉求")
    _step(appeal, action="merge", to=Status.MERGED, actor=actor, note=f"合并至 {into.number}",
          data={"into": into.number})
    transaction.on_commit(lambda: _tell_requester(appeal, "已与您的同类诉求合并办理", f"请关注诉求 {into.number} 的办理结果"))
    return appeal


@transaction.atomic
def appeal_dismiss_duplicate(*, actor, appeal_id: int) -> Appeal:
    appeal = get_appeal_for(actor, appeal_id, for_update=True)
    require_handler(actor, appeal, perm="appeals.merge")
    if appeal.duplicate_of_id is None:
        return appeal
    before = appeal.duplicate_of.number
    appeal.duplicate_of = None
    appeal.save(update_fields=["duplicate_of", "updated_at"])
    audit.record("appeal.not_duplicate", actor=actor, obj=appeal, changes={"duplicate_of": [before, None]})
    return appeal


@transaction.atomic
def appeal_set_respondent(*, actor, appeal_id: int, respondent_id: int | None) -> Appeal:
    """Record the unit complained about (hides the requester's identity from it)."""
    appeal = get_appeal_for(actor, appeal_id, for_update=True)
    require_handler(actor, appeal)
    respondent = Organisation.objects.filter(pk=respondent_id).first() if respondent_id else None
    before = appeal.respondent_id
    appeal.respondent = respondent
    appeal.save(update_fields=["respondent", "updated_at"])
    audit.record("appeal.respondent", actor=actor, obj=appeal, changes={"respondent": [before, respondent_id]})
    return appeal


def recompute_open_appeals(days: set[dt.date]) -> int:
    """Calendar-change hook: recompute the due date of every open appeal."""
    cal = WorkCalendar.default()
    today = _today()
    changed = 0
    for appeal in Appeal.objects.filter(status__in=OPEN_STATUSES).iterator(chunk_size=500):
        before = appeal.due_on
        recompute(appeal, today=today, cal=cal)
        if appeal.due_on != before:
            Appeal.objects.filter(pk=appeal.pk).update(due_on=appeal.due_on, warning=appeal.warning)
            audit.record("appeal.recompute", obj=appeal, changes={"due_on": [before, appeal.due_on]})
            changed += 1
    return changed
