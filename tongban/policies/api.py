"""Policies API: published policies and the fee calculator are public; matches and explanations
for an enterprise are for staff of its area and for the enterprise itself."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import paginate

from tongban.core import timeutil
from tongban.core.pagination import PageNumberPagination
from tongban.core.permissions import has_perm

from . import fees, selectors
from .models import EnterpriseProfile, FeeRuleSet, FeeSchedule, Policy
from .permissions import VIEW, region_q

router = Router(tags=["免申即享"])


class PolicySummary(Schema):
    id: int
    title: str
    organisation: str
    document_number: str
    benefit_type: str
    auto_grant: bool
    amount_yuan: str | None
    amount_text: str

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_amount_yuan(obj) -> str | None:
        # Exact: fen to a yuan string without passing through float.
        return (
            None
            if obj.amount_fen is None
            else f"{obj.amount_fen // 100}.{obj.amount_fen % 100:02d}"
        )


class VersionOut(Schema):
    number: int
    valid_from: dt.date
    valid_to: dt.date | None
    condition: dict
    conditions_text: list[str]


class PolicyDetail(PolicySummary):
    legal_basis: str
    summary: str
    fee_code: str
    reduction_percent: int | None
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj) -> list[dict]:
        return [
            {
                "number": v.number,
                "valid_from": v.valid_from,
                "valid_to": v.valid_to,
                "condition": v.condition,
                "conditions_text": _leaves_text(v.condition),
            }
            for v in obj.versions.order_by("-number")
        ]


def _published(pk: int) -> Policy:
    policy = (
        Policy.objects.select_related("organisation")
        .filter(pk=pk, status=Policy.Status.PUBLISHED)
        .first()
    )
    if policy is None:
        raise Http404("政策不存在或未发布。")
    return policy


@router.get(
    "/",
    response=list[PolicySummary],
    auth=None,
    operation_id="policy_list",
    url_name="policy_list",
    summary="已发布的惠企政策",
    description="无需登录。",
)
@paginate(PageNumberPagination, page_size=50)
def policy_list(request, q: str = ""):
    qs = selectors.published_policies()
    if q:
        qs = qs.filter(title__icontains=q[:100])
    return qs


def _leaves_text(tree: dict) -> list[str]:
    from .views_public import rule_text

    return rule_text(tree)


@router.get(
    "/{int:pk}",
    response=PolicyDetail,
    auth=None,
    operation_id="policy_get",
    url_name="policy_get",
    summary="政策详情（含各版本适用条件）",
    description="无需登录。",
)
def policy_get(request, pk: int):
    return _published(pk)


def _profile_for(request, uscc: str) -> EnterpriseProfile:
    user = request.user
    qs = EnterpriseProfile.objects.select_related("enterprise").filter(
        enterprise__uscc=uscc.upper()
    )
    if getattr(user, "is_staff_member", False) or user.is_superuser:
        if not has_perm(user, VIEW):
            raise PermissionDenied("您没有查看企业画像的权限。")
        qs = qs.filter(region_q(user))
    elif getattr(user, "enterprise_id", None):
        qs = qs.filter(enterprise_id=user.enterprise_id)
    else:
        qs = qs.none()
    profile = qs.first()
    if profile is None:
        raise Http404("企业画像不存在或不在您的管辖范围内。")
    return profile


class MatchOut(Schema):
    policy_id: int
    title: str
    eligible: bool
    status: str | None
    summary: str


@router.get(
    "/enterprises/{uscc}/matches",
    response=list[MatchOut],
    operation_id="policy_match_enterprise",
    url_name="policy_match_enterprise",
    summary="某企业对各项政策的符合情况与匹配状态",
)
def policy_match_enterprise(request, uscc: str):
    profile = _profile_for(request, uscc)
    matches = {m.policy_id: m for m in selectors.matches_of_enterprise(profile.enterprise_id)}
    out = []
    for v in selectors.explain_all(profile):
        match = matches.get(v["policy"].pk)
        out.append(
            {
                "policy_id": v["policy"].pk,
                "title": v["policy"].title,
                "eligible": v["step"].passed,
                "status": match.status if match else None,
                "summary": v["summary"],
            }
        )
    return out


class ExplainOut(Schema):
    policy_id: int
    version: int | None
    on: dt.date
    eligible: bool
    summary: str
    conditions: dict | None


@router.get(
    "/{int:pk}/explain",
    response=ExplainOut,
    operation_id="policy_explain",
    url_name="policy_explain",
    summary="逐条解释企业是否符合政策条件",
)
def policy_explain(request, pk: int, uscc: str, on: dt.date | None = None):
    policy = _published(pk)
    profile = _profile_for(request, uscc)
    day = on or timeutil.today()
    result = selectors.explain_for(policy, profile, day)
    step = result["step"]
    return {
        "policy_id": policy.pk,
        "version": result["version"].number if result["version"] else None,
        "on": day,
        "eligible": bool(step and step.passed),
        "summary": result["summary"],
        "conditions": step.as_dict() if step else None,
    }


class FeeIn(Schema):
    fee: str = "RF-YDJSF"
    region_code: str
    building_use: str
    total_floor_area: str
    land_type: str = ""  # omitted: inferred from the building use (物流/仓储 → 物流仓储用地)
    category: str = ""  # a relief category (幼儿园, 学校教学楼 …), or none
    on: dt.date | None = None  # the rules in force on this day; today by default


class FactorOut(Schema):
    kind: str
    code: str
    label: str
    land_type: str
    building_use: str
    category: str
    below_total_area_m2: str | None
    ratio_percent: str | None
    price_yuan_per_m2: str | None
    percent: int | None
    automatic: bool
    document: str
    article: str

    @staticmethod
    def resolve_below_total_area_m2(obj) -> str | None:
        return None if obj.below_total_area_cm2 is None else f"{obj.below_total_area_cm2 / 100:.2f}"

    @staticmethod
    def resolve_ratio_percent(obj) -> str | None:
        return None if obj.ratio_permille is None else f"{obj.ratio_permille / 10:g}"

    @staticmethod
    def resolve_price_yuan_per_m2(obj) -> str | None:
        return None if obj.price_fen_per_m2 is None else f"{obj.price_fen_per_m2 / 100:.2f}"


class RuleSetOut(Schema):
    id: int
    fee: str
    region_code: str
    version: int
    title: str
    valid_from: dt.date
    valid_to: dt.date | None
    basis: str
    factors: list[FactorOut]

    @staticmethod
    def resolve_fee(obj) -> str:
        return obj.schedule.code

    @staticmethod
    def resolve_factors(obj):
        return list(obj.factors.all())


@router.get(
    "/fees/rules",
    response=list[RuleSetOut],
    auth=None,
    operation_id="fee_rules_list",
    url_name="fee_rules_list",
    summary="收费规则集（按地区、按版本）",
    description="各地区收费规则集及其要素（应建比例、收费标准、减免），每项注明依据文件和条款。"
    "给出 region_code 时只列该地区（含所属市、省）；给出 on 时只列当日施行的版本。无需登录。",
)
def fee_rules_list(request, fee: str = "RF-YDJSF", region_code: str = "", on: dt.date | None = None):
    schedule = FeeSchedule.objects.filter(code=fee).first()
    if schedule is None:
        raise Http404("收费项目不存在。")
    if region_code and not fees.REGION_RE.match(region_code):
        raise ValidationError({"region_code": "行政区划代码应为 6 位数字。"})
    if on is not None and region_code:
        return fees.rule_sets_for(schedule, region_code, on)
    qs = FeeRuleSet.objects.filter(schedule=schedule).select_related("schedule").prefetch_related("factors")
    if region_code:
        qs = qs.filter(region_code__in=fees.region_chain(region_code))
    if on is not None:
        qs = qs.filter(valid_from__lte=on).exclude(valid_to__lt=on)
    return list(qs.order_by("region_code", "version"))


@router.post(
    "/fees/calculate",
    response=dict,
    auth=None,
    operation_id="fee_calculate",
    url_name="fee_calculate",
    summary="收费计算（含减免政策判断）",
    description="如防空地下室易地建设费：按地面总建筑面积、建筑用途和所在地计算，逐步列出公式、费率来源和依据。面积以字符串传入，最多两位小数。无需登录。",
)
def fee_calculate(request, payload: FeeIn):
    schedule = FeeSchedule.objects.filter(code=payload.fee).first()
    if schedule is None:
        raise Http404("收费项目不存在。")
    result = fees.calculate(
        schedule=schedule,
        region_code=payload.region_code,
        building_use=payload.building_use,
        total_floor_area=payload.total_floor_area,
        land_type=payload.land_type,
        category=payload.category,
        on=payload.on,
    )
    return result.as_dict()
