"""The ledger's pages as users see them: the board, a problem's actions, queues, the public list
without personal data, the survey page (one sheet per browser), assessment drill-down."""

import datetime as dt

import pytest

from tongban.ledger import services
from tongban.ledger.models import Problem, Response, Status
from tongban.ledger.services import consult

from .factories import assigned, closed, evidenced, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(city_a, pin_today):
    pin_today(dt.date(2026, 3, 2))
    return world(city_a, publish_list=True)


def test_the_board_shows_problems_by_status_and_unit(client, w):
    p = assigned(w)
    client.force_login(w.office)
    page = client.get(f"/ledger/campaign/{w.campaign.pk}/").content.decode()
    assert p.number in page and "按牵头单位" in page and "审批科" in page
    assert client.get(f"/ledger/campaign/{w.campaign.pk}/export.xlsx").status_code == 200
    assert client.get(f"/ledger/campaign/{w.campaign.pk}/export.docx").status_code == 200


def test_closeout_through_the_pages(client, w):
    p = evidenced(w, assigned(w))
    client.force_login(w.clerk)
    r = client.post(f"/ledger/problem/{p.pk}/act/closeout_submit/", {"summary": "完成", "row_version": p.row_version},
                    follow=True)
    assert "待责任领导签批" in r.content.decode()
    client.force_login(w.leader)
    assert p.title[:10] in client.get("/ledger/signoff/").content.decode()
    page = client.get(f"/ledger/problem/{p.pk}/").content.decode()
    assert "同意销号" in page
    p.refresh_from_db()
    client.post(f"/ledger/problem/{p.pk}/act/closeout_decide/", {"approve": "1", "row_version": p.row_version})
    p.refresh_from_db()
    assert p.status == Status.CLOSED


def test_a_refused_closeout_shows_why_and_changes_nothing(client, w):
    p = assigned(w)
    client.force_login(w.clerk)
    r = client.post(f"/ledger/problem/{p.pk}/act/closeout_submit/", {"summary": "完成"}, follow=True)
    assert "尚缺" in r.content.decode()
    p.refresh_from_db()
    assert p.status == Status.RECTIFYING


def test_the_public_list_shows_units_and_progress_but_no_people(client, w):
    p = assigned(w, "企业反映电话 13812345678 打不通")
    closed(w, assigned(w, "第二个问题", co=False))
    page = client.get(f"/ledger/public/{w.campaign.pk}/").content.decode()
    assert "审批科" in page and "已销号" in page and "13812345678" not in page
    assert w.leader.display_name not in page
    assert p.number in page
    services.campaign_set_publication(actor=w.office, campaign_id=w.campaign.pk, publish=False)
    assert client.get(f"/ledger/public/{w.campaign.pk}/").status_code == 404


def test_the_survey_page_takes_one_sheet_per_browser(client, w):
    s = consult.survey_create(actor=w.office, title="满意度", closes_on="2026-03-31", campaign_id=w.campaign.pk,
                              questions=[{"kind": "scale", "text": "总体满意度"}, {"kind": "text", "text": "建议",
                                                                               "required": False}])
    q1, q2 = s.questions.all()
    page = client.get(f"/ledger/s/{s.pk}/")
    assert page.status_code == 200 and "总体满意度" in page.content.decode()
    r = client.post(f"/ledger/s/{s.pk}/", {f"q{q1.pk}": "4", f"q{q2.pk}": "网上看不到进度"})
    assert "提交成功" in r.content.decode()
    r = client.post(f"/ledger/s/{s.pk}/", {f"q{q1.pk}": "5"})
    assert r.status_code == 400 and "只能提交一次" in r.content.decode()
    assert Response.objects.count() == 1
    client.force_login(w.office)
    page = client.get(f"/ledger/surveys/{s.pk}/").content.decode()
    assert "网上看不到进度" in page and "转为问题" in page
    answer = Response.objects.get().answers.get(question=q2)
    r = client.post("/ledger/convert/", {"kind": "answer", "id": answer.pk})
    made = Problem.objects.get(source_answer=answer)
    assert r.status_code == 302 and r["Location"] == f"/ledger/problem/{made.pk}/"


def test_staff_pages_render(client, w, admin_a):
    p = closed(w, assigned(w, co=False))
    client.force_login(w.office)
    for url in ["/ledger/", "/ledger/surveys/", "/ledger/assessment/", f"/ledger/problem/{p.pk}/",
                "/ledger/import/template.xlsx"]:
        assert client.get(url).status_code == 200, url
    row = services.recheck_commit(actor=w.office, campaign_id=w.campaign.pk)
    assert w.campaign.code in client.get(f"/ledger/recheck/{row.pk}/").content.decode()
    client.force_login(w.clerk)
    assert client.get("/ledger/tasks/").status_code == 200
    assert client.get("/ledger/signoff/").status_code == 403


def test_the_enterprise_says_whether_it_is_satisfied(client, w, enterprise_user):
    p = closed(w, assigned(w, raised_by=enterprise_user, enterprise=enterprise_user.enterprise))
    client.force_login(enterprise_user)
    assert p.title[:8] in client.get("/ledger/mine/").content.decode()
    client.post(f"/ledger/mine/{p.pk}/answer/", {"satisfied": "0", "note": "还是要跑两趟"})
    p.refresh_from_db()
    assert p.status == Status.RECTIFYING and p.round == 2


def test_assessment_table_drills_down_to_records(client, w, admin_a, pin_today):
    from tongban.ledger.assessment import services as svc

    p = closed(w, assigned(w, co=False))
    ind = svc.indicator_define(actor=admin_a, code="ledger.on_time", name="按期销号率", kind="computed",
                               computation="ledger.closed_on_time")
    scheme = svc.scheme_create(actor=admin_a, organisation=w.city, name="方案", items=[(ind, "department", "100")])
    pin_today(dt.date(2026, 4, 2))
    run = svc.assessment_run(actor=admin_a, scheme_id=scheme.pk, period="2026Q1")
    client.force_login(admin_a)
    page = client.get(f"/ledger/assessment/run/{run.pk}/").content.decode()
    assert "100.00" in page and "优秀" in page
    point = run.scores.get(organisation=w.dept).points.get()
    page = client.get(f"/ledger/assessment/point/{point.pk}/").content.decode()
    assert p.number in page and "达标" in page


def test_the_enterprise_home_asks_about_closed_problems(client, w, enterprise_user):
    closed(w, assigned(w, "咨询电话无人接听", raised_by=enterprise_user, enterprise=enterprise_user.enterprise))
    client.force_login(enterprise_user)
    page = client.get("/").content.decode()
    assert "咨询电话无人接听" in page and "请评价是否满意" in page


def test_the_board_query_count_does_not_grow_with_problems(client, w, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assigned(w, "第一个问题：材料多")
    client.force_login(w.office)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/ledger/campaign/{w.campaign.pk}/")
    for i in range(6):
        assigned(w, f"第{i}个其他问题：时间{i}长而且要跑{i}趟")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/ledger/campaign/{w.campaign.pk}/")
