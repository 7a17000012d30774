"""The law's numbers: bands on both schemes at their boundaries, §33, §51, §60, §72, the
publicity and withdrawal deadlines across a holiday, the month of the re-review."""

import datetime as dt
from decimal import Decimal

import pytest

from tongban.enforcement import rules
from tongban.enforcement.rules import ClauseData

pytestmark = pytest.mark.django_db

RANGE = [
    ClauseData("NP", "not_punished", "首次轻微并及时改正", Decimal(0), Decimal(0), "not_punished"),
    ClauseData("MI", "mitigated", "减轻", Decimal(-50), Decimal(0)),
    ClauseData("LI", "lighter", "从轻", Decimal(0), Decimal(50)),
    ClauseData("GE", "general", "一般", Decimal(40), Decimal(60)),
    ClauseData("HE", "heavier", "从重", Decimal(50), Decimal(100)),
]
MAXONLY = [
    ClauseData("LI", "lighter", "从轻", Decimal(0), Decimal(30)),
    ClauseData("GE", "general", "一般", Decimal(30), Decimal(60)),
    ClauseData("HE", "heavier", "从重", Decimal(60), Decimal(100)),
]


def _range(*facts):
    return rules.propose(baseline_label="T v1", item_code="RF-01", scheme="range", min_fen=10_000_00,
                         max_fen=50_000_00, clauses=RANGE, facts=set(facts))


def _max(*facts):
    return rules.propose(baseline_label="T v1", item_code="RF-02", scheme="max_only", min_fen=0,
                         max_fen=100_000_00, clauses=MAXONLY, facts=set(facts))


def test_range_scheme_lighter_is_below_and_heavier_above_the_mid_point():
    lighter, heavier = _range("LI"), _range("HE")
    mid = 30_000_00  # (10,000 + 50,000) / 2
    assert (lighter.low_fen, lighter.high_fen) == (10_000_00, mid)
    assert (heavier.low_fen, heavier.high_fen) == (mid, 50_000_00)
    assert lighter.within("fine", mid) and heavier.within("fine", mid)  # the mid-point belongs to both
    assert not lighter.within("fine", mid + 1)
    assert not heavier.within("fine", mid - 1)
    assert lighter.baseline == "T v1" and lighter.clauses == ["LI"]


def test_range_scheme_mitigation_goes_below_the_minimum():
    p = _range("MI")
    assert (p.low_fen, p.high_fen) == (5_000_00, 10_000_00)
    assert p.within("fine", 5_000_00) and not p.within("fine", 4_999_99)


def test_range_scheme_general_band_when_nothing_applies_and_when_lighter_and_heavier_offset():
    assert _range().clauses == ["GE"] and (_range().low_fen, _range().high_fen) == (26_000_00, 34_000_00)
    both = _range("LI", "HE")
    assert both.circumstance == "general" and (both.low_fen, both.high_fen) == (26_000_00, 34_000_00)
    assert set(both.clauses) == {"LI", "HE", "GE"} and both.notes


def test_max_only_scheme_bands_at_30_and_60_percent():
    lighter, general, heavier = _max("LI"), _max(), _max("HE")
    assert (lighter.low_fen, lighter.high_fen) == (0, 30_000_00)
    assert (general.low_fen, general.high_fen) == (30_000_00, 60_000_00)
    assert (heavier.low_fen, heavier.high_fen) == (60_000_00, 100_000_00)
    assert lighter.within("fine", 30_000_00) and not lighter.within("fine", 30_000_01)
    assert heavier.within("fine", 60_000_00) and not heavier.within("fine", 59_999_99)
    assert general.fine_fen == 45_000_00  # the middle of its band, whole yuan


def test_art33_minor_violation_promptly_corrected_is_not_punished():
    p = _range("NP", "HE")  # §33 wins over every other circumstance
    assert p.penalty_kind == "not_punished" and p.circumstance == "not_punished"
    assert p.clauses == ["NP"] and p.fine_fen == 0
    assert p.within("not_punished", 0) and not p.within("fine", 10_000_00)


@pytest.mark.parametrize(("party", "fine", "allowed"), [
    ("person", 200_00, True), ("person", 201_00, False),
    ("enterprise", 3_000_00, True), ("enterprise", 3_001_00, False),
])
def test_art51_summary_procedure_thresholds(party, fine, allowed):
    assert rules.summary_allowed("fine", fine, party) is allowed


def test_art51_summary_procedure_allows_a_warning_but_not_a_suspension():
    assert rules.summary_allowed("warning", 0, "enterprise")
    assert not rules.summary_allowed("suspension", 0, "person")


def test_art60_ninety_calendar_days_and_the_extension():
    registered = dt.date(2026, 4, 1)
    assert rules.decision_due(registered) == dt.date(2026, 6, 30)
    assert rules.decision_due(registered, 30) == dt.date(2026, 7, 30)


def test_art72_surcharge_is_three_percent_a_day_and_never_above_the_fine():
    due = dt.date(2026, 5, 1)
    assert rules.surcharge(10_000_00, due, due) == 0
    assert rules.surcharge(10_000_00, due, due + dt.timedelta(days=1)) == 300_00
    assert rules.surcharge(10_000_00, due, due + dt.timedelta(days=33)) == 9_900_00
    assert rules.surcharge(10_000_00, due, due + dt.timedelta(days=34)) == 10_000_00  # 102% capped
    assert rules.surcharge(10_000_00, due, due + dt.timedelta(days=400)) == 10_000_00


def test_art67_payment_due_fifteen_calendar_days_after_delivery():
    assert rules.payment_due(dt.date(2026, 9, 29)) == dt.date(2026, 10, 14)  # holidays count


def test_art48_publication_within_7_working_days_across_national_day():
    # decided Tue 29 Sep 2026: 30 Sep, then 8, 9, 10 (调休 Saturday), 12, 13, 14 October
    assert rules.publish_due(dt.date(2026, 9, 29)) == dt.date(2026, 10, 14)


def test_art48_withdrawal_within_3_working_days_across_national_day():
    assert rules.withdraw_due(dt.date(2026, 9, 30)) == dt.date(2026, 10, 10)


def test_art64_hearing_request_within_5_working_days_across_national_day():
    assert rules.hearing_request_until(dt.date(2026, 9, 30)) == dt.date(2026, 10, 13)


def test_rereview_within_one_month_of_the_decision():
    assert rules.rereview_due(dt.date(2026, 4, 15)) == dt.date(2026, 5, 15)
    assert rules.rereview_due(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)


def test_art36_limitation_two_years_five_with_serious_harm_from_the_end_of_a_continuing_act():
    assert rules.limitation_ends(dt.date(2024, 3, 1), None, False) == dt.date(2026, 3, 1)
    assert rules.limitation_ends(dt.date(2024, 3, 1), None, True) == dt.date(2029, 3, 1)
    assert rules.limitation_ends(dt.date(2020, 3, 1), dt.date(2025, 1, 10), False) == dt.date(2027, 1, 10)


def test_configurable_values_follow_settings(settings):
    settings.TONGBAN_ENFORCEMENT = {"PUBLISH_WORKDAYS": 20}
    assert rules.publish_due(dt.date(2026, 4, 1)) > dt.date(2026, 4, 20)
