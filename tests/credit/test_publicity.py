"""Publicity windows and repair dates per tier across rule versions (国办发〔2025〕22号 and the
earlier regime), what is never published, and the takedown at the maximum."""

import datetime as dt

import pytest

from tongban.credit import services
from tongban.credit.models import CreditRecord, PlatformPush, RecordStatus

from .factories import penalty_record

D = dt.date


@pytest.fixture
def today_2026(pin_today):
    pin_today(D(2026, 6, 10))


@pytest.mark.parametrize(("severity", "repair_from", "takedown_on"), [
    ("general", D(2026, 9, 1), D(2027, 6, 1)),  # at least 3 months, at most 1 year
    ("serious", D(2027, 6, 1), D(2029, 6, 1)),  # at least 1 year, at most 3 years
])
def test_guobanfa_2025_22_publicity_window_per_tier(city_a, today_2026, severity, repair_from, takedown_on):
    r = penalty_record(city_a, uscc="91410100MA0000001X", severity_hint=severity, decided_on=D(2026, 6, 1))
    assert r.rule.code == "2025"
    assert r.status == RecordStatus.PUBLISHED
    assert (r.repair_from, r.takedown_on) == (repair_from, takedown_on)


def test_guobanfa_2025_22_minor_records_stay_unpublished(city_a, today_2026):
    r = penalty_record(city_a, uscc="91410100MA0000002X", severity_hint="minor", decided_on=D(2026, 6, 1))
    assert r.status == RecordStatus.UNPUBLISHED and r.takedown_on is None
    assert "轻微失信" in r.unpublished_reason


def test_earlier_regime_published_minor_records_and_keeps_its_dates(city_a, pin_today):
    """A decision taken before the 2025 regime keeps the earlier version and its periods [K]."""
    pin_today(D(2025, 5, 1))
    r = penalty_record(city_a, uscc="91410100MA0000003X", severity_hint="minor", decided_on=D(2025, 3, 20))
    assert r.rule.code == "2021"
    assert r.status == RecordStatus.PUBLISHED
    assert (r.repair_from, r.takedown_on) == (D(2025, 6, 20), D(2026, 3, 20))
    pin_today(D(2026, 6, 10))
    later = penalty_record(city_a, uscc="91410100MA0000003X", severity_hint="minor", decided_on=D(2026, 6, 1))
    assert later.rule.code == "2025" and later.status == RecordStatus.UNPUBLISHED
    r.refresh_from_db()
    assert r.rule.code == "2021"  # a new regime never moves an old record's dates


def test_warnings_are_not_published(city_a, today_2026):
    r = penalty_record(city_a, uscc="91410100MA0000004X", penalty_kind="warning", severity_hint="minor")
    assert r.status == RecordStatus.UNPUBLISHED and "警告" in r.unpublished_reason
    assert not r.pushes.exists()


def test_summary_procedure_fines_are_not_published(city_a, today_2026):
    r = penalty_record(city_a, uscc="91410100MA0000005X", procedure="summary", fine_fen=200_00)
    assert r.status == RecordStatus.UNPUBLISHED and "简易程序" in r.unpublished_reason


def test_not_punished_makes_no_record(city_a, today_2026):
    assert penalty_record(city_a, uscc="91410100MA0000006X", penalty_kind="not_punished") is None


def test_the_same_decision_twice_makes_one_record(city_a, today_2026):
    from .factories import penalty_summary

    summary = penalty_summary(city_a, uscc="91410100MA0000007X")
    first = services.record_from_penalty(summary, case_id=77)
    second = services.record_from_penalty(summary, case_id=77)
    assert first.pk == second.pk and CreditRecord.objects.count() == 1


def test_published_record_is_pushed_with_receipts(city_a, today_2026, city_platform, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = penalty_record(city_a, uscc="91410100MA0000008X")
    pushes = {p.platform: p for p in r.pushes.all()}
    assert set(pushes) == {"log", "city"}
    assert pushes["city"].status == PlatformPush.Status.SENT and pushes["city"].receipt == "CITY-1"
    r.refresh_from_db()
    assert r.reported_on == D(2026, 6, 10)  # 双公示: reported within 7 working days


def test_records_are_taken_down_at_the_maximum(city_a, pin_today, django_capture_on_commit_callbacks):
    pin_today(D(2026, 6, 10))
    r = penalty_record(city_a, uscc="91410100MA0000009X", severity_hint="general", decided_on=D(2026, 6, 1))
    pin_today(D(2027, 6, 1))
    assert services.takedown_due() == 0  # still public on its last day
    pin_today(D(2027, 6, 2))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.takedown_due() == 1
        assert services.takedown_due() == 0  # idempotent
    r.refresh_from_db()
    assert r.status == RecordStatus.EXPIRED
    assert r.pushes.filter(action="takedown", status="sent").exists()
    from tongban.credit.selectors import public_records

    assert not public_records(r.subject_code).exists()
