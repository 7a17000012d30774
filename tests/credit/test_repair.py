"""信用修复 (国办发〔2025〕22号): asked after the minimum period, decided within the configured
working days; approval stops publication and is pushed, with receipts, to the platforms that
received the record; refusal gives reasons and can be objected to."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tongban.core.calendar import WorkCalendar
from tongban.core.errors import Conflict
from tongban.credit import services
from tongban.credit.models import ObjectionStatus, RecordStatus, RepairStatus
from tongban.credit.selectors import public_records

from .factories import pdf, penalty_record

D = dt.date


def evidence():
    return [pdf()]


@pytest.fixture
def published(city_a, firm, pin_today, city_platform, django_capture_on_commit_callbacks):
    pin_today(D(2026, 6, 10))
    with django_capture_on_commit_callbacks(execute=True):
        return penalty_record(city_a, uscc=firm.enterprise.uscc, name=firm.enterprise.name, decided_on=D(2026, 6, 1))


def apply(firm, record):
    return services.repair_apply(actor=firm, record_id=record.pk, corrected="已补建防空地下室", penalty_fulfilled="罚款已缴纳",
                                 commitment="今后严格遵守人防法规", evidence=evidence())


def test_guobanfa_2025_22_repair_only_after_the_minimum_period(published, firm, pin_today):
    with pytest.raises(Conflict) as exc:
        apply(firm, published)
    assert "国办发〔2025〕22号" in exc.value.message and "2026年09月01日" in exc.value.message
    assert not published.repairs.exists()
    pin_today(D(2026, 9, 1))
    repair = apply(firm, published)
    assert repair.status == RepairStatus.PENDING
    assert repair.due_on == WorkCalendar.default().add_workdays(D(2026, 9, 1), published.rule.repair_decision_days)


def test_repair_needs_evidence_and_changes_nothing_without(published, firm, pin_today):
    pin_today(D(2026, 9, 1))
    with pytest.raises(ValidationError) as exc:
        services.repair_apply(actor=firm, record_id=published.pk, corrected="x", penalty_fulfilled="y", commitment="z")
    assert "证明材料" in str(exc.value)
    assert not published.repairs.exists()


def test_approval_stops_publication_and_pushes_receipts(published, firm, credit_admin, pin_today, city_platform,
                                                        django_capture_on_commit_callbacks):
    pin_today(D(2026, 9, 1))
    repair = apply(firm, published)
    with django_capture_on_commit_callbacks(execute=True):
        services.repair_decide(actor=credit_admin, repair_id=repair.pk, approve=True, reasons="整改到位")
    published.refresh_from_db()
    assert published.status == RecordStatus.REPAIRED
    assert not public_records(published.subject_code).exists()
    pushes = {p.platform: p for p in published.pushes.filter(action="repair")}
    assert set(pushes) == {"log", "city"}  # both had received the record
    assert all(p.status == "sent" and p.receipt for p in pushes.values())
    assert city_platform.submit.call_args.kwargs["action"] == "repair"


def test_repair_goes_only_to_platforms_that_received_the_record(published, firm, credit_admin, pin_today, settings,
                                                                django_capture_on_commit_callbacks):
    settings.TONGBAN_CREDIT_PLATFORMS = ["tongban.credit.platforms.LoggingPlatform",
                                         "tests.credit.platforms_fake.CityPlatform", "tests.credit.test_repair.Other"]
    pin_today(D(2026, 9, 1))
    repair = apply(firm, published)
    with django_capture_on_commit_callbacks(execute=True):
        services.repair_decide(actor=credit_admin, repair_id=repair.pk, approve=True, reasons="整改到位")
    assert set(published.pushes.filter(action="repair").values_list("platform", flat=True)) == {"log", "city"}


class Other:
    name = "other"

    def push(self, action, payload):
        return "OTHER-1"


def test_refusal_needs_reasons_and_can_be_objected_to(published, firm, credit_admin, pin_today):
    pin_today(D(2026, 9, 1))
    repair = apply(firm, published)
    with pytest.raises(ValidationError):
        services.repair_decide(actor=credit_admin, repair_id=repair.pk, approve=False, reasons="")
    repair.refresh_from_db()
    assert repair.status == RepairStatus.PENDING
    services.repair_decide(actor=credit_admin, repair_id=repair.pk, approve=False, reasons="罚款尚未缴清")
    objection = services.objection_submit(actor=firm, target="repair", target_id=repair.pk, content="罚款已于8月缴清，附凭证")
    services.objection_decide(actor=credit_admin, objection_id=objection.pk, corrected=True, reasons="核实已缴清")
    repair.refresh_from_db()
    published.refresh_from_db()
    assert objection.__class__.objects.get(pk=objection.pk).status == ObjectionStatus.CORRECTED
    assert repair.status == RepairStatus.APPROVED and published.status == RecordStatus.REPAIRED


def test_a_stale_decision_is_refused(published, firm, credit_admin, pin_today):
    pin_today(D(2026, 9, 1))
    repair = apply(firm, published)
    with pytest.raises(Conflict):
        services.repair_decide(actor=credit_admin, repair_id=repair.pk, approve=True, reasons="", expected_version=99)
    repair.refresh_from_db()
    assert repair.status == RepairStatus.PENDING


def test_repair_decision_clock_warns(published, firm, pin_today):
    from tongban.credit.sweep import run_sweep

    pin_today(D(2026, 9, 1))
    repair = apply(firm, published)
    pin_today(repair.due_on + dt.timedelta(days=1))
    run_sweep()
    repair.refresh_from_db()
    assert repair.warning == "red"
