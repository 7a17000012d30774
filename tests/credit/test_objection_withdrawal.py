"""异议 flow, and withdrawal within 3 working days when the penalty is revoked (《行政处罚法》第四十八条)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tongban.core.calendar import WorkCalendar
from tongban.credit import services
from tongban.credit.models import ObjectionStatus, RecordStatus
from tongban.credit.selectors import public_records

from .factories import penalty_record

D = dt.date


@pytest.fixture
def published(city_a, firm, pin_today, city_platform, django_capture_on_commit_callbacks):
    pin_today(D(2026, 6, 10))
    with django_capture_on_commit_callbacks(execute=True):
        return penalty_record(city_a, uscc=firm.enterprise.uscc, name=firm.enterprise.name, case_id=501,
                              decided_on=D(2026, 6, 1))


def test_a_disputed_record_is_marked_while_checked_and_corrected(published, firm, credit_admin,
                                                                 django_capture_on_commit_callbacks):
    row = services.objection_submit(actor=firm, target="record", target_id=published.pk, content="违法事实有误")
    published.refresh_from_db()
    assert published.disputed
    assert row.due_on == WorkCalendar.default().add_workdays(D(2026, 6, 10), published.rule.objection_decision_days)
    with pytest.raises(ValidationError):  # corrected without the corrected content
        services.objection_decide(actor=credit_admin, objection_id=row.pk, corrected=True, reasons="属实")
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_decide(actor=credit_admin, objection_id=row.pk, corrected=True, reasons="属实",
                                  correction="未按规定足额修建防空地下室")
    published.refresh_from_db()
    assert not published.disputed and published.content == "未按规定足额修建防空地下室"
    assert published.pushes.filter(action="correct", status="sent").count() == 2


def test_an_upheld_objection_keeps_the_record_with_reasons(published, firm, credit_admin):
    row = services.objection_submit(actor=firm, target="record", target_id=published.pk, content="不服")
    services.objection_decide(actor=credit_admin, objection_id=row.pk, corrected=False, reasons="事实清楚，证据确凿")
    row.refresh_from_db()
    published.refresh_from_db()
    assert row.status == ObjectionStatus.UPHELD and row.reasons == "事实清楚，证据确凿"
    assert not published.disputed and published.status == RecordStatus.PUBLISHED


def test_xingzheng_chufa_fa_48_withdrawn_within_3_working_days_on_revocation(published, city_platform,
                                                                             django_capture_on_commit_callbacks):
    city_platform.submit.side_effect = lambda action, payload: {"ok": False, "error": "平台维护中"}
    with django_capture_on_commit_callbacks(execute=True):
        services.record_withdraw(source="penalty", source_ref="501", reason="行政复议撤销原处罚决定")
    published.refresh_from_db()
    assert published.status == RecordStatus.WITHDRAWING  # off the public pages at once
    assert not public_records(published.subject_code).exists()
    assert published.withdraw_due == WorkCalendar.default().add_workdays(D(2026, 6, 10), 3)
    # The city platform answers again: the sweep retries, the receipt arrives, the record is void.
    city_platform.submit.side_effect = lambda action, payload: {"ok": True, "receipt": "CITY-W"}
    from tongban.credit.sweep import run_sweep

    run_sweep()
    published.refresh_from_db()
    assert published.status == RecordStatus.VOID and published.withdrawn_on == D(2026, 6, 10)
    assert published.void_reason == "行政复议撤销原处罚决定"


def test_withdrawal_overdue_turns_red(published, pin_today, city_platform, django_capture_on_commit_callbacks):
    city_platform.submit.side_effect = lambda action, payload: {"ok": False, "error": "down"}
    with django_capture_on_commit_callbacks(execute=True):
        services.record_withdraw(source="penalty", source_ref="501", reason="撤销")
    from tongban.credit.sweep import run_sweep

    pin_today(published.__class__.objects.get(pk=published.pk).withdraw_due + dt.timedelta(days=1))
    run_sweep()
    published.refresh_from_db()
    assert published.warning == "red" and published.status == RecordStatus.WITHDRAWING


def test_an_unpublished_record_is_voided_at_once(city_a, pin_today):
    pin_today(D(2026, 6, 10))
    r = penalty_record(city_a, uscc="91410100MA0000011X", penalty_kind="warning", case_id=777)
    services.record_withdraw(source="penalty", source_ref="777", reason="撤销")
    r.refresh_from_db()
    assert r.status == RecordStatus.VOID
