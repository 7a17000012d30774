import pytest

from tests.factories import EnterpriseUserFactory, StaffFactory
from tongban.accounts.models import Role

from . import platforms_fake


@pytest.fixture
def credit_admin(city_a):
    return StaffFactory(username="credit_a", organisation=city_a, roles=[Role.CREDIT_ADMIN])


@pytest.fixture
def credit_admin_b(city_b):
    return StaffFactory(username="credit_b", organisation=city_b, roles=[Role.CREDIT_ADMIN])


@pytest.fixture
def firm(db):
    return EnterpriseUserFactory(username="firm1", enterprise__name="甲建设工程有限公司")


@pytest.fixture
def other_firm(db):
    return EnterpriseUserFactory(username="firm2", enterprise__name="乙建设工程有限公司")


@pytest.fixture
def city_platform(settings):
    """Records go to a mocked remote city platform besides the logging adapter."""
    settings.TONGBAN_CREDIT_PLATFORMS = ["tongban.credit.platforms.LoggingPlatform",
                                         "tests.credit.platforms_fake.CityPlatform"]
    platforms_fake.remote.reset_mock()
    counter = iter(range(1, 10_000))
    platforms_fake.remote.submit.side_effect = lambda action, payload: {"ok": True, "receipt": f"CITY-{next(counter)}"}
    return platforms_fake.remote
