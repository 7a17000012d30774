"""Evaluation pages scoped to the organisation that ran the evaluation, the credit administrator's
board, and the withdrawal deadline that moves with the calendar (《行政处罚法》第四十八条)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.factories import StaffFactory
from tongban.accounts.models import Role
from tongban.core import calendar_store
from tongban.core.calendar import WorkCalendar
from tongban.credit import services
from tongban.credit.models import Evaluation, EvaluationRun, PlatformPush, RecordStatus

from .factories import pdf, penalty_record, scoring_method

D = dt.date


@pytest.fixture
def run(city_a, firm, credit_admin, pin_today):
    pin_today(D(2026, 6, 10))
    penalty_record(city_a, uscc=firm.enterprise.uscc, name=firm.enterprise.name, decided_on=D(2026, 1, 5))
    scoring_method()
    return services.evaluation_run(actor=credit_admin)


def _people(province, city_a, city_b, credit_admin, credit_admin_b):
    return {
        "credit_admin": credit_admin,
        "supervisor_same_city": StaffFactory(organisation=city_a, roles=[Role.SUPERVISOR]),
        "supervisor_province": StaffFactory(organisation=province, roles=[Role.SUPERVISOR]),
        "admin_elsewhere": credit_admin_b,
        "supervisor_elsewhere": StaffFactory(organisation=city_b, roles=[Role.SUPERVISOR]),
        "clerk_same_city": StaffFactory(organisation=city_a, roles=[Role.CLERK]),
    }


SEES = {"credit_admin", "supervisor_same_city", "supervisor_province"}


@pytest.mark.parametrize("who", ["credit_admin", "supervisor_same_city", "supervisor_province", "admin_elsewhere",
                                 "supervisor_elsewhere", "clerk_same_city"])
def test_scores_and_breakdowns_are_seen_by_the_running_organisation_and_its_superiors(
        client, run, firm, who, province, city_a, city_b, credit_admin, credit_admin_b):
    assert run.organisation == city_a
    ev = Evaluation.objects.get(run=run, subject_code=firm.enterprise.uscc)
    client.force_login(_people(province, city_a, city_b, credit_admin, credit_admin_b)[who])
    run_page = client.get(f"/credit/evaluations/runs/{run.pk}/")
    breakdown = client.get(f"/credit/evaluations/{ev.pk}/")
    listing = client.get("/credit/evaluations/")
    if who in SEES:
        assert run_page.status_code == 200 and breakdown.status_code == 200
        assert firm.enterprise.name in run_page.content.decode()
        assert f"/credit/evaluations/runs/{run.pk}/" in listing.content.decode()
    elif who == "clerk_same_city":  # no credit.view at all
        assert {run_page.status_code, breakdown.status_code, listing.status_code} == {403}
    else:  # another region: the run does not exist for them
        assert run_page.status_code == 404 and breakdown.status_code == 404
        assert f"/credit/evaluations/runs/{run.pk}/" not in listing.content.decode()


def test_another_region_cannot_publish_the_run_and_nothing_changes(client, run, credit_admin, credit_admin_b):
    with pytest.raises(Http404):
        services.evaluation_publish(actor=credit_admin_b, run_id=run.pk)
    client.force_login(credit_admin_b)
    assert client.post("/credit/evaluations/", {"publish": run.pk}).status_code == 404
    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.COMPUTED
    services.evaluation_publish(actor=credit_admin, run_id=run.pk)
    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.PUBLISHED


def test_published_grades_stay_public(client, run, credit_admin, firm):
    services.evaluation_publish(actor=credit_admin, run_id=run.pk)
    page = client.get("/credit/public/grades/")
    assert page.status_code == 200 and firm.enterprise.name in page.content.decode()


def test_an_objection_to_a_grade_goes_to_the_running_organisation(run, credit_admin, credit_admin_b, firm):
    services.evaluation_publish(actor=credit_admin, run_id=run.pk)
    ev = Evaluation.objects.get(run=run, subject_code=firm.enterprise.uscc)
    row = services.objection_submit(actor=firm, target="evaluation", target_id=ev.pk, content="扣分有误")
    assert row.organisation_id == run.organisation_id
    with pytest.raises(Http404):
        services.objection_decide(actor=credit_admin_b, objection_id=row.pk, corrected=False, reasons="维持")


# --- the board -------------------------------------------------------------------------------


@pytest.fixture
def work(city_a, firm, credit_admin, pin_today):
    pin_today(D(2026, 6, 10))
    # Decided a year ago: repairable, and comes down within the month.
    old = penalty_record(city_a, uscc=firm.enterprise.uscc, name=firm.enterprise.name, decided_on=D(2025, 6, 20))
    repair = services.repair_apply(actor=firm, record_id=old.pk, corrected="已整改", penalty_fulfilled="罚款已缴",
                                   commitment="守法经营", evidence=[pdf()])
    fresh = penalty_record(city_a, uscc=firm.enterprise.uscc, name=firm.enterprise.name, decided_on=D(2026, 5, 20))
    PlatformPush.objects.create(record=fresh, platform="city", action=PlatformPush.Action.PUBLISH,
                                status=PlatformPush.Status.FAILED, attempts=2, last_error="平台维护中")
    return {"old": old, "fresh": fresh, "repair": repair}


def test_the_board_shows_the_administrators_queues_with_overdue_ones(client, work, credit_admin, pin_today):
    pin_today(work["repair"].due_on + dt.timedelta(days=1))  # the repair decision is now late
    client.force_login(credit_admin)
    page = client.get("/credit/board/")
    assert page.status_code == 200
    html = page.content.decode()
    assert work["repair"].number in html and "超期" in html
    assert work["old"].number in html  # comes down within the horizon
    assert work["fresh"].number in html and "平台维护中" in html  # unreported 双公示, a failed push
    ctx = page.context
    assert ctx["repairs"].overdue == 1 and ctx["dual"].overdue == 2 and ctx["failures"].total == 1
    general_row = next(r for r in ctx["tiers"] if r["tier"] == "general")
    assert general_row["total"] == 2


def test_the_board_is_scoped_and_for_the_credit_administrator_only(client, work, credit_admin_b, supervisor_a):
    client.force_login(credit_admin_b)
    page = client.get("/credit/board/")
    assert page.status_code == 200
    assert work["repair"].number not in page.content.decode() and page.context["repairs"].total == 0
    client.force_login(supervisor_a)
    assert client.get("/credit/board/").status_code == 403


def test_the_board_is_in_the_credit_administrators_menu(client, credit_admin, supervisor_a):
    client.force_login(credit_admin)
    assert "/credit/board/" in client.get("/credit/").content.decode()
    client.force_login(supervisor_a)
    assert "/credit/board/" not in client.get("/credit/").content.decode()


def test_the_board_query_count_does_not_grow_with_rows(client, work, city_a, firm, credit_admin,
                                                       django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(credit_admin)
    with CaptureQueriesContext(connection) as few:
        client.get("/credit/board/")
    for i in range(5):
        r = penalty_record(city_a, uscc=firm.enterprise.uscc, name=firm.enterprise.name, decided_on=D(2025, 6, 21 + i))
        services.repair_apply(actor=firm, record_id=r.pk, corrected="a", penalty_fulfilled="b", commitment="c",
                              evidence=[pdf()])
        PlatformPush.objects.create(record=r, platform="city", action="publish", status="failed", last_error="x")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/credit/board/")


def test_the_board_refuses_without_the_permission(work, supervisor_a, rf):
    from tongban.credit.views import board

    request = rf.get("/credit/board/")
    request.user = supervisor_a
    with pytest.raises(PermissionDenied):
        board(request)


# --- the withdrawal deadline and the calendar ------------------------------------------------


def test_xingzheng_chufa_fa_48_withdrawal_deadline_moves_when_a_holiday_is_added(
        city_a, firm, pin_today, city_platform, admin_p, django_capture_on_commit_callbacks):
    pin_today(D(2026, 6, 10))  # a Wednesday
    with django_capture_on_commit_callbacks(execute=True):
        record = penalty_record(city_a, uscc=firm.enterprise.uscc, name=firm.enterprise.name, case_id=601,
                                decided_on=D(2026, 6, 1))
    city_platform.submit.side_effect = lambda action, payload: {"ok": False, "error": "平台维护中"}
    with django_capture_on_commit_callbacks(execute=True):
        services.record_withdraw(source="penalty", source_ref="601", reason="行政复议撤销", revoked_on=D(2026, 6, 9))
    record.refresh_from_db()
    assert record.status == RecordStatus.WITHDRAWING and record.revoked_on == D(2026, 6, 9)
    assert record.withdraw_due == D(2026, 6, 12)  # Tue 9 + 3 working days = Fri 12
    # Thursday the 11th becomes a holiday: the deadline moves to Monday the 15th.
    with django_capture_on_commit_callbacks(execute=True):
        calendar_store.calendar_day_set(actor=admin_p, date=D(2026, 6, 11), kind="holiday", name="测试假日")
    record.refresh_from_db()
    assert record.withdraw_due == D(2026, 6, 15)
    assert record.withdraw_due == WorkCalendar.default().add_workdays(D(2026, 6, 9), 3)


def test_a_revocation_day_in_the_future_counts_from_today(city_a, firm, pin_today):
    pin_today(D(2026, 6, 10))
    record = penalty_record(city_a, uscc=firm.enterprise.uscc, case_id=602, decided_on=D(2026, 6, 1))
    services.record_withdraw(source="penalty", source_ref="602", reason="撤销", revoked_on=D(2026, 7, 1))
    record.refresh_from_db()
    assert record.revoked_on == D(2026, 6, 10)
