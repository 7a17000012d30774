"""Demo: tags, the relocation-fee schedule and its exemption, a handful of real-shaped policies,
a few thousand generated enterprise profiles, and a first matching run with pushes and grants.

Rates and shelter ratios are demonstration values, labelled as such: an agency enters the ones
its price authority approved.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from tongban.accounts.models import Enterprise, Organisation
from tongban.core.demo import register
from tongban.core.validators import make_uscc

from . import matching, profiles, services
from .models import (
    BuildingUse,
    EnterpriseProfile,
    FeeSchedule,
    Policy,
    PolicyTag,
)

TAGS = ["高新技术企业", "科技型中小企业", "专精特新", "外贸企业", "守信激励对象", "退役军人创业"]
N_GENERATED = 3000
FEE_CODE = "RF-YDJSF"
FEE_BASIS = (
    "《中华人民共和国人民防空法》第二十二条；《河南省实施〈中华人民共和国人民防空法〉办法》；"
    "《防空地下室易地建设费收费管理规定》"
)

POLICIES = [
    dict(
        title="物流仓储项目防空地下室易地建设费降为零",
        org="HA",
        document_number="豫人防〔2021〕56号",
        legal_basis="《河南省人民防空办公室、河南省发展和改革委员会、河南省财政厅关于规范物流仓储用地建设项目配建防空地下室的通知》（豫人防〔2021〕56号）",
        summary="总建筑面积 2000 平方米以下的物流仓储用地建设项目，防空地下室易地建设费收费标准降为零。符合条件的项目免申即享，无需申请。",
        benefit_type="exemption",
        auto_grant=True,
        fee_code=FEE_CODE,
        reduction_percent=100,
        amount_text="易地建设费免收",
        versions=[
            (
                "2021-07-01",
                None,
                {
                    "all": [
                        {"field": "project_use", "op": "in", "value": ["logistics", "warehouse"]},
                        {"field": "project_floor_area", "op": "lt", "value": "2000"},
                        {"field": "project_region", "op": "within", "value": "410000"},
                    ]
                },
            )
        ],
    ),
    dict(
        title="郑州市小微企业吸纳就业社会保险补贴",
        org="ZZ",
        document_number="郑人社〔2025〕12号（演示）",
        legal_basis="《郑州市进一步稳定和扩大就业若干措施》（演示）",
        summary="郑州市辖区内的小微企业吸纳就业，按从业人数给予一次性社会保险补贴。",
        benefit_type="subsidy",
        auto_grant=False,
        amount_fen=2_000_000,
        amount_text="每户 2 万元",
        versions=[
            (
                "2025-01-01",
                "2025-12-31",
                {
                    "all": [
                        {"field": "region_code", "op": "within", "value": "410100"},
                        {"field": "size_class", "op": "in", "value": ["micro", "small"]},
                        {"field": "employees", "op": "gte", "value": 10},
                    ]
                },
            ),
            (
                "2026-01-01",
                None,
                {
                    "all": [
                        {"field": "region_code", "op": "within", "value": "410100"},
                        {"field": "size_class", "op": "in", "value": ["micro", "small"]},
                        {"field": "employees", "op": "gte", "value": 5},
                    ]
                },
            ),
        ],
    ),
    dict(
        title="科技型中小企业研发费用后补助",
        org="HA",
        document_number="豫科〔2024〕88号（演示）",
        legal_basis="《河南省科技型中小企业研发费用补助实施办法》（演示）",
        summary="对高新技术企业、科技型中小企业按上年研发投入给予后补助，最高 50 万元。",
        benefit_type="subsidy",
        auto_grant=False,
        amount_text="按研发投入的 10%，最高 50 万元",
        versions=[
            (
                "2024-01-01",
                None,
                {
                    "all": [
                        {
                            "field": "tags",
                            "op": "has_any",
                            "value": ["高新技术企业", "科技型中小企业"],
                        },
                        {"field": "size_class", "op": "in", "value": ["micro", "small", "medium"]},
                        {"field": "annual_revenue", "op": "lt", "value": "200000000"},
                    ]
                },
            )
        ],
    ),
    dict(
        title="A 级信用企业容缺受理",
        org="HA",
        document_number="豫人防〔2023〕30号（演示）",
        legal_basis="《河南省社会信用条例》；《关于对守信主体实施联合激励的通知》（演示）",
        summary="信用等级为 A 级的企业办理人防行政许可时，非关键材料可容缺受理、承诺补交。",
        benefit_type="service",
        auto_grant=True,
        amount_text="容缺受理",
        versions=[
            (
                "2023-06-01",
                None,
                {
                    "all": [
                        {"field": "credit_grade", "op": "eq", "value": "A"},
                        {"not": {"field": "tags", "op": "has", "value": "外贸企业"}},
                    ]
                },
            )
        ],
    ),
    dict(
        title="初创企业首次贷款贴息",
        org="HA",
        document_number="豫财金〔2025〕5号（演示）",
        legal_basis="《河南省创业担保贷款贴息资金管理办法》（演示）",
        summary="成立不满 3 年的省内企业首次获得银行贷款的，按 LPR 的 50% 给予贴息。",
        benefit_type="subsidy",
        auto_grant=False,
        amount_text="按贷款市场报价利率的 50% 贴息",
        versions=[
            (
                "2025-01-01",
                None,
                {
                    "all": [
                        {"field": "founded_on", "op": "years_less_than", "value": 3},
                        {"field": "region_code", "op": "within", "value": "410000"},
                        {"field": "registered_capital", "op": "lte", "value": "10000000"},
                    ]
                },
            )
        ],
    ),
    dict(
        title="洛阳市公共建筑易地建设费减半收取",
        org="LY",
        document_number="洛人防〔2024〕9号（演示）",
        legal_basis="《洛阳市人民防空办公室关于支持公共服务设施建设的通知》（演示）",
        summary="洛阳市辖区内的公共建筑项目，防空地下室易地建设费减半收取。",
        benefit_type="exemption",
        auto_grant=True,
        fee_code=FEE_CODE,
        reduction_percent=50,
        amount_text="易地建设费减收 50%",
        versions=[
            (
                "2024-03-01",
                None,
                {
                    "all": [
                        {"field": "project_use", "op": "eq", "value": "public"},
                        {"field": "project_region", "op": "within", "value": "410300"},
                    ]
                },
            )
        ],
    ),
]

# enterprises from accounts.demo: (uscc body, profile, project or None)
KNOWN = {
    "MA000001": (
        dict(
            industry_code="K7010",
            size_class="medium",
            employees=260,
            credit_grade="A",
            registered_capital_fen=100_000_000_00,
            annual_revenue_fen=850_000_000_00,
            founded_on=dt.date(2008, 5, 1),
        ),
        # The project it applies for in the cases demo and the guide's filled-in example form.
        ("郑东新区龙湖里住宅小区二期", BuildingUse.RESIDENTIAL, 86_500_00, "410100"),
    ),
    "MA000002": (
        dict(
            industry_code="G5920",
            size_class="small",
            employees=45,
            credit_grade="A",
            registered_capital_fen=5_000_000_00,
            annual_revenue_fen=12_000_000_50,
            founded_on=dt.date(2024, 3, 1),
        ),
        ("中原区二号仓库", BuildingUse.WAREHOUSE, 199_999, "410102"),
    ),
    "MA000003": (
        dict(
            industry_code="M7484",
            size_class="small",
            employees=80,
            credit_grade="B",
            registered_capital_fen=3_000_000_00,
            annual_revenue_fen=40_000_000_00,
            founded_on=dt.date(2012, 9, 9),
        ),
        None,
    ),
    "MA000004": (
        dict(
            industry_code="M7481",
            size_class="micro",
            employees=18,
            credit_grade="A",
            registered_capital_fen=2_000_000_00,
            annual_revenue_fen=6_000_000_00,
            founded_on=dt.date(2016, 4, 20),
        ),
        None,
    ),
}
KNOWN_TAGS = {"MA000003": ["高新技术企业"], "MA000004": ["科技型中小企业", "守信激励对象"]}

REGIONS = [
    "410102",
    "410103",
    "410104",
    "410105",
    "410122",
    "410181",
    "410302",
    "410303",
    "410305",
    "410311",
    "410322",
    "410702",
    "411002",
]
INDUSTRIES = [
    "C1310",
    "C3311",
    "C3511",
    "E4700",
    "F5123",
    "G5920",
    "G5810",
    "I6510",
    "K7010",
    "M7320",
    "M7484",
    "R8770",
]
NAMES = [
    "华豫",
    "中原",
    "嵩岳",
    "黄河",
    "伏牛",
    "洛河",
    "郑飞",
    "天中",
    "豫信",
    "龙门",
    "商都",
    "宛城",
    "太行",
    "绿城",
]
TRADES = [
    "科技",
    "物流",
    "仓储",
    "建设",
    "机械",
    "电子",
    "食品",
    "置业",
    "商贸",
    "医药",
    "新材料",
    "软件",
]


@register(60, "policies")
@transaction.atomic
def load(log) -> None:
    for name in TAGS:
        if not PolicyTag.objects.filter(name=name).exists():
            _tag(name)
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=["HA", "ZZ", "LY"])}
    _fees(orgs["HA"])
    for spec in POLICIES:
        _policy(spec, orgs)
    _known_profiles()
    created = _generated()
    run = matching.run_full()
    pushed = services.push_new(limit=50_000)
    log(
        f"政策 {Policy.objects.count()} 项，企业画像 {EnterpriseProfile.objects.count()} 家（新生成 {created}），"
        f"匹配新增 {run.created} 条，推送 {pushed['notified']}，自动兑现 {pushed['granted']}"
    )


def _tag(name: str) -> PolicyTag:
    used = set(PolicyTag.objects.values_list("bit", flat=True))
    return PolicyTag.objects.create(name=name, bit=min(b for b in range(63) if b not in used))


def _fees(org: Organisation) -> None:
    from . import fee_rules

    schedule, _created = FeeSchedule.objects.get_or_create(
        code=FEE_CODE,
        defaults={"name": "防空地下室易地建设费", "legal_basis": FEE_BASIS, "organisation": org},
    )
    fee_rules.load(schedule)  # Henan (province, Zhengzhou, Luoyang) and Anhui, by version


def _policy(spec: dict, orgs) -> None:
    if Policy.objects.filter(document_number=spec["document_number"]).exists():
        return
    fields = {k: v for k, v in spec.items() if k not in ("org", "versions")}
    policy = Policy.objects.create(organisation=orgs[spec["org"]], **fields)
    for start, end, tree in spec["versions"]:
        _version(policy, tree, start, end)
    policy.status = Policy.Status.PUBLISHED
    policy.save(update_fields=["status"])


def _version(policy: Policy, tree: dict, start: str, end: str | None) -> None:
    from .models import PolicyVersion
    from .rules.spec import validate

    number = policy.versions.count() + 1
    PolicyVersion.objects.create(
        policy=policy,
        number=number,
        valid_from=dt.date.fromisoformat(start),
        valid_to=dt.date.fromisoformat(end) if end else None,
        condition=validate(tree),
        note="初始版本" if number == 1 else "放宽从业人数要求",
    )


def _known_profiles() -> None:
    bits = dict(PolicyTag.objects.values_list("name", "bit"))
    for body, (fields, project) in KNOWN.items():
        enterprise = Enterprise.objects.filter(uscc__contains=body).first()
        if enterprise is None or EnterpriseProfile.objects.filter(enterprise=enterprise).exists():
            continue
        mask = sum(1 << bits[t] for t in KNOWN_TAGS.get(body, []))
        profile = EnterpriseProfile.objects.create(
            enterprise=enterprise, region_code=enterprise.division_code, tag_bits=mask, **fields
        )
        if project:
            name, use, area, region = project
            profiles.project_add(
                actor=None,
                profile=profile,
                name=name,
                use=use,
                total_floor_area_cm2=area,
                region_code=region,
                started_on=dt.date(2026, 3, 1),
            )


def _generated() -> int:
    if Enterprise.objects.filter(uscc__contains="DM000001").exists():
        return 0
    rng = random.Random(2026)
    bits = list(PolicyTag.objects.values_list("bit", flat=True))
    enterprises = []
    for n in range(1, N_GENERATED + 1):
        region = rng.choice(REGIONS)
        name = f"{rng.choice(NAMES)}{rng.choice(TRADES)}{'有限公司' if n % 3 else '股份有限公司'}（{n:04d}）"
        enterprises.append(
            Enterprise(
                uscc=make_uscc("9", "1", region, f"DM{n:06d}"), name=name, division_code=region
            )
        )
    Enterprise.objects.bulk_create(enterprises, batch_size=1000)
    rows = []
    for ent in Enterprise.objects.filter(uscc__contains="DM").order_by("id"):
        size = rng.choices(["micro", "small", "medium", "large"], [40, 35, 20, 5])[0]
        employees = {
            "micro": rng.randint(1, 19),
            "small": rng.randint(10, 99),
            "medium": rng.randint(100, 999),
            "large": rng.randint(1000, 5000),
        }[size]
        has_project = rng.random() < 0.3
        use = rng.choice(BuildingUse.values) if has_project else ""
        rows.append(
            EnterpriseProfile(
                enterprise=ent,
                region_code=ent.division_code,
                industry_code=rng.choice(INDUSTRIES),
                size_class=size,
                employees=employees,
                registered_capital_fen=rng.randint(10, 50_000) * 10_000_00,
                annual_revenue_fen=rng.randint(1, 500_000) * 1_000_00 + rng.randint(0, 99),
                founded_on=dt.date(2026, 1, 1) - dt.timedelta(days=rng.randint(30, 9000)),
                credit_grade=rng.choices(["A", "B", "C", "D", ""], [30, 45, 15, 5, 5])[0],
                tag_bits=sum(1 << b for b in bits if rng.random() < 0.12),
                project_use=use,
                project_floor_area_cm2=rng.randint(50_000, 5_000_000) if has_project else None,
                project_region=ent.division_code if has_project else "",
                source="demo",
            )
        )
    EnterpriseProfile.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
