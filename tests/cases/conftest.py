"""A published item with two materials at city_a, applicants and the staff who handle it."""


import pytest

from tongban.accounts.models import Role

from ..factories import StaffFactory
from .factories import make_item, pdf, submit_case


@pytest.fixture
def version(city_a):
    return make_item(city_a)





@pytest.fixture
def supervisor(province):
    return StaffFactory(username="c_supervisor", organisation=province, roles=[Role.SUPERVISOR])


@pytest.fixture
def other_clerk(city_b):
    return StaffFactory(username="c_clerk_b", organisation=city_b, roles=[Role.CLERK])


@pytest.fixture
def submit(enterprise_user, version):
    """Submit an application as the enterprise user (on the pinned day, if any)."""

    def _submit(actor=None, **data):
        materials = list(version.materials.all())
        return submit_case(
            actor or enterprise_user,
            version,
            files={str(m.pk): pdf(f"{m.name}.pdf") for m in materials},
            **{"project_name": "郑东新区某住宅项目", **data},
        )

    return _submit
