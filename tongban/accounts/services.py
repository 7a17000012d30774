"""Every write to organisations, users, roles and tokens. Atomic and audited."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.core import audit
from tongban.core.permissions import in_scope, require
from tongban.core.validators import validate_citizen_id, validate_uscc

from .models import ApiToken, Enterprise, Organisation, Role, StaffRole, User


def _set_path(org: Organisation) -> None:
    own = f"{org.pk:06d}/"
    org.path = (org.parent.path if org.parent_id else "") + own
    org.depth = org.parent.depth + 1 if org.parent_id else 0


@transaction.atomic
def organisation_create(
    *,
    actor,
    name: str,
    kind: str,
    level: str,
    division_code: str,
    code: str,
    parent: Organisation | None = None,
    short_name: str = "",
    phone: str = "",
    address: str = "",
) -> Organisation:
    if actor is not None:
        require(actor, "accounts.manage_organisations")
        if parent is None and not actor.is_superuser:
            raise ValidationError("只有平台管理员可以创建顶级机构。")
        if parent is not None and not in_scope(actor, parent):
            raise ValidationError("上级机构不在您的管辖范围内。")
    if Organisation.objects.filter(code=code).exists():
        raise ValidationError({"code": f"机构代码“{code}”已被使用。"})
    org = Organisation(
        parent=parent,
        name=name,
        short_name=short_name,
        kind=kind,
        level=level,
        division_code=division_code,
        code=code,
        phone=phone,
        address=address,
        path="",
    )
    org.full_clean(exclude=["path"])
    org.save()
    _set_path(org)
    org.save(update_fields=["path", "depth"])
    audit.record("organisation.create", actor=actor, obj=org, changes={"name": [None, name]})
    return org


ORG_EDITABLE = ["name", "short_name", "phone", "address", "is_active"]


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, **fields) -> Organisation:
    require(actor, "accounts.manage_organisations", organisation)
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    unknown = set(fields) - set(ORG_EDITABLE)
    if unknown:
        raise ValidationError(f"不可修改的字段：{', '.join(sorted(unknown))}")
    before = audit.snapshot(org, list(fields))
    for key, value in fields.items():
        setattr(org, key, value)
    org.full_clean(exclude=["path"])
    org.save(update_fields=list(fields))
    audit.record(
        "organisation.update", actor=actor, obj=org, changes=audit.diff(org, before, list(fields))
    )
    return org


def _check_roles(roles: list[str]) -> list[str]:
    bad = [r for r in roles if r not in Role.values]
    if bad:
        raise ValidationError({"roles": f"未知角色：{', '.join(bad)}"})
    return sorted(set(roles))


@transaction.atomic
def staff_user_create(
    *,
    actor,
    username: str,
    real_name: str,
    organisation: Organisation,
    roles: list[str],
    password: str | None = None,
    phone: str = "",
    email: str = "",
) -> tuple[User, str]:
    """Create a staff account. Returns the user and the initial password (generated if none)."""
    if actor is not None:
        require(actor, "accounts.manage_users")
        if not in_scope(actor, organisation):
            raise ValidationError({"organisation": "所选机构不在您的管辖范围内。"})
        if Role.ADMIN in roles and not actor.is_superuser and not actor.has_role(Role.ADMIN):
            raise ValidationError({"roles": "只有管理员可以授予管理员角色。"})
    roles = _check_roles(roles)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已存在。"})
    password = password or secrets.token_urlsafe(12)
    user = User(
        username=username,
        real_name=real_name,
        kind=User.Kind.STAFF,
        organisation=organisation,
        phone=phone,
        email=email,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    StaffRole.objects.bulk_create([StaffRole(user=user, role=r) for r in roles])
    audit.record(
        "user.create",
        actor=actor,
        obj=user,
        changes={"organisation": [None, organisation.pk], "roles": [[], roles]},
    )
    return user, password


@transaction.atomic
def user_set_roles(*, actor, user: User, roles: list[str]) -> User:
    require(actor, "accounts.manage_users", user)
    if not in_scope(actor, user.organisation):
        raise ValidationError("该用户不在您的管辖范围内。")
    roles = _check_roles(roles)
    before = sorted(user.role_set())
    if Role.ADMIN in set(roles) ^ set(before) and not (
        actor.is_superuser or actor.has_role(Role.ADMIN)
    ):
        raise ValidationError({"roles": "只有管理员可以授予或收回管理员角色。"})
    if user.pk == actor.pk and Role.ADMIN in before and Role.ADMIN not in roles:
        raise ValidationError({"roles": "不能收回自己的管理员角色。"})
    User.objects.select_for_update().filter(pk=user.pk).first()
    StaffRole.objects.filter(user=user).exclude(role__in=roles).delete()
    existing = set(StaffRole.objects.filter(user=user).values_list("role", flat=True))
    StaffRole.objects.bulk_create(
        [StaffRole(user=user, role=r) for r in roles if r not in existing]
    )
    user._role_cache = None
    if before != roles:
        audit.record("user.set_roles", actor=actor, obj=user, changes={"roles": [before, roles]})
    return user


@transaction.atomic
def user_set_active(*, actor, user: User, active: bool) -> User:
    require(actor, "accounts.manage_users", user)
    if not in_scope(actor, user.organisation):
        raise ValidationError("该用户不在您的管辖范围内。")
    if user.pk == actor.pk and not active:
        raise ValidationError("不能停用自己的账号。")
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            "user.activate" if active else "user.deactivate",
            actor=actor,
            obj=user,
            changes={"is_active": [not active, active]},
        )
    return user


@transaction.atomic
def enterprise_register(
    *, uscc: str, name: str, legal_representative: str = "", division_code: str = "", actor=None
) -> Enterprise:
    code = validate_uscc(uscc)
    enterprise, created = Enterprise.objects.get_or_create(
        uscc=code,
        defaults={
            "name": name,
            "legal_representative": legal_representative,
            "division_code": division_code or code[2:8],
        },
    )
    if created:
        audit.record("enterprise.register", actor=actor, obj=enterprise)
    return enterprise


@transaction.atomic
def applicant_user_create(
    *,
    username: str,
    password: str,
    real_name: str,
    phone: str = "",
    citizen_id: str = "",
    enterprise: Enterprise | None = None,
    actor=None,
) -> User:
    kind = User.Kind.ENTERPRISE if enterprise is not None else User.Kind.CITIZEN
    normalised_id = validate_citizen_id(citizen_id) if citizen_id else ""
    if kind == User.Kind.CITIZEN and not normalised_id:
        raise ValidationError({"citizen_id": "个人用户必须填写身份证号。"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已存在。"})
    user = User(
        username=username,
        real_name=real_name,
        phone=phone,
        citizen_id=normalised_id,
        kind=kind,
        enterprise=enterprise,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record("user.create", actor=actor, obj=user, changes={"kind": [None, kind]})
    return user


@transaction.atomic
def integration_user_create(*, actor, username: str, name: str, organisation: Organisation) -> User:
    """An account for another system (e.g. the 12345 hotline) that authenticates by token only."""
    require(actor, "accounts.manage_tokens")
    if not in_scope(actor, organisation):
        raise ValidationError({"organisation": "所选机构不在您的管辖范围内。"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已存在。"})
    user = User(
        username=username, real_name=name, kind=User.Kind.INTEGRATION, organisation=organisation
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        "user.create", actor=actor, obj=user, changes={"kind": [None, User.Kind.INTEGRATION]}
    )
    return user


@transaction.atomic
def api_token_issue(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token to an integration user. The raw token is returned once and never stored."""
    require(actor, "accounts.manage_tokens", user)
    if user.kind != User.Kind.INTEGRATION:
        raise ValidationError("接口令牌只能发给系统对接账号。")
    if not in_scope(actor, user.organisation):
        raise ValidationError("该账号不在您的管辖范围内。")
    raw = "tb_" + secrets.token_urlsafe(32)
    try:
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[:10], digest=ApiToken.hash(raw)
        )
    except IntegrityError:  # pragma: no cover - 256-bit collision
        raise ValidationError("令牌生成失败，请重试。") from None
    audit.record("api_token.issue", actor=actor, obj=token, changes={"user": [None, user.pk]})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    require(actor, "accounts.manage_tokens", token)
    if not in_scope(actor, token.user.organisation):
        raise ValidationError("该令牌不在您的管辖范围内。")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record("api_token.revoke", actor=actor, obj=token)
    return token


def authenticate_token(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(digest=ApiToken.hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
