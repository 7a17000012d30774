"""The missing-holiday-schedule warning (issue 14, item 10): a banner on every staff page for
those who can enter the schedule, and one note in the inbox for everyone else."""

from __future__ import annotations

import datetime as dt

import pytest

from tongban.accounts.models import Role

from ..factories import StaffFactory

pytestmark = pytest.mark.django_db
BANNER = "2027 年放假安排尚未录入"


@pytest.fixture
def november(pin_today):
    pin_today(dt.date(2026, 11, 16))


@pytest.fixture
def calendar_admin(city_a):
    return StaffFactory(username="w_cal_admin", organisation=city_a, roles=[Role.ADMIN])


@pytest.mark.parametrize("role", [Role.APPROVER, Role.SUPERVISOR, Role.CLERK])
def test_others_read_it_once_in_the_inbox_and_nowhere_else(client, city_a, november, role):
    user = StaffFactory(username=f"w_{role}", organisation=city_a, roles=[role])
    client.force_login(user)
    inbox = client.get("/workspace/").content.decode()
    assert inbox.count(BANNER) == 1 and "inbox-calendar-notice" in inbox
    assert BANNER not in client.get("/cases/").content.decode()
    assert BANNER not in client.get("/appeals/").content.decode()


def test_calendar_administrators_see_the_banner_on_every_page(client, calendar_admin, november):
    client.force_login(calendar_admin)
    for url in ("/workspace/", "/cases/", "/appeals/"):
        page = client.get(url).content.decode()
        assert page.count(BANNER) == 1, url
        assert "去录入" in page


def test_no_notice_once_the_schedule_is_entered(client, clerk_a, november):
    from tongban.core.models import CalendarYear

    CalendarYear.objects.create(year=2027, notice="国办发明电〔2026〕1号")
    client.force_login(clerk_a)
    assert BANNER not in client.get("/workspace/").content.decode()
