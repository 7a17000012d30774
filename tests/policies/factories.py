"""Policies (免申即享) test data: enterprise profiles, policies with a rule version, and the
relocation-fee schedule with its shipped rule sets and the warehouse exemption."""

from __future__ import annotations

import datetime as dt
import itertools

from tongban.policies.models import (
    EnterpriseProfile,
    FeeSchedule,
    Policy,
    PolicyTag,
    PolicyVersion,
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
    """防空地下室易地建设费 with the shipped rule sets (Henan: province versions 1 and 2, Zhengzhou
    and Luoyang prices; Anhui), and the published policy of the small-logistics rule."""
    from tongban.policies import fee_rules

    schedule = FeeSchedule.objects.create(
        code="RF-YDJSF",
        name="防空地下室易地建设费",
        legal_basis="《人民防空法》第二十二条",
        organisation=province,
    )
    fee_rules.load(schedule)
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
