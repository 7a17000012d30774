"""Every write to policies, their rule versions and match records.

Rules are validated when saved and stored as data. A new version closes the previous one the
day before it starts, so versions never overlap and the one in force on any date is unique.
Changing a published policy re-matches that policy alone, after commit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from tongban.accounts.models import User
from tongban.core import audit, timeutil
from tongban.core.errors import Conflict
from tongban.core.notifications import notify
from tongban.core.permissions import in_scope, require

from .models import OPEN_MATCH, MatchStatus, Policy, PolicyMatch, PolicyVersion
from .permissions import GRANT, MANAGE
from .rules.spec import validate
from .transitions import match_transition

POLICY_FIELDS = [
    "title",
    "document_number",
    "legal_basis",
    "summary",
    "benefit_type",
    "amount_fen",
    "amount_text",
    "auto_grant",
    "fee_code",
    "reduction_percent",
]


def _rematch_later(policy: Policy) -> None:
    from .tasks import rematch_policy

    policy_id = policy.pk
    transaction.on_commit(lambda: rematch_policy.enqueue(policy_id))


def _check_org(actor, organisation) -> None:
    require(actor, MANAGE)
    if not in_scope(actor, organisation):
        raise ValidationError({"organisation": "只能以本机构或下级机构的名义发布政策。"})


def _check_policy(actor, policy: Policy, perm: str = MANAGE) -> None:
    """Only staff whose subtree issued the policy write it (as get_policy_for fetches it);
    anyone else is told it does not exist, so ids don't leak."""
    require(actor, perm)
    if not in_scope(actor, policy.organisation):
        raise Http404("政策不存在或不在您的管辖范围内。")


@transaction.atomic
def policy_create(*, actor, organisation, **fields) -> Policy:
    _check_org(actor, organisation)
    if not (fields.get("title") or "").strip():
        raise ValidationError({"title": "请填写政策名称。"})
    if not (fields.get("legal_basis") or "").strip():
        raise ValidationError({"legal_basis": "请填写政策依据。"})
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError(f"不认识的字段：{'、'.join(sorted(unknown))}")
    policy = Policy.objects.create(organisation=organisation, **fields)
    audit.record("policy.create", actor=actor, obj=policy, changes={k: fields[k] for k in fields})
    return policy


@transaction.atomic
def policy_update(*, actor, policy: Policy, **fields) -> Policy:
    policy = Policy.objects.select_for_update().select_related("organisation").get(pk=policy.pk)
    _check_policy(actor, policy)
    before = audit.snapshot(policy, POLICY_FIELDS)
    for name, value in fields.items():
        if name not in POLICY_FIELDS:
            raise ValidationError(f"不认识的字段：{name}")
        setattr(policy, name, value)
    policy.save(update_fields=list(fields))
    changes = audit.diff(policy, before, POLICY_FIELDS)
    if changes:
        audit.record("policy.update", actor=actor, obj=policy, changes=changes)
    return policy


@transaction.atomic
def version_create(
    *,
    actor,
    policy: Policy,
    condition,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    note: str = "",
) -> PolicyVersion:
    """Validate the rule and add it as the next version, closing the previous open period."""
    policy = Policy.objects.select_for_update().select_related("organisation").get(pk=policy.pk)
    _check_policy(actor, policy)
    tree = validate(condition)
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": "失效日期不能早于生效日期。"})
    latest = policy.versions.order_by("-number").first()
    if latest is not None:
        if valid_from <= latest.valid_from:
            raise ValidationError(
                {
                    "valid_from": f"新版本的生效日期应晚于第 {latest.number} 版的生效日期 {latest.valid_from}。"
                }
            )
        if latest.valid_to is None or latest.valid_to >= valid_from:
            latest.valid_to = valid_from - dt.timedelta(days=1)
            latest.save(update_fields=["valid_to"])
    number = (latest.number if latest else 0) + 1
    version = PolicyVersion.objects.create(
        policy=policy,
        number=number,
        valid_from=valid_from,
        valid_to=valid_to,
        condition=tree,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        "policy.version_create",
        actor=actor,
        obj=policy,
        changes={
            "number": number,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "condition": tree,
            "note": note,
        },
    )
    if policy.status == Policy.Status.PUBLISHED:
        _rematch_later(policy)
    return version


def version_in_force(policy: Policy, on: dt.date) -> PolicyVersion | None:
    return (
        policy.versions.filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-number")
        .first()
    )


@transaction.atomic
def policy_publish(*, actor, policy: Policy) -> Policy:
    policy = Policy.objects.select_for_update().select_related("organisation").get(pk=policy.pk)
    _check_policy(actor, policy)
    if policy.status == Policy.Status.PUBLISHED:
        raise Conflict("该政策已发布。", code="already_published")
    if not policy.versions.exists():
        raise ValidationError("请先设置适用条件（至少一个版本）再发布。")
    before = policy.status
    policy.status = Policy.Status.PUBLISHED
    policy.save(update_fields=["status"])
    audit.record(
        "policy.publish", actor=actor, obj=policy, changes={"status": [before, policy.status]}
    )
    _rematch_later(policy)
    return policy


@transaction.atomic
def policy_withdraw(*, actor, policy: Policy, reason: str) -> Policy:
    policy = Policy.objects.select_for_update().select_related("organisation").get(pk=policy.pk)
    _check_policy(actor, policy)
    if policy.status != Policy.Status.PUBLISHED:
        raise Conflict("只有已发布的政策可以停止。", code="not_published")
    if not reason.strip():
        raise ValidationError({"reason": "请说明停止执行的原因。"})
    policy.status = Policy.Status.WITHDRAWN
    policy.save(update_fields=["status"])
    audit.record(
        "policy.withdraw",
        actor=actor,
        obj=policy,
        changes={"status": ["published", "withdrawn"], "reason": reason},
    )
    _rematch_later(policy)
    return policy


# --- match records -----------------------------------------------------------------------------


def _recipients(enterprise_id: int):
    return User.objects.filter(
        enterprise_id=enterprise_id, kind=User.Kind.ENTERPRISE, is_active=True
    )


def _my_url() -> str:
    return reverse("policies:mine")


def _amount_text(policy: Policy) -> str:
    if policy.amount_fen is not None:
        return f"{Decimal(policy.amount_fen) / 100:,.2f} 元"
    return policy.amount_text


def push_new(*, policy_ids: list[int] | None = None, limit: int = 5000) -> dict[str, int]:
    """Tell enterprises about new matches; grant those of 免申即享 policies at once.

    Claims rows with a conditional UPDATE (status new → notified, or → granted), so two workers
    never push the same match twice. Returns counts."""
    qs = PolicyMatch.objects.filter(status=MatchStatus.NEW, policy__status=Policy.Status.PUBLISHED)
    if policy_ids is not None:
        qs = qs.filter(policy_id__in=policy_ids)
    counts = {"notified": 0, "granted": 0}
    ids = list(qs.order_by("id").values_list("id", flat=True)[:limit])
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        with transaction.atomic():
            rows = list(
                PolicyMatch.objects.select_for_update()
                .filter(pk__in=batch, status=MatchStatus.NEW)
                .select_related("policy", "enterprise")
            )
            now = timezone.now()
            for match in rows:
                policy = match.policy
                if policy.auto_grant:
                    _grant(match, actor=None, amount_fen=policy.amount_fen, now=now)
                    counts["granted"] += 1
                    continue
                match.notified_at = now
                match_transition(match=match, to=MatchStatus.NOTIFIED, note="推送给企业", fields=["notified_at"],
                                 now=now)
                for user in _recipients(match.enterprise_id):
                    notify(
                        user,
                        f"您可能符合：{policy.title}",
                        url=_my_url(),
                        sms=True,
                        email=bool(user.email),
                        body=f"根据平台掌握的企业信息，{match.enterprise.name}符合该政策的适用条件（{policy.document_number}）。"
                        "请在“我的政策”中查看原因并申领。",
                    )
                counts["notified"] += 1
    return counts


def _grant(match: PolicyMatch, *, actor, amount_fen: int | None, now) -> None:
    before = match.status
    how = "免申即享，系统自动兑现" if actor is None else f"经 {actor.display_name} 审核兑现"
    match.granted_at = now
    match.granted_amount_fen = amount_fen
    match.granted_by = actor if getattr(actor, "pk", None) else None
    match_transition(match=match, to=MatchStatus.GRANTED, actor=actor, note=how, now=now,
                     fields=["granted_at", "granted_amount_fen", "granted_by"])
    audit.record(
        "policy.grant",
        actor=actor,
        obj=match,
        changes={
            "status": [before, MatchStatus.GRANTED],
            "policy": match.policy_id,
            "enterprise": match.enterprise.uscc,
            "version": match.version_number,
            "amount_fen": amount_fen,
            "how": how,
        },
    )
    amount = f"，金额 {Decimal(amount_fen) / 100:,.2f} 元" if amount_fen is not None else ""
    for user in _recipients(match.enterprise_id):
        notify(
            user,
            f"政策已兑现：{match.policy.title}",
            url=_my_url(),
            sms=True,
            body=f"{how}{amount}。依据：{match.policy.document_number or match.policy.legal_basis[:60]}。",
        )


@transaction.atomic
def match_claim(*, actor, match: PolicyMatch) -> PolicyMatch:
    """The enterprise asks for a benefit it was found eligible for."""
    match = (
        PolicyMatch.objects.select_for_update()
        .select_related("policy", "enterprise")
        .get(pk=match.pk)
    )
    if not getattr(actor, "is_applicant", False) or actor.enterprise_id != match.enterprise_id:
        raise PermissionDenied("只能申领本企业的政策。")
    if match.status not in OPEN_MATCH:
        raise Conflict(
            f"当前状态为“{match.get_status_display()}”，不能申领。", code="not_claimable"
        )
    if match.policy.auto_grant:
        raise Conflict("该政策免申即享，无需申领，系统将自动兑现。", code="auto_grant")
    before = match.status
    match.claimed_at = timezone.now()
    match_transition(match=match, to=MatchStatus.CLAIMED, actor=actor, note="企业申领", fields=["claimed_at"],
                     now=match.claimed_at)
    audit.record("policy.claim", actor=actor, obj=match, changes={"status": [before, match.status]})
    return match


@transaction.atomic
def match_grant(*, actor, match: PolicyMatch, amount_fen: int | None = None) -> PolicyMatch:
    match = (
        PolicyMatch.objects.select_for_update()
        .select_related("policy__organisation", "enterprise")
        .get(pk=match.pk)
    )
    _check_policy(actor, match.policy, GRANT)  # as get_match_for: the policy's subtree grants
    if match.status not in (MatchStatus.CLAIMED, *OPEN_MATCH):
        raise Conflict(
            f"当前状态为“{match.get_status_display()}”，不能兑现。", code="not_grantable"
        )
    if amount_fen is not None and amount_fen < 0:
        raise ValidationError({"amount": "金额不能为负数。"})
    _grant(
        match,
        actor=actor,
        amount_fen=amount_fen if amount_fen is not None else match.policy.amount_fen,
        now=timezone.now(),
    )
    return match


def remind_days() -> int:
    return int(getattr(settings, "TONGBAN_POLICY_REMIND_DAYS", 10))


def remind_unclaimed(*, today: dt.date | None = None) -> int:
    """应享未享: remind enterprises told about a benefit `remind_days()` ago that did not claim it
    (and again every `remind_days()` until they do or it expires)."""
    today = today or timeutil.today()
    days = remind_days()
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time.max))
    due = PolicyMatch.objects.filter(
        status=MatchStatus.NOTIFIED,
        notified_at__lte=cutoff,
        policy__auto_grant=False,
        policy__status=Policy.Status.PUBLISHED,
    ).filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=cutoff))
    sent = 0
    for match_id in list(due.values_list("id", flat=True)[:5000]):
        with transaction.atomic():
            # Conditional claim: a second worker finds the row already reminded and skips it.
            won = (
                PolicyMatch.objects.filter(pk=match_id, status=MatchStatus.NOTIFIED)
                .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=cutoff))
                .update(reminded_at=timezone.now())
            )
            if not won:
                continue
            match = PolicyMatch.objects.select_related("policy").get(pk=match_id)
            for user in _recipients(match.enterprise_id):
                notify(
                    user,
                    f"应享未享提醒：{match.policy.title}",
                    url=_my_url(),
                    level="warning",
                    sms=True,
                    body=f"贵企业符合该政策已超过 {days} 天尚未申领，请在“我的政策”中申领。",
                )
            sent += 1
    return sent


def next_version_start(policy: Policy) -> dt.date:
    latest = policy.versions.aggregate(m=Max("valid_from"))["m"]
    today = timeutil.today()
    if latest is None or latest < today:
        return today
    return latest + dt.timedelta(days=1)
