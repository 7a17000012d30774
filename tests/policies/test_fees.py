"""The relocation construction fee calculator and its logistics/warehouse exemption boundary."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tongban.policies.fees import calculate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("area", "payable"),
    [
        ("1999.99", 0),  # under 2,000 m²: exempt (豫人防〔2021〕56号)
        ("2000", 12_000_000),  # 60.00 m² shelter × 2,000 元/m² = 120,000.00 元
        ("2000.00", 12_000_000),
        ("2000.01", 12_000_000),  # 60.0003 m² rounds to 60.00 m²
    ],
)
def test_the_warehouse_exemption_applies_strictly_under_2000_square_metres(
    relocation_fee, area, payable
):
    result = calculate(
        schedule=relocation_fee,
        region_code="410102",
        building_use="warehouse",
        total_floor_area=area,
    )
    assert result.base_fen == 12_000_000  # 59.9997 m² and 60.0003 m² both round to 60.00 m²
    assert result.payable_fen == payable
    (reduction,) = result.reductions
    assert reduction.applies is (area == "1999.99")


def test_each_step_shows_its_formula_source_and_basis(relocation_fee):
    result = calculate(
        schedule=relocation_fee,
        region_code="410105",
        building_use="commercial",
        total_floor_area="10000",
    )
    titles = [s.title for s in result.steps]
    assert titles == ["项目信息", "应建防空地下室面积", "减免前应缴", "减免", "应缴金额"]
    shelter, base = result.steps[1], result.steps[2]
    assert shelter.result == "500 m²" and "× 5%" in shelter.formula and shelter.source == "按 5%"
    # The commercial rate of the city beats the city's general rate and the province's.
    assert base.result == "1,200,000.00 元" and base.source == "郑州市商业标准"
    assert result.payable_fen == 120_000_000
    assert result.steps[-1].source == "《人民防空法》第二十二条"
    assert not result.reductions[0].applies
    assert "建设项目用途" in result.reductions[0].summary


def test_the_province_rate_applies_where_no_city_rate_is_configured(relocation_fee):
    result = calculate(
        schedule=relocation_fee,
        region_code="410303",
        building_use="residential",
        total_floor_area="3000.5",
    )
    assert result.steps[1].result == "150.03 m²"  # 150.025 rounds half up
    assert result.base_fen == 18_003_600  # 150.03 × 1,200.00


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
    assert expected in "；".join(exc.value.messages)


def test_a_region_without_any_rate_is_explained(relocation_fee):
    with pytest.raises(ValidationError) as exc:
        calculate(
            schedule=relocation_fee,
            region_code="420100",
            building_use="warehouse",
            total_floor_area="100",
        )
    assert "尚未配置防空地下室易地建设费收费标准" in exc.value.messages[0]
