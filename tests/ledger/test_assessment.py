"""Assessment: indicators computed from dated facts, a past quarter reproduced exactly, the
drill-down ids, manual values with evidence, weights per unit type, grades, objections."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tongban.accounts.models import Organisation, Role
from tongban.ledger.assessment import indicators
from tongban.ledger.assessment import services as svc
from tongban.ledger.models import Indicator, Problem

from ..factories import StaffFactory
from .factories import assigned, closed, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(city_a, pin_today):
    pin_today(dt.date(2026, 4, 1))
    return world(city_a, start=dt.date(2026, 4, 1))


def _close_on(w, pin_today, day, title, days=5):
    pin_today(dt.date(2026, 4, 1))
    p = assigned(w, title, days=days, co=False)
    pin_today(day)
    return closed(w, p)


def _scheme(w):
    assessor = StaffFactory(organisation=w.city, roles=[Role.ADMIN])
    on_time = svc.indicator_define(actor=assessor, code="ledger.on_time", name="整改按期销号率", kind="computed",
                                   computation="ledger.closed_on_time", valid_from=dt.date(2026, 1, 1))
    manual = svc.indicator_define(actor=assessor, code="manual.rules", name="制度建设", kind="manual")
    scheme = svc.scheme_create(actor=assessor, organisation=w.city, name="季度考评方案", items=[
        (on_time, Organisation.Kind.DEPARTMENT, "60"), (manual, Organisation.Kind.DEPARTMENT, "40"),
        (on_time, Organisation.Kind.UNIT, "100"),
    ])
    return assessor, scheme, on_time, manual


def test_the_ledger_indicator_counts_first_closeouts_of_the_period_by_lead_unit(w, pin_today):
    a = _close_on(w, pin_today, dt.date(2026, 4, 3), "按期一")
    b = _close_on(w, pin_today, dt.date(2026, 6, 30), "逾期一")
    facts = indicators.compute("ledger.closed_on_time", w.city, dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert (facts.ok, facts.not_ok) == ([a.pk], [b.pk])


def test_an_indicator_is_reproduced_for_a_past_quarter(w, pin_today):
    assessor, scheme, _on_time, manual = _scheme(w)
    a = _close_on(w, pin_today, dt.date(2026, 4, 3), "按期一")
    b = _close_on(w, pin_today, dt.date(2026, 6, 30), "逾期一")
    svc.manual_value_set(actor=assessor, indicator_id=manual.pk, organisation_id=w.dept.pk, period="2026Q2",
                         value="80", note="出台制度 2 项")
    pin_today(dt.date(2026, 7, 2))
    run = svc.assessment_run(actor=assessor, scheme_id=scheme.pk, period="2026Q2")
    score = run.scores.get(organisation=w.dept)
    points = {p.indicator.code: p for p in score.points.all()}
    assert points["ledger.on_time"].rate == Decimal("50.00")
    assert points["ledger.on_time"].records == {"model": "ledger.problem", "ok": [a.pk], "not_ok": [b.pk]}
    # total = 100 × (60 × 50% + 40 × 80%) / 100
    assert score.total == Decimal("62.00") and score.grade == "一般"
    # the next quarter brings new facts, and one of Q2's problems is reopened and closed again late
    a.refresh_from_db()
    from tongban.ledger.services.problems import reopen

    reopen(a, actor=w.leader, action="recheck_fail", note="回头看不合格")
    pin_today(dt.date(2026, 8, 20))
    closed(w, Problem.objects.get(pk=a.pk))
    _close_on(w, pin_today, dt.date(2026, 7, 20), "三季度问题")
    # a new version of the indicator does not change the stored run's definition
    svc.indicator_define(actor=assessor, code="ledger.on_time", name="整改按期销号率（新口径）", kind="computed",
                         computation="cases.on_time_conclusion")
    again = svc.reproduce(run)
    row = next(r for r in again if r["unit"] == w.dept)
    assert row["total"] == score.total
    recomputed = {p["code"]: p for p in row["points"]}
    assert recomputed["ledger.on_time"]["records"] == points["ledger.on_time"].records
    assert run.definition["items"][0]["version"] == 1
    assert Indicator.objects.filter(code="ledger.on_time").count() == 2


def test_units_without_data_are_scored_on_what_they_have_and_unit_types_have_their_weights(w, pin_today):
    assessor, scheme, *_ = _scheme(w)
    _close_on(w, pin_today, dt.date(2026, 4, 3), "按期一")
    pin_today(dt.date(2026, 7, 2))
    run = svc.assessment_run(actor=assessor, scheme_id=scheme.pk, period="2026Q2")
    dept = run.scores.get(organisation=w.dept)
    unit = run.scores.get(organisation=w.co)
    assert dept.total == Decimal("100.00") and dept.grade == "优秀"  # the manual one has no value: not counted
    assert unit.total is None and unit.grade == ""  # a unit with no record is not graded
    assert dept.rank == 1


def test_a_quarter_not_yet_over_cannot_be_appraised(w):
    assessor, scheme, *_ = _scheme(w)
    with pytest.raises(ValidationError, match="尚未结束"):
        svc.assessment_run(actor=assessor, scheme_id=scheme.pk, period="2026Q2")


def test_a_unit_objects_to_a_data_point_and_opinions_attach_to_unit_and_period(w, pin_today):
    assessor, scheme, *_ = _scheme(w)
    _close_on(w, pin_today, dt.date(2026, 4, 3), "按期一")
    pin_today(dt.date(2026, 7, 2))
    run = svc.assessment_run(actor=assessor, scheme_id=scheme.pk, period="2026Q2")
    point = run.scores.get(organisation=w.dept).points.get(indicator__code="ledger.on_time")
    row = svc.objection_file(actor=w.leader, point_id=point.pk, reason="TST-001 因疫情暂停，不应计入")
    svc.objection_answer(actor=assessor, objection_id=row.pk, accept=False, answer="暂停未经审批")
    row.refresh_from_db()
    assert row.status == "rejected"
    op = svc.opinion_add(actor=assessor, organisation_id=w.dept.pk, period="2026Q2", source="enterprise",
                         text="审批科服务态度好", author="张三丰")
    assert (op.period_start, op.period_end, op.author) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30), "张*丰")
    summary = svc.summary_write(actor=w.clerk, month="2026-06", text="本月完成整改 3 项")
    assert summary.month == dt.date(2026, 6, 1)
