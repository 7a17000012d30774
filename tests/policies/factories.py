"""Policies (免申即享) test data: enterprise profiles, policies with a rule version, and the
relocation-fee schedule with its rates, shelter ratios and the warehouse exemption."""

from __future__ import annotations

import datetime as dt
import itertools

from tongban.policies.models import (
    EnterpriseProfile,
    FeeRate,
    FeeSchedule,
    Policy,
    PolicyTag,
    PolicyVersion,
    ShelterRule,
)
from tongban.policies.rules.spec import validate

from ..factories import EnterpriseFactory

TODAY = dt.date(2026, 6, 15)
_n = itertools.count(1)


def make_profile(**fields) -> EnterpriseProfile:
    enterprise = fields.pop("enterprise", None) or EnterpriseFactory(
        division_code=fields.get("region_code", "410102")
    )
    defaults = dict(
        region_code="410102",
        industry_code="G5920",
        size_class="small",
        employees=50,
        registered_capital_fen=1_000_000_00,
        annual_revenue_fen=5_000_000_00,
        founded_on=dt.date(2020, 1, 1),
        credit_grade="A",
        match_dirty=True,
    )
    defaults.update(fields)
    return EnterpriseProfile.objects.create(enterprise=enterprise, **defaults)


def make_policy(
    organisation,
    tree,
    *,
    auto_grant=False,
    valid_from=dt.date(2026, 1, 1),
    valid_to=None,
    status=Policy.Status.PUBLISHED,
    **fields,
) -> Policy:
    policy = Policy.objects.create(
        title=fields.pop("title", f"测试政策{next(_n)}"),
        organisation=organisation,
        legal_basis="测试依据",
        benefit_type=fields.pop("benefit_type", Policy.BenefitType.SUBSIDY),
        auto_grant=auto_grant,
        status=status,
        **fields,
    )
    PolicyVersion.objects.create(
        policy=policy,
        number=1,
        valid_from=valid_from,
        valid_to=valid_to,
        condition=validate(tree, tags=set(PolicyTag.objects.values_list("name", flat=True))),
    )
    return policy


WAREHOUSE_UNDER_2000 = {
    "all": [
        {"field": "project_use", "op": "in", "value": ["logistics", "warehouse"]},
        {"field": "project_floor_area", "op": "lt", "value": "2000"},
    ]
}


def make_relocation_fee(province) -> FeeSchedule:
    """防空地下室易地建设费: province and Zhengzhou rates, 5% (3% for storage), and the policy that
    waives it for small logistics and warehouse projects."""
    schedule = FeeSchedule.objects.create(
        code="RF-YDJSF",
        name="防空地下室易地建设费",
        legal_basis="《人民防空法》第二十二条",
        organisation=province,
    )
    FeeRate.objects.create(
        schedule=schedule,
        region_code="410000",
        rate_fen_per_m2=120_000,
        source="省标准",
        valid_from=dt.date(2021, 1, 1),
    )
    FeeRate.objects.create(
        schedule=schedule,
        region_code="410100",
        rate_fen_per_m2=200_000,
        source="郑州市标准",
        valid_from=dt.date(2021, 1, 1),
    )
    FeeRate.objects.create(
        schedule=schedule,
        region_code="410100",
        building_use="commercial",
        rate_fen_per_m2=240_000,
        source="郑州市商业标准",
        valid_from=dt.date(2021, 1, 1),
    )
    ShelterRule.objects.create(schedule=schedule, building_use="", ratio_permille=50, basis="按 5%")
    ShelterRule.objects.create(
        schedule=schedule, building_use="warehouse", ratio_permille=30, basis="仓储按 3%"
    )
    ShelterRule.objects.create(
        schedule=schedule, building_use="logistics", ratio_permille=30, basis="物流按 3%"
    )
    make_policy(
        province,
        WAREHOUSE_UNDER_2000,
        auto_grant=True,
        fee_code="RF-YDJSF",
        reduction_percent=100,
        title="物流仓储项目易地建设费降为零",
        document_number="豫人防〔2021〕56号",
        benefit_type=Policy.BenefitType.EXEMPTION,
    )
    return schedule
