"""Appeals fixtures: categories, a routing rule to city_a, its staff, and a helper to file."""

import datetime as dt

import pytest

from tongban.accounts.models import Role
from tongban.appeals.models import Category, RoutingRule
from tongban.core.calendar_store import invalidate

from ..factories import StaffFactory


@pytest.fixture(autouse=True)
def _fresh_calendar():
    invalidate()
    yield
    invalidate()


@pytest.fixture
def monday(settings):
    # 2025-03-03 is a Monday with no holiday in the following weeks.
    settings.TONGBAN_TODAY = dt.date(2025, 3, 3)
    return settings.TONGBAN_TODAY


@pytest.fixture
def categories(db):
    return {
        "fee": Category.objects.create(code="rf-fee", name="易地建设费", default_kind="consultation"),
        "quality": Category.objects.create(code="rf-quality", name="人防工程质量", default_kind="complaint"),
    }


@pytest.fixture
def rule(city_a, categories):
    return RoutingRule.objects.create(name="易地建设费", priority=100, keywords="易地建设费,减免",
                                      category=categories["fee"], organisation=city_a)


@pytest.fixture
def handler_a(dept_a):
    return StaffFactory(username="h_clerk_a", real_name="甲窗口", organisation=dept_a, roles=[Role.CLERK])


@pytest.fixture
def handler_b(city_b):
    return StaffFactory(username="h_clerk_b", real_name="乙窗口", organisation=city_b, roles=[Role.CLERK])


@pytest.fixture
def supervisor_p(province):
    return StaffFactory(username="h_supervisor", organisation=province, roles=[Role.SUPERVISOR])


@pytest.fixture
def file_appeal(citizen, rule):
    from tongban.appeals.services import appeal_submit

    def _file(actor=citizen, **data):
        payload = {"kind": "consultation", "title": "易地建设费减免", "content": "民办幼儿园的易地建设费能否减免？",
                   **data}
        return appeal_submit(actor=actor, data=payload, channel=data.pop("channel", "web"),
                             client_ip=data.pop("ip", "127.0.0.9"))

    return _file


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit side effects (notifications) of the calls inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
