"""Filing an appeal from any channel."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import Organisation
from tongban.core import audit
from tongban.core.permissions import deny, has_perm

from .. import divisions, routing
from ..models import (
    Appeal,
    Category,
    Channel,
    Kind,
    Status,
    Step,
)
from ._common import (
    MAX_CONTENT,
    PHONE_RE,
    QUERY_ALPHABET,
    _actor_or_none,
    _number,
    _tell_requester,
    _tell_staff,
    _today,
    recompute,
    unit_staff,
)


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


def _unit_name(unit: Organisation) -> str:
    """A department is named with its agency: every agency has a 行政审批办公室."""
    if unit.kind == Organisation.Kind.AGENCY:
        return unit.name
    return f"{unit.agency().name}（{unit.name}）"


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
    if (
        not phone
        and (user is None or staff_entry)
        and channel in (Channel.WEB, Channel.WINDOW, Channel.MOBILE)
    ):
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
    place, place_error = divisions.picked(data)
    if place_error:
        errors["division_code"] = [place_error]
    division = place.code if place is not None else ""
    try:
        category = _resolve_category(data.get("category"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
        category = None
    item = None
    if data.get("item_id"):
        from tongban.catalog.models import ServiceItem

        item = (
            ServiceItem.objects.select_related("organisation")
            .filter(pk=data.get("item_id"))
            .first()
        )
        if item is None:
            errors["item_id"] = ["所选事项不存在。"]
    related_case = None
    if data.get("case_id"):
        from tongban.cases.models import Case

        related_case = (
            Case.objects.select_related("item__organisation").filter(pk=data.get("case_id")).first()
        )
        mine = (
            related_case is not None
            and user is not None
            and (
                related_case.applicant_id == user.pk
                or (user.enterprise_id and related_case.enterprise_id == user.enterprise_id)
            )
        )
        if related_case is None or not (mine or staff_entry):
            errors["case_id"] = ["所关联的办件不存在或不是您的办件。"]
        elif item is None:
            item = related_case.item
    respondent = None
    if data.get("respondent_id"):
        respondent = Organisation.objects.filter(
            pk=data.get("respondent_id"), is_active=True
        ).first()
        if respondent is None:
            errors["respondent_id"] = ["被投诉单位不存在。"]
    from .referral import clean_subject

    subject = clean_subject(data, errors) if kind == Kind.COMPLAINT else {}
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    keys = {}
    if user is None:
        keys = routing.throttle_keys(ip=client_ip, phone=phone)
        routing.throttle_check(keys, now)
    if external is not None:
        existing = Appeal.objects.filter(
            external_source=external[0], external_id=external[1]
        ).first()
        if existing is not None:
            return existing

    target = routing.route(
        kind=kind,
        title=title,
        content=content,
        item=item,
        division_code=division,
        category=category,
    )
    if respondent is None and kind == Kind.COMPLAINT and item is not None:
        respondent = item.organisation
    today = _today()
    appeal = Appeal(
        number=_number(today),
        query_code="".join(secrets.choice(QUERY_ALPHABET) for _ in range(6)),
        kind=kind,
        channel=channel,
        title=title,
        content=content,
        category=target.category,
        item=item,
        related_case=related_case,
        division_code=division,
        division_name=divisions.full_name(division),
        address=str(data.get("address") or "")[:200],
        latitude=lat,
        longitude=lng,
        requester=None if staff_entry else user,
        requester_name=name,
        requester_phone=phone,
        requester_email=email,
        is_anonymous=anonymous and not name,
        disclose_identity=str(data.get("disclose_identity", "")).lower()
        in ("1", "true", "on", "yes"),
        # Only an explicit yes publishes, for every kind: a pre-ticked box is not consent
        # (《个人信息保护法》第十四条), and even a question may carry personal details in its text.
        publish_consent=str(data.get("publish", "")).lower() in ("1", "true", "on", "yes"),
        respondent=respondent,
        **subject,
        organisation=target.organisation,
        registered_by=user if staff_entry else None,
        submitted_at=now,
        received_on=today,
        clock_from=today,
        limit_days=routing.limit_days(kind),
        due_on=today,
        external_source=external[0] if external else "",
        external_id=external[1] if external else "",
        client_key=keys.get("ip", ""),
    )
    duplicate = routing.find_duplicate(
        requester=appeal.requester, phone=phone, title=title, content=content, now=now
    )
    appeal.duplicate_of = duplicate
    appeal.status = Status.RECEIVED
    recompute(appeal, today=today)
    appeal.save()
    _step_data = {"route": target.why, "organisation": target.organisation.name, "channel": channel,
                  "assigned_to": _unit_name(target.organisation)}
    if division:
        _step_data["division"] = {"code": division, "name": appeal.division_name}
    if duplicate:
        _step_data["duplicate_of"] = duplicate.number
    Step.objects.create(
        appeal=appeal,
        action="submit",
        from_status="",
        to_status=Status.RECEIVED,
        actor=user,
        actor_name=(user.display_name if user and staff_entry else "诉求人"),
        organisation=user.organisation if staff_entry else None,
        at=now,
        note=f"分办至 {target.organisation.name}（{target.why}）",
        data=_step_data,
    )
    audit.record(
        "appeal.submit",
        actor=user,
        obj=appeal,
        changes={
            "kind": kind,
            "channel": channel,
            "organisation": target.organisation.pk,
            "duplicate_of": duplicate.pk if duplicate else None,
            "publish_consent": appeal.publish_consent,
        },
    )
    if keys:
        routing.throttle_record(keys, now)
    staff = unit_staff(target.organisation)
    transaction.on_commit(
        lambda: _tell_staff(
            staff,
            appeal,
            f"新{appeal.get_kind_display()}待受理",
            f"{appeal.title}（{appeal.get_channel_display()}）",
        )
    )
    transaction.on_commit(
        lambda: _tell_requester(
            appeal, "已收到", f"承办单位 {target.organisation.name}，将于 {appeal.due_on} 前答复"
        )
    )
    return appeal


# --- handling ----------------------------------------------------------------------------------
