"""Dated milestones of a rectification task (整改节点): planned in working days from the assignment
or on a date, never after the task's deadline; reported done with evidence; overdue ones warn on the
problem page and on the unit's task list."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from tongban.core.errors import Conflict
from tongban.ledger import selectors, services
from tongban.ledger.models import Milestone, Transition

from ..factories import StaffFactory
from .factories import assigned, closed, pdf, world

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def w(city_a, pin_today):
    pin_today(D(2026, 3, 2))  # a Monday
    return world(city_a)


def test_a_milestone_in_working_days_skips_the_weekend_and_a_holiday(w, pin_today):
    p = assigned(w, days=20)  # assigned Monday 2 March 2026
    m = services.milestone_add(actor=w.office, problem_id=p.pk, title="完成线上指南核对", days=5)
    assert m.due_on == D(2026, 3, 9)  # Tue..Fri, then Monday
    # 2026's Qingming holiday (4–6 April): ten working days from Friday 3 April land on 20 April
    pin_today(D(2026, 3, 30))
    late = assigned(w, "窗口材料清单与网上不一致", days=20)
    m2 = services.milestone_add(actor=w.office, problem_id=late.pk, title="材料清单统一", days=5)
    assert m2.due_on == D(2026, 4, 7)  # 31 Mar, 1–3 Apr, (4–6 Apr holiday), 7 Apr
    assert Transition.objects.filter(problem=late, action="milestone_add").exists()


def test_a_milestone_after_the_tasks_deadline_is_refused_and_nothing_is_written(w):
    p = assigned(w, days=5)
    with pytest.raises(ValidationError, match="不能晚于整改期限（2026-03-09）"):
        services.milestone_add(actor=w.office, problem_id=p.pk, title="太晚的节点", due_on="2026-03-10")
    with pytest.raises(ValidationError, match="节点内容"):
        services.milestone_add(actor=w.office, problem_id=p.pk, title=" ", days=2)
    with pytest.raises(ValidationError, match="节点期限"):
        services.milestone_add(actor=w.office, problem_id=p.pk, title="没有期限")
    assert not Milestone.objects.exists()


def test_a_unit_reports_a_milestone_done_with_evidence_once(w, pin_today):
    p = assigned(w, days=10)
    m = services.milestone_add(actor=w.clerk, problem_id=p.pk, title="完成线上指南核对", days=3)
    pin_today(D(2026, 3, 6))  # after the due day (5 March): done late, and it says so
    done = services.milestone_done(actor=w.co_clerk, problem_id=p.pk, milestone_id=m.pk, note="已核对 12 项指南",
                                   upload=pdf())
    assert (done.done_on, done.done_by, done.attachment.original_name) == (D(2026, 3, 6), w.co_clerk, "佐证.pdf")
    step = Transition.objects.get(problem=p, action="milestone_done")
    assert step.data["late"] is True and step.data["file"] == "佐证.pdf"
    with pytest.raises(Conflict, match="已于 2026-03-06 报告完成"):
        services.milestone_done(actor=w.clerk, problem_id=p.pk, milestone_id=m.pk, note="再次报告")
    with pytest.raises(ValidationError, match="完成情况"):
        other = services.milestone_add(actor=w.office, problem_id=p.pk, title="第二个节点", days=8)
        services.milestone_done(actor=w.clerk, problem_id=p.pk, milestone_id=other.pk, note="")


def test_only_the_office_and_the_lead_unit_plan_milestones_and_outsiders_report_none(w, city_b):
    p = assigned(w, days=10)
    with pytest.raises(PermissionDenied):
        services.milestone_add(actor=w.co_clerk, problem_id=p.pk, title="配合单位自行安排", days=2)
    m = services.milestone_add(actor=w.office, problem_id=p.pk, title="完成核对", days=2)
    outsider = StaffFactory(organisation=city_b, roles=["clerk"])
    with pytest.raises(Http404):  # another city's problem is not found for them
        services.milestone_done(actor=outsider, problem_id=p.pk, milestone_id=m.pk, note="不是本单位")
    assert Milestone.objects.get(pk=m.pk).done_on is None


def test_a_closed_task_takes_no_new_milestone(w):
    p = closed(w, assigned(w, days=10))
    with pytest.raises(Conflict, match="不能安排整改节点"):
        services.milestone_add(actor=w.office, problem_id=p.pk, title="销号后补节点", days=2)


def test_an_overdue_milestone_shows_red_on_the_problem_page_and_the_units_task_list(w, client, pin_today):
    p = assigned(w, days=10)
    services.milestone_add(actor=w.office, problem_id=p.pk, title="完成线上指南核对", days=2)  # due 4 March
    services.milestone_add(actor=w.office, problem_id=p.pk, title="窗口培训", days=8)  # due 12 March
    pin_today(D(2026, 3, 5))
    shown = services.milestones_of(p)
    assert [m.warning for m in shown] == ["red", ""]
    client.force_login(w.clerk)
    page = client.get(f"/ledger/problem/{p.pk}/").content.decode()
    assert "完成线上指南核对" in page and "超期" in page and "报告完成" in page
    assert "· 安排整改节点" in page and "· milestone_add" not in page  # the history names the step
    tasks = client.get("/ledger/tasks/").content.decode()
    assert "下一节点 2026-03-04" in tasks and "1 个节点超期" in tasks


def test_the_task_list_query_count_does_not_grow_with_milestones(w, client):
    p = assigned(w, days=10)
    client.force_login(w.clerk)
    client.get("/ledger/tasks/")  # warm: the first page after login saves the session
    with CaptureQueriesContext(connection) as one:
        client.get("/ledger/tasks/")
    for n in range(1, 6):
        services.milestone_add(actor=w.office, problem_id=p.pk, title=f"节点{n}", days=n)
    assigned(w, "第二个问题", days=10)
    with CaptureQueriesContext(connection) as many:
        client.get("/ledger/tasks/")
    assert len(many) == len(one)
    assert list(selectors.unit_tasks(w.clerk).values_list("overdue_milestones", flat=True)) == [0, 0]
