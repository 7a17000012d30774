"""Licence types mapped to a published item at city_a, staff who decide and revoke, and helpers
that run a case to approval and issue licences directly."""


import pytest

from tongban.accounts.models import Role
from tongban.catalog.models import Material

from ..cases.factories import decide_case, make_item, submit_case
from ..factories import EnterpriseUserFactory, StaffFactory
from .factories import issue_licence, make_licence_type


@pytest.fixture
def version(city_a):
    return make_item(city_a)





@pytest.fixture
def submit(enterprise_user, version):
    def _submit(actor=None, **data):
        return submit_case(actor or enterprise_user, version, **{"project_name": "郑东新区某住宅项目", **data})

    return _submit


@pytest.fixture
def licence_type(province, version):
    return make_licence_type(province, base_code=version.item.base_code)


@pytest.fixture
def admin_city(city_a):
    return StaffFactory(username="l_admin_a", organisation=city_a, roles=[Role.ADMIN])


@pytest.fixture
def approver_b(city_b):
    return StaffFactory(username="l_approver_b", organisation=city_b, roles=[Role.APPROVER])


@pytest.fixture
def approve(clerk, reviewer, approver):
    """Take a submitted case through acceptance, review and approval."""

    def _approve(case, decision="approve"):
        return decide_case(case, clerk=clerk, reviewer=reviewer, approver=approver, decision=decision)

    return _approve


@pytest.fixture
def issue(licence_type, city_a, enterprise_user):
    """Issue a licence of the type to the enterprise directly (as the system)."""

    def _issue(holder_user=None, issued_on=None, **fields):
        return issue_licence(licence_type, city_a, holder_user or enterprise_user, issued_on=issued_on, **fields)

    return _issue


@pytest.fixture
def other_enterprise_user(db):
    return EnterpriseUserFactory(username="ent_other")


@pytest.fixture
def reuse_version(city_a, licence_type):
    """A second item whose first material can come from the licence type."""
    v = make_item(city_a, code="11410100MC0002", name="人防工程质量监督注册")
    Material.objects.filter(version=v, order=1).update(name="人防工程建设审批意见书", provides_from=licence_type.code)
    return v
