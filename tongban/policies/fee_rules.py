"""The shipped rule sets of the relocation construction fee (防空地下室易地建设费), as data.

Administrators keep them in the admin (FeeRuleSet / FeeFactor); this module loads the reference
configuration: Henan (province, Zhengzhou, Luoyang) and Anhui. Marked [K] below and in
docs/works.md: known in practice, not checked against the official text here — configurable
data with that value as the default. Unit prices are demo values (the local price authority's
approved standard applies).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from .models import FeeFactor, FeeRuleSet, FeeSchedule

RATIO, PRICE, RELIEF = FeeFactor.Kind.RATIO, FeeFactor.Kind.PRICE, FeeFactor.Kind.RELIEF

DOC_474 = "《国家计委、财政部、国家国防动员委员会、建设部关于规范防空地下室易地建设收费的规定》（计价格〔2000〕474号）"
DOC_HN_200 = "《河南省实施〈中华人民共和国人民防空法〉办法》（河南省人民政府令第200号）"
DOC_HN_27 = "《河南省人民防空工程审批管理办法》（豫人防〔2021〕27号）"
DOC_HN_56 = "《关于规范物流仓储用地建设项目配建防空地下室的通知》（豫人防〔2021〕56号）"
DOC_AH_60 = "安徽省人防办关于防空地下室易地建设费减免的通知（皖人防〔2020〕60号）"
DOC_DEMO_PRICE = "演示费率：以当地价格主管部门核定的收费标准为准"

# The national categories [K for the exact list and articles]: half for kindergartens, school
# teaching buildings, elderly homes and facilities for the disabled; exempt for temporary
# buildings, rebuilding dilapidated housing without added area and rebuilding after disasters.
NATIONAL_RELIEFS = [
    dict(kind=RELIEF, code="NAT-HALF-KINDERGARTEN", label="新建幼儿园减半收取", category="kindergarten", percent=50, document=DOC_474, article="第六条", order=10),
    dict(kind=RELIEF, code="NAT-HALF-SCHOOL", label="新建学校教学楼减半收取", category="school_teaching", percent=50, document=DOC_474, article="第六条", order=11),
    dict(kind=RELIEF, code="NAT-HALF-ELDERLY", label="新建养老院减半收取", category="elderly_home", percent=50, document=DOC_474, article="第六条", order=12),
    dict(kind=RELIEF, code="NAT-HALF-DISABLED", label="为残疾人修建的生活服务设施减半收取", category="disabled_facility", percent=50, document=DOC_474, article="第六条", order=13),
    dict(kind=RELIEF, code="NAT-EXEMPT-TEMPORARY", label="临时民用建筑免收", category="temporary", percent=100, document=DOC_474, article="第七条", order=20),
    dict(kind=RELIEF, code="NAT-EXEMPT-DILAPIDATED", label="危房翻新改造（不增加面积）免收", category="dilapidated_rebuild", percent=100, document=DOC_474, article="第七条", order=21, automatic=False),
    dict(kind=RELIEF, code="NAT-EXEMPT-DISASTER", label="灾后按原面积修复免收", category="disaster_rebuild", percent=100, document=DOC_474, article="第七条", order=22, automatic=False),
]

HENAN_BASE = [
    dict(kind=RATIO, code="HA-RATIO-CIVIL", label="非生产性民用建筑按地面总建筑面积 7%", ratio_permille=70, document=DOC_HN_200, article="第十三条"),
    dict(kind=RATIO, code="HA-RATIO-LOGISTICS", label="物流仓储用地建设项目按 2%（工业用地上的物流园区不适用）", land_type="logistics_warehouse", ratio_permille=20, document=DOC_HN_27, article="第十三条"),
    # [K] production buildings are not civil buildings: nothing to build, nothing to pay.
    dict(kind=RATIO, code="HA-RATIO-INDUSTRIAL", label="工业生产厂房不配建防空地下室", building_use="industrial", ratio_permille=0, document="《中华人民共和国人民防空法》", article="第二十二条"),
    dict(kind=PRICE, code="HA-PRICE", label="河南省标准", price_fen_per_m2=120_000, document=DOC_DEMO_PRICE, article=""),
    *NATIONAL_RELIEFS,
]

HENAN_SMALL_LOGISTICS = dict(
    kind=RELIEF,
    code="HA-ZERO-SMALL-LOGISTICS",
    label="总建筑面积 2000 平方米以下的物流仓储用地建设项目收费标准降为零",
    land_type="logistics_warehouse",
    below_total_area_cm2=200_000,
    percent=100,
    document=DOC_HN_56,
    article="",
    order=1,
)

RULE_SETS = [
    dict(region_code="410000", version=1, title="河南省防空地下室易地建设费规则", valid_from=dt.date(2021, 1, 1),
         valid_to=dt.date(2021, 6, 30), basis=f"{DOC_HN_200}；{DOC_474}", factors=HENAN_BASE),
    dict(region_code="410000", version=2, title="河南省防空地下室易地建设费规则", valid_from=dt.date(2021, 7, 1),
         valid_to=None, basis=f"{DOC_HN_200}；{DOC_HN_27}；{DOC_HN_56}；{DOC_474}",
         factors=[*HENAN_BASE, HENAN_SMALL_LOGISTICS]),
    dict(region_code="410100", version=1, title="郑州市防空地下室易地建设费收费标准", valid_from=dt.date(2021, 1, 1),
         valid_to=None, basis=DOC_DEMO_PRICE, factors=[
             dict(kind=PRICE, code="ZZ-PRICE", label="郑州市标准", price_fen_per_m2=200_000, document=DOC_DEMO_PRICE),
             dict(kind=PRICE, code="ZZ-PRICE-COMMERCIAL", label="郑州市商业标准", building_use="commercial", price_fen_per_m2=240_000, document=DOC_DEMO_PRICE),
         ]),
    dict(region_code="410300", version=1, title="洛阳市防空地下室易地建设费收费标准", valid_from=dt.date(2021, 1, 1),
         valid_to=None, basis=DOC_DEMO_PRICE, factors=[
             dict(kind=PRICE, code="LY-PRICE", label="洛阳市标准", price_fen_per_m2=160_000, document=DOC_DEMO_PRICE),
         ]),
    # Anhui: the national items plus affordable housing exempt; no other local extras.
    # [K] the required-area ratio and the price are demo values.
    dict(region_code="340000", version=1, title="安徽省防空地下室易地建设费规则", valid_from=dt.date(2020, 6, 1),
         valid_to=None, basis=f"{DOC_AH_60}；{DOC_474}", factors=[
             dict(kind=RATIO, code="AH-RATIO-CIVIL", label="民用建筑按地面总建筑面积 5%（演示配置）", ratio_permille=50, document="《安徽省实施〈中华人民共和国人民防空法〉办法》", article="第十五条"),
             dict(kind=PRICE, code="AH-PRICE", label="安徽省标准", price_fen_per_m2=100_000, document=DOC_DEMO_PRICE),
             dict(kind=RELIEF, code="AH-EXEMPT-AFFORDABLE", label="保障性住房免收", category="affordable_housing", percent=100, document=DOC_AH_60, order=2),
             *NATIONAL_RELIEFS,
         ]),
]


@transaction.atomic
def load(schedule: FeeSchedule, specs=None) -> int:
    """Create the rule sets not yet there (by region and version); return how many were made."""
    made = 0
    for spec in specs if specs is not None else RULE_SETS:
        fields = {k: v for k, v in spec.items() if k != "factors"}
        if FeeRuleSet.objects.filter(
            schedule=schedule, region_code=spec["region_code"], version=spec["version"]
        ).exists():
            continue
        rule_set = FeeRuleSet.objects.create(schedule=schedule, **fields)
        FeeFactor.objects.bulk_create([FeeFactor(rule_set=rule_set, **f) for f in spec["factors"]])
        made += 1
    return made
