"""好差评 rectification limits are data: an administrator sets them per organisation on a page,
each change is audited, and a new bad review takes the nearest limit set on its organisation or
an ancestor, else the platform default (国办发〔2019〕51号 / GB/T 39735-2020, 15 working days)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.accounts.models import Role
from tongban.core.audit import AuditEvent
from tongban.core.calendar_store import invalidate
from tongban.reviews import services
from tongban.reviews.models import RectificationLimit

from ..factories import StaffFactory
from .factories import concluded_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar(settings):
    invalidate()
    settings.TONGBAN_TODAY = dt.date(2025, 3, 3)  # a Monday, no holiday in the following weeks
    yield
    invalidate()


@pytest.fixture
def unit(city_a):
    return {
        "clerk": StaffFactory(username="l_clerk", organisation=city_a, roles=[Role.CLERK]),
        "reviewer": StaffFactory(username="l_reviewer", organisation=city_a, roles=[Role.REVIEWER]),
        "approver": StaffFactory(username="l_approver", organisation=city_a, roles=[Role.APPROVER]),
    }


def _bad_review(city_a, applicant, unit, code="11410100MB0001"):
    case = concluded_case(city_a, applicant, code=code, **unit)
    return services.rating_submit_case(actor=applicant, case_id=case.pk, level=1, text="太慢")


def test_an_admin_sets_10_days_for_a_city_and_a_new_bad_review_there_is_due_10_working_days_later(
        client, admin_a, city_a, enterprise_user, unit):
    client.force_login(admin_a)
    response = client.post("/reviews/limits/", {"organisation": city_a.pk, "days": "10"}, follow=True)
    assert "整改时限已保存" in response.content.decode()
    rect = _bad_review(city_a, enterprise_user, unit).rectification
    assert rect.limit_days == 10 and rect.due_on == dt.date(2025, 3, 17)


def test_without_a_limit_the_platform_default_applies_and_units_inherit_their_ancestors(
        admin_p, admin_a, province, city_a, enterprise_user, unit):
    assert _bad_review(city_a, enterprise_user, unit).rectification.limit_days == 15
    services.rectification_limit_set(actor=admin_p, organisation_id=province.pk, days=12)
    assert _bad_review(city_a, enterprise_user, unit, code="11410100MC0001").rectification.limit_days == 12
    services.rectification_limit_set(actor=admin_a, organisation_id=city_a.pk, days=8)
    assert _bad_review(city_a, enterprise_user, unit, code="11410100MD0001").rectification.limit_days == 8
    services.rectification_limit_set(actor=admin_a, organisation_id=city_a.pk, days="")  # back to inheriting
    assert _bad_review(city_a, enterprise_user, unit, code="11410100ME0001").rectification.limit_days == 12


def test_a_running_rectification_keeps_the_deadline_it_opened_with(admin_a, city_a, enterprise_user, unit):
    rect = _bad_review(city_a, enterprise_user, unit).rectification
    services.rectification_limit_set(actor=admin_a, organisation_id=city_a.pk, days=5)
    rect.refresh_from_db()
    assert rect.limit_days == 15 and rect.due_on == dt.date(2025, 3, 24)


def test_the_page_lists_the_organisations_in_scope_with_their_limit(client, admin_a, city_a, city_b, dept_a):
    services.rectification_limit_set(actor=admin_a, organisation_id=city_a.pk, days=10)
    client.force_login(admin_a)
    page = client.get("/reviews/limits/").content.decode()
    assert "甲市人防办" in page and "甲市审批办" in page and "乙市人防办" not in page
    assert page.count("10 个工作日") == 2  # the city's own and its department's, inherited


def test_the_menu_shows_the_page_to_administrators_only(admin_a, clerk_a):
    from tongban.core.menu import menu_for

    def views(user):
        return [i["view"] for s in menu_for(user) for i in s["items"]]

    assert "reviews:limits" in views(admin_a) and "reviews:limits" not in views(clerk_a)


def test_staff_without_the_permission_get_403_and_nothing_changes(client, clerk_a, admin_b, city_a):
    client.force_login(clerk_a)
    assert client.get("/reviews/limits/").status_code == 403
    assert client.post("/reviews/limits/", {"organisation": city_a.pk, "days": "3"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.rectification_limit_set(actor=clerk_a, organisation_id=city_a.pk, days=3)
    # An administrator of another city cannot reach this one.
    client.force_login(admin_b)
    assert client.post("/reviews/limits/", {"organisation": city_a.pk, "days": "3"}).status_code == 403
    assert not RectificationLimit.objects.exists()
    assert not AuditEvent.objects.filter(action="review.limit_set").exists()


def test_the_change_is_audited(admin_a, city_a):
    services.rectification_limit_set(actor=admin_a, organisation_id=city_a.pk, days=10)
    services.rectification_limit_set(actor=admin_a, organisation_id=city_a.pk, days=7)
    events = list(AuditEvent.objects.filter(action="review.limit_set").order_by("id"))
    assert [e.changes["days"] for e in events] == [[None, 10], [10, 7]]
    assert all(e.actor_id == admin_a.pk and e.object_id == str(city_a.pk) for e in events)


@pytest.mark.parametrize("days", ["0", "100", "十", "3.5", "-2"])
def test_bad_input_is_refused_with_a_chinese_message_and_changes_nothing(client, admin_a, city_a, days):
    with pytest.raises(ValidationError, match="1 至 60 个工作日"):
        services.rectification_limit_set(actor=admin_a, organisation_id=city_a.pk, days=days)
    client.force_login(admin_a)
    response = client.post("/reviews/limits/", {"organisation": city_a.pk, "days": days})
    assert response.status_code == 400
    assert "整改答复时限应为 1 至 60 个工作日" in response.content.decode()
    assert "GB/T 39735-2020" in response.content.decode()
    assert not RectificationLimit.objects.exists()
