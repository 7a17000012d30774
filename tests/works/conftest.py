"""A station under city_a (and one under city_b), its staff, builders, the fee rules, a pinned day."""

from __future__ import annotations

import pytest

from tongban.accounts.models import Role

from ..factories import EnterpriseFactory, EnterpriseUserFactory, StaffFactory
from .factories import TODAY, make_fee_schedule, make_station


@pytest.fixture(autouse=True)
def today(settings, db):
    settings.TONGBAN_TODAY = TODAY
    return TODAY


@pytest.fixture
def station(city_a):
    return make_station(city_a)


@pytest.fixture
def station_b(city_b):
    return make_station(city_b)


@pytest.fixture
def fee_schedule(province):
    return make_fee_schedule(province)


@pytest.fixture
def w_clerk(station):
    return StaffFactory(username="w_clerk", organisation=station, roles=[Role.CLERK])


@pytest.fixture
def w_head(station):
    return StaffFactory(username="w_head", organisation=station, roles=[Role.APPROVER])


@pytest.fixture
def w_sup(station):
    return StaffFactory(username="w_sup", real_name="许监督", organisation=station, roles=[Role.INSPECTOR])


@pytest.fixture
def w_fee(station):
    return StaffFactory(username="w_fee", organisation=station, roles=[Role.REVIEWER])


@pytest.fixture
def w_other(station_b):
    return StaffFactory(username="w_other", organisation=station_b, roles=[Role.APPROVER, Role.CLERK, Role.INSPECTOR])


@pytest.fixture
def builder(db):
    return EnterpriseUserFactory(username="builder1")


@pytest.fixture
def other_builder(db):
    return EnterpriseUserFactory(username="builder2")


@pytest.fixture
def contractor(db):
    return EnterpriseFactory(name="测试人防施工有限公司")


@pytest.fixture
def maker(db):
    return EnterpriseFactory(name="测试防护设备有限公司")


@pytest.fixture
def world(fee_schedule, station, w_clerk, w_head, w_sup, w_fee, builder):
    return {"clerk": w_clerk, "head": w_head, "sup": w_sup, "fee": w_fee, "builder": builder}
