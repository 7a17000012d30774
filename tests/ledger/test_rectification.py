"""Rectification: listing with sources and duplicate flags, tasks with working-day deadlines,
progress and roll-up, close-out with every unit's evidence and the leader's sign-off, overdue
warnings and escalation across a holiday, presses, the enterprise's satisfaction."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.core import calendar_store, supervision
from tongban.core.errors import Conflict
from tongban.ledger import services
from tongban.ledger.models import CloseOut, Problem, Satisfaction, Status, Transition
from tongban.ledger.sweep import run_sweep

from ..factories import StaffFactory
from .factories import assigned, closed, enterprise_user, evidenced, listed, pdf, world

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def w(city_a, pin_today):
    pin_today(D(2026, 3, 2))  # a Monday
    return world(city_a)


def test_a_problem_keeps_its_source_and_gets_a_number(w):
    p = listed(w, source_kind="assigned", source_ref="省整治组交办〔2026〕3号")
    assert p.number == "TST-001"
    assert (p.source_kind, p.source_ref, p.status) == ("assigned", "省整治组交办〔2026〕3号", Status.LISTED)
    assert p.transitions.get().action == "list"


def test_a_problem_handed_down_without_its_reference_is_refused(w):
    with pytest.raises(ValidationError, match="来源编号"):
        listed(w, source_kind="inspection")
    assert not Problem.objects.exists()


def test_a_similar_open_problem_is_flagged_as_a_possible_duplicate(w):
    first = listed(w, "防空地下室报建审批材料要求网上与窗口不一致")
    second = listed(w, "防空地下室报建审批的材料要求，网上和窗口不一致")
    other = listed(w, "人防工程竣工验收等待时间过长")
    assert second.possible_duplicate_of == first and second.duplicate_score >= w.campaign.duplicate_threshold
    assert other.possible_duplicate_of is None


def test_the_deadline_is_counted_in_working_days_from_the_day_after_assignment(w):
    p = assigned(w, days=5)  # assigned Monday 2026-03-02: Tue..Fri, Mon
    assert p.due_on == D(2026, 3, 9)
    assert p.status == Status.RECTIFYING and p.limit_days == 5


def test_the_leader_must_be_an_approver_of_the_lead_units_agency(w, city_b):
    p = listed(w)
    outsider = StaffFactory(organisation=city_b, roles=["approver"])
    with pytest.raises(ValidationError, match="一把手负责制"):
        services.task_assign(actor=w.office, problem_id=p.pk, measures="m", lead_unit_id=w.dept.pk,
                             leader_id=outsider.pk, limit_days=5)
    p.refresh_from_db()
    assert p.status == Status.LISTED and p.leader is None


def test_closeout_is_refused_until_the_lead_unit_and_every_co_unit_gave_evidence(w):
    p = assigned(w)
    with pytest.raises(ValidationError, match=r"一件一件销号.*尚缺：审批科、质监站"):
        services.closeout_submit(actor=w.clerk, problem_id=p.pk, summary="完成")
    services.evidence_submit(actor=w.clerk, problem_id=p.pk, unit_id=w.dept.pk, note="已统一", upload=pdf())
    with pytest.raises(ValidationError, match="尚缺：质监站"):
        services.closeout_submit(actor=w.clerk, problem_id=p.pk, summary="完成")
    p.refresh_from_db()
    assert p.status == Status.RECTIFYING and not CloseOut.objects.exists()
    # a unit gives evidence only for itself
    with pytest.raises(PermissionDenied):
        services.evidence_submit(actor=w.clerk, problem_id=p.pk, unit_id=w.co.pk, note="代交")
    services.evidence_submit(actor=w.co_clerk, problem_id=p.pk, unit_id=w.co.pk, note="已核对")
    services.closeout_submit(actor=w.clerk, problem_id=p.pk, summary="完成")
    p.refresh_from_db()
    assert p.status == Status.CLOSING


def test_only_the_responsible_leader_signs_and_a_rejection_returns_with_reasons(w, approver):
    p = evidenced(w, assigned(w))
    services.closeout_submit(actor=w.clerk, problem_id=p.pk, summary="完成")
    with pytest.raises(PermissionDenied):
        services.closeout_decide(actor=approver, problem_id=p.pk, approve=True)  # an approver, not this one
    with pytest.raises(ValidationError, match="理由"):
        services.closeout_decide(actor=w.leader, problem_id=p.pk, approve=False)
    services.closeout_decide(actor=w.leader, problem_id=p.pk, approve=False, reasons="佐证不足，缺少线上指南截图")
    p.refresh_from_db()
    assert p.status == Status.RECTIFYING
    assert p.closeouts.get().status == CloseOut.Status.REJECTED
    assert p.closeouts.get().reasons == "佐证不足，缺少线上指南截图"
    services.closeout_submit(actor=w.clerk, problem_id=p.pk, summary="补充截图")
    services.closeout_decide(actor=w.leader, problem_id=p.pk, approve=True)
    p.refresh_from_db()
    assert (p.status, p.closed_on, p.progress) == (Status.CLOSED, D(2026, 3, 2), 100)
    assert p.transitions.filter(action="close").get().data["on_time"] is True


def test_a_stale_page_cannot_submit_twice(w):
    p = evidenced(w, assigned(w))
    services.closeout_submit(actor=w.clerk, problem_id=p.pk, summary="完成", expected_version=p.row_version)
    with pytest.raises(Conflict):
        services.closeout_submit(actor=w.clerk, problem_id=p.pk, summary="完成", expected_version=p.row_version)


def test_parents_show_their_childrens_progress_rolled_up(w):
    parent = listed(w, "审批环节多、时间长")
    a = assigned(w, "勘验环节等待过长", parent_id=parent.pk, co=False)
    b = assigned(w, "专家评审组织慢", parent_id=parent.pk, co=False)
    services.task_assign(actor=w.office, problem_id=parent.pk, measures="压缩环节", lead_unit_id=w.dept.pk,
                         leader_id=w.leader.pk, limit_days=20)
    services.task_progress(actor=w.clerk, problem_id=a.pk, progress=40)
    parent.refresh_from_db()
    assert parent.progress == 20
    closed(w, b)  # a closed child counts 100
    parent.refresh_from_db()
    assert parent.progress == 70
    with pytest.raises(ValidationError, match="子问题汇总"):
        services.task_progress(actor=w.clerk, problem_id=parent.pk, progress=90)


def test_progress_in_steps(w):
    p = listed(w)
    services.task_assign(actor=w.office, problem_id=p.pk, measures="m", lead_unit_id=w.dept.pk, leader_id=w.leader.pk,
                         limit_days=5, steps_total=4)
    services.task_progress(actor=w.clerk, problem_id=p.pk, steps_done=3)
    p.refresh_from_db()
    assert (p.steps_done, p.progress) == (3, 75)
    with pytest.raises(ValidationError):
        services.task_progress(actor=w.clerk, problem_id=p.pk, steps_done=5)


def test_overdue_warns_and_escalates_to_the_lead_office_across_a_holiday(w, admin_p, pin_today,
                                                                       django_capture_on_commit_callbacks):
    # Thursday 2026-03-05 is made a holiday: a 3-working-day task assigned Monday ends Friday, not Thursday.
    calendar_store.calendar_day_set(actor=admin_p, date=D(2026, 3, 5), kind="holiday", name="测试假日")
    calendar_store.invalidate()
    p = assigned(w, days=3)
    assert p.due_on == D(2026, 3, 6)
    pin_today(D(2026, 3, 5))
    run_sweep(D(2026, 3, 5))
    p.refresh_from_db()
    assert p.warning == "yellow" and p.escalated_on is None
    pin_today(D(2026, 3, 9))
    with django_capture_on_commit_callbacks(execute=True):
        counts = run_sweep(D(2026, 3, 9))
    p.refresh_from_db()
    assert p.warning == "red" and p.escalated_on == D(2026, 3, 9) and counts["escalated"] == 1
    row = Transition.objects.get(problem=p, action="escalate")
    assert w.city.name in row.note
    assert run_sweep(D(2026, 3, 10))["escalated"] == 0  # once per round
    from tongban.core.models import Notification

    assert Notification.objects.filter(recipient=w.office, title__contains="整改超期").exists()


def test_a_supervisor_presses_an_overdue_task_and_acting_answers_it(w):
    p = assigned(w)
    services.problem_press(actor=w.office, problem_id=p.pk, note="请加快整改")
    assert supervision.open_presses(Problem.objects.filter(pk=p.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        services.problem_press(actor=w.clerk, problem_id=p.pk, note="x")
    services.task_progress(actor=w.clerk, problem_id=p.pk, progress=50)
    assert supervision.open_presses(Problem.objects.filter(pk=p.pk)).count() == 0


def test_an_unsatisfied_enterprise_reopens_its_problem_until_satisfied(w):
    ent = enterprise_user()
    p = assigned(w, raised_by=ent, enterprise=ent.enterprise)
    p = closed(w, p)
    assert p.satisfaction == Satisfaction.ASKED
    with pytest.raises(ValidationError, match="原因"):
        services.satisfaction_answer(actor=ent, problem_id=p.pk, satisfied=False)
    services.satisfaction_answer(actor=ent, problem_id=p.pk, satisfied=False, note="还是要跑两趟")
    p.refresh_from_db()
    assert (p.status, p.round, p.reopen_count, p.first_closed_on) == (Status.RECTIFYING, 2, 1, D(2026, 3, 2))
    assert p.closed_on is None
    # the first close-out stays in the history, and the new round needs new evidence
    assert p.closeouts.filter(status="approved", round=1).exists()
    with pytest.raises(ValidationError, match="尚缺"):
        services.closeout_submit(actor=w.clerk, problem_id=p.pk, summary="再次整改")
    p = closed(w, p)
    services.satisfaction_answer(actor=ent, problem_id=p.pk, satisfied=True)
    p.refresh_from_db()
    assert (p.status, p.satisfaction) == (Status.CLOSED, Satisfaction.SATISFIED)
    with pytest.raises(Conflict):
        services.satisfaction_answer(actor=ent, problem_id=p.pk, satisfied=False, note="x")


def test_only_the_enterprise_that_raised_it_answers(w, citizen):
    ent = enterprise_user()
    p = closed(w, assigned(w, raised_by=ent, enterprise=ent.enterprise))
    from django.http import Http404

    with pytest.raises(Http404):
        services.satisfaction_answer(actor=citizen, problem_id=p.pk, satisfied=False, note="x")
    p.refresh_from_db()
    assert p.status == Status.CLOSED


def test_rules_record_what_the_campaign_learnt(w):
    p = assigned(w)
    row = services.rule_record(actor=w.office, campaign_id=w.campaign.pk, title="办事指南动态核对制度",
                               adopted_on="2026-03-02", problem_ids=[p.pk])
    assert list(row.problems.all()) == [p]
    with pytest.raises(ValidationError, match="针对的问题"):
        services.rule_record(actor=w.office, campaign_id=w.campaign.pk, title="空制度", adopted_on="2026-03-02")


def test_filing_is_numbered_per_agency_and_year(w):
    assigned(w)
    first = services.filing_create(actor=w.office, campaign_id=w.campaign.pk)
    second = services.filing_create(actor=w.office, campaign_id=w.campaign.pk)
    assert first.number.endswith("整改备〔2026〕1号") and second.number.endswith("〔2026〕2号")
    assert first.rows[0]["问题"].startswith("窗口办事指南")
