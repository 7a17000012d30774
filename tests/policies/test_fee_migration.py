"""policies.0003 keeps data: rows of the old single-rule fee tables (FeeRate, ShelterRule) become
versioned rule sets (FeeRuleSet/FeeFactor) before the tables are dropped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("policies", "0002_match_transition_history")]
AFTER = [("policies", "0003_fee_rule_sets")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_rates_and_ratios_become_a_versioned_rule_set(province):
    try:
        old = _migrate(BEFORE)
        Organisation = old.get_model("accounts", "Organisation")
        schedule = old.get_model("policies", "FeeSchedule").objects.create(
            code="RF-OLD", name="防空地下室易地建设费", legal_basis="《人民防空法》第二十二条",
            organisation=Organisation.objects.get(pk=province.pk),
        )
        old.get_model("policies", "ShelterRule").objects.create(
            schedule=schedule, building_use="", ratio_permille=70, basis="河南省人民政府令第200号 第十三条")
        FeeRate = old.get_model("policies", "FeeRate")
        FeeRate.objects.create(schedule=schedule, region_code="410100", building_use="", rate_fen_per_m2=200000,
                               source="郑州市物价局", valid_from=dt.date(2020, 1, 1))
        FeeRate.objects.create(schedule=schedule, region_code="410100", building_use="commercial",
                               rate_fen_per_m2=240000, source="郑州市物价局", valid_from=dt.date(2022, 1, 1))

        new = _migrate(AFTER)
        RuleSet = new.get_model("policies", "FeeRuleSet")
        home = RuleSet.objects.get(schedule_id=schedule.pk, region_code=province.division_code)
        ratio = home.factors.get(kind="ratio")
        assert ratio.ratio_permille == 70 and "第200号" in ratio.document
        city = list(RuleSet.objects.filter(schedule_id=schedule.pk, region_code="410100").order_by("version"))
        assert [(s.version, s.valid_from, s.valid_to) for s in city] == [
            (1, dt.date(2020, 1, 1), dt.date(2021, 12, 31)), (2, dt.date(2022, 1, 1), None)]
        prices = lambda s: sorted(s.factors.filter(kind="price").values_list("building_use", "price_fen_per_m2"))  # noqa: E731
        assert prices(city[0]) == [("", 200000)]
        assert prices(city[1]) == [("", 200000), ("commercial", 240000)]  # the earlier rate carries forward
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
