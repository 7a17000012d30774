"""What the public and the rater see: a bad review's text is published only once verified and
never with abusive words; the thanks after a good rating does not talk about bad reviews; an
answered appeal asks its requester for satisfaction once."""

import pytest

from tongban.accounts.models import Role
from tongban.appeals.models import Callback
from tongban.core.calendar_store import invalidate
from tongban.reviews import moderation, services

from ..factories import StaffFactory
from .factories import answered_appeal, concluded_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar():
    invalidate()
    yield
    invalidate()


@pytest.fixture
def unit(city_a):
    return {
        "clerk": StaffFactory(username="p_clerk", organisation=city_a, roles=[Role.CLERK]),
        "reviewer": StaffFactory(username="p_reviewer", organisation=city_a, roles=[Role.REVIEWER]),
        "approver": StaffFactory(username="p_approver", organisation=city_a, roles=[Role.APPROVER]),
    }


@pytest.fixture
def case(city_a, enterprise_user, unit):
    return concluded_case(city_a, enterprise_user, **unit)


def _public(client, org):
    return client.get(f"/reviews/public/org/{org.pk}/").content.decode()


def test_an_unverified_bad_review_counts_without_its_text(client, city_a, case, enterprise_user):
    services.rating_submit_case(actor=enterprise_user, case_id=case.pk, level=1, text="窗口人员收了好处费")
    page = _public(client, city_a)
    assert "窗口人员收了好处费" not in page
    assert "核实后公开评价内容" in page and "非常不满意" in page
    assert "100.0%" in page  # the bad rate counts it
    item_page = client.get(f"/reviews/public/item/{case.item_id}/").content.decode()
    assert "窗口人员收了好处费" not in item_page


def test_a_verified_bad_review_is_shown_and_an_answered_one_with_its_answer(client, city_a, case, enterprise_user,
                                                                           unit):
    rating = services.rating_submit_case(actor=enterprise_user, case_id=case.pk, level=2, text="材料要求太多")
    rect = rating.rectification
    services.rectification_verify(actor=unit["clerk"], rectification_id=rect.pk, verification="回访属实", founded=True)
    assert "材料要求太多" in _public(client, city_a)
    services.rectification_answer(actor=unit["clerk"], rectification_id=rect.pk, outcome="rectified",
                                  measures="精简两项", answer="已精简材料")
    page = _public(client, city_a)
    assert "材料要求太多" in page and "已精简材料" in page


def test_abusive_words_are_masked_on_the_public_page(client, city_a, case, enterprise_user, unit):
    rating = services.rating_submit_case(actor=enterprise_user, case_id=case.pk, level=1,
                                         text="办事员是个傻逼，拖了一个月")
    services.rectification_verify(actor=unit["clerk"], rectification_id=rating.rectification.pk,
                                  verification="回访：办理超期属实", founded=True)
    page = _public(client, city_a)
    assert "傻逼" not in page and "办事员是个＊＊，拖了一个月" in page


def test_the_mask_leaves_ordinary_words_alone():
    assert moderation.mask("你妈的，SB") == "＊＊，＊＊"
    assert moderation.mask("我妈妈的证件，USB 接口，尼玛次仁，生日你好") == "我妈妈的证件，USB 接口，尼玛次仁，生日你好"


@pytest.mark.parametrize("level", [5, 4])
def test_after_a_good_rating_the_thanks_does_not_talk_about_bad_reviews(client, case, enterprise_user, level):
    client.force_login(enterprise_user)
    response = client.post(f"/reviews/rate/case/{case.pk}/", {"level": str(level)}, follow=True)
    page = response.content.decode()
    assert "感谢您的评价" in page and "差评" not in page.split("感谢您的评价")[1][:40]
    assert "整改" not in page.split("感谢您的评价")[1][:40]


def test_after_a_bad_rating_the_thanks_says_when_it_will_be_answered(client, case, enterprise_user):
    client.force_login(enterprise_user)
    page = client.post(f"/reviews/rate/case/{case.pk}/", {"level": "1", "text": "太慢"}, follow=True).content.decode()
    from tongban.reviews.models import Rectification

    rect = Rectification.objects.get()
    assert f"{rect.limit_days} 个工作日内（{rect.due_on:%Y-%m-%d} 前）核实、整改并答复您" in page


def test_an_answered_appeal_shows_one_satisfaction_form_and_the_rating_records_the_callback(
        client, citizen, city_a, unit):
    appeal = answered_appeal(citizen, city_a, handler=unit["clerk"])
    client.force_login(citizen)
    page = client.get(f"/appeals/mine/{appeal.pk}/").content.decode()
    assert page.count("您对答复是否满意") == 1 and 'name="satisfaction"' not in page
    assert "评价本次服务（好差评）" in page
    client.post(f"/reviews/rate/appeal/{appeal.pk}/", {"level": "2", "text": "答非所问"})
    appeal.refresh_from_db()
    callback = Callback.objects.get(appeal=appeal)
    assert appeal.status == "closed" and appeal.satisfaction == "unsatisfied"
    assert callback.method == Callback.Method.ONLINE and callback.note == "答非所问"
    page = client.get(f"/appeals/mine/{appeal.pk}/").content.decode()
    assert "您已评价" in page and "申请重新办理" in page  # unsatisfied: the one reopening is offered


def test_an_anonymous_requester_rates_once_by_code_and_the_callback_is_recorded(client, city_a, unit):
    appeal = answered_appeal(None, city_a, handler=unit["clerk"], kind="complaint", content="排队太久",
                             phone="13900001111")
    track = client.get("/appeals/track/", {"number": appeal.number, "code": appeal.query_code}).content.decode()
    assert track.count("您对答复是否满意") == 1 and 'name="satisfaction"' not in track
    client.post("/reviews/rate/appeal/", {"number": appeal.number, "code": appeal.query_code, "level": "5"})
    appeal.refresh_from_db()
    assert appeal.status == "closed" and appeal.satisfaction == "satisfied"
