"""A bundle of three published items at two cities, the staff of city_a who handle its cases,
and a licence type that can provide one of its materials."""

import pytest

from tongban.catalog.models import Material

from ..cases.factories import make_item
from ..factories import EnterpriseUserFactory
from ..licences.factories import issue_licence, make_licence_type
from .factories import make_bundle


@pytest.fixture
def version(city_a):
    return make_item(city_a)





@pytest.fixture
def other_enterprise_user(db):
    return EnterpriseUserFactory(username="ent_other")


@pytest.fixture
def licence_type(province, version):
    return make_licence_type(province, base_code=version.item.base_code)


@pytest.fixture
def issue(licence_type, city_a, enterprise_user):
    def _issue(holder_user=None, **fields):
        return issue_licence(licence_type, city_a, holder_user or enterprise_user, **fields)

    return _issue


@pytest.fixture
def bundle(city_a, city_b, version, licence_type):
    """Three items at two cities; the 规划许可证 is asked for by two of them, and the third's
    审批意见书 can come from a licence."""
    second = make_item(city_b, code="11410300MD0001", name="人防工程质量监督注册")
    third = make_item(city_a, code="11410100ME0001", name="防空地下室竣工验收备案")
    Material.objects.filter(version=third, order=2).update(name="人防工程建设审批意见书", provides_from=licence_type.code)
    return make_bundle(city_a, [version, second, third])
