import pytest

from tongban.accounts.models import Role

from ..factories import EnterpriseUserFactory, StaffFactory
from .factories import enterprise_objects, inspector, make_item, make_task


@pytest.fixture
def office(city_a):
    return city_a


@pytest.fixture
def admin(office):
    return StaffFactory(username="i_admin", real_name="管理员", organisation=office, roles=[Role.ADMIN])


@pytest.fixture
def head(office):
    return StaffFactory(username="i_head", real_name="陈主任", organisation=office, roles=[Role.APPROVER])


@pytest.fixture
def witness(office):
    return StaffFactory(username="i_witness", real_name="周督查", organisation=office, roles=[Role.SUPERVISOR])


@pytest.fixture
def inspectors(office):
    return [inspector(office, name) for name in ("吴执法", "郑执法", "王执法", "冯执法", "陈执法", "褚执法")]


@pytest.fixture
def objects(admin, office):
    return enterprise_objects(admin, office, 6)


@pytest.fixture
def item(admin, office):
    return make_item(admin, office)


@pytest.fixture
def task(admin, office, item, objects, inspectors):
    return make_task(admin, office, item)


@pytest.fixture
def company_user(objects):
    from tongban.accounts.models import Enterprise

    return EnterpriseUserFactory(username="i_company", enterprise=Enterprise.objects.get(uscc=objects[0].uscc))
