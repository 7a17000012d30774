"""Routing rules, handling limits, duplicate detection and the anonymous rate limit."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from tongban.accounts.models import Organisation

from . import divisions, segment
from .models import Appeal, Category, HandlingLimit, Kind, RoutingRule, Status, Throttle

# Working days from receipt, when an administrator has not configured a kind.
DEFAULT_LIMITS = {
    Kind.COMPLAINT: 10,
    Kind.CONSULTATION: 3,
    Kind.SUGGESTION: 15,
    Kind.HELP: 5,
    Kind.PRAISE: 5,
}
DEFAULT_REOPEN_DAYS = 5


def limit_days(kind: str, *, reopen: bool = False) -> int:
    row = HandlingLimit.objects.filter(kind=kind).first()
    if row is not None:
        return row.reopen_days if reopen else row.days
    return DEFAULT_REOPEN_DAYS if reopen else DEFAULT_LIMITS.get(kind, 10)


@dataclass
class Route:
    organisation: Organisation
    category: Category | None
    rule: RoutingRule | None
    why: str


def _text_matches(rule: RoutingRule, text: str) -> bool:
    words = rule.keyword_list()
    return not words or any(w.lower() in text for w in words)


def _rule_for(*, kind: str, text: str, item, division_code: str, category) -> RoutingRule | None:
    rules = RoutingRule.objects.filter(is_active=True).select_related("organisation", "category", "item")
    for rule in rules:
        if rule.kind_list() and kind not in rule.kind_list():
            continue
        if rule.item_id and (item is None or item.pk != rule.item_id):
            continue
        if rule.division_prefix and not (division_code or "").startswith(rule.division_prefix):
            continue
        # Choosing the rule's category counts as naming one of its keywords.
        chose = category is not None and rule.category_id == category.pk
        if not (chose or _text_matches(rule, text)):
            continue
        return rule
    return None


def route(*, kind: str, title: str, content: str, item=None, division_code: str = "", category=None) -> Route:
    """Where an appeal goes. The first matching rule (by priority) names the kind of unit; the
    place names the agency: the lowest office of the place (county, else city, else province)
    that has staff who may handle appeals, and within it the rule's counterpart department.
    An appeal about a service item stays with the item's agency. Without a rule: the item's
    organisation, the office of the place, or the root agency. Always proposes somebody, so
    nothing goes unanswered."""
    text = f"{title}\n{content}".lower()
    rule = _rule_for(kind=kind, text=text, item=item, division_code=division_code, category=category)
    place = divisions.get(division_code) if item is None else None
    if place is not None:
        tree = rule.organisation.path.split("/", 1)[0] + "/" if rule is not None else ""
        agency, staffed = place_agency(place.code, tree=tree)
        if agency is not None and (staffed or rule is None):
            where = divisions.full_name(place.code)
            if rule is not None:
                return Route(counterpart(rule.organisation, agency), category or rule.category, rule,
                             f"分办规则“{rule.name}”，所在地 {where}")
            why = "所在地有承办人员的最低一级机构" if staffed else "所在地主管机构（暂无承办人员）"
            return Route(agency, category, None, f"{why}：{where}")
    if rule is not None:
        return Route(rule.organisation, category or rule.category, rule, f"分办规则“{rule.name}”")
    if item is not None:
        return Route(item.organisation, category, None, "所涉事项的实施机构")
    root = Organisation.objects.filter(parent__isnull=True, kind=Organisation.Kind.AGENCY, is_active=True).order_by("id").first()
    if root is None:
        root = Organisation.objects.filter(is_active=True).order_by("depth", "id").first()
    if root is None:
        from django.core.exceptions import ValidationError

        raise ValidationError("平台尚未配置受理机构，暂不能受理诉求，请拨打 12345 热线。")
    return Route(root, category, None, "未命中规则，交由上级机构首问受理")


def home_province() -> str:
    """The province of the platform's root agency (the one its place pickers list first)."""
    root = (Organisation.objects.filter(parent__isnull=True, kind=Organisation.Kind.AGENCY, is_active=True)
            .order_by("id").only("division_code").first())
    top = divisions.chain(root.division_code)[-1:] if root is not None else []
    return top[0].code if top else ""


def place_agency(code: str, *, tree: str = "") -> tuple[Organisation | None, bool]:
    """The office responsible for a place: of the active agencies whose division is the place or
    one above it (within the organisation tree `tree`, a path prefix, when given), the lowest one
    with handlers. (agency, True) then; (the highest of them, False) when none has handlers;
    (None, False) when the platform has no office there."""
    codes = [d.code for d in divisions.chain(code)]
    agencies = Organisation.objects.filter(kind=Organisation.Kind.AGENCY, is_active=True, division_code__in=codes)
    if tree:
        agencies = agencies.filter(path__startswith=tree)
    # Lowest division first; at one division, the agency nearest the tree's root.
    ranked = sorted(agencies, key=lambda a: (codes.index(a.division_code), a.depth, a.path))
    if not ranked:
        return None, False
    staffed = staffed_agencies(ranked)
    for agency in ranked:
        if agency.pk in staffed:
            return agency, True
    return ranked[-1], False


def handler_roles() -> list[str]:
    """The roles that carry the permission to handle appeals (an administrator's does not)."""
    from tongban.core.permissions import ROLE_PERMISSIONS

    return sorted(role for role, perms in ROLE_PERMISSIONS.items() if "appeals.handle" in perms)


def staffed_agencies(agencies) -> set[int]:
    """Of these agencies, the ids of those with an active member of staff (in the agency itself
    or one of its departments or units, not in an agency below it) holding a handling role."""
    from tongban.accounts.models import User

    agencies = list(agencies)
    if not agencies:
        return set()
    within = Q(pk__in=[])
    for agency in agencies:
        within |= Q(organisation__path__startswith=agency.path)
    paths = set(
        User.objects.filter(within, is_active=True, kind=User.Kind.STAFF, roles__role__in=handler_roles())
        .values_list("organisation__path", flat=True)
    )
    ancestor_ids = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    agency_ids = set(
        Organisation.objects.filter(pk__in=ancestor_ids, kind=Organisation.Kind.AGENCY).values_list("pk", flat=True)
    )
    staffed = set()
    for path in paths:
        ids = [int(part) for part in path.strip("/").split("/") if part]
        own = next((i for i in reversed(ids) if i in agency_ids), None)  # the staff member's agency
        if own is not None:
            staffed.add(own)
    return staffed & {a.pk for a in agencies}


def counterpart(unit: Organisation, agency: Organisation) -> Organisation:
    """The rule's unit as found in `agency`: the unit itself if it belongs there, else the
    agency's active department or unit of the same kind and name (every city has a 人防工程质量
    监督站), else the agency itself."""
    if unit.kind == Organisation.Kind.AGENCY or unit.agency().pk == agency.pk:
        return agency if unit.kind == Organisation.Kind.AGENCY else unit
    twins = Organisation.objects.filter(
        path__startswith=agency.path, kind=unit.kind, name=unit.name, is_active=True
    ).order_by("depth", "path")
    for twin in twins:
        if twin.agency().pk == agency.pk:
            return twin
    return agency


# --- duplicates ---------------------------------------------------------------------------------


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' word sets (segmented by jieba)."""
    sa, sb = set(segment.words(a)), set(segment.words(b))
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def find_duplicate(*, requester, phone: str, title: str, content: str, now: dt.datetime,
                   exclude_pk: int | None = None) -> Appeal | None:
    """An earlier appeal of the same requester (account or phone), within the window, whose text
    is similar: flagged for staff to merge, never merged automatically."""
    window = dt.timedelta(days=getattr(settings, "TONGBAN_APPEALS_DUPLICATE_DAYS", 7))
    threshold = getattr(settings, "TONGBAN_APPEALS_DUPLICATE_SIMILARITY", 0.5)
    who = Q(pk__in=[])
    if requester is not None and getattr(requester, "pk", None):
        who |= Q(requester=requester)
    if phone:
        who |= Q(requester_phone=phone)
    candidates = (
        Appeal.objects.filter(who, submitted_at__gte=now - window)
        .exclude(status=Status.MERGED).exclude(pk=exclude_pk).order_by("-submitted_at")[:20]
    )
    text = f"{title} {content}"
    best, best_score = None, threshold
    for other in candidates:
        score = similarity(text, f"{other.title} {other.content}")
        if score >= best_score:
            best, best_score = other, score
    return best


# --- rate limit for anonymous submissions -----------------------------------------------------


class RateLimited(Exception):
    """Too many anonymous submissions: HTTP 429 with a Chinese message."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _hash(kind: str, value: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{kind}:{value}".encode()).hexdigest()[:40]
    return f"{kind}:{digest}"


def limits() -> list[tuple[str, int, int]]:
    """(key kind, most submissions, window seconds); configurable in settings."""
    return getattr(settings, "TONGBAN_APPEALS_ANON_LIMITS", [("ip", 5, 3600), ("phone", 3, 86400)])


def throttle_keys(*, ip: str | None, phone: str) -> dict[str, str]:
    keys = {}
    if ip:
        keys["ip"] = _hash("ip", ip)
    if phone:
        keys["phone"] = _hash("phone", phone)
    return keys


def throttle_check(keys: dict[str, str], now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    for kind, most, seconds in limits():
        key = keys.get(kind)
        if key is None:
            continue
        since = now - dt.timedelta(seconds=seconds)
        recent = list(Throttle.objects.filter(key=key, at__gte=since).order_by("at").values_list("at", flat=True)[:most])
        if len(recent) >= most:
            retry = int((recent[0] + dt.timedelta(seconds=seconds) - now).total_seconds()) + 1
            label = "同一网络地址" if kind == "ip" else "同一手机号"
            raise RateLimited(
                f"{label}提交过于频繁（{seconds // 3600 or 1} 小时内最多 {most} 件），请稍后再试，"
                "或登录后提交；紧急事项请拨打 12345 热线。",
                max(retry, 1),
            )


def throttle_record(keys: dict[str, str], now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    Throttle.objects.bulk_create([Throttle(key=k, at=now) for k in keys.values()])


def throttle_purge(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    longest = max((s for _k, _m, s in limits()), default=86400)
    return Throttle.objects.filter(at__lt=now - dt.timedelta(seconds=longest)).delete()[0]
