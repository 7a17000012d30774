"""Writes to enterprise profiles, their construction projects and the tag vocabulary.

Every write marks the profile `match_dirty`, so the next incremental re-match judges it again
(and only it). The most recent project's use, floor area and region are copied onto the profile
because rules compare them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404

from tongban.accounts.models import Enterprise
from tongban.core import audit
from tongban.core.permissions import require

from .models import (
    BuildingUse,
    ConstructionProject,
    CreditGrade,
    EnterpriseProfile,
    PolicyTag,
    SizeClass,
)
from .permissions import MANAGE, division_prefix, region_q
from .rules.spec import INDUSTRY_RE, REGION_RE

PROFILE_FIELDS = [
    "region_code",
    "industry_code",
    "size_class",
    "registered_capital_fen",
    "annual_revenue_fen",
    "employees",
    "founded_on",
    "credit_grade",
    "tag_bits",
]


def yuan_to_fen(text, label: str) -> int | None:
    """ "1,234.5" yuan → 123450 fen, exactly; more than two decimals is refused, not rounded."""
    if text is None or str(text).strip() == "":
        return None
    try:
        value = Decimal(str(text).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError(f"{label}“{text}”不是有效的金额。") from None
    if not value.is_finite() or value < 0:
        raise ValidationError(f"{label}“{text}”不是有效的金额。")
    fen = value * 100
    if fen != fen.to_integral_value():
        raise ValidationError(f"{label}最多保留两位小数（收到 {text}）。")
    return int(fen)


def m2_to_cm2(text, label: str) -> int | None:
    """ "1,999.99" m² → 199999 (0.01 m² units), exactly."""
    if text is None or str(text).strip() == "":
        return None
    try:
        value = Decimal(str(text).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError(f"{label}“{text}”不是有效的面积。") from None
    if not value.is_finite() or value <= 0:
        raise ValidationError(f"{label}应大于 0（收到 {text}）。")
    units = value * 100
    if units != units.to_integral_value():
        raise ValidationError(f"{label}最多保留两位小数（收到 {text}）。")
    return int(units)


def check_profile(data: dict) -> dict:
    """Validate profile values (already in storage units); return them or raise ValidationError."""
    errors = {}
    region = data.get("region_code") or ""
    if not REGION_RE.match(region):
        errors["region_code"] = "所在行政区划应为 6 位数字代码。"
    industry = (data.get("industry_code") or "").upper()
    if industry and not (INDUSTRY_RE.match(industry) and len(industry) == 5):
        errors["industry_code"] = "行业代码应为 GB/T 4754 小类代码，如 G5920。"
    data["industry_code"] = industry
    if data.get("size_class") and data["size_class"] not in SizeClass.values:
        errors["size_class"] = "企业规模只能是 微型、小型、中型、大型。"
    if data.get("credit_grade") and data["credit_grade"] not in CreditGrade.values:
        errors["credit_grade"] = "信用等级只能是 A、B、C、D。"
    employees = data.get("employees")
    if employees is not None and (not isinstance(employees, int) or employees < 0):
        errors["employees"] = "从业人数应为不小于 0 的整数。"
    founded = data.get("founded_on")
    if founded is not None and founded > dt.date.today() + dt.timedelta(days=1):
        errors["founded_on"] = "成立日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)
    return data


def tag_mask(names: list[str], vocabulary: dict[str, int] | None = None) -> int:
    vocabulary = (
        vocabulary if vocabulary is not None else dict(PolicyTag.objects.values_list("name", "bit"))
    )
    unknown = [n for n in names if n not in vocabulary]
    if unknown:
        raise ValidationError({"tags": f"标签“{'、'.join(unknown)}”不存在，请先在标签管理中添加。"})
    mask = 0
    for name in names:
        mask |= 1 << vocabulary[name]
    return mask


def tag_names(bits: int) -> list[str]:
    return [name for name, bit in PolicyTag.objects.values_list("name", "bit") if bits >> bit & 1]


@transaction.atomic
def tag_create(*, actor, name: str) -> PolicyTag:
    require(actor, MANAGE)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写标签名称。"})
    if PolicyTag.objects.filter(name=name).exists():
        raise ValidationError({"name": f"标签“{name}”已存在。"})
    used = set(PolicyTag.objects.values_list("bit", flat=True))
    free = [b for b in range(63) if b not in used]
    if not free:
        raise ValidationError({"name": "标签数量已达上限（63 个）。"})
    tag = PolicyTag.objects.create(name=name, bit=free[0])
    audit.record("policy.tag_create", actor=actor, obj=tag)
    return tag


def _check_area(actor, profile: EnterpriseProfile) -> None:
    """Staff write the profiles of their own area only (as get_profile_for reads them)."""
    if not EnterpriseProfile.objects.filter(region_q(actor), pk=profile.pk).exists():
        raise Http404("企业画像不存在或不在您的管辖范围内。")


@transaction.atomic
def profile_save(
    *,
    actor,
    enterprise: Enterprise,
    tags: list[str] | None = None,
    source: str = "platform",
    **fields,
) -> EnterpriseProfile:
    """Create or update an enterprise's profile (values in storage units: fen, dates)."""
    if actor is not None:
        require(actor, MANAGE)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(f"不认识的字段：{'、'.join(sorted(unknown))}")
    if tags is not None:
        fields["tag_bits"] = tag_mask(tags)
    profile = EnterpriseProfile.objects.select_for_update().filter(enterprise=enterprise).first()
    if actor is not None and profile is not None:
        _check_area(actor, profile)
    merged = {name: getattr(profile, name) for name in PROFILE_FIELDS} if profile else {}
    merged.update(fields)
    merged.setdefault("region_code", enterprise.division_code)
    check_profile(merged)
    if actor is not None and not actor.is_superuser and not str(merged.get("region_code") or "").startswith(
        division_prefix(actor.organisation.division_code)
    ):
        raise ValidationError({"region_code": "企业所在地不在您的管辖区域内。"})
    if profile is None:
        profile = EnterpriseProfile(enterprise=enterprise, source=source)
        before = {}
    else:
        before = audit.snapshot(profile, PROFILE_FIELDS)
    for name, value in merged.items():
        setattr(
            profile,
            name,
            ""
            if value is None and name in ("size_class", "credit_grade", "industry_code")
            else value,
        )
    profile.match_dirty = True
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        raise ValidationError("画像保存失败：数据与已有记录冲突。") from None
    audit.record(
        "policy.profile_save",
        actor=actor,
        obj=profile,
        changes=audit.diff(profile, before, PROFILE_FIELDS),
    )
    return profile


def _refresh_latest_project(profile: EnterpriseProfile) -> None:
    latest = profile.projects.order_by("-started_on", "-id").first()
    profile.project_use = latest.use if latest else ""
    profile.project_floor_area_cm2 = latest.total_floor_area_cm2 if latest else None
    profile.project_region = latest.region_code if latest else ""
    profile.match_dirty = True
    profile.save(
        update_fields=[
            "project_use",
            "project_floor_area_cm2",
            "project_region",
            "match_dirty",
            "updated_at",
        ]
    )


@transaction.atomic
def project_add(
    *,
    actor,
    profile: EnterpriseProfile,
    name: str,
    use: str,
    total_floor_area_cm2: int,
    region_code: str,
    started_on: dt.date | None = None,
    completed_on: dt.date | None = None,
) -> ConstructionProject:
    if actor is not None:
        if getattr(actor, "is_applicant", False):
            # An enterprise adds projects to its own profile only.
            if actor.enterprise_id is None or actor.enterprise_id != profile.enterprise_id:
                raise PermissionDenied("只能为本企业添加建设项目。")
        else:
            require(actor, MANAGE)
            _check_area(actor, profile)
    errors = {}
    if not name.strip():
        errors["name"] = "请填写项目名称。"
    if use not in BuildingUse.values:
        errors["use"] = "请选择建筑用途。"
    if not isinstance(total_floor_area_cm2, int) or total_floor_area_cm2 <= 0:
        errors["total_floor_area"] = "总建筑面积应大于 0。"
    if not REGION_RE.match(region_code or ""):
        errors["region_code"] = "项目所在地应为 6 位行政区划代码。"
    if started_on and completed_on and completed_on < started_on:
        errors["completed_on"] = "竣工日期不能早于开工日期。"
    if errors:
        raise ValidationError(errors)
    profile = EnterpriseProfile.objects.select_for_update().get(pk=profile.pk)
    project = ConstructionProject.objects.create(
        profile=profile,
        name=name.strip(),
        use=use,
        total_floor_area_cm2=total_floor_area_cm2,
        region_code=region_code,
        started_on=started_on,
        completed_on=completed_on,
    )
    _refresh_latest_project(profile)
    audit.record(
        "policy.project_add",
        actor=actor,
        obj=project,
        changes={
            "enterprise": profile.enterprise_id,
            "use": use,
            "total_floor_area_cm2": total_floor_area_cm2,
        },
    )
    return project


def profile_stats() -> dict:
    agg = EnterpriseProfile.objects.aggregate(updated=Max("updated_at"))
    return {
        "count": EnterpriseProfile.objects.count(),
        "updated": agg["updated"],
        "dirty": EnterpriseProfile.objects.filter(match_dirty=True).count(),
    }


@transaction.atomic
def profiles_from_platform(*, actor) -> int:
    """Give every enterprise registered on the platform (accounts, applications) a profile, with
    what the platform already knows: its administrative division. Staff or an import add the rest."""
    require(actor, MANAGE)
    missing = Enterprise.objects.filter(profile__isnull=True).values_list(
        "id", "division_code", "uscc"
    )
    rows = [
        EnterpriseProfile(enterprise_id=pk, region_code=division or uscc[2:8], source="platform")
        for pk, division, uscc in missing.iterator(chunk_size=5000)
        if REGION_RE.match(division or uscc[2:8])
    ]
    EnterpriseProfile.objects.bulk_create(rows, batch_size=1000)
    audit.record("policy.profiles_from_platform", actor=actor, changes={"created": len(rows)})
    return len(rows)
