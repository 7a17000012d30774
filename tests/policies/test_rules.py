"""Rules as data: validation messages, every operator, and explanations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tongban.policies.rules import explain as ex
from tongban.policies.rules.spec import validate
from tongban.policies.rules.vector import Evaluator, build_columns

TAGS = {"高新技术企业": 0, "专精特新": 1, "外贸企业": 2}
TODAY = dt.date(2026, 6, 15)


def message(tree) -> str:
    with pytest.raises(ValidationError) as exc:
        validate(tree, tags=set(TAGS))
    return "；".join(exc.value.messages)


@pytest.mark.parametrize(
    ("tree", "expected"),
    [
        ({"field": "floor_area", "op": "lt", "value": "2000"}, "不存在的字段“floor_area”"),
        ({"field": "employees", "op": "lt", "value": "很多"}, "从业人数“很多”不是有效的数字"),
        ({"field": "employees", "op": "lt", "value": "10.5"}, "从业人数应为整数"),
        ({"field": "project_floor_area", "op": "lt", "value": "1999.999"}, "最多两位小数"),
        (
            {"field": "project_floor_area", "op": "between", "value": ["3000", "2000"]},
            "下限 3000 大于上限 2000，这个范围不可能满足",
        ),
        (
            {
                "all": [
                    {"field": "employees", "op": "gt", "value": 100},
                    {"field": "employees", "op": "lt", "value": 50},
                ]
            },
            "这个范围不可能满足",
        ),
        (
            {
                "all": [
                    {"field": "employees", "op": "gt", "value": 50},
                    {"field": "employees", "op": "lt", "value": 50},
                ]
            },
            "这个范围不可能满足",
        ),
        ({"field": "size_class", "op": "eq", "value": "huge"}, "企业规模只能是"),
        ({"field": "tags", "op": "has", "value": "独角兽"}, "标签“独角兽”不存在"),
        ({"field": "founded_on", "op": "before", "value": "2020-13-01"}, "应为日期"),
        ({"field": "region_code", "op": "within", "value": "4101"}, "6 位行政区划代码"),
        ({"field": "project_use", "op": "lt", "value": "warehouse"}, "不能使用运算"),
        ({"field": "employees", "op": "in", "value": [1]}, "不能使用运算"),
        ({"field": "industry_code", "op": "eq", "value": "5920"}, "小类代码"),
        ({"some": []}, "不认识的条件组"),
        ({"field": "employees", "op": "gte"}, "请填写从业人数的比较值"),
        ({"field": "founded_on", "op": "years_at_least", "value": 0}, "年数应为 1 至 200"),
    ],
)
def test_invalid_rules_are_refused_with_a_chinese_message(tree, expected):
    assert expected in message(tree)


def test_a_valid_rule_is_normalised_and_keeps_exact_decimals():
    tree = validate(
        {
            "all": [
                {"field": "project_floor_area", "op": "lt", "value": "1,999.99"},
                {"field": "registered_capital", "op": "gte", "value": 5000000},
                {"field": "industry_code", "op": "prefix", "value": "g59"},
            ]
        },
        tags=set(TAGS),
    )
    assert tree["all"][0]["value"] == "1999.99"
    assert tree["all"][1]["value"] == "5000000"
    assert tree["all"][2]["value"] == "G59"


def test_a_rule_with_two_compatible_bounds_is_accepted():
    tree = validate(
        {
            "all": [
                {"field": "employees", "op": "gte", "value": 50},
                {"field": "employees", "op": "lte", "value": 50},
            ]
        },
        tags=set(),
    )
    assert [c["op"] for c in tree["all"]] == ["gte", "lte"]  # kept, not refused as an empty range


RECORDS = [
    {
        "region_code": "410102",
        "industry_code": "G5920",
        "size_class": "small",
        "registered_capital": 500_000_000,
        "annual_revenue": 199_999_999_99,
        "employees": 50,
        "founded_on": dt.date(2023, 6, 15),
        "credit_grade": "A",
        "tags": 0b011,
        "project_use": "warehouse",
        "project_floor_area": 199_999,
        "project_region": "410102",
    },
    {
        "region_code": "410303",
        "industry_code": "C1310",
        "size_class": "large",
        "registered_capital": 500_000_001,
        "annual_revenue": 200_000_000_00,
        "employees": 5000,
        "founded_on": dt.date(2023, 6, 16),
        "credit_grade": "C",
        "tags": 0b100,
        "project_use": "logistics",
        "project_floor_area": 200_000,
        "project_region": "410303",
    },
    {
        "region_code": "410100",
        "industry_code": None,
        "size_class": None,
        "registered_capital": None,
        "annual_revenue": None,
        "employees": None,
        "founded_on": None,
        "credit_grade": None,
        "tags": 0,
        "project_use": None,
        "project_floor_area": None,
        "project_region": None,
    },
]

# (leaf, expected verdict for each of RECORDS)
CASES = [
    ({"field": "project_floor_area", "op": "lt", "value": "2000"}, [True, False, False]),
    ({"field": "project_floor_area", "op": "lte", "value": "2000"}, [True, True, False]),
    ({"field": "project_floor_area", "op": "gt", "value": "1999.99"}, [False, True, False]),
    ({"field": "project_floor_area", "op": "gte", "value": "1999.99"}, [True, True, False]),
    ({"field": "project_floor_area", "op": "eq", "value": "2000"}, [False, True, False]),
    ({"field": "project_floor_area", "op": "ne", "value": "2000"}, [True, False, False]),
    (
        {"field": "project_floor_area", "op": "between", "value": ["1999.99", "1999.99"]},
        [True, False, False],
    ),
    ({"field": "registered_capital", "op": "gt", "value": "5000000"}, [False, True, False]),
    ({"field": "annual_revenue", "op": "lt", "value": "200000000"}, [True, False, False]),
    ({"field": "employees", "op": "between", "value": [10, 300]}, [True, False, False]),
    ({"field": "region_code", "op": "within", "value": "410100"}, [True, False, True]),
    ({"field": "region_code", "op": "within", "value": "410000"}, [True, True, True]),
    ({"field": "region_code", "op": "eq", "value": "410303"}, [False, True, False]),
    ({"field": "region_code", "op": "ne", "value": "410303"}, [True, False, True]),
    ({"field": "region_code", "op": "in", "value": ["410102", "410100"]}, [True, False, True]),
    ({"field": "region_code", "op": "not_in", "value": ["410102"]}, [False, True, True]),
    ({"field": "industry_code", "op": "prefix", "value": "G"}, [True, False, False]),
    ({"field": "industry_code", "op": "prefix", "value": "C13"}, [False, True, False]),
    ({"field": "industry_code", "op": "eq", "value": "G5920"}, [True, False, False]),
    ({"field": "industry_code", "op": "ne", "value": "G5920"}, [False, True, False]),
    ({"field": "industry_code", "op": "in", "value": ["C1310", "G5920"]}, [True, True, False]),
    ({"field": "industry_code", "op": "not_in", "value": ["C1310"]}, [True, False, False]),
    ({"field": "size_class", "op": "in", "value": ["micro", "small"]}, [True, False, False]),
    ({"field": "size_class", "op": "not_in", "value": ["micro", "small"]}, [False, True, False]),
    ({"field": "size_class", "op": "lte", "value": "medium"}, [True, False, False]),
    ({"field": "size_class", "op": "gt", "value": "medium"}, [False, True, False]),
    ({"field": "credit_grade", "op": "gte", "value": "B"}, [True, False, False]),
    ({"field": "credit_grade", "op": "lt", "value": "B"}, [False, True, False]),
    ({"field": "credit_grade", "op": "eq", "value": "A"}, [True, False, False]),
    ({"field": "credit_grade", "op": "ne", "value": "A"}, [False, True, False]),
    (
        {"field": "project_use", "op": "in", "value": ["logistics", "warehouse"]},
        [True, True, False],
    ),
    ({"field": "project_use", "op": "eq", "value": "warehouse"}, [True, False, False]),
    ({"field": "founded_on", "op": "years_at_least", "value": 3}, [True, False, False]),
    ({"field": "founded_on", "op": "years_less_than", "value": 3}, [False, True, False]),
    ({"field": "founded_on", "op": "before", "value": "2023-06-16"}, [True, False, False]),
    ({"field": "founded_on", "op": "after", "value": "2023-06-15"}, [False, True, False]),
    (
        {"field": "founded_on", "op": "between", "value": ["2023-06-15", "2023-06-15"]},
        [True, False, False],
    ),
    ({"field": "tags", "op": "has", "value": "高新技术企业"}, [True, False, False]),
    ({"field": "tags", "op": "has_any", "value": ["专精特新", "外贸企业"]}, [True, True, False]),
    (
        {"field": "tags", "op": "has_all", "value": ["高新技术企业", "专精特新"]},
        [True, False, False],
    ),
    ({"field": "tags", "op": "has_none", "value": ["外贸企业"]}, [True, False, True]),
    ({"not": {"field": "project_floor_area", "op": "lt", "value": "2000"}}, [False, True, True]),
    (
        {
            "any": [
                {"field": "employees", "op": "gt", "value": 1000},
                {"field": "tags", "op": "has", "value": "专精特新"},
            ]
        },
        [True, True, False],
    ),
    ({"all": []}, [True, True, True]),
    ({"any": []}, [False, False, False]),
]


def _columns():
    raw = {name: [r[name] for r in RECORDS] for name in RECORDS[0]}
    return build_columns([1, 2, 3], raw)


@pytest.mark.parametrize(("tree", "expected"), CASES, ids=[str(c[0])[:70] for c in CASES])
def test_every_operator_agrees_in_batch_and_in_the_explanation(tree, expected):
    tree = validate(tree, tags=set(TAGS))
    batch = Evaluator(_columns(), TODAY, TAGS).evaluate(tree).tolist()
    single = [ex.explain(tree, r, today=TODAY, tag_bits=TAGS).passed for r in RECORDS]
    assert batch == expected
    assert single == expected


def test_the_explanation_names_the_value_and_the_threshold():
    tree = validate(
        {
            "all": [
                {"field": "project_use", "op": "in", "value": ["logistics", "warehouse"]},
                {"field": "project_floor_area", "op": "lt", "value": "2000"},
            ]
        },
        tags=set(),
    )
    record = dict(RECORDS[0], project_floor_area=235_000)
    step = ex.explain(tree, record, today=TODAY, tag_bits=TAGS)
    assert not step.passed
    assert (
        step.children[0].sentence == "您的建设项目用途为 仓储，符合“建设项目用途属于 物流、仓储”。"
    )
    assert "您的建设项目总建筑面积为 2,350 m²，超过 2,000 m²" in step.children[1].sentence
    assert ex.summary(step).startswith(
        "您暂不符合该政策：您的建设项目总建筑面积为 2,350 m²，超过 2,000 m²"
    )


def test_the_explanation_says_when_a_value_is_not_registered():
    tree = validate({"field": "employees", "op": "gte", "value": 10}, tags=set())
    step = ex.explain(tree, RECORDS[2], today=TODAY, tag_bits=TAGS)
    assert not step.passed
    assert "平台未登记您的从业人数" in step.sentence


def test_a_date_rule_counts_whole_years_from_today():
    tree = validate({"field": "founded_on", "op": "years_at_least", "value": 3}, tags=set())
    step = ex.explain(tree, RECORDS[0], today=TODAY, tag_bits=TAGS)
    assert step.passed
    assert "截至 2026-06-15 已满 3 年" in step.sentence
    later = ex.explain(tree, RECORDS[1], today=TODAY, tag_bits=TAGS)
    assert not later.passed and "未满 3 年" in later.sentence


def test_a_negated_condition_reads_as_one_sentence():
    tree = validate({"not": {"field": "tags", "op": "has", "value": "外贸企业"}}, tags=set(TAGS))
    step = ex.explain(tree, RECORDS[0], today=TODAY, tag_bits=TAGS)
    assert step.passed and step.kind == "leaf"
    assert step.sentence == "您具有的相关标签：无，符合“并非企业标签具有标签 外贸企业”。"
