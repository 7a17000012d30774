"""Fee calculators from versioned rule sets per region, shown step by step with reasons and codes.

For the civil air defence relocation construction fee (防空地下室易地建设费):

    required shelter area (per building) = above-ground area × the ratio for its land type and use
    area to pay for (per building)       = required − the air-defence basement area built (a
                                           building's own basement first, any surplus to the
                                           others in order; never below zero)
    fee before relief                    = Σ area to pay for × the unit price for region and use
    relief                               = reliefs whose rule the project meets: a building-category
                                           relief covers that building's share, a project relief the
                                           whole; on one building or on the project they don't
                                           stack (the largest applies)

The rules are `FeeRuleSet` versions for the project's county, city and province; the version in
force on the calculation date is used and named in the result, so a stored result stays
explainable after the rules change. A relief marked `automatic` (免申即享) applies without an
application; any other applies only when an officer enters it, and only if a rule in force
provides it and the project meets its conditions.

All arithmetic is Decimal on exact inputs (areas to 0.01 m², money to the fen), rounded half-up
once per step and shown as such, so the 1,999.99 / 2,000 / 2,000.01 m² boundary of the Henan
logistics/warehouse rule (豫人防〔2021〕56号) is decided exactly.

The engine lives in policies, not in works: the platform design gives policies the fee
calculators and 免申即享; the public calculator and the `fee_calculate` API are here; and the
layers let works (and cases) import it, never the other way round.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

from tongban.core import timeutil

from .models import BuildingUse, FeeFactor, FeeRuleSet, FeeSchedule, LandType, ReliefCategory
from .profiles import m2_to_cm2
from .rules import explain as ex
from .rules.regions import region_label
from .rules.spec import REGION_RE

CENT = Decimal("0.01")
RELOCATION_FEE = "RF-YDJSF"


@dataclass
class BuildingInput:
    """One building (单体) as the fee rules see it; areas in 0.01 m²."""

    name: str
    use: str
    above_cm2: int
    below_cm2: int = 0
    basement_cm2: int = 0  # air-defence basement (防空地下室) built under it
    category: str = ""  # a ReliefCategory, or ""


@dataclass
class FeeStep:
    title: str
    formula: str
    result: str
    source: str = ""
    code: str = ""


@dataclass(eq=False)  # identity: the same relief may cover several buildings
class Relief:
    factor: FeeFactor
    applies: bool  # the project meets the rule's conditions
    reason: str
    applied: bool = False  # counted in the result (automatic, or entered by an officer)
    amount_fen: int = 0
    buildings: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.factor.code

    @property
    def percent(self) -> int:
        return self.factor.percent or 0

    @property
    def automatic(self) -> bool:
        return self.factor.automatic

    @property
    def summary(self) -> str:
        return self.reason


@dataclass
class FeeResult:
    schedule: FeeSchedule
    on: dt.date
    rule_sets: list[FeeRuleSet] = field(default_factory=list)
    steps: list[FeeStep] = field(default_factory=list)
    reductions: list[Relief] = field(default_factory=list)
    base_fen: int = 0
    relief_fen: int = 0
    payable_fen: int = 0
    required_cm2: int = 0
    shortfall_cm2: int = 0

    @property
    def payable_yuan(self) -> Decimal:
        return Decimal(self.payable_fen) / 100

    @property
    def applied(self) -> list[Relief]:
        return [r for r in self.reductions if r.applied]

    @property
    def applied_codes(self) -> list[str]:
        return [r.code for r in self.applied]

    @property
    def rule_version(self) -> str:
        """The versions used, as stored with a case: "410100 v1; 410000 v2"."""
        return "; ".join(f"{s.region_code} v{s.version}" for s in self.rule_sets)

    def relief(self, code: str) -> Relief | None:
        return next((r for r in self.reductions if r.code == code), None)

    def as_dict(self) -> dict:
        return {
            "fee": self.schedule.name,
            "legal_basis": self.schedule.legal_basis,
            "on": self.on.isoformat(),
            "rule_sets": [
                {
                    "id": s.pk,
                    "region_code": s.region_code,
                    "title": s.title,
                    "version": s.version,
                    "valid_from": s.valid_from.isoformat(),
                }
                for s in self.rule_sets
            ],
            "rule_version": self.rule_version,
            "required_m2": f"{Decimal(self.required_cm2) / 100:.2f}",
            "shortfall_m2": f"{Decimal(self.shortfall_cm2) / 100:.2f}",
            "base_yuan": f"{Decimal(self.base_fen) / 100:.2f}",
            "relief_yuan": f"{Decimal(self.relief_fen) / 100:.2f}",
            "payable_yuan": f"{self.payable_yuan:.2f}",
            "steps": [s.__dict__ for s in self.steps],
            "reductions": [
                {
                    "code": r.code,
                    "title": r.factor.label,
                    "document_number": r.factor.document,
                    "source": r.factor.citation,
                    "applies": r.applies,
                    "applied": r.applied,
                    "automatic": r.automatic,
                    "percent": r.percent,
                    "amount_yuan": f"{Decimal(r.amount_fen) / 100:.2f}",
                    "summary": r.reason,
                }
                for r in self.reductions
            ],
            "applied_codes": self.applied_codes,
        }


def yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f} 元"


def m2(cm2: int) -> str:
    return ex.fmt_fixed("area", cm2)


def percent_text(permille: int) -> str:
    return f"{ex.fmt_decimal(Decimal(permille) / 10)}%"


# --- rule lookup ------------------------------------------------------------------------------


def region_chain(region: str) -> list[str]:
    """The county, its city and its province, most specific first."""
    return list(dict.fromkeys([region, region[:4] + "00", region[:2] + "0000"]))


def rule_sets_for(schedule: FeeSchedule, region: str, on: dt.date) -> list[FeeRuleSet]:
    """The version in force on `on` of each level's rule set, most specific level first."""
    chain = region_chain(region)
    in_force = (
        FeeRuleSet.objects.filter(schedule=schedule, region_code__in=chain, valid_from__lte=on)
        .exclude(valid_to__lt=on)
        .select_related("schedule")
        .prefetch_related("factors")
        .order_by("-version")
    )
    best: dict[str, FeeRuleSet] = {}
    for rule_set in in_force:
        best.setdefault(rule_set.region_code, rule_set)
    return [best[code] for code in chain if code in best]


def _factors(rule_sets: Sequence[FeeRuleSet], kind: str) -> list[FeeFactor]:
    """Ratios and prices: those of the most specific level that defines any."""
    for rule_set in rule_sets:
        found = [f for f in rule_set.factors.all() if f.kind == kind]
        if found:
            return found
    return []


def _match(factors: Iterable[FeeFactor], land: str, use: str) -> FeeFactor | None:
    fitting = [
        f for f in factors if f.land_type in ("", land) and f.building_use in ("", use)
    ]
    return max(
        fitting, key=lambda f: (bool(f.land_type), bool(f.building_use), -f.order), default=None
    )


def reliefs_in_force(rule_sets: Sequence[FeeRuleSet]) -> dict[str, FeeFactor]:
    """Every relief of every level; a more specific level's factor wins over one of the same code."""
    out: dict[str, FeeFactor] = {}
    for rule_set in rule_sets:
        for f in rule_set.factors.all():
            if f.kind == FeeFactor.Kind.RELIEF:
                out.setdefault(f.code, f)
    return dict(sorted(out.items(), key=lambda kv: (kv[1].order, kv[0])))


# --- input checks -----------------------------------------------------------------------------


def check_region_and_land(region_code: str, land_type: str) -> dict:
    errors = {}
    if not REGION_RE.match(region_code or ""):
        errors["region_code"] = "请选择项目所在地（6 位行政区划代码）。"
    if land_type not in LandType.values:
        errors["land_type"] = "请选择项目用地类型。"
    return errors


def default_land_type(use: str) -> str:
    """Without a stated land type, a logistics or warehouse building is taken to stand on
    物流仓储用地 and an industrial one on 工业用地 (the old calculator's single-use behaviour)."""
    return {
        BuildingUse.LOGISTICS: LandType.LOGISTICS_WAREHOUSE,
        BuildingUse.WAREHOUSE: LandType.LOGISTICS_WAREHOUSE,
        BuildingUse.INDUSTRIAL: LandType.INDUSTRIAL,
        BuildingUse.COMMERCIAL: LandType.COMMERCIAL,
        BuildingUse.PUBLIC: LandType.PUBLIC,
        BuildingUse.RESIDENTIAL: LandType.RESIDENTIAL,
    }.get(use, LandType.OTHER)


# --- the calculation --------------------------------------------------------------------------


def calculate(
    *,
    schedule: FeeSchedule,
    region_code: str,
    building_use: str,
    total_floor_area,
    on: dt.date | None = None,
    land_type: str = "",
    category: str = "",
    claimed: Iterable[str] = (),
) -> FeeResult:
    """One building with no basement, its area given as text (the public calculator, the API)."""
    errors = {}
    if building_use not in BuildingUse.values:
        errors["building_use"] = "请选择建筑用途。"
    if category and category not in ReliefCategory.values:
        errors["category"] = "建筑类别不在可选范围内。"
    area_cm2 = None
    try:
        area_cm2 = m2_to_cm2(total_floor_area, "总建筑面积")
        if area_cm2 is None:
            errors["total_floor_area"] = "请填写总建筑面积。"
    except ValidationError as exc:
        errors["total_floor_area"] = "；".join(exc.messages)
    land = land_type or default_land_type(building_use)
    errors.update(check_region_and_land(region_code, land))
    if errors:
        raise ValidationError(errors)
    building = BuildingInput(
        name="", use=building_use, above_cm2=area_cm2, category=category or ""
    )
    return calculate_project(
        schedule=schedule,
        region_code=region_code,
        land_type=land,
        buildings=[building],
        on=on,
        claimed=claimed,
    )


def calculate_project(
    *,
    schedule: FeeSchedule,
    region_code: str,
    land_type: str,
    buildings: Sequence[BuildingInput],
    on: dt.date | None = None,
    claimed: Iterable[str] = (),
) -> FeeResult:
    on = on or timeutil.today()
    errors = check_region_and_land(region_code, land_type)
    if not buildings:
        errors["buildings"] = "项目至少要有一个单体建筑。"
    if errors:
        raise ValidationError(errors)
    rule_sets = rule_sets_for(schedule, region_code, on)
    if not rule_sets:
        raise ValidationError(
            {"region_code": f"{region_label(region_code)}尚未配置{schedule.name}收费标准（{on} 无施行中的规则）。"}
        )
    result = FeeResult(schedule=schedule, on=on, rule_sets=rule_sets)
    single = len(buildings) == 1
    land_label = LandType(land_type).label
    total_cm2 = sum(b.above_cm2 + b.below_cm2 for b in buildings)
    if single:
        project_text = f"{region_label(region_code)}，{BuildingUse(buildings[0].use).label}，{land_label}"
    else:
        project_text = f"{region_label(region_code)}，{land_label}，{len(buildings)} 个单体"
    result.steps.append(
        FeeStep(
            "项目信息",
            project_text,
            f"总建筑面积 {m2(total_cm2)}",
            "适用规则：" + "；".join(f"{s.title}（第 {s.version} 版，{s.valid_from} 起施行）" for s in rule_sets),
        )
    )

    # 1. Required shelter area, building by building.
    ratios, prices = _factors(rule_sets, FeeFactor.Kind.RATIO), _factors(rule_sets, FeeFactor.Kind.PRICE)
    required: list[int] = []
    for b in buildings:
        use_label = BuildingUse(b.use).label
        rule = _match(ratios, land_type, b.use)
        if rule is None:
            raise ValidationError(
                {"building_use": f"{rule_sets[0].title}未规定{land_label}上“{use_label}”的应建防空地下室面积比例，请联系人防主管部门。"}
            )
        area = (Decimal(b.above_cm2) / 100 * rule.ratio_permille / 1000).quantize(CENT, ROUND_HALF_UP)
        required.append(int(area * 100))
        name = "" if single else f"（{b.name}）"
        result.steps.append(
            FeeStep(
                f"应建防空地下室面积{name}",
                f"地上建筑面积 {m2(b.above_cm2)} × {percent_text(rule.ratio_permille)}（{rule.label}；四舍五入至 0.01 m²）",
                m2(required[-1]),
                rule.citation,
                rule.code,
            )
        )
    result.required_cm2 = sum(required)

    # 2. What the built basements cover: each building's own first, the surplus to the others.
    shortfall = [max(0, r - b.basement_cm2) for r, b in zip(required, buildings, strict=True)]
    surplus = sum(max(0, b.basement_cm2 - r) for r, b in zip(required, buildings, strict=True))
    for i, gap in enumerate(shortfall):
        used = min(gap, surplus)
        shortfall[i] -= used
        surplus -= used
    built = sum(b.basement_cm2 for b in buildings)
    result.shortfall_cm2 = sum(shortfall)
    if built:
        result.steps.append(
            FeeStep(
                "需易地建设面积",
                f"应建 {m2(result.required_cm2)} − 已建防空地下室 {m2(built)}（不低于 0）",
                m2(result.shortfall_cm2),
            )
        )

    # 3. Fee before relief, at each building's unit price.
    fees: list[int] = []
    parts: list[str] = []
    sources: list[str] = []
    used: list[str] = []
    for b, gap in zip(buildings, shortfall, strict=True):
        price = _match(prices, land_type, b.use)
        if price is None:
            raise ValidationError(
                {"region_code": f"{region_label(region_code)}尚未配置{schedule.name}收费标准。"}
            )
        fee = (Decimal(gap) / 100 * Decimal(price.price_fen_per_m2) / 100).quantize(CENT, ROUND_HALF_UP)
        fees.append(int(fee * 100))
        parts.append(f"{'' if single else b.name + ' '}{m2(gap)} × {yuan(price.price_fen_per_m2)}/m²（{price.label}）")
        if price.citation not in sources:
            sources.append(price.citation)
        if price.code not in used:
            used.append(price.code)
    result.base_fen = sum(fees)
    result.steps.append(
        FeeStep("减免前应缴", " + ".join(parts), yuan(result.base_fen), "；".join(sources), ",".join(used))
    )

    # 4. Reliefs.
    claimed = list(dict.fromkeys(c for c in claimed if c))
    factors = reliefs_in_force(rule_sets)
    for code in claimed:
        if code not in factors:
            raise ValidationError(
                {"waiver": f"{on} 施行的{'、'.join(s.title for s in rule_sets)}中没有代码为“{code}”的减免规则，"
                           "不能录入没有现行规则依据的减免。"}
            )
    for code, f in factors.items():
        relief = _evaluate(f, buildings, fees, land_type, total_cm2, result.base_fen)
        if code in claimed and not relief.applies:
            raise ValidationError({"waiver": f"“{f.label}”（{f.citation}）的条件不满足：{relief.reason}，不能减免。"})
        relief.applied = relief.applies and (f.automatic or code in claimed)
        result.reductions.append(relief)
    _choose(result, buildings, fees)
    if result.applied:
        for r in result.applied:
            how = "免申即享，自动适用" if r.automatic else "经核定适用"
            label = "免收" if r.percent == 100 else f"减收 {r.percent}%"
            result.steps.append(
                FeeStep("减免", f"{r.factor.label}：{label}（{r.reason}；{how}）", f"减免 {yuan(r.amount_fen)}",
                        r.factor.citation, r.code)
            )
    else:
        result.steps.append(FeeStep("减免", "不符合任何减免规则的条件", "减免 0.00 元"))
    result.payable_fen = result.base_fen - result.relief_fen
    result.steps.append(
        FeeStep("应缴金额", "减免前应缴 − 减免", yuan(result.payable_fen), schedule.legal_basis)
    )
    return result


def _covers(f: FeeFactor, b: BuildingInput) -> bool:
    return (not f.category or b.category == f.category) and (not f.building_use or b.use == f.building_use)


def _evaluate(f: FeeFactor, buildings, fees, land_type, total_cm2, base_fen) -> Relief:
    reasons: list[str] = []
    ok = True
    if f.land_type:
        if land_type != f.land_type:
            ok = False
            reasons.append(f"项目用地为{LandType(land_type).label}，本项仅适用于{LandType(f.land_type).label}")
        else:
            reasons.append(f"项目用地为{LandType(land_type).label}")
    if f.below_total_area_cm2 is not None:
        word = "低于" if total_cm2 < f.below_total_area_cm2 else ("等于" if total_cm2 == f.below_total_area_cm2 else "高于")
        ok = ok and total_cm2 < f.below_total_area_cm2
        reasons.append(f"项目总建筑面积 {m2(total_cm2)}，{word} {m2(f.below_total_area_cm2)}")
    names: list[str] = []
    amount = base_fen
    if f.category or f.building_use:
        hits = [i for i, b in enumerate(buildings) if _covers(f, b)]
        what = ReliefCategory(f.category).label if f.category else BuildingUse(f.building_use).label
        if hits:
            names = [buildings[i].name or what for i in hits]
            reasons.append(f"属于“{what}”：{'、'.join(names)}" if any(buildings[i].name for i in hits) else f"属于“{what}”")
        else:
            ok = False
            reasons.append(f"项目中没有“{what}”")
        amount = sum(fees[i] for i in hits)
    cut = int((Decimal(amount) * (f.percent or 0) / 100).quantize(Decimal(1), ROUND_HALF_UP))
    return Relief(f, ok, "，".join(reasons) or "无附加条件", amount_fen=cut if ok else 0, buildings=names)


def _choose(result: FeeResult, buildings, fees) -> None:
    """Reliefs don't stack: per building the largest building relief, on the project the largest
    project relief; whichever total is larger is applied."""
    applied = [r for r in result.reductions if r.applied]
    project = [r for r in applied if not (r.factor.category or r.factor.building_use)]
    per_building = [r for r in applied if r.factor.category or r.factor.building_use]
    best_project = max(project, key=lambda r: r.amount_fen, default=None)
    chosen: list[Relief] = []
    by_building: dict[int, Relief] = {}
    for r in per_building:
        for i, b in enumerate(buildings):
            if _covers(r.factor, b) and (i not in by_building or r.percent > by_building[i].percent):
                by_building[i] = r
    building_total = 0
    for r in dict.fromkeys(by_building.values()):
        share = sum(fees[i] for i, x in by_building.items() if x is r)
        r.amount_fen = int((Decimal(share) * r.percent / 100).quantize(Decimal(1), ROUND_HALF_UP))
        building_total += r.amount_fen
        chosen.append(r)
    if best_project is not None and best_project.amount_fen >= building_total:
        chosen = [best_project]
    for r in applied:
        r.applied = r in chosen
    result.relief_fen = min(result.base_fen, sum(r.amount_fen for r in chosen))
