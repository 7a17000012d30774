"""Appeals fixtures: categories, a routing rule to city_a, its staff, and a helper to file."""

import datetime as dt

import pytest

from tongban.accounts.models import Role

from ..factories import StaffFactory
from .factories import file_appeal as _file_appeal
from .factories import make_categories, route_to


@pytest.fixture
def monday(settings):
    # 2025-03-03 is a Monday with no holiday in the following weeks.
    settings.TONGBAN_TODAY = dt.date(2025, 3, 3)
    return settings.TONGBAN_TODAY


@pytest.fixture
def categories(db):
    return make_categories()


@pytest.fixture
def rule(city_a, categories):
    return route_to(city_a, name="易地建设费", keywords="易地建设费,减免", category=categories["fee"])


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
    def _file(actor=citizen, **data):
        return _file_appeal(actor, **data)

    return _file


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit side effects (notifications) of the calls inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
