"""Property: for any rule and any profiles, batch matching selects exactly the enterprises whose
one-enterprise explanation says they pass, including at the fixed-point boundaries."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongban.policies.rules import explain as ex
from tongban.policies.rules.spec import FIELDS, validate
from tongban.policies.rules.vector import Evaluator, build_columns

TAGS = {"高新技术企业": 0, "专精特新": 1, "外贸企业": 5}
TODAY = dt.date(2026, 6, 15)
REGIONS = ["410000", "410100", "410102", "410105", "410300", "410303", "420100"]
INDUSTRIES = ["G5920", "G5810", "C1310", "C3311", "K7010"]
THRESHOLDS_CM2 = [0, 1, 199_999, 200_000, 200_001, 10**8, 10**8 + 1]


def maybe(strategy):
    return st.one_of(st.none(), strategy)


fixed_money = st.integers(min_value=0, max_value=10**13)
record = st.fixed_dictionaries(
    {
        "region_code": maybe(st.sampled_from(REGIONS)),
        "industry_code": maybe(st.sampled_from(INDUSTRIES)),
        "size_class": maybe(st.sampled_from([v for v, _ in FIELDS["size_class"].choices])),
        "registered_capital": maybe(fixed_money),
        "annual_revenue": maybe(fixed_money),
        "employees": maybe(st.integers(0, 10_000)),
        "founded_on": maybe(st.dates(dt.date(1990, 1, 1), dt.date(2026, 6, 15))),
        "credit_grade": maybe(st.sampled_from(["A", "B", "C", "D"])),
        "tags": st.integers(0, 2**6 - 1),
        "project_use": maybe(st.sampled_from([v for v, _ in FIELDS["project_use"].choices])),
        "project_floor_area": maybe(
            st.one_of(st.sampled_from(THRESHOLDS_CM2), st.integers(1, 10**9))
        ),
        "project_region": maybe(st.sampled_from(REGIONS)),
    }
)


def _area(units: int) -> str:
    return f"{units // 100}.{units % 100:02d}"


def leaf():
    cmp_ops = st.sampled_from(["eq", "ne", "lt", "lte", "gt", "gte"])
    area = st.sampled_from(THRESHOLDS_CM2).map(_area)
    money = fixed_money.map(_area)
    return st.one_of(
        st.builds(
            lambda op, v: {"field": "project_floor_area", "op": op, "value": v}, cmp_ops, area
        ),
        st.builds(
            lambda op, v: {"field": "registered_capital", "op": op, "value": v}, cmp_ops, money
        ),
        st.builds(
            lambda op, v: {"field": "employees", "op": op, "value": v},
            cmp_ops,
            st.integers(0, 10_000),
        ),
        st.builds(
            lambda a, b: {
                "field": "project_floor_area",
                "op": "between",
                "value": [_area(min(a, b)), _area(max(a, b))],
            },
            st.sampled_from(THRESHOLDS_CM2),
            st.sampled_from(THRESHOLDS_CM2),
        ),
        st.builds(
            lambda op, v: {"field": "region_code", "op": op, "value": v},
            st.sampled_from(["eq", "ne", "within"]),
            st.sampled_from(REGIONS),
        ),
        st.builds(
            lambda op, v: {"field": "project_region", "op": op, "value": v},
            st.sampled_from(["in", "not_in"]),
            st.lists(st.sampled_from(REGIONS), min_size=1, max_size=3),
        ),
        st.builds(
            lambda op, v: {"field": "industry_code", "op": op, "value": v},
            st.just("prefix"),
            st.sampled_from(["G", "G59", "C13", "K"]),
        ),
        st.builds(
            lambda op, v: {"field": "industry_code", "op": op, "value": v},
            st.sampled_from(["in", "not_in"]),
            st.lists(st.sampled_from(INDUSTRIES), min_size=1, max_size=3),
        ),
        st.builds(
            lambda op, v: {"field": "size_class", "op": op, "value": v},
            st.sampled_from(["eq", "ne", "lt", "lte", "gt", "gte"]),
            st.sampled_from(["micro", "small", "medium", "large"]),
        ),
        st.builds(
            lambda op, v: {"field": "credit_grade", "op": op, "value": v},
            st.sampled_from(["eq", "gte", "lt"]),
            st.sampled_from(["A", "B", "C", "D"]),
        ),
        st.builds(
            lambda op, v: {"field": "project_use", "op": op, "value": v},
            st.sampled_from(["in", "not_in"]),
            st.lists(st.sampled_from(["logistics", "warehouse", "residential"]), min_size=1),
        ),
        st.builds(
            lambda op, v: {"field": "founded_on", "op": op, "value": v},
            st.sampled_from(["years_at_least", "years_less_than"]),
            st.integers(1, 30),
        ),
        st.builds(
            lambda op, v: {"field": "founded_on", "op": op, "value": v.isoformat()},
            st.sampled_from(["before", "after"]),
            st.dates(dt.date(1990, 1, 1), dt.date(2026, 12, 31)),
        ),
        st.builds(
            lambda op, v: {"field": "tags", "op": op, "value": v},
            st.sampled_from(["has_any", "has_all", "has_none"]),
            st.lists(st.sampled_from(list(TAGS)), min_size=1),
        ),
    )


trees = st.recursive(
    leaf(),
    lambda children: st.one_of(
        st.builds(lambda c: {"all": c}, st.lists(children, max_size=4)),
        st.builds(lambda c: {"any": c}, st.lists(children, max_size=4)),
        st.builds(lambda c: {"not": c}, children),
    ),
    max_leaves=8,
)


def _valid(tree):
    try:
        return validate(tree, tags=set(TAGS))
    except Exception:
        return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees, records=st.lists(record, min_size=1, max_size=25))
def test_batch_matching_agrees_with_the_explanation(tree, records):
    tree = _valid(tree)
    if tree is None:
        return
    cols = build_columns(
        list(range(len(records))), {k: [r[k] for r in records] for k in records[0]}
    )
    batch = Evaluator(cols, TODAY, TAGS).evaluate(tree).tolist()
    single = [ex.explain(tree, r, today=TODAY, tag_bits=TAGS).passed for r in records]
    assert batch == single
