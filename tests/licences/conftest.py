"""Licence types mapped to the cases test item, staff who decide and revoke, and helpers that
run a case to approval and issue licences directly."""

import datetime as dt
import uuid

import pytest

from tongban.accounts.models import Role
from tongban.cases import services as cases
from tongban.catalog.models import Material
from tongban.licences import services
from tongban.licences.models import LicenceType, LicenceTypeItem

from ..cases.conftest import (  # noqa: F401
    _fresh_calendar,
    approver,
    clerk,
    make_item,
    pdf,
    pin_today,
    reviewer,
    submit,
    version,
)
from ..factories import EnterpriseUserFactory, StaffFactory

FIELDS = [
    {"key": "project_name", "label": "项目名称", "source": "project_name", "public": True},
    {"key": "address", "label": "建设地点", "source": "address", "public": False},
    {"key": "case_number", "label": "办件编号", "source": "case_number", "public": False},
]


@pytest.fixture
def licence_type(province, version):  # noqa: F811 - fixtures imported above
    lt = LicenceType.objects.create(code="LIC-RFJSSP", name="人防工程建设审批意见书", organisation=province,
                                    fields=FIELDS, validity_months=24)
    LicenceTypeItem.objects.create(licence_type=lt, base_code=version.item.base_code)
    return lt


@pytest.fixture
def admin_city(city_a):
    return StaffFactory(username="l_admin_a", organisation=city_a, roles=[Role.ADMIN])


@pytest.fixture
def approver_b(city_b):
    return StaffFactory(username="l_approver_b", organisation=city_b, roles=[Role.APPROVER])


@pytest.fixture
def approve(clerk, reviewer, approver):  # noqa: F811
    """Take a submitted case through acceptance, review and approval."""

    def _approve(case, decision="approve"):
        cases.case_accept(actor=clerk, case_id=case.pk)
        cases.case_submit_review(actor=reviewer, case_id=case.pk, opinion="符合条件", recommend=decision)
        return cases.case_decide(actor=approver, case_id=case.pk, decision=decision,
                                 reasons="" if decision == "approve" else "不符合条件")

    return _approve


@pytest.fixture
def issue(licence_type, city_a, enterprise_user):
    """Issue a licence of the type to the enterprise directly (as the system)."""

    def _issue(holder_user=None, issued_on=None, **fields):
        holder_user = holder_user or enterprise_user
        ent = holder_user.enterprise
        return services.licence_issue(
            actor=None, licence_type=licence_type, issuer=city_a, holder_name=ent.name, holder_code=ent.uscc,
            holder=holder_user, holder_enterprise=ent, issued_on=issued_on,
            fields={"project_name": "龙湖里住宅小区", "address": "郑州市郑东新区", "case_number": "X-1", **fields},
        )

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


def submit_with(actor, version, files=None, provided=None, key=None):  # noqa: F811
    return cases.case_submit(
        actor=actor, version=version, data={"contact_name": "王经理", "contact_phone": "13800138000"},
        files=files or {}, provided=provided, submission_key=key or uuid.uuid4().hex,
    )


D = dt.date
