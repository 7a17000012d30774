"""Fee calculators: a fee item's formula from configured data, shown step by step.

For the civil air defence relocation construction fee (防空地下室易地建设费):

    required shelter area = total floor area × the share for the building use (‰)
    fee before reductions = required shelter area × the rate for the region and use
    reductions            = published policies tied to the fee whose rule the project meets

All arithmetic is Decimal on exact inputs (areas to 0.01 m², money to the fen), rounded half-up
once per step and shown as such, so the 1,999.99 / 2,000 / 2,000.01 m² boundary of the
logistics/warehouse exemption is decided exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q

from tongban.core import timeutil

from .models import BuildingUse, FeeRate, FeeSchedule, Policy, ShelterRule
from .profiles import m2_to_cm2
from .rules import explain as ex
from .rules.regions import region_label
from .rules.spec import REGION_RE
from .rules.vector import region_span

CENT = Decimal("0.01")


@dataclass
class FeeStep:
    title: str
    formula: str
    result: str
    source: str = ""


@dataclass
class Reduction:
    policy: Policy
    applies: bool
    percent: int
    explanation: ex.Step
    summary: str


@dataclass
class FeeResult:
    schedule: FeeSchedule
    steps: list[FeeStep] = field(default_factory=list)
    reductions: list[Reduction] = field(default_factory=list)
    base_fen: int = 0
    payable_fen: int = 0
    applied: Reduction | None = None

    @property
    def payable_yuan(self) -> Decimal:
        return Decimal(self.payable_fen) / 100

    def as_dict(self) -> dict:
        return {
            "fee": self.schedule.name,
            "legal_basis": self.schedule.legal_basis,
            "base_yuan": f"{Decimal(self.base_fen) / 100:.2f}",
            "payable_yuan": f"{self.payable_yuan:.2f}",
            "steps": [s.__dict__ for s in self.steps],
            "reductions": [
                {
                    "policy_id": r.policy.pk,
                    "title": r.policy.title,
                    "document_number": r.policy.document_number,
                    "applies": r.applies,
                    "percent": r.percent,
                    "summary": r.summary,
                    "conditions": r.explanation.as_dict(),
                }
                for r in self.reductions
            ],
            "applied_policy_id": self.applied.policy.pk if self.applied else None,
        }


def yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f} 元"


def m2(cm2: int) -> str:
    return ex.fmt_fixed("area", cm2)


def _rate(schedule: FeeSchedule, region: str, use: str, on: dt.date) -> FeeRate | None:
    """The most specific rate: the region itself before its city before its province, and a rate
    for the building use before one for all uses; the latest in force on `on`."""
    candidates = [
        r
        for r in schedule.rates.filter(valid_from__lte=on).filter(
            Q(building_use=use) | Q(building_use="")
        )
        if region_span(int(r.region_code))[0] <= int(region) <= region_span(int(r.region_code))[1]
    ]

    def specificity(r: FeeRate):
        lo, hi = region_span(int(r.region_code))
        return (-(hi - lo), r.building_use == use, r.valid_from)

    return max(candidates, key=specificity, default=None)


def _shelter_rule(schedule: FeeSchedule, use: str) -> ShelterRule | None:
    return (
        schedule.shelter_rules.filter(building_use=use).first()
        or schedule.shelter_rules.filter(building_use="").first()
    )


def calculate(
    *,
    schedule: FeeSchedule,
    region_code: str,
    building_use: str,
    total_floor_area,
    on: dt.date | None = None,
) -> FeeResult:
    on = on or timeutil.today()
    errors = {}
    if not REGION_RE.match(region_code or ""):
        errors["region_code"] = "请选择项目所在地（6 位行政区划代码）。"
    if building_use not in BuildingUse.values:
        errors["building_use"] = "请选择建筑用途。"
    try:
        area_cm2 = m2_to_cm2(total_floor_area, "总建筑面积")
        if area_cm2 is None:
            errors["total_floor_area"] = "请填写总建筑面积。"
    except ValidationError as exc:
        errors["total_floor_area"] = "；".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    result = FeeResult(schedule=schedule)
    use_label = BuildingUse(building_use).label
    result.steps.append(
        FeeStep(
            "项目信息", f"{region_label(region_code)}，{use_label}", f"总建筑面积 {m2(area_cm2)}"
        )
    )
    rule = _shelter_rule(schedule, building_use)
    if rule is None:
        raise ValidationError(
            {"building_use": f"尚未配置“{use_label}”的应建防空地下室面积规则，请联系人防主管部门。"}
        )
    shelter = (Decimal(area_cm2) / 100 * rule.ratio_permille / 1000).quantize(CENT, ROUND_HALF_UP)
    shelter_cm2 = int(shelter * 100)
    result.steps.append(
        FeeStep(
            "应建防空地下室面积",
            f"{m2(area_cm2)} × {Decimal(rule.ratio_permille) / 10}%（四舍五入至 0.01 m²）",
            m2(shelter_cm2),
            rule.basis,
        )
    )
    rate = _rate(schedule, region_code, building_use, on)
    if rate is None:
        raise ValidationError(
            {"region_code": f"{region_label(region_code)}尚未配置{schedule.name}收费标准。"}
        )
    base = (shelter * Decimal(rate.rate_fen_per_m2) / 100).quantize(CENT, ROUND_HALF_UP)
    result.base_fen = int(base * 100)
    result.steps.append(
        FeeStep(
            "减免前应缴",
            f"{m2(shelter_cm2)} × {yuan(rate.rate_fen_per_m2)}/m²（{region_label(rate.region_code)}，"
            f"{BuildingUse(rate.building_use).label if rate.building_use else '各类用途'}，{rate.valid_from} 起执行）",
            yuan(result.base_fen),
            rate.source,
        )
    )
    record = {
        "project_use": building_use,
        "project_floor_area": area_cm2,
        "project_region": region_code,
        "region_code": region_code,
    }
    policies = Policy.objects.filter(
        fee_code=schedule.code, status=Policy.Status.PUBLISHED
    ).order_by("pk")
    from .columns import tag_bits
    from .services import version_in_force

    bits = tag_bits()
    for policy in policies:
        version = version_in_force(policy, on)
        if version is None:
            continue
        step = ex.explain(version.condition, record, today=on, tag_bits=bits)
        percent = policy.reduction_percent if policy.reduction_percent is not None else 100
        result.reductions.append(
            Reduction(policy, step.passed, percent, step, ex.summary(step).replace("您", "该项目"))
        )
    applicable = [r for r in result.reductions if r.applies]
    result.payable_fen = result.base_fen
    if applicable:
        best = max(
            applicable, key=lambda r: r.percent
        )  # reductions don't stack: the largest applies
        result.applied = best
        cut = (Decimal(result.base_fen) * best.percent / 100).quantize(Decimal(1), ROUND_HALF_UP)
        result.payable_fen = result.base_fen - int(cut)
        label = "免收" if best.percent == 100 else f"减收 {best.percent}%"
        result.steps.append(
            FeeStep(
                "减免",
                f"{best.policy.title}：{label}",
                f"减免 {yuan(int(cut))}",
                best.policy.legal_basis
                if best.policy.document_number in best.policy.legal_basis
                else f"{best.policy.document_number} {best.policy.legal_basis}".strip(),
            )
        )
    else:
        result.steps.append(FeeStep("减免", "不符合任何减免政策的条件", "减免 0.00 元"))
    result.steps.append(
        FeeStep("应缴金额", "减免前应缴 − 减免", yuan(result.payable_fen), schedule.legal_basis)
    )
    return result
