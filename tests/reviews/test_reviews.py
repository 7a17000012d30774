"""好差评: the single rating, bad-review rectification and its deadline, the appeal of a malicious
rating, metrics and the public page."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.accounts.models import Role
from tongban.cases import services as cases
from tongban.core.calendar_store import invalidate
from tongban.core.errors import Conflict
from tongban.core.models import Notification
from tongban.reviews import selectors, services
from tongban.reviews.models import Rating, RatingAppeal, Rectification, Window

from ..cases.factories import make_item, pdf
from ..factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar():
    invalidate()
    yield
    invalidate()


@pytest.fixture
def staff(city_a):
    return {
        "clerk": StaffFactory(username="r_clerk", organisation=city_a, roles=[Role.CLERK]),
        "reviewer": StaffFactory(username="r_reviewer", organisation=city_a, roles=[Role.REVIEWER]),
        "approver": StaffFactory(username="r_approver", organisation=city_a, roles=[Role.APPROVER]),
        "approver2": StaffFactory(username="r_approver2", organisation=city_a, roles=[Role.APPROVER]),
    }


@pytest.fixture
def concluded_case(city_a, enterprise_user, staff, django_capture_on_commit_callbacks):
    version = make_item(city_a)
    case = cases.case_submit(actor=enterprise_user, version=version,
                             data={"contact_name": "王经理", "contact_phone": "13800138000"},
                             files={str(m.pk): pdf() for m in version.materials.all()}, submission_key=uuid.uuid4().hex)
    cases.case_accept(actor=staff["clerk"], case_id=case.pk)
    cases.case_submit_review(actor=staff["reviewer"], case_id=case.pk, opinion="符合", recommend="approve")
    with django_capture_on_commit_callbacks(execute=True):
        cases.case_decide(actor=staff["approver"], case_id=case.pk, decision="approve", reasons="")
    case.refresh_from_db()
    return case


def test_a_decided_case_invites_its_applicant_to_rate(concluded_case, enterprise_user):
    note = Notification.objects.get(recipient=enterprise_user, title__contains="请评价")
    assert note.url == f"/reviews/rate/case/{concluded_case.pk}/"


def test_the_applicant_rates_a_concluded_case_once(concluded_case, enterprise_user, citizen):
    rating = services.rating_submit_case(actor=enterprise_user, case_id=concluded_case.pk, level=5,
                                         aspects=["efficiency", "attitude"], text="很快")
    assert rating.organisation == concluded_case.organisation and rating.item_id == concluded_case.item_id
    assert rating.state == Rating.State.NORMAL and not hasattr(rating, "rectification")
    with pytest.raises(Conflict, match="只能评价一次"):
        services.rating_submit_case(actor=enterprise_user, case_id=concluded_case.pk, level=1, text="改评差评")
    with pytest.raises(PermissionDenied):
        services.rating_submit_case(actor=citizen, case_id=concluded_case.pk, level=1, text="不是我的")
    assert Rating.objects.count() == 1


def test_an_open_case_cannot_be_rated(city_a, enterprise_user):
    version = make_item(city_a, code="11410100MB0009")
    case = cases.case_submit(actor=enterprise_user, version=version, data={"contact_name": "王", "contact_phone": "13800138000"},
                             files={str(m.pk): pdf() for m in version.materials.all()}, submission_key="k1")
    with pytest.raises(Conflict, match="办结后"):
        services.rating_submit_case(actor=enterprise_user, case_id=case.pk, level=4)


def test_bad_input_is_refused(concluded_case, enterprise_user):
    with pytest.raises(ValidationError) as err:
        services.rating_submit_case(actor=enterprise_user, case_id=concluded_case.pk, level=9, aspects=["nope"])
    assert {"level", "aspects"} <= set(err.value.message_dict)
    with pytest.raises(ValidationError, match="差评请至少"):
        services.rating_submit_case(actor=enterprise_user, case_id=concluded_case.pk, level=1)
    assert not Rating.objects.exists()


def test_a_bad_review_opens_a_rectification_due_in_15_working_days(settings, concluded_case, enterprise_user, staff,
                                                                   django_capture_on_commit_callbacks):
    settings.TONGBAN_TODAY = dt.date(2025, 3, 3)  # Monday
    with django_capture_on_commit_callbacks(execute=True):
        rating = services.rating_submit_case(actor=enterprise_user, case_id=concluded_case.pk, level=2,
                                             aspects=["materials"], text="材料要求太多")
    rect = rating.rectification
    assert rating.state == Rating.State.RECTIFYING and rect.status == Rectification.Status.VERIFYING
    assert rect.due_on == dt.date(2025, 3, 24) and rect.limit_days == 15
    assert Notification.objects.filter(recipient=staff["clerk"], title__contains="收到差评").exists()
    with pytest.raises(Conflict):  # must verify first
        services.rectification_answer(actor=staff["clerk"], rectification_id=rect.pk, outcome="rectified",
                                      measures="x", answer="y")
    services.rectification_verify(actor=staff["clerk"], rectification_id=rect.pk, verification="电话回访，属实",
                                  founded=True)
    with pytest.raises(ValidationError, match="须整改"):
        services.rectification_answer(actor=staff["clerk"], rectification_id=rect.pk, outcome="explained",
                                      measures="解释", answer="解释")
    settings.TONGBAN_TODAY = dt.date(2025, 3, 24)
    with django_capture_on_commit_callbacks(execute=True):
        services.rectification_answer(actor=staff["clerk"], rectification_id=rect.pk, outcome="rectified",
                                      measures="精简材料两项", answer="已精简材料，感谢监督。")
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.ANSWERED and rect.on_time is True
    assert Rating.objects.get().state == Rating.State.RECTIFIED
    assert Notification.objects.filter(recipient=enterprise_user, title__contains="已得到处理").exists()
    assert selectors.summary(Rating.objects.all())["on_time_rate"] == 100.0


def test_a_late_answer_counts_as_not_on_time_and_the_sweep_warns(settings, concluded_case, enterprise_user, staff):
    from tongban.reviews.sweep import run_sweep

    settings.TONGBAN_TODAY = dt.date(2025, 3, 3)
    rating = services.rating_submit_case(actor=enterprise_user, case_id=concluded_case.pk, level=1, text="太慢")
    settings.TONGBAN_TODAY = dt.date(2025, 3, 25)
    run_sweep()
    rect = Rectification.objects.get()
    assert rect.warning == "red"
    services.rectification_verify(actor=staff["clerk"], rectification_id=rect.pk, verification="核实", founded=False)
    services.rectification_answer(actor=staff["clerk"], rectification_id=rect.pk, outcome="explained",
                                  measures="按法定时限办结", answer="说明")
    rect.refresh_from_db()
    assert rect.on_time is False and rect.warning == ""
    assert selectors.summary(Rating.objects.filter(pk=rating.pk))["on_time_rate"] == 0.0


def test_a_malicious_rating_is_appealed_and_an_approver_decides(concluded_case, enterprise_user, staff, client):
    rating = services.rating_submit_case(actor=enterprise_user, case_id=concluded_case.pk, level=1,
                                         text="辱骂内容，与服务无关")
    row = services.rating_appeal_file(actor=staff["clerk"], rating_id=rating.pk, reason="malicious",
                                      statement="评价内容为辱骂，办理过程有录音录像")
    with pytest.raises(Conflict):
        services.rating_appeal_file(actor=staff["clerk"], rating_id=rating.pk, reason="malicious", statement="again")
    with pytest.raises(PermissionDenied):  # a clerk is not an approver
        services.rating_appeal_decide(actor=staff["clerk"], appeal_id=row.pk, uphold=True, note="x")
    services.rating_appeal_decide(actor=staff["approver"], appeal_id=row.pk, uphold=True, note="证据充分，认定恶意差评")
    rating.refresh_from_db()
    assert rating.state == Rating.State.VOIDED and rating.rectification.status == Rectification.Status.VOIDED
    assert selectors.summary(Rating.objects.all())["count"] == 0


def test_the_filer_cannot_decide_their_own_appeal_and_a_rejected_appeal_changes_nothing(concluded_case,
                                                                                        enterprise_user, staff):
    rating = services.rating_submit_case(actor=enterprise_user, case_id=concluded_case.pk, level=2, text="慢")
    row = services.rating_appeal_file(actor=staff["approver"], rating_id=rating.pk, reason="mistaken", statement="误评")
    with pytest.raises(PermissionDenied, match="不能审核自己"):
        services.rating_appeal_decide(actor=staff["approver"], appeal_id=row.pk, uphold=True, note="x")
    services.rating_appeal_decide(actor=staff["approver2"], appeal_id=row.pk, uphold=False, note="证据不足")
    rating.refresh_from_db()
    assert RatingAppeal.objects.get().status == "rejected" and rating.state == Rating.State.RECTIFYING


def test_window_pad_rating_and_metrics(client, staff, city_a, city_b):
    window = Window.objects.create(organisation=city_a, number="1", name="综合窗口")
    client.force_login(staff["clerk"])
    assert client.get(f"/reviews/windows/{window.pk}/pad/").status_code == 200
    client.post(f"/reviews/windows/{window.pk}/pad/", {"level": "5", "aspects": ["attitude"]})
    client.post(f"/reviews/windows/{window.pk}/pad/", {"level": "2", "text": "等太久", "rater_name": "王女士",
                                                      "rater_phone": "13600001234"})
    ratings = Rating.objects.order_by("id")
    assert [r.level for r in ratings] == [5, 2] and ratings[0].staff == staff["clerk"]
    assert ratings[1].real_name and not ratings[0].real_name
    other = StaffFactory(username="r_clerk_b", organisation=city_b, roles=[Role.CLERK])
    client.force_login(other)
    assert client.get(f"/reviews/windows/{window.pk}/pad/").status_code == 404
    row = selectors.by_window(Rating.objects.all())[0]
    assert row["count"] == 2 and row["satisfaction"] == 50.0 and row["bad_rate"] == 50.0


def test_coverage_and_the_public_pages(client, concluded_case, enterprise_user, city_a):
    services.rating_submit_case(actor=enterprise_user, case_id=concluded_case.pk, level=4)
    row = selectors.by_agency(Rating.objects.all(), [city_a])[0]
    assert row["coverage"] == 100.0 and row["count"] == 1 and row["satisfaction"] == 100.0 and row["score"] == 75.0
    page = client.get("/reviews/public/").content.decode()
    assert "甲市人防办" in page and "100.0%" in page
    assert client.get(f"/reviews/public/org/{city_a.pk}/").status_code == 200
    assert client.get(f"/reviews/public/item/{concluded_case.item_id}/").status_code == 200


def test_an_answered_appeal_is_rated_once_by_its_requester(citizen, city_a, staff):
    from tongban.appeals import services as appeals
    from tongban.appeals.models import RoutingRule

    RoutingRule.objects.create(name="all", organisation=city_a)
    appeal = appeals.appeal_submit(actor=citizen, data={"kind": "consultation", "content": "问题"}, channel="web")
    with pytest.raises(Conflict):
        services.rating_submit_appeal(actor=citizen, appeal_id=appeal.pk, level=5)
    appeals.appeal_accept(actor=staff["clerk"], appeal_id=appeal.pk)
    appeals.appeal_reply(actor=staff["clerk"], appeal_id=appeal.pk, body="答复")
    rating = services.rating_submit_appeal(actor=citizen, appeal_id=appeal.pk, level=5)
    assert rating.target == "appeal" and rating.staff == staff["clerk"]
    with pytest.raises(Conflict):
        services.rating_submit_appeal(actor=citizen, appeal_id=appeal.pk, level=1, text="x")


def test_api_review_operations(client, concluded_case, enterprise_user, staff):
    client.force_login(enterprise_user)
    created = client.post("/api/v1/reviews/", {"target": "case", "case_id": concluded_case.pk, "level": 1,
                                               "text": "太慢"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["rectification"]["status"] == "verifying"
    rid = created.json()["id"]
    again = client.post("/api/v1/reviews/", {"target": "case", "case_id": concluded_case.pk, "level": 5},
                        content_type="application/json")
    assert again.status_code == 409
    client.force_login(staff["clerk"])
    assert client.get("/api/v1/reviews/", {"bad": True}).json()[0]["id"] == rid
    step = client.post(f"/api/v1/reviews/{rid}/rectify", {"step": "verify", "verification": "核实属实"},
                       content_type="application/json")
    assert step.json()["rectification"]["status"] == "rectifying"
    done = client.post(f"/api/v1/reviews/{rid}/rectify", {"step": "answer", "outcome": "rectified",
                                                          "measures": "提速", "answer": "已整改"},
                       content_type="application/json")
    assert done.json()["rectification"]["status"] == "answered" and done.json()["state"] == "rectified"


def test_staff_rating_page_shows_actions_by_role(client, concluded_case, enterprise_user, staff):
    rating = services.rating_submit_case(actor=enterprise_user, case_id=concluded_case.pk, level=2, text="差")
    client.force_login(staff["clerk"])
    page = client.get(f"/reviews/{rating.pk}/").content.decode()
    assert "记录核实" in page and "提交申诉" in page
    client.post(f"/reviews/{rating.pk}/act/appeal/", {"reason": "mistaken", "statement": "评错了对象"})
    client.force_login(staff["approver"])
    assert "审核申诉" in client.get(f"/reviews/{rating.pk}/").content.decode()
    client.post(f"/reviews/{rating.pk}/act/decide/", {"uphold": "1", "note": "属实"})
    assert Rating.objects.get().state == "voided"


def test_an_anonymous_requester_rates_from_the_tracking_page(client, city_a, staff):
    from tongban.appeals import services as appeals
    from tongban.appeals.models import RoutingRule

    RoutingRule.objects.create(name="all", organisation=city_a)
    appeal = appeals.appeal_submit(actor=None, data={"kind": "complaint", "content": "窗口排队太久",
                                                     "phone": "13900001111"}, channel="web", client_ip="10.1.1.1")
    appeals.appeal_accept(actor=staff["clerk"], appeal_id=appeal.pk)
    appeals.appeal_reply(actor=staff["clerk"], appeal_id=appeal.pk, body="已增设窗口")
    track = client.get("/appeals/track/", {"number": appeal.number, "code": appeal.query_code}).content.decode()
    assert "评价本次服务" in track
    url = f"/reviews/rate/appeal/?number={appeal.number}&code={appeal.query_code}"
    assert client.get(url).status_code == 200
    assert client.get("/reviews/rate/appeal/?number=x&code=y").status_code == 404
    client.post(url, {"number": appeal.number, "code": appeal.query_code, "level": "2", "aspects": ["efficiency"]})
    rating = Rating.objects.get()
    assert rating.target == "appeal" and not rating.real_name and rating.rectification.status == "verifying"
    assert "您已评价" in client.get("/appeals/track/", {"number": appeal.number,
                                                       "code": appeal.query_code}).content.decode()


def test_a_new_holiday_moves_an_open_rectification_deadline(settings, concluded_case, enterprise_user, admin_p,
                                                           django_capture_on_commit_callbacks):
    from tongban.core import calendar_store

    settings.TONGBAN_TODAY = dt.date(2027, 3, 1)  # Monday of a year whose schedule is not entered
    rating = services.rating_submit_case(actor=enterprise_user, case_id=concluded_case.pk, level=1, text="态度差")
    assert rating.rectification.due_on == dt.date(2027, 3, 22)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_store.calendar_day_set(actor=admin_p, date=dt.date(2027, 3, 10), kind="holiday", name="测试假日")
    rating.rectification.refresh_from_db()
    assert rating.rectification.due_on == dt.date(2027, 3, 23)


def test_a_supervisor_presses_a_rectification_and_the_unit_acting_answers_it(
    client, concluded_case, enterprise_user, staff, supervisor_a, django_capture_on_commit_callbacks
):
    from tongban.core import supervision
    from tongban.core.inbox import items_for

    rating = services.rating_submit_case(actor=enterprise_user, case_id=concluded_case.pk, level=1, text="态度差")
    rect = rating.rectification
    with pytest.raises(PermissionDenied):  # the unit itself does not press
        services.rectification_press(actor=staff["clerk"], rectification_id=rect.pk, note="快办")
    client.force_login(supervisor_a)
    assert "督办意见" in client.get(f"/reviews/{rating.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reviews/{rating.pk}/act/press/", {"note": "请本周内回访评价人"}, follow=True)
    assert "已督办" in response.content.decode()
    assert Notification.objects.filter(recipient=staff["clerk"], title__contains="督办").exists()
    assert any(i.title.startswith("差评整改督办") for i in items_for(staff["clerk"]))
    services.rectification_verify(actor=staff["clerk"], rectification_id=rect.pk, verification="已回访", founded=True)
    (press,) = supervision.presses_of(rect)
    assert press.resolved_at is not None and press.resolved_by == staff["clerk"]
    assert not any(i.title.startswith("差评整改督办") for i in items_for(staff["clerk"]))
