"""The relocation construction fee from versioned regional rule sets: boundaries, categories,
land types, rule versions by date, and waivers that need a rule in force."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tongban.policies.fees import BuildingInput, calculate, calculate_project

pytestmark = pytest.mark.django_db


def _messages(exc) -> str:
    return "；".join(exc.value.messages)


@pytest.mark.parametrize(
    ("area", "payable"),
    [
        ("1999.99", 0),  # under 2,000 m²: fee standard reduced to zero (豫人防〔2021〕56号)
        ("2000", 8_000_000),  # 40.00 m² shelter (2%) × 2,000 元/m² = 80,000.00 元
        ("2000.00", 8_000_000),
        ("2000.01", 8_000_000),  # 40.0002 m² rounds to 40.00 m²
    ],
)
def test_yurenfang_2021_56_small_logistics_projects_pay_zero_strictly_under_2000_m2(
    relocation_fee, area, payable
):
    result = calculate(
        schedule=relocation_fee,
        region_code="410102",
        building_use="warehouse",
        total_floor_area=area,
    )
    assert result.base_fen == 8_000_000  # 39.9998 m² and 40.0002 m² both round to 40.00 m²
    assert result.payable_fen == payable
    relief = result.relief("HA-ZERO-SMALL-LOGISTICS")
    assert relief.applies is (area == "1999.99") and relief.applied is relief.applies
    word = {"1999.99": "低于", "2000": "等于", "2000.00": "等于", "2000.01": "高于"}[area]
    assert f"{word} 2,000 m²" in relief.reason


def test_each_step_shows_its_formula_source_and_code(relocation_fee):
    result = calculate(
        schedule=relocation_fee,
        region_code="410105",
        building_use="commercial",
        total_floor_area="10000",
    )
    titles = [s.title for s in result.steps]
    assert titles == ["项目信息", "应建防空地下室面积", "减免前应缴", "减免", "应缴金额"]
    shelter, base = result.steps[1], result.steps[2]
    assert shelter.result == "700 m²" and "× 7%" in shelter.formula
    assert "第200号" in shelter.source and "第十三条" in shelter.source
    assert shelter.code == "HA-RATIO-CIVIL"
    # The commercial price of the city beats the city's general price and the province's.
    assert base.result == "1,680,000.00 元" and "郑州市商业标准" in base.formula
    assert base.code == "ZZ-PRICE-COMMERCIAL"
    assert result.payable_fen == 168_000_000
    assert result.steps[-1].source == "《人民防空法》第二十二条"
    assert result.steps[0].source.startswith("适用规则：郑州市") and "河南省防空地下室易地建设费规则（第 2 版" in result.steps[0].source
    assert result.rule_version == "410100 v1; 410000 v2"
    assert not result.applied


def test_the_province_price_applies_where_no_city_price_is_configured(relocation_fee):
    result = calculate(
        schedule=relocation_fee,
        region_code="411002",  # 许昌: no city rule set
        building_use="residential",
        total_floor_area="3000.5",
    )
    assert result.steps[1].result == "210.04 m²"  # 210.035 rounds half up
    assert result.base_fen == 25_204_800  # 210.04 × 1,200.00
    assert result.steps[2].code == "HA-PRICE"


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("1999.999", "最多保留两位小数"),
        ("-5", "应大于 0"),
        ("abc", "不是有效的面积"),
        ("", "请填写总建筑面积"),
    ],
)
def test_bad_areas_are_refused_with_a_message(relocation_fee, area, expected):
    with pytest.raises(ValidationError) as exc:
        calculate(
            schedule=relocation_fee,
            region_code="410102",
            building_use="warehouse",
            total_floor_area=area,
        )
    assert expected in _messages(exc)


def test_a_region_without_any_rule_set_is_explained(relocation_fee):
    with pytest.raises(ValidationError) as exc:
        calculate(
            schedule=relocation_fee,
            region_code="420100",
            building_use="warehouse",
            total_floor_area="100",
        )
    assert "尚未配置防空地下室易地建设费收费标准" in exc.value.messages[0]


# --- land types -------------------------------------------------------------------------------


def test_henan_2_percent_is_for_logistics_land_not_a_logistics_park_on_industrial_land(relocation_fee):
    on_logistics = calculate(
        schedule=relocation_fee, region_code="410102", building_use="warehouse",
        total_floor_area="1500", land_type="logistics_warehouse",
    )
    on_industrial = calculate(
        schedule=relocation_fee, region_code="410102", building_use="warehouse",
        total_floor_area="1500", land_type="industrial",
    )
    assert on_logistics.steps[1].code == "HA-RATIO-LOGISTICS" and on_logistics.payable_fen == 0
    # On industrial land the warehouse is an ordinary non-production building: 7%, no zero rate.
    assert on_industrial.steps[1].code == "HA-RATIO-CIVIL"
    assert on_industrial.steps[1].result == "105 m²" and on_industrial.payable_fen == 21_000_000
    relief = on_industrial.relief("HA-ZERO-SMALL-LOGISTICS")
    assert not relief.applies
    assert "项目用地为工业用地，本项仅适用于物流仓储用地" in relief.reason


def test_a_waiver_on_the_wrong_land_type_is_refused(relocation_fee):
    with pytest.raises(ValidationError) as exc:
        calculate(
            schedule=relocation_fee, region_code="410102", building_use="warehouse",
            total_floor_area="1500", land_type="industrial", claimed=["HA-ZERO-SMALL-LOGISTICS"],
        )
    assert "条件不满足" in _messages(exc) and "仅适用于物流仓储用地" in _messages(exc)


def test_industrial_production_buildings_have_no_required_area(relocation_fee):
    result = calculate(
        schedule=relocation_fee, region_code="410102", building_use="industrial",
        total_floor_area="50000",
    )
    assert result.steps[1].result == "0 m²" and result.payable_fen == 0


# --- categories -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "code", "payable"),
    [
        ("kindergarten", "NAT-HALF-KINDERGARTEN", 7_000_000),  # 1000 m² × 7% × 2,000 = 140,000 元, half
        ("school_teaching", "NAT-HALF-SCHOOL", 7_000_000),
        ("elderly_home", "NAT-HALF-ELDERLY", 7_000_000),
        ("disabled_facility", "NAT-HALF-DISABLED", 7_000_000),
        ("temporary", "NAT-EXEMPT-TEMPORARY", 0),
    ],
)
def test_jijiage_2000_474_national_categories_are_applied_without_an_application(
    relocation_fee, category, code, payable
):
    result = calculate(
        schedule=relocation_fee, region_code="410102", building_use="public",
        total_floor_area="1000", category=category,
    )
    assert result.base_fen == 14_000_000
    assert result.applied_codes == [code] and result.payable_fen == payable
    assert "计价格〔2000〕474号" in result.steps[-2].source and "免申即享" in result.steps[-2].formula


@pytest.mark.parametrize(
    ("category", "code"),
    [("dilapidated_rebuild", "NAT-EXEMPT-DILAPIDATED"), ("disaster_rebuild", "NAT-EXEMPT-DISASTER")],
)
def test_exemptions_that_need_verification_apply_only_when_an_officer_enters_them(
    relocation_fee, category, code
):
    kwargs = dict(schedule=relocation_fee, region_code="410102", building_use="residential",
                  total_floor_area="1000", category=category)
    preview = calculate(**kwargs)
    assert preview.relief(code).applies and not preview.relief(code).applied
    assert preview.payable_fen == 14_000_000
    entered = calculate(**kwargs, claimed=[code])
    assert entered.applied_codes == [code] and entered.payable_fen == 0


def test_anhui_affordable_housing_is_exempt(relocation_fee):
    result = calculate(
        schedule=relocation_fee, region_code="340104", building_use="residential",
        total_floor_area="10000", category="affordable_housing",
    )
    assert result.base_fen == 50_000_000  # 5% × 10,000 m² × 1,000 元
    assert result.applied_codes == ["AH-EXEMPT-AFFORDABLE"] and result.payable_fen == 0
    assert "皖人防〔2020〕60号" in result.steps[-2].source


def test_a_waiver_no_rule_in_force_provides_is_refused(relocation_fee):
    # Henan has no affordable-housing exemption: an officer cannot enter Anhui's.
    with pytest.raises(ValidationError) as exc:
        calculate(
            schedule=relocation_fee, region_code="410102", building_use="residential",
            total_floor_area="10000", category="affordable_housing", claimed=["AH-EXEMPT-AFFORDABLE"],
        )
    assert "没有代码为“AH-EXEMPT-AFFORDABLE”的减免规则" in _messages(exc)
    assert "不能录入没有现行规则依据的减免" in _messages(exc)


# --- versions by date -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "version"),
    [(dt.date(2021, 6, 30), 1), (dt.date(2021, 7, 1), 2)],
)
def test_the_rule_version_in_force_on_the_day_is_used_and_named(relocation_fee, day, version):
    result = calculate(
        schedule=relocation_fee, region_code="411002", building_use="logistics",
        total_floor_area="1999.99", on=day,
    )
    assert result.base_fen == 4_800_000  # 40.00 m² × 1,200 元
    assert result.payable_fen == (0 if version == 2 else 4_800_000)
    assert result.rule_version == f"410000 v{version}"
    assert (result.relief("HA-ZERO-SMALL-LOGISTICS") is None) is (version == 1)


def test_before_the_first_version_there_is_no_rule(relocation_fee):
    with pytest.raises(ValidationError) as exc:
        calculate(schedule=relocation_fee, region_code="410102", building_use="residential",
                  total_floor_area="100", on=dt.date(2020, 12, 31))
    assert "2020-12-31 无施行中的规则" in _messages(exc)


# --- projects of several buildings ------------------------------------------------------------


def test_a_project_pays_for_the_shortfall_and_a_school_building_halves_its_share(relocation_fee):
    buildings = [
        BuildingInput("1号楼", "residential", above_cm2=1_000_000, basement_cm2=50_000),  # 700 m² due, 500 built
        BuildingInput("2号楼", "public", above_cm2=500_000, category="school_teaching"),  # 350 m² due
    ]
    result = calculate_project(
        schedule=relocation_fee, region_code="410102", land_type="residential", buildings=buildings
    )
    assert result.required_cm2 == 105_000 and result.shortfall_cm2 == 55_000
    assert "需易地建设面积" in [s.title for s in result.steps]
    # (200 + 350) m² × 2,000 元 = 1,100,000 元; the school's 700,000 元 halved.
    assert result.base_fen == 110_000_000 and result.relief_fen == 35_000_000
    assert result.applied_codes == ["NAT-HALF-SCHOOL"] and result.payable_fen == 75_000_000
